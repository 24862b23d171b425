"""Static checks of assignment notebooks, before anything runs.

Notebooks are read as raw JSON on purpose: ``nbformat.read`` silently repairs duplicate
cell ids, which is exactly one of the mistakes these checks exist to catch. Any nbformat 4
notebook nbgrader grades passes: 4.0-4.4 notebooks have no cell ids (and nbformat adds
missing ones to 4.5 notebooks on read), so a missing id is not a problem. Cell kinds and
region markers come from :mod:`hcai.cells` (the course's nbgrader delimiters).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcai import cells as nbcells


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a notebook, said so an author can fix it."""

    notebook: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.notebook}: {self.where}: {self.message}" if self.where else f"{self.notebook}: {self.message}"


class UnreadableNotebook(Exception):
    """The file is not a notebook nbformat can read (bad JSON, wrong structure)."""


def read_raw(path: Path) -> dict[str, Any]:
    """The notebook's JSON as a dict; :class:`UnreadableNotebook` with a plain reason otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UnreadableNotebook(f"{path.name} is not text (not UTF-8); it is not a notebook file") from None
    except OSError as exc:
        raise UnreadableNotebook(f"{path.name} could not be read ({exc.strerror})") from None
    if not text.strip():
        raise UnreadableNotebook(f"{path.name} is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableNotebook(
            f"{path.name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file was probably damaged or saved by another program") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook(f"{path.name} is JSON but not a notebook (it has no list of cells)")
    if data.get("nbformat") != 4:
        raise UnreadableNotebook(f"{path.name} uses notebook format {data.get('nbformat')!r}; expected 4")
    return data


_source = nbcells.source
_nbgrader = nbcells.nbgrader_meta


def _label(index: int, cell: dict[str, Any]) -> str:
    grade_id = _nbgrader(cell).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")


def grade_ids(data: dict[str, Any]) -> list[str]:
    """grade_ids of the graded cells (tests and manually graded answers), in order."""
    return [str(_nbgrader(c)["grade_id"]) for c in data.get("cells", [])
            if _nbgrader(c).get("grade") and _nbgrader(c).get("grade_id")]


def _common_checks(name: str, data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    seen_grade_ids: dict[str, int] = {}
    for index, cell in enumerate(data["cells"]):
        cell_id = cell.get("id")
        if cell_id is None:
            pass  # nbformat < 4.5 has none; nbformat adds missing ones on read
        elif cell_id in seen_ids:
            problems.append(Problem(name, _label(index, cell),
                                    f"cell id {cell_id!r} is also used by cell {seen_ids[cell_id] + 1}"))
        else:
            seen_ids[cell_id] = index
        meta = _nbgrader(cell)
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            problems.append(Problem(name, _label(index, cell), "has nbgrader metadata but no grade_id"))
        elif grade_id in seen_grade_ids:
            problems.append(Problem(name, _label(index, cell),
                                    f"grade_id {grade_id!r} is also used by cell {seen_grade_ids[grade_id] + 1}"))
        else:
            seen_grade_ids[grade_id] = index
        if "schema_version" not in meta:
            problems.append(Problem(name, _label(index, cell), "nbgrader metadata has no schema_version"))
        if meta.get("grade"):
            points = meta.get("points")
            if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
                problems.append(Problem(name, _label(index, cell),
                                        f"is graded but has no positive points (points={points!r})"))
    if not seen_grade_ids or not any(_nbgrader(c).get("grade") for c in data["cells"]):
        problems.append(Problem(name, "", "has no graded cells (is the nbgrader metadata missing?)"))
    return problems


def _read_and_check(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The notebook's JSON (None when unreadable) and the problems every notebook can have."""
    try:
        data = read_raw(path)
    except UnreadableNotebook as exc:
        return None, [Problem(path.name, "", str(exc))]
    return data, _common_checks(path.name, data)


def _count(text: str, delimiter: str) -> int:
    """Lines holding ``delimiter`` (nbgrader looks for it anywhere in a line)."""
    return sum(1 for line in text.split("\n") if delimiter in line)


def check_source(path: Path) -> list[Problem]:
    """Problems in an instructor's source notebook."""
    data, problems = _read_and_check(path)
    if data is None:
        return problems
    d = nbcells.course_delimiters()
    for index, cell in enumerate(data["cells"]):
        src, meta = _source(cell), _nbgrader(cell)
        if any(m in src for m in (d.begin_solution, d.end_solution)) and not meta.get("solution"):
            problems.append(Problem(path.name, _label(index, cell),
                                    "has a BEGIN/END SOLUTION region but is not marked as a solution cell, "
                                    "so the solution would be released"))
        if any(m in src for m in (d.begin_hidden, d.end_hidden)) and not meta.get("grade"):
            problems.append(Problem(path.name, _label(index, cell),
                                    "has a hidden-test region but is not a graded test cell, "
                                    "so the hidden tests would be released"))
        if _count(src, d.begin_solution) != _count(src, d.end_solution):
            problems.append(Problem(path.name, _label(index, cell), "BEGIN/END SOLUTION markers do not pair up"))
        if _count(src, d.begin_hidden) != _count(src, d.end_hidden):
            problems.append(Problem(path.name, _label(index, cell),
                                    "BEGIN/END HIDDEN TESTS markers do not pair up"))
    return problems


def check_release(path: Path) -> list[Problem]:
    """Problems in a generated student version: anything that gives answers away."""
    data, problems = _read_and_check(path)
    if data is None:
        return problems
    for index, cell in enumerate(data["cells"]):
        src = _source(cell)
        for marker in nbcells.course_delimiters().all:
            if marker in src:
                problems.append(Problem(path.name, _label(index, cell),
                                        f"still contains {marker!r} in the student version"))
        for output in cell.get("outputs", []) or []:
            if output:
                problems.append(Problem(path.name, _label(index, cell),
                                        "has saved outputs in the student version (they may show answers)"))
                break
    return problems


def submission_notes(data: dict[str, Any], expected_grade_ids: list[str]) -> list[str]:
    """Plain-words notes about a readable submission before it is graded."""
    notes = []
    present = set(grade_ids(data))
    has_any_metadata = any(_nbgrader(c) for c in data.get("cells", []))
    if not has_any_metadata:
        notes.append("the notebook's nbgrader metadata was removed; graded cells were restored from the gradebook")
        return notes
    missing = [g for g in expected_grade_ids if g not in present]
    if missing:
        # A relabelled cell also loses its grade_id, so "deleted" alone could be wrong.
        notes.append(f"graded cell(s) {', '.join(missing)} were deleted, or their nbgrader metadata "
                     "was changed, in the submission; they were restored from the gradebook and run")
    return notes


__all__ = ["Problem", "UnreadableNotebook", "check_release", "check_source", "grade_ids", "read_raw",
           "submission_notes"]
