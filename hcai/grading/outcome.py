"""The status of one submission, worked out from the gradebook and the last run.

The statuses, and what the grades CSV shows for each:

* ``graded``               -- every graded cell has a score; ``score`` is the final grade.
* ``needs_manual_grading`` -- autograded, but answers wait for a person in formgrader;
  ``score`` stays empty, ``auto_score`` shows the autograded part.
* ``missing``              -- on the roster, but nothing (or no notebook) was submitted.
* ``error``                -- the submission could not be graded as it stands (unreadable
  file, the kernel died, a cell ran past the time limit, nbgrader failed, or a test cell was
  refused because it could not be graded faithfully); ``reason`` says which in plain words,
  for a refused cell with the refusal's own words. ``score`` stays empty.

``score`` is never 0 for "unknown": nbgrader's own export shows 0 for missing, failed and
ungraded alike, which is the problem this module exists to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from hcai.grading import gradebook
from hcai.grading.gradebook import SubmissionScores
from hcai.grading.state import GradingState, Record, Result

if TYPE_CHECKING:
    from hcai.grading.course import Course


class Status(StrEnum):
    """The four statuses; a ``StrEnum``, so it writes and compares as its plain name."""

    GRADED = "graded"
    NEEDS_MANUAL_GRADING = "needs_manual_grading"
    MISSING = "missing"
    ERROR = "error"

    @property
    def label(self) -> str:
        """``'needs manual grading'``: the name for people."""
        return self.value.replace("_", " ")


#: Statuses whose submissions have item scores (the autograder ran to the end).
SCORED = (Status.GRADED, Status.NEEDS_MANUAL_GRADING)


def count_statuses(outcomes: list[Outcome]) -> dict[Status, int]:
    """How many outcomes have each status, every status listed (in :class:`Status` order)."""
    return {s: sum(1 for o in outcomes if o.status == s) for s in Status}


@dataclass
class Outcome:
    """One student's result for one assignment."""

    student_id: str
    status: Status
    reason: str = ""
    score: float | None = None
    auto_score: float | None = None
    max_score: float | None = None
    late: bool = False
    seconds_late: float = 0.0
    timestamp: str = ""
    penalty: float = 0.0
    items: dict[str, float | None] = field(default_factory=dict)
    graded_now: bool = False

    def __post_init__(self) -> None:
        self.status = Status(self.status)  # ValueError for a name that is not a status


def plain_duration(seconds: float) -> str:
    """``7265`` -> ``'2 h 1 min'``; for late notices."""
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    text = " ".join(p for p in parts if p)
    return text or f"{secs} s"


_LAST_EXC = re.compile(r"^\s*([\w.]+(?:Error|Exception|Exit|Interrupt))\s*:?(.*)$")


def explain_failure(log: str, error: str) -> tuple[str, str]:
    """``(kind, reason)`` for a submission nbgrader failed to autograde.

    ``kind`` is ``submission`` when the learner's notebook caused it (re-running will not
    help) and ``grader`` when it may be the grading machinery (re-run retries it).
    """
    text = f"{log}\n{error}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return "submission", ("the notebook's kernel died while running it (the code exited Python, "
                              "crashed it, or ran out of memory)")
    if "UnresponsiveKernelError" in text or "kernel became unresponsive" in text:
        return "submission", ("the kernel stopped responding and could not be interrupted "
                              "(an endless loop that ignores interrupts, or memory exhausted)")
    if "NotJSONError" in text or "JSONDecodeError" in text:
        return "submission", "the notebook file is not valid JSON"
    if "SchemaTooOldError" in text or "SchemaTooNewError" in text or "nbgrader metadata format" in text:
        return "submission", "the notebook's nbgrader metadata is from an incompatible nbgrader version"
    if "No notebooks were matched" in text:
        return "submission", "the submission folder has no notebook nbgrader recognises"
    if "sqlalchemy" in text and "OperationalError" in text:
        return "grader", "the gradebook database was busy or damaged; re-run `grade` to retry"
    last = ""
    for line in reversed(error.strip().splitlines() or log.strip().splitlines()):
        match = _LAST_EXC.match(line)
        if match and "NbGraderException" not in match.group(1):
            last = f"{match.group(1).rsplit('.', 1)[-1]}:{match.group(2)}".strip().rstrip(":")
            break
    if not last:
        for line in reversed(log.strip().splitlines()):
            match = _LAST_EXC.match(line.replace("[ERROR]", "").strip())
            if match and "NbGraderException" not in match.group(1):
                last = f"{match.group(1).rsplit('.', 1)[-1]}:{match.group(2)}".strip().rstrip(":")
                break
    return "grader", f"nbgrader could not grade it ({last or 'see the log'}); re-run `grade` to retry"


def grader_side(record: dict[str, Any]) -> bool:
    """True when the run failed for a reason on the grading machine (retry, do not blame)."""
    return any("did not start" in str(e) for e in record.get("errors") or [])


def describe_problems(record: dict[str, Any], timeout: float | None) -> tuple[list[str], list[str]]:
    """``(errors, notes)`` from :class:`~hcai.grading.preprocessors.RecordProblems` metadata."""
    errors: list[str] = []
    notes: list[str] = []
    if grader_side(record):
        return ["the grading kernel did not start (a problem on the grading machine, not in the "
                "submission); re-run grade to retry"], notes
    cells = record.get("timed_out_cells") or []
    if cells:
        limit = f" the {timeout:g} s limit" if timeout else " the time limit"
        errors.append(f"cell {', '.join(map(str, cells))} ran longer than{limit} and was stopped")
    if record.get("kernel_died"):
        errors.append("the notebook's kernel died while running it")
    for refusal in record.get("refused_cells") or []:
        # "<cell>: This check could not be graded: <why>" from RecordProblems. A note, not an
        # error: the refusal is the grade (that test scores 0, as it does for hostile
        # objects), and the reason goes wherever the score goes, never a silent 0.
        cell, _, why = str(refusal).partition(": ")
        notes.append(f"test cell {cell} was refused and scored 0 ({why})")
    if record.get("output_truncated"):
        which = ", ".join(map(str, record.get("truncated_cells") or [])) or "some cells"
        notes.append(f"very large output from {which} was cut short")
    return errors, notes


def outcome_for(student: str, record: Record | None, sub: SubmissionScores | None, *,
                max_score: float, submitted: bool, timeout: float | None) -> Outcome:
    """The status of one submission from the last run's record and the gradebook's scores."""
    if record is None:
        if submitted:
            return Outcome(student, Status.ERROR, "submitted but not graded yet; run grade", max_score=max_score)
        return Outcome(student, Status.MISSING, "nothing was submitted", max_score=max_score)
    if record.result == Result.MISSING:
        return Outcome(student, Status.MISSING, record.reason or "nothing was submitted", max_score=max_score)
    notes = list(record.notes)
    if record.result == Result.ERROR:
        outcome = Outcome(student, Status.ERROR, "; ".join([record.reason, *notes]), max_score=max_score)
        return _with_lateness(outcome, sub)
    if sub is None:  # state says graded, gradebook disagrees (deleted?): be honest
        return Outcome(student, Status.ERROR, "no grades in the gradebook; re-run grade with --force",
                       max_score=max_score)
    errors, extra = describe_problems(record.problems, timeout)
    notes += extra
    if sub.seconds_late > 0:
        notes.append(f"submitted {plain_duration(sub.seconds_late)} after the due date")
    outcome = Outcome(student, Status.GRADED, auto_score=sub.auto, max_score=max_score, items=sub.items)
    if errors:
        finished = f"the cells that finished scored {sub.auto:g}/{max_score:g}"
        outcome.status, outcome.reason = Status.ERROR, "; ".join([*errors, finished, *notes])
    elif sub.pending:
        waiting = f"waiting for manual grading in formgrader: {', '.join(sub.pending)}"
        outcome.status, outcome.reason = Status.NEEDS_MANUAL_GRADING, "; ".join([waiting, *notes])
        outcome.penalty = sub.penalty
    else:
        raw = sum(v for v in sub.items.values() if v is not None)
        outcome.reason, outcome.penalty = "; ".join(notes), sub.penalty
        outcome.score = max(0.0, raw - sub.penalty)
    return _with_lateness(outcome, sub)


def _with_lateness(outcome: Outcome, sub: SubmissionScores | None) -> Outcome:
    if sub is not None:
        outcome.late = sub.seconds_late > 0
        outcome.seconds_late = sub.seconds_late
        outcome.timestamp = sub.timestamp.strftime("%Y-%m-%d %H:%M:%S UTC") if sub.timestamp else ""
    return outcome


def compute_outcomes(course: Course, assignment: str, students: list[str], state: GradingState,
                     timeout: float | None = None) -> list[Outcome]:
    """One :class:`Outcome` per student from the gradebook and the last run's records."""
    with course.gradebook() as gb:
        top = gradebook.max_score(gb, assignment)
        return [outcome_for(student, state.get(student), gradebook.read_submission(gb, assignment, student),
                            max_score=top, submitted=course.submission_dir(student, assignment).is_dir(),
                            timeout=timeout)
                for student in students]


def _score_text(o: Outcome) -> str:
    mx = f"{o.max_score:g}" if o.max_score is not None else "?"
    if o.score is not None:
        return f"{o.score:g}/{mx}"
    if o.auto_score is not None:
        return f"({o.auto_score:g})/{mx}"
    return f"-/{mx}"


def summary_table(outcomes: list[Outcome]) -> str:
    """A plain text table of every student's status, then the counts."""
    rows = [("student", "status", "score", "late", "reason")]
    for o in outcomes:
        reason = o.reason if len(o.reason) <= 90 else o.reason[:87] + "..."
        rows.append((o.student_id, str(o.status), _score_text(o), "late" if o.late else "", reason))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    lines.append("")
    lines.append("Totals: " + ", ".join(f"{s.label} {n}" for s, n in count_statuses(outcomes).items())
                 + "   (score in brackets = autograded part only, not a final grade)")
    return "\n".join(line.rstrip() for line in lines)


__all__ = ["SCORED", "Outcome", "Status", "compute_outcomes", "count_statuses", "describe_problems",
           "explain_failure", "grader_side", "outcome_for", "plain_duration", "summary_table"]
