"""Every read of nbgrader's gradebook the grading steps make, and the one write (one home).

The gradebook, not the submission, is the trusted record of which cells are tests, what
they hold and what they are worth (read by the engine's execute and sanitize steps). For the
workflow, its rows become plain values (:class:`SubmissionScores`) so the status logic in
:mod:`hcai.grading.outcome` never touches the database itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbgrader.api import Gradebook

#: nbgrader's cell metadata schema version written back onto restored cells.
SCHEMA_VERSION = 3


@dataclass(frozen=True)
class GradebookTests:
    """The test cells of one notebook, as the gradebook records them."""

    ids: set[str]
    sources: dict[str, str]
    points: dict[str, float]


def notebook_keys(resources: dict) -> tuple[str, str, str] | None:
    """``(db_url, notebook_id, assignment_id)`` from nbgrader's resources, or None."""
    nbg = resources.get("nbgrader") or {}
    keys = nbg.get("db_url"), nbg.get("notebook"), nbg.get("assignment")
    return keys if all(keys) else None  # type: ignore[return-value]


def tests_of(resources: dict) -> GradebookTests | None:
    """The notebook's test cells from the gradebook (None without a gradebook entry)."""
    keys = notebook_keys(resources)
    if keys is None:
        return None
    from nbgrader.api import Gradebook, MissingEntry

    db_url, notebook_id, assignment_id = keys
    try:
        with Gradebook(db_url) as gb:
            notebook = gb.find_notebook(notebook_id, assignment_id)
            solution_ids = {c.name for c in notebook.solution_cells}
            grade_cells = {c.name: c for c in notebook.grade_cells if c.cell_type == "code"}
            ids = set(grade_cells) - solution_ids
            sources = {c.name: c.source for c in notebook.source_cells if c.name in ids}
            points = {name: float(grade_cells[name].max_score) for name in ids}
    except MissingEntry:
        return None
    return GradebookTests(ids, sources, points)


def autograded_points(gb: Any, assignment: str) -> dict[str, float]:
    """``{grade_id: points}`` of an assignment's autograder test cells, from the gradebook.

    A graded cell that is also a solution cell is a manually graded answer, code or not.
    """
    out: dict[str, float] = {}
    for nb in gb.find_assignment(assignment).notebooks:
        solutions = {sc.name for sc in nb.solution_cells}
        for gc in nb.grade_cells:
            if gc.cell_type == "code" and gc.name not in solutions:
                out[gc.name] = float(gc.max_score)
    return out


def cell_metadata(gb: Any, notebook_id: str, assignment_id: str) -> dict[str, dict[str, Any]]:
    """``{grade_id: nbgrader metadata}`` as the gradebook records each cell of a notebook."""
    notebook = gb.find_notebook(notebook_id, assignment_id)
    grades = {c.name: c for c in notebook.grade_cells}
    solutions = {c.name for c in notebook.solution_cells}
    tasks = {c.name: c for c in notebook.task_cells}
    out: dict[str, dict[str, Any]] = {}
    for sc in notebook.source_cells:
        meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "grade_id": sc.name,
            "grade": sc.name in grades,
            "solution": sc.name in solutions,
            "task": sc.name in tasks,
            "locked": bool(sc.locked),
            "cell_type": sc.cell_type,
        }
        if sc.name in grades:
            meta["points"] = float(grades[sc.name].max_score)
        elif sc.name in tasks:
            meta["points"] = float(tasks[sc.name].max_score)
        if sc.checksum:
            meta["checksum"] = sc.checksum
        out[sc.name] = meta
    return out


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


def assignment_items(gb: Gradebook, assignment: str) -> AssignmentItems:
    """The items of an assignment, each marked ``autograded`` or ``manual``."""
    a = gb.find_assignment(assignment)
    auto = autograded_points(gb, assignment)
    items = [(gc.name, "autograded" if gc.name in auto else "manual", float(gc.max_score))
             for nb in a.notebooks for gc in nb.grade_cells]
    return AssignmentItems(items, float(a.max_score), a.duedate)


def due_date(gb: Gradebook, assignment: str) -> datetime | None:
    """The assignment's due date in the gradebook (naive UTC), or None."""
    from nbgrader.api import MissingEntry
    try:
        return gb.find_assignment(assignment).duedate
    except MissingEntry:
        return None


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
    payload = json.dumps([sorted(parts, key=repr), str(sub.timestamp)], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


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


__all__ = ["AssignmentItems", "GradebookTests", "SCHEMA_VERSION", "SubmissionScores",
           "assignment_items", "autograded_points", "cell_metadata", "due_date", "feedback_fingerprint",
           "grade_ids", "keep_manual_grades", "max_score", "notebook_keys", "read_submission",
           "tests_of"]
