"""The status of one submission, worked out from the gradebook and the last run.

The statuses, and what the grades CSV shows for each:

* ``graded``               -- every graded cell has a score; ``score`` is the final grade.
* ``needs_manual_grading`` -- autograded, but answers wait for a person in formgrader;
  ``score`` stays empty, ``auto_score`` shows the autograded part.
* ``missing``              -- on the roster, but nothing (or no notebook) was submitted.
* ``error``                -- the submission could not be graded as it stands (unreadable
  file, the kernel died, a cell ran past the time limit, nbgrader failed); ``reason`` says
  which in plain words. ``score`` stays empty.

``score`` is never 0 for "unknown": nbgrader's own export shows 0 for missing, failed and
ungraded alike, which is the problem this module exists to fix.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from hcai.grading import STATUSES


@dataclass
class Outcome:
    """One student's result for one assignment."""

    student_id: str
    status: str
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
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("items")
        row.pop("graded_now")
        return row


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
    errors, notes = [], []
    if grader_side(record):
        return ["the grading kernel did not start (a problem on the grading machine, not in the "
                "submission); re-run grade to retry"], notes
    cells = record.get("timed_out_cells") or []
    if cells:
        limit = f" the {timeout:g} s limit" if timeout else " the time limit"
        errors.append(f"cell {', '.join(map(str, cells))} ran longer than{limit} and was stopped")
    if record.get("kernel_died"):
        errors.append("the notebook's kernel died while running it")
    if record.get("output_truncated"):
        which = ", ".join(map(str, record.get("truncated_cells") or [])) or "some cells"
        notes.append(f"very large output from {which} was cut short")
    return errors, notes


__all__ = ["Outcome", "describe_problems", "explain_failure", "grader_side", "plain_duration"]
