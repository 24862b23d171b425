"""Reads of nbgrader's gradebook that the grading steps need (one home for them).

The gradebook, not the submission, is the trusted record of which cells are tests, what
they hold and what they are worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


__all__ = ["SCHEMA_VERSION", "GradebookTests", "autograded_points", "cell_metadata", "notebook_keys", "tests_of"]
