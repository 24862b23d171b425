"""One vocabulary for notebook cells: their kind, grade id, points and hidden regions.

Every part of the course that asks "is this a test cell?", "which lines are hidden?" or "what
is this cell worth?" asks here: the grading engine, the sanitize step, the notebook checks,
the book's Sphinx extension and the learner's ``validate``.

The predicates mirror ``nbgrader.utils.is_grade/is_solution/is_task/is_locked`` (and
``tests/test_cells.py`` checks that they agree with nbgrader's on every combination of
flags). They are mirrored, not imported, because importing nbgrader pulls in its database
layer (SQLAlchemy, alembic), which the learner commands and the book must not need.

Delimiters are nbgrader's configurable traits, read from the course's ``nbgrader_config.py``
with traitlets alone: ``ClearHiddenTests.begin_test_delimeter`` / ``end_test_delimeter``
(default ``BEGIN HIDDEN TESTS`` / ``END HIDDEN TESTS``), ``ClearSolutions.begin_solution_delimeter``
/ ``end_solution_delimeter`` and ``ClearMarkScheme``'s. A delimiter counts anywhere in a line,
as in nbgrader's own ``ClearHiddenTests``: ``## BEGIN HIDDEN TESTS`` and
``# BEGIN HIDDEN TESTS (q2)`` open a region just as ``### BEGIN HIDDEN TESTS`` does.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


class Kind(enum.StrEnum):
    """What nbgrader's cell toolbar calls each cell type (plus ``PLAIN`` for the rest)."""

    TEST = "tests"  # "Autograder tests": code, grade, not solution
    ANSWER = "autograded answer"  # solution, not grade
    MANUAL = "manually graded answer"  # solution and grade
    TASK = "manually graded task"  # task
    LOCKED = "read-only"  # locked (and nothing else)
    PLAIN = "plain"  # no nbgrader metadata that matters


# --------------------------------------------------------------------------- metadata


def nbgrader_meta(cell: Mapping[str, Any]) -> dict[str, Any]:
    """``cell.metadata.nbgrader`` as a dict; ``{}`` when missing or not a dict (tampered)."""
    meta = cell.get("metadata", {}) if isinstance(cell, Mapping) else {}
    value = meta.get("nbgrader", {}) if isinstance(meta, Mapping) else {}
    return dict(value) if isinstance(value, Mapping) else {}


def source(cell: Mapping[str, Any]) -> str:
    """The cell's source as one string (nbformat allows a list of lines on disk)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def is_grade(cell: Mapping[str, Any]) -> bool:
    """As ``nbgrader.utils.is_grade``."""
    return bool(nbgrader_meta(cell).get("grade", False))


def is_solution(cell: Mapping[str, Any]) -> bool:
    """As ``nbgrader.utils.is_solution``."""
    return bool(nbgrader_meta(cell).get("solution", False))


def is_task(cell: Mapping[str, Any]) -> bool:
    """As ``nbgrader.utils.is_task``."""
    return bool(nbgrader_meta(cell).get("task", False))


def is_locked(cell: Mapping[str, Any]) -> bool:
    """As ``nbgrader.utils.is_locked``: grade cells are locked unless they are solutions."""
    if not nbgrader_meta(cell):
        return False
    if is_solution(cell):
        return False
    if is_grade(cell):
        return True
    return bool(nbgrader_meta(cell).get("locked", False))


def grade_id(cell: Mapping[str, Any]) -> str | None:
    """The cell's nbgrader ``grade_id``, or None."""
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def points(cell: Mapping[str, Any]) -> float:
    """Points the cell is worth (0 for ungraded or unreadable points)."""
    value = nbgrader_meta(cell).get("points", 0)
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def kind(cell: Mapping[str, Any]) -> Kind:
    """The cell's :class:`Kind` (a code grade cell that is no solution is a test, as in nbgrader)."""
    if cell.get("cell_type") == "code" and is_grade(cell) and not is_solution(cell):
        return Kind.TEST
    if is_task(cell):
        return Kind.TASK
    if is_solution(cell):
        return Kind.MANUAL if is_grade(cell) else Kind.ANSWER
    if is_grade(cell):
        return Kind.MANUAL
    if is_locked(cell):
        return Kind.LOCKED
    return Kind.PLAIN


def is_test(cell: Mapping[str, Any], test_ids: Iterable[str] | None = None) -> bool:
    """An autograder test cell; when ``test_ids`` (from the gradebook) is given, it decides."""
    if cell.get("cell_type") != "code":
        return False
    if test_ids is not None:
        return grade_id(cell) in set(test_ids)
    return kind(cell) is Kind.TEST


def is_graded(cell: Mapping[str, Any]) -> bool:
    """A cell that carries points: tests, manually graded answers and tasks."""
    return is_grade(cell) or is_task(cell)


# --------------------------------------------------------------------------- delimiters


@dataclass(frozen=True)
class Delimiters:
    """nbgrader's region markers (its config traits' defaults unless the course sets them)."""

    begin_hidden: str = "BEGIN HIDDEN TESTS"
    end_hidden: str = "END HIDDEN TESTS"
    begin_solution: str = "BEGIN SOLUTION"
    end_solution: str = "END SOLUTION"
    begin_mark_scheme: str = "BEGIN MARK SCHEME"
    end_mark_scheme: str = "END MARK SCHEME"

    @property
    def all(self) -> tuple[str, ...]:
        return (self.begin_solution, self.end_solution, self.begin_hidden, self.end_hidden,
                self.begin_mark_scheme, self.end_mark_scheme)


_TRAITS = {
    "begin_hidden": ("ClearHiddenTests", "begin_test_delimeter"),
    "end_hidden": ("ClearHiddenTests", "end_test_delimeter"),
    "begin_solution": ("ClearSolutions", "begin_solution_delimeter"),
    "end_solution": ("ClearSolutions", "end_solution_delimeter"),
    "begin_mark_scheme": ("ClearMarkScheme", "begin_mark_scheme_delimeter"),
    "end_mark_scheme": ("ClearMarkScheme", "end_mark_scheme_delimeter"),
}


def delimiters_from(config: Any) -> Delimiters:
    """:class:`Delimiters` from a traitlets ``Config`` (unset traits keep nbgrader's defaults)."""
    found: dict[str, str] = {}
    for field_name, (section, trait) in _TRAITS.items():
        if config is not None and section in config and trait in config[section]:
            value = config[section][trait]
            if isinstance(value, str) and value:
                found[field_name] = value
    return Delimiters(**found)


@lru_cache(maxsize=8)
def _course_delimiters(config_file: str, mtime: float) -> Delimiters:
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(config_file)
    try:
        config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    except Exception:  # noqa: BLE001 -- a broken config is reported by nbgrader, not here
        return Delimiters()
    return delimiters_from(config)


def course_delimiters(config_file: Path | None = None) -> Delimiters:
    """The course's delimiters, read from ``assignments/nbgrader_config.py`` (cached)."""
    if config_file is None:
        from hcai import paths

        config_file = paths.ASSIGNMENTS_DIR / "nbgrader_config.py"
    path = Path(config_file)
    if not path.is_file():
        return Delimiters()
    return _course_delimiters(str(path.resolve()), path.stat().st_mtime)


# --------------------------------------------------------------------------- regions


def hidden_line_numbers(text: str, delims: Delimiters | None = None) -> set[int]:
    """1-based numbers of the lines in hidden-test regions, the delimiter lines included.

    Lines are split on ``\\n`` and delimiters tested with ``in``, as nbgrader's
    ``ClearHiddenTests`` does; an unclosed region runs to the end of the cell.
    """
    d = delims or course_delimiters()
    numbers: set[int] = set()
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        if d.begin_hidden in line:
            inside = True
            numbers.add(number)
        elif d.end_hidden in line:
            inside = False
            numbers.add(number)
        elif inside:
            numbers.add(number)
    return numbers


def has_hidden(text: str, delims: Delimiters | None = None) -> bool:
    """True when ``text`` opens a hidden-test region anywhere."""
    d = delims or course_delimiters()
    return any(d.begin_hidden in line for line in text.split("\n"))


def visible_source(text: str, delims: Delimiters | None = None) -> str:
    """``text`` without its hidden-test regions: what the student version shows."""
    hidden = hidden_line_numbers(text, delims)
    return "\n".join(line for n, line in enumerate(text.split("\n"), start=1) if n not in hidden)


def hidden_text_lines(cells: Iterable[Mapping[str, Any]], delims: Delimiters | None = None,
                      min_length: int = 4) -> set[str]:
    """The stripped lines (at least ``min_length`` long) inside every hidden region of ``cells``."""
    found: set[str] = set()
    for cell in cells:
        text = source(cell)
        lines = text.split("\n")
        d = delims or course_delimiters()
        for number in hidden_line_numbers(text, d):
            line = lines[number - 1].strip()
            if len(line) >= min_length and d.begin_hidden not in line and d.end_hidden not in line:
                found.add(line)
    return found


__all__ = ["Delimiters", "Kind", "course_delimiters", "delimiters_from", "grade_id", "has_hidden",
           "hidden_line_numbers", "hidden_text_lines", "is_grade", "is_graded", "is_locked",
           "is_solution", "is_task", "is_test", "kind", "nbgrader_meta", "points", "source",
           "visible_source"]
