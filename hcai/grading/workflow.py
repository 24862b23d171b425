"""``grade``: autograde every new or changed submission in parallel, then feedback and export.

nbgrader does the work and keeps its records (gradebook, autograded notebooks, feedback);
this module decides what to run (:func:`plan`), runs it on a pool of workers
(:class:`Progress` records each result as it arrives), and turns nbgrader's results into
one truthful status per student (:mod:`hcai.grading.outcome`).

A submission is autograded again only when its bytes or the grading fingerprint
(:mod:`hcai.grading.fingerprint`) changed since it was last graded, or with ``--force``.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hcai.grading import gradebook
from hcai.grading import notebooks as nbcheck
from hcai.grading.arrivals import arrival_note
from hcai.grading.console import Printer, printer
from hcai.grading.course import Course, WorkflowError, ensure_generated, read_roster, sync_roster
from hcai.grading.export import write_grades_csv
from hcai.grading.fingerprint import grading_fingerprint
from hcai.grading.outcome import (
    Outcome,
    Status,
    compute_outcomes,
    describe_problems,
    explain_failure,
    grader_side,
    summary_table,
)
from hcai.grading.pool import GradingPool, Task
from hcai.grading.state import Blame, GradingState, Record, Result, hash_tree, log_dir
from hcai.grading.worker import TaskResult, make_context, run_task

#: Seconds per cell when the course config sets no ``Execute.timeout`` (nbgrader's default).
DEFAULT_CELL_TIMEOUT = 30.0


@dataclass
class GradeOptions:
    workers: int | None = None
    force: bool = False
    timeout: float | None = None
    submission_timeout: float | None = None
    unsandboxed: bool = False
    feedback: bool = True
    students: list[str] | None = None


@dataclass
class GradeRun:
    outcomes: list[Outcome]
    graded: list[str]
    skipped: list[str]
    csv_path: Path
    seconds: float

    @property
    def exit_code(self) -> int:
        return 1 if any(o.status == Status.ERROR for o in self.outcomes) else 0


@dataclass
class Precheck:
    """What a submission folder holds before nbgrader sees it."""

    result: Result
    reason: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Grading:
    """One ``grade`` run's fixed inputs, worked out once before anything is graded."""

    course: Course
    assignment: str
    options: GradeOptions
    overrides: dict[str, dict[str, Any]]
    source: Path
    names: list[str]                  # the assignment's notebook names
    expected_ids: list[str]           # its graded cells' ids
    roster: list[dict[str, str]]
    everyone: list[str]               # roster, submitters and earlier runs' students
    students: list[str]               # the ones this run considers (``--student``)
    fingerprint: str
    cell_timeout: float

    def submitted(self, student: str) -> Path:
        return self.course.submission_dir(student, self.assignment)

    def output(self, top: str, student: str) -> Path:
        return self.course.root / top / student / self.assignment


@dataclass
class Plan:
    """What this run will do: autograde some students, regenerate others' feedback."""

    tasks: list[Task] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def to_grade(self) -> list[str]:
        return [s for s, kind in self.tasks if kind == "grade"]


def grade_overrides(options: GradeOptions) -> dict[str, dict[str, Any]]:
    """The config traits the command line sets (``--timeout``, ``--unsandboxed``)."""
    overrides: dict[str, dict[str, Any]] = {}
    if options.timeout is not None:
        t = options.timeout
        overrides["Execute"] = {"timeout": int(t) if float(t).is_integer() else t}
    if options.unsandboxed:
        overrides["TrustedExecute"] = {"allow_unsandboxed": True}
    return overrides


def precheck(folder: Path, names: list[str], expected_ids: list[str]) -> Precheck:
    """Is there something nbgrader can grade in ``folder``, and what should the learner be told?"""
    if not folder.is_dir():
        return Precheck(Result.MISSING, "nothing was submitted")
    present = [n for n in names if (folder / f"{n}.ipynb").is_file()]
    if not present:
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        wanted = ", ".join(n + ".ipynb" for n in names)
        hint = f" (found {', '.join(others)}; expected {wanted})" if others else ""
        return Precheck(Result.MISSING, f"the submission has no notebook{hint}")
    notes = [f"{n}.ipynb was not submitted and scores 0" for n in names if n not in present]
    for name in present:
        try:
            data = nbcheck.read_raw(folder / f"{name}.ipynb")
        except nbcheck.UnreadableNotebook as exc:
            return Precheck(Result.ERROR, str(exc), notes)
        notes += nbcheck.submission_notes(data, expected_ids)
    return Precheck(Result.OK, "", notes)


def _code_cells(src: Path) -> int:
    count = 0
    for nb in src.glob("*.ipynb"):
        try:
            count += sum(1 for c in nbcheck.read_raw(nb)["cells"] if c.get("cell_type") == "code")
        except nbcheck.UnreadableNotebook:
            pass
    return count


def _require_sandbox(course: Course, unsandboxed: bool) -> None:
    """Stop before grading anything when the sandbox is configured but cannot run here."""
    steps = [str(p) for p in course.cfg.Autograde.get("autograde_preprocessors", [])]
    if not any("TrustedExecute" in p for p in steps):
        return
    if course.cfg.get("TrustedExecute", {}).get("sandbox", True) is False:
        return
    from hcai.engine import sandbox
    try:
        sandbox.require(unsandboxed)
    except sandbox.SandboxUnavailable as exc:
        raise WorkflowError(f"{exc}\n(or pass --unsandboxed to grade trusted notebooks without it)") from None


def open_grading(assignment: str, course_dir: str | None, options: GradeOptions, say: Printer) -> Grading:
    """Check the course and the sandbox, generate the assignment if needed, pick the students."""
    overrides = grade_overrides(options)
    course = Course.open(course_dir, overrides)
    src = course.require_assignment(assignment)
    if options.unsandboxed:
        say("WARNING: --unsandboxed: learner code may run WITHOUT the bubblewrap sandbox, with your "
            "user's rights (files, network). Use only for trusted notebooks.")
    _require_sandbox(course, options.unsandboxed)
    names = ensure_generated(course, assignment, say)
    roster = read_roster(course.root)
    if roster:
        sync_roster(course, roster)
    with course.gradebook() as gb:
        expected_ids = gradebook.grade_ids(gb, assignment)
        roster_ids = [r["student_id"] for r in roster] or [s.id for s in gb.students]
    submitted = sorted(p.parent.name for p in (course.root / "submitted").glob(f"*/{assignment}")
                       if p.is_dir() and not p.parent.name.startswith("."))
    known = GradingState(course.root, assignment).students
    everyone = sorted(set(roster_ids) | set(submitted) | set(known))
    students = everyone
    if options.students:
        unknown = sorted(set(options.students) - set(everyone))
        if unknown:
            raise WorkflowError(f"Unknown student(s): {', '.join(unknown)}")
        students = [s for s in everyone if s in options.students]
    return Grading(course, assignment, options, overrides, src, names, expected_ids, roster, everyone,
                   students, grading_fingerprint(course.root, src, overrides),
                   course.cell_timeout or DEFAULT_CELL_TIMEOUT)


def is_current(record: Record | None, digest: str, fingerprint: str, autograded: bool) -> bool:
    """Does the last run's record still stand for these bytes under this fingerprint?"""
    if record is None or record.hash != digest or record.settings != fingerprint:
        return False
    if record.kind == Blame.GRADER:  # the grading machine failed last time: try again
        return False
    if record.result == Result.OK:
        return autograded
    return record.result == Result.ERROR


def plan(g: Grading, state: GradingState) -> Plan:
    """Decide who is autograded and whose feedback is regenerated; record the rest now."""
    p = Plan()
    with g.course.gradebook() as gb:
        due = gradebook.due_date(gb, g.assignment)
        for student in g.students:
            check = precheck(g.submitted(student), g.names, g.expected_ids)
            arrival = arrival_note(g.course.root, g.assignment, student, due)
            notes = p.notes[student] = check.notes + ([arrival] if arrival else [])
            digest = hash_tree(g.submitted(student))
            record = state.get(student)
            if check.result != Result.OK:
                if check.result == Result.ERROR or record is None or record.hash != digest:
                    _remove_outputs(g, student)
                state.students[student] = Record(digest, g.fingerprint, check.result, Blame.SUBMISSION,
                                                 check.reason, notes)
                continue
            if g.options.force or not is_current(record, digest, g.fingerprint,
                                                 g.output("autograded", student).is_dir()):
                p.tasks.append((student, "grade"))
                continue
            p.skipped.append(student)
            if g.options.feedback and record is not None and record.result == Result.OK:
                fp = gradebook.feedback_fingerprint(gb, g.assignment, student)
                if fp != record.feedback_fp or not g.output("feedback", student).is_dir():
                    p.tasks.append((student, "feedback"))
    state.save()
    return p


def _remove_outputs(g: Grading, student: str, keep_autograded: bool = False) -> None:
    """Drop generated files that would describe an older version of a submission."""
    for top in ["feedback"] if keep_autograded else ["autograded", "feedback"]:
        folder = g.output(top, student)
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


class Progress:
    """Turns each finished task into the student's state record and one progress line."""

    def __init__(self, g: Grading, state: GradingState, plan: Plan, say: Printer) -> None:
        self.g, self.state, self.plan, self.say = g, state, plan, say
        self.done = 0
        self.total = len(plan.tasks)

    def record_for(self, student: str, result: TaskResult) -> Record:
        g = self.g
        digest = hash_tree(g.submitted(student))
        notes = self.plan.notes.get(student, [])
        if result.success:
            old = self.state.get(student)
            if old is not None and old.hash == digest:
                with g.course.gradebook() as gb:
                    gradebook.keep_manual_grades(gb, g.assignment, student)
            blame = Blame.GRADER if grader_side(result.problems) else Blame.NONE
            return Record(digest, g.fingerprint, Result.OK, blame, "", notes, result.problems,
                          result.seconds)
        if result.reason:
            blame, reason = Blame.SUBMISSION, result.reason
        else:
            kind, reason = explain_failure(result.log, result.error)
            blame = Blame(kind)
        _remove_outputs(g, student, keep_autograded=True)
        return Record(digest, g.fingerprint, Result.ERROR, blame, reason, notes, seconds=result.seconds)

    def on_start(self, student: str, kind: str) -> None:
        """An autograde begins: until it ends, the last record must not stand for it.

        nbgrader rewrites the autograded notebook and the gradebook rows as it goes, so a run
        stopped midway (a signal, a crash) leaves that student half-written: the record then
        says so, and the next run grades the student again (the hash is kept: manual grades
        are still carried over).
        """
        old = self.state.get(student)
        if kind == "grade" and old is not None:
            old.result, old.kind = Result.ERROR, Blame.GRADER
            old.reason = "grading was interrupted while this submission was being graded; re-run grade"
            self.state.put(student, old)

    def on_done(self, student: str, kind: str, raw: dict[str, Any]) -> None:
        result = TaskResult.from_dict(raw)
        self.done += 1
        old = self.state.get(student)
        record = self.record_for(student, result) if kind == "grade" or old is None else old
        if result.feedback_ok is False:
            record.feedback_error = result.feedback_error
        self.state.put(student, record)
        errors, _ = describe_problems(record.problems, self.g.cell_timeout)
        failed = record.result != Result.OK or bool(errors)
        what = "feedback" if kind == "feedback" else ("error" if failed else "autograded")
        detail = (record.reason or (errors[0] if errors else "")) if failed else ""
        self.say(f"[{self.done:>{len(str(self.total))}}/{self.total}] {student:<16} {what:<10} "
                 f"{result.seconds or 0:6.1f} s  {detail}".rstrip())


def run_plan(g: Grading, p: Plan, state: GradingState, say: Printer) -> None:
    """Run the plan's tasks on a pool of workers, recording each result as it arrives."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = max(1, min(g.options.workers or cores, max(1, len(p.tasks))))
    more = " (use --force to regrade them)" if p.skipped else ""
    say(f"Grading {g.assignment}: {len(g.students)} student(s), {len(p.to_grade)} to autograde, "
        f"{len(p.skipped)} unchanged{more}, {workers} worker(s), cell time limit {g.cell_timeout:g} s.")
    if not p.tasks:
        return
    limit = g.options.submission_timeout or (max(1, _code_cells(g.source)) + 2) * g.cell_timeout + 60
    logs = log_dir(g.course.root, g.assignment)
    logs.mkdir(parents=True, exist_ok=True)
    setup = functools.partial(make_context, g.course.root, g.overrides, g.assignment, g.options.feedback, logs)
    progress = Progress(g, state, p, say)
    GradingPool(workers, setup, run_task, log_dir=logs, time_limit=limit, on_done=progress.on_done,
                on_start=progress.on_start).run(p.tasks)


def _save_feedback_fingerprints(g: Grading, state: GradingState) -> None:
    if not g.options.feedback:
        return
    with g.course.gradebook() as gb:
        for student in g.students:
            record = state.get(student)
            if record is not None and record.result == Result.OK and g.output("feedback", student).is_dir():
                record.feedback_fp = gradebook.feedback_fingerprint(gb, g.assignment, student)
    state.save()


def grade(assignment: str, course_dir: str | None = None, options: GradeOptions | None = None,
          say: Printer | None = None) -> GradeRun:
    """Autograde every changed submission in parallel, then feedback and the grades CSV."""
    say = say or printer()
    started = time.monotonic()
    g = open_grading(assignment, course_dir, options or GradeOptions(), say)
    state = GradingState(g.course.root, assignment)
    p = plan(g, state)
    run_plan(g, p, state, say)
    _save_feedback_fingerprints(g, state)
    outcomes = compute_outcomes(g.course, assignment, g.everyone, state, g.cell_timeout)
    graded = set(p.to_grade)
    for o in outcomes:
        o.graded_now = o.student_id in graded
    csv_path = write_grades_csv(g.course.root, assignment, outcomes, g.roster)
    run = GradeRun(outcomes, p.to_grade, p.skipped, csv_path, round(time.monotonic() - started, 1))
    say("")
    say(summary_table(outcomes))
    say("")
    say(f"Grades: {csv_path}   Feedback: {g.course.root / 'feedback'}   ({run.seconds:g} s)")
    return run


__all__ = ["GradeOptions", "GradeRun", "Grading", "Plan", "Precheck", "grade", "grade_overrides",
           "is_current", "open_grading", "plan", "precheck", "run_plan"]
