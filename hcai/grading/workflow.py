"""``grade``: autograde every new or changed submission in parallel, then feedback and export.

nbgrader does the work and keeps its records (gradebook, autograded notebooks, feedback);
this module decides what to run, runs it on a pool of workers, and turns nbgrader's
results into one truthful status per student (:mod:`hcai.grading.outcome`).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcai.grading import config as gconfig
from hcai.grading import notebooks as nbcheck
from hcai.grading.course import (Course, Printer, WorkflowError, _printer, _sync_roster, _tail,
                                 ensure_generated, read_roster)
from hcai.grading.outcome import Outcome, describe_problems, explain_failure, grader_side, plain_duration
from hcai.grading.preprocessors import METADATA_KEY
from hcai.grading.state import GradingState, hash_settings, hash_tree, log_dir


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
        return 1 if any(o.status == "error" for o in self.outcomes) else 0


def grade_overrides(options: GradeOptions) -> dict[str, dict[str, Any]]:
    overrides: dict[str, dict[str, Any]] = {}
    if options.timeout is not None:
        overrides["Execute"] = {"timeout": int(options.timeout) if float(options.timeout).is_integer()
                                else options.timeout}
    if options.unsandboxed:
        overrides["TrustedExecute"] = {"allow_unsandboxed": True}
    return overrides


def _precheck(course: Course, assignment: str, student: str, names: list[str],
              expected_ids: list[str]) -> tuple[str, str, list[str]]:
    """``(verdict, reason, notes)``; verdict is "missing", "error" or "ok"."""
    folder = course.root / "submitted" / student / assignment
    if not folder.is_dir():
        return "missing", "nothing was submitted", []
    present = [n for n in names if (folder / f"{n}.ipynb").is_file()]
    if not present:
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        hint = f" (found {', '.join(others)}; expected {', '.join(n + '.ipynb' for n in names)})" if others else ""
        return "missing", f"the submission has no notebook{hint}", []
    notes = [f"{n}.ipynb was not submitted and scores 0" for n in names if n not in present]
    for name in present:
        try:
            data = nbcheck.read_raw(folder / f"{name}.ipynb")
        except nbcheck.UnreadableNotebook as exc:
            return "error", str(exc), notes
        notes += nbcheck.submission_notes(data, expected_ids)
    return "ok", "", notes


def _grade_handler(context: tuple[Any, Any, str, bool, Path], student: str, kind: str) -> dict[str, Any]:
    """Runs in a worker: autograde (and/or feedback) one student with nbgrader's API."""
    import nbformat

    api, cfg, assignment, feedback, logs = context
    out: dict[str, Any] = {"success": True, "log": "", "error": ""}
    started = time.monotonic()
    if kind == "grade":
        for attempt in range(2):
            result = api.autograde(assignment, student, force=True, create=True)
            out.update(success=bool(result["success"]), log=result.get("log") or "",
                       error=result.get("error") or "")
            problems: dict[str, Any] = {}
            folder = Path(cfg.CourseDirectory.root) / "autograded" / student / assignment
            for path in sorted(folder.glob("*.ipynb")) if out["success"] else []:
                record = nbformat.read(path, as_version=4).metadata.get(METADATA_KEY, {})
                for key, value in record.items():
                    if isinstance(value, list):
                        problems.setdefault(key, []).extend(value)
                    elif value:
                        problems[key] = value
            out["problems"] = problems
            # A kernel that failed to start says nothing about the submission: try once more.
            if not grader_side(problems):
                break
            out["retried"] = attempt + 1
        (logs / f"{student}.log").write_text(out["log"] + ("\n" + out["error"] if out["error"] else ""),
                                             encoding="utf-8")
    if feedback and out["success"]:
        result = api.generate_feedback(assignment, student, force=True)
        out["feedback_ok"] = bool(result["success"])
        if not result["success"]:
            out["feedback_error"] = _tail(result, 5)
    out["seconds"] = round(time.monotonic() - started, 2)
    # The log can be large; the parent only needs it to explain failures.
    if out["success"]:
        out["log"] = ""
    else:
        out["log"] = out["log"][-20_000:]
        out["error"] = out["error"][-20_000:]
    return out


def _feedback_fingerprint(gb: Any, assignment: str, student: str) -> str:
    from nbgrader.api import MissingEntry
    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return ""
    parts = []
    for nb in sub.notebooks:
        for g in nb.grades:
            parts.append((nb.name, g.name, g.auto_score, g.manual_score, g.extra_credit))
        for c in nb.comments:
            parts.append((nb.name, c.name, c.auto_comment, c.manual_comment))
    return hash_settings(sorted(parts, key=repr), str(sub.timestamp))


def _settings_hash(course: Course, src: Path, overrides: dict[str, Any]) -> str:
    """Everything besides the submission that decides a grade: change one, regrade all."""
    def text(path: Path | None) -> str:
        return path.read_text(encoding="utf-8") if path and path.is_file() else ""
    extra = os.environ.get("HCAI_NBGRADER_EXTRA_CONFIG")
    grader_code = Path(__file__).resolve().parent.parent  # the hcai package
    return hash_settings(
        hash_tree(src), text(course.root / gconfig.CONFIG_NAME), text(Path(extra) if extra else None),
        overrides,
        # the code that runs learner cells and judges test cells
        [text(grader_code / name) for name in ("grading/execute.py", "verdict.py", "crossing.py",
                                                "checks.py", "sandbox.py")])


def _code_cells(src: Path) -> int:
    count = 0
    for nb in src.glob("*.ipynb"):
        try:
            count += sum(1 for c in nbcheck.read_raw(nb)["cells"] if c.get("cell_type") == "code")
        except nbcheck.UnreadableNotebook:
            pass
    return count


def grade(assignment: str, course_dir: str | None = None, options: GradeOptions | None = None,
          say: Printer | None = None) -> GradeRun:
    """Autograde every changed submission in parallel, then feedback and the grades CSV."""
    from hcai.grading.export import write_grades_csv
    from hcai.grading.pool import GradingPool

    say = say or _printer()
    options = options or GradeOptions()
    started = time.monotonic()
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
        _sync_roster(course, roster)
    with course.gradebook() as gb:
        expected_ids = [gc.name for nb in gb.find_assignment(assignment).notebooks for gc in nb.grade_cells]
        roster_ids = [r["student_id"] for r in roster] or [s.id for s in gb.students]
    submitted = sorted(p.parent.name for p in (course.root / "submitted").glob(f"*/{assignment}")
                       if p.is_dir() and not p.parent.name.startswith("."))
    everyone = sorted(set(roster_ids) | set(submitted) | set(GradingState(course.root, assignment).students))
    students = everyone
    if options.students:
        unknown = sorted(set(options.students) - set(everyone))
        if unknown:
            raise WorkflowError(f"Unknown student(s): {', '.join(unknown)}")
        students = [s for s in everyone if s in options.students]

    timeout = float(course.cfg.Execute.timeout) if "timeout" in course.cfg.Execute else 30.0
    settings = _settings_hash(course, src, overrides)
    state = GradingState(course.root, assignment)
    checks: dict[str, tuple[str, str, list[str]]] = {}
    tasks: list[tuple[str, str]] = []
    skipped: list[str] = []
    with course.gradebook() as gb:
        for student in students:
            verdict, reason, notes = _precheck(course, assignment, student, names, expected_ids)
            checks[student] = (verdict, reason, notes)
            digest = hash_tree(course.root / "submitted" / student / assignment)
            record = state.get(student)
            if verdict != "ok":
                if verdict == "error" or record.get("hash") != digest:
                    _remove_outputs(course.root, assignment, student)
                state.students[student] = {"hash": digest, "settings": settings, "result": verdict,
                                           "kind": "submission", "reason": reason, "notes": notes}
                continue
            unchanged = (not options.force and record.get("hash") == digest
                         and record.get("settings") == settings
                         and record.get("kind") != "grader"
                         and record.get("result") in ("ok", "error")
                         and (record.get("result") != "ok"
                              or (course.root / "autograded" / student / assignment).is_dir()))
            if not unchanged:
                tasks.append((student, "grade"))
                continue
            skipped.append(student)
            if options.feedback and record.get("result") == "ok":
                fp = _feedback_fingerprint(gb, assignment, student)
                fb = course.root / "feedback" / student / assignment
                if fp != record.get("feedback_fp") or not fb.is_dir():
                    tasks.append((student, "feedback"))
    state.save()

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = max(1, min(options.workers or cores, max(1, len(tasks))))
    n_grade = sum(1 for _, k in tasks if k == "grade")
    say(f"Grading {assignment}: {len(students)} student(s), {n_grade} to autograde, "
        f"{len(skipped)} unchanged{' (use --force to regrade them)' if skipped else ''}, "
        f"{workers} worker(s), cell time limit {timeout:g} s.")
    limit = options.submission_timeout or (max(1, _code_cells(src)) + 2) * timeout + 60
    logs = log_dir(course.root, assignment)
    logs.mkdir(parents=True, exist_ok=True)
    done_count = [0]
    total = len(tasks)
    results: dict[str, dict[str, Any]] = {}

    def setup() -> tuple[Any, Any, str, bool, Path]:
        cfg = gconfig.load_config(course.root, overrides=overrides)
        return gconfig.make_api(cfg), cfg, assignment, options.feedback, logs

    def on_done(student: str, kind: str, result: dict[str, Any]) -> None:
        done_count[0] += 1
        results[student] = {**result, "kind_of_task": kind}
        record = dict(state.get(student))
        if kind == "grade":
            digest = hash_tree(course.root / "submitted" / student / assignment)
            if result.get("success") and record.get("hash") == digest:
                _keep_manual_grades(course, assignment, student)
            if result.get("success"):
                record = {"hash": digest, "settings": settings, "result": "ok",
                          "kind": "grader" if grader_side(result.get("problems") or {}) else "",
                          "reason": "", "notes": checks[student][2], "problems": result.get("problems", {}),
                          "seconds": result.get("seconds")}
            else:
                if result.get("reason"):
                    fail_kind, reason = "submission", result["reason"]
                else:
                    fail_kind, reason = explain_failure(result.get("log", ""), result.get("error", ""))
                record = {"hash": digest, "settings": settings, "result": "error", "kind": fail_kind,
                          "reason": reason, "notes": checks[student][2], "seconds": result.get("seconds")}
                _remove_outputs(course.root, assignment, student, keep_autograded=True)
        if result.get("feedback_ok") is False:
            record["feedback_error"] = result.get("feedback_error", "")
        state.put(student, record)
        errors, _ = describe_problems(record.get("problems") or {}, timeout)
        failed = record.get("result") != "ok" or bool(errors)
        what = "feedback" if kind == "feedback" else ("error" if failed else "autograded")
        detail = (record.get("reason") or (errors[0] if errors else "")) if failed else ""
        say(f"[{done_count[0]:>{len(str(total))}}/{total}] {student:<16} {what:<10} "
            f"{result.get('seconds', 0) or 0:6.1f} s  {detail}".rstrip())

    if tasks:
        pool = GradingPool(workers, setup, _grade_handler, log_dir=logs, time_limit=limit, on_done=on_done)
        pool.run(tasks)

    with course.gradebook() as gb:
        for student in students:
            record = state.get(student)
            if record.get("result") == "ok" and options.feedback and \
                    (course.root / "feedback" / student / assignment).is_dir():
                record["feedback_fp"] = _feedback_fingerprint(gb, assignment, student)
                state.students[student] = record
        state.save()
    outcomes = compute_outcomes(course, assignment, everyone, state, timeout)
    for o in outcomes:
        o.graded_now = any(s == o.student_id and k == "grade" for s, k in tasks)
    csv_path = write_grades_csv(course.root, assignment, outcomes, roster)
    run = GradeRun(outcomes, [s for s, k in tasks if k == "grade"], skipped, csv_path,
                   round(time.monotonic() - started, 1))
    say("")
    say(summary_table(outcomes))
    say("")
    say(f"Grades: {csv_path}   Feedback: {course.root / 'feedback'}   ({run.seconds:g} s)")
    return run


def _require_sandbox(course: Course, unsandboxed: bool) -> None:
    """Stop before grading anything when the sandbox is configured but cannot run here."""
    steps = [str(p) for p in course.cfg.Autograde.get("autograde_preprocessors", [])]
    if not any("TrustedExecute" in p for p in steps):
        return
    if course.cfg.get("TrustedExecute", {}).get("sandbox", True) is False:
        return
    from hcai import sandbox
    try:
        sandbox.require(unsandboxed)
    except sandbox.SandboxUnavailable as exc:
        raise WorkflowError(f"{exc}\n(or pass --unsandboxed to grade trusted notebooks without it)") from None


def _keep_manual_grades(course: Course, assignment: str, student: str) -> None:
    """After regrading an unchanged submission, its manual grades still stand.

    nbgrader flags every manually scored cell for review when it autogrades again, which
    is right when the answer changed; for the same bytes (``--force``, a new cell time
    limit) it would make the instructor re-grade by hand for nothing. Only answers that
    are graded by hand alone are cleared; overridden autograder scores stay flagged.
    """
    from nbgrader.api import MissingEntry
    with course.gradebook() as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return
        for nb in sub.notebooks:
            for g in nb.grades:
                if g.manual_score is not None and g.auto_score is None and g.needs_manual_grade:
                    g.needs_manual_grade = False
        gb.db.commit()


def _remove_outputs(course: Path, assignment: str, student: str, keep_autograded: bool = False) -> None:
    """Drop generated files that would describe an older version of a submission."""
    targets = ["feedback"] if keep_autograded else ["autograded", "feedback"]
    for top in targets:
        folder = course / top / student / assignment
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def compute_outcomes(course: Course, assignment: str, students: list[str], state: GradingState,
                     timeout: float | None = None) -> list[Outcome]:
    """One :class:`Outcome` per student from the gradebook and the last run's records."""
    from nbgrader.api import MissingEntry

    outcomes = []
    with course.gradebook() as gb:
        a = gb.find_assignment(assignment)
        max_score = float(a.max_score)
        for student in students:
            record = state.get(student)
            result = record.get("result")
            notes = list(record.get("notes") or [])
            if not record and (course.root / "submitted" / student / assignment).is_dir():
                outcomes.append(Outcome(student, "error", "submitted but not graded yet; run grade",
                                        max_score=max_score))
                continue
            if result == "missing" or not record:
                outcomes.append(Outcome(student, "missing", record.get("reason") or "nothing was submitted",
                                        max_score=max_score))
                continue
            sub = None
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                pass
            late, seconds_late, stamp, penalty = False, 0.0, "", 0.0
            if sub is not None:
                seconds_late = float(sub.total_seconds_late or 0)
                late = seconds_late > 0
                stamp = sub.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC") if sub.timestamp else ""
                penalty = float(sub.late_submission_penalty or 0)
            late_note = [f"submitted {plain_duration(seconds_late)} after the due date"] if late else []
            if result == "error":
                outcomes.append(Outcome(student, "error", "; ".join([record.get("reason", "")] + notes),
                                        max_score=max_score, late=late, seconds_late=seconds_late,
                                        timestamp=stamp))
                continue
            if sub is None:  # state says graded, gradebook disagrees (deleted?): be honest
                outcomes.append(Outcome(student, "error", "no grades in the gradebook; re-run grade with --force",
                                        max_score=max_score))
                continue
            items: dict[str, float | None] = {}
            auto = 0.0
            pending = []
            for nb in sub.notebooks:
                for g in nb.grades:
                    value = g.manual_score if g.manual_score is not None else g.auto_score
                    items[g.name] = None if value is None else float(value)
                    if g.auto_score is not None:
                        auto += float(g.auto_score)
                    if g.needs_manual_grade:
                        pending.append(g.name)
            errors, extra = describe_problems(record.get("problems") or {}, timeout)
            notes += extra
            if errors:
                outcomes.append(Outcome(
                    student, "error",
                    "; ".join(errors + [f"the cells that finished scored {auto:g}/{max_score:g}"] + notes + late_note),
                    auto_score=auto, max_score=max_score, late=late, seconds_late=seconds_late,
                    timestamp=stamp, items=items))
                continue
            if pending:
                reason = f"waiting for manual grading in formgrader: {', '.join(pending)}"
                outcomes.append(Outcome(student, "needs_manual_grading", "; ".join([reason] + notes + late_note),
                                        auto_score=auto, max_score=max_score, late=late,
                                        seconds_late=seconds_late, timestamp=stamp, penalty=penalty, items=items))
                continue
            raw = sum(v for v in items.values() if v is not None)
            outcomes.append(Outcome(student, "graded", "; ".join(notes + late_note),
                                    score=max(0.0, raw - penalty), auto_score=auto, max_score=max_score,
                                    late=late, seconds_late=seconds_late, timestamp=stamp, penalty=penalty,
                                    items=items))
    return outcomes


def autograded_cells(gb: Any, assignment: str) -> dict[str, float]:
    """``{grade_id: points}`` of the autograder test cells (graded code cells without a solution).

    A graded cell that is also a solution cell is a manually graded answer, code or not.
    """
    cells = {}
    for nb in gb.find_assignment(assignment).notebooks:
        solutions = {sc.name for sc in nb.solution_cells}
        for gc in nb.grade_cells:
            if gc.cell_type == "code" and gc.name not in solutions:
                cells[gc.name] = float(gc.max_score)
    return cells


def summary_table(outcomes: list[Outcome]) -> str:
    """A plain text table of every student's status, then the counts."""
    def score(o: Outcome) -> str:
        mx = f"{o.max_score:g}" if o.max_score is not None else "?"
        if o.score is not None:
            return f"{o.score:g}/{mx}"
        if o.auto_score is not None:
            return f"({o.auto_score:g})/{mx}"
        return f"-/{mx}"
    rows = [("student", "status", "score", "late", "reason")]
    for o in outcomes:
        reason = o.reason if len(o.reason) <= 90 else o.reason[:87] + "..."
        rows.append((o.student_id, o.status, score(o), "late" if o.late else "", reason))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in
              ("graded", "needs_manual_grading", "missing", "error")}
    lines.append("")
    lines.append("Totals: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
                 + "   (score in brackets = autograded part only, not a final grade)")
    return "\n".join(line.rstrip() for line in lines)


__all__ = ["GradeOptions", "GradeRun", "autograded_cells", "compute_outcomes", "grade", "grade_overrides",
           "summary_table"]
