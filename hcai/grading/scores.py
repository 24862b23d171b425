"""What the workflow reads from (and the one thing it writes to) nbgrader's gradebook.

nbgrader's gradebook is the system of record for scores; these functions turn its rows
into plain values (:class:`SubmissionScores`) so the status logic in
:mod:`hcai.grading.outcome` never touches the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hcai.grading.state import hash_settings

if TYPE_CHECKING:
    from nbgrader.api import Gradebook


@dataclass
class SubmissionScores:
    """One submission as the gradebook has it."""

    items: dict[str, float | None] = field(default_factory=dict)  # grade_id -> final points
    auto: float = 0.0                                              # sum of autograded points
    pending: list[str] = field(default_factory=list)               # grade_ids awaiting a person
    seconds_late: float = 0.0
    penalty: float = 0.0
    timestamp: datetime | None = None


@dataclass
class AssignmentItems:
    """An assignment's graded items: ``(grade_id, kind, points)``, its maximum and due date."""

    items: list[tuple[str, str, float]]
    max_score: float
    due: datetime | None


def read_submission(gb: Gradebook, assignment: str, student: str) -> SubmissionScores | None:
    """The student's scores, or None when the gradebook has no submission."""
    from nbgrader.api import MissingEntry
    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return None
    scores = SubmissionScores(seconds_late=float(sub.total_seconds_late or 0),
                              penalty=float(sub.late_submission_penalty or 0), timestamp=sub.timestamp)
    for nb in sub.notebooks:
        for g in nb.grades:
            value = g.manual_score if g.manual_score is not None else g.auto_score
            scores.items[g.name] = None if value is None else float(value)
            if g.auto_score is not None:
                scores.auto += float(g.auto_score)
            if g.needs_manual_grade:
                scores.pending.append(g.name)
    return scores


def max_score(gb: Gradebook, assignment: str) -> float:
    return float(gb.find_assignment(assignment).max_score)


def grade_ids(gb: Gradebook, assignment: str) -> list[str]:
    """Every graded cell's id, in notebook order."""
    return [gc.name for nb in gb.find_assignment(assignment).notebooks for gc in nb.grade_cells]


def autograded_cells(gb: Gradebook, assignment: str) -> dict[str, float]:
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


def assignment_items(gb: Gradebook, assignment: str) -> AssignmentItems:
    """The items of an assignment, each marked ``autograded`` or ``manual``."""
    a = gb.find_assignment(assignment)
    auto = autograded_cells(gb, assignment)
    items = [(gc.name, "autograded" if gc.name in auto else "manual", float(gc.max_score))
             for nb in a.notebooks for gc in nb.grade_cells]
    return AssignmentItems(items, float(a.max_score), a.duedate)


def feedback_fingerprint(gb: Gradebook, assignment: str, student: str) -> str:
    """Hash of everything feedback shows (scores, comments, timestamp); '' without a submission."""
    from nbgrader.api import MissingEntry
    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return ""
    parts: list[tuple[object, ...]] = []
    for nb in sub.notebooks:
        for g in nb.grades:
            parts.append((nb.name, g.name, g.auto_score, g.manual_score, g.extra_credit))
        for c in nb.comments:
            parts.append((nb.name, c.name, c.auto_comment, c.manual_comment))
    return hash_settings(sorted(parts, key=repr), str(sub.timestamp))


def keep_manual_grades(gb: Gradebook, assignment: str, student: str) -> None:
    """After regrading an unchanged submission, its manual grades still stand.

    nbgrader flags every manually scored cell for review when it autogrades again, which
    is right when the answer changed; for the same bytes (``--force``, a new cell time
    limit) it would make the instructor re-grade by hand for nothing. Only answers that
    are graded by hand alone are cleared; overridden autograder scores stay flagged.
    """
    from nbgrader.api import MissingEntry
    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return
    for nb in sub.notebooks:
        for g in nb.grades:
            if g.manual_score is not None and g.auto_score is None and g.needs_manual_grade:
                g.needs_manual_grade = False
    gb.db.commit()


__all__ = ["AssignmentItems", "SubmissionScores", "assignment_items", "autograded_cells",
           "feedback_fingerprint", "grade_ids", "keep_manual_grades", "max_score", "read_submission"]
