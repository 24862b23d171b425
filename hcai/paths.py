"""Where things live. The one place in the course that knows the repository's layout.

Every other module asks here, so a notebook opened from ``notebooks/``, a book build
from the root, and an nbgrader autograde folder five levels deep all find the same
files. ``HCAI_ROOT`` overrides the search (used by tests that build a course copy).

The folders inside a course (``source/``, ``submitted/``, ``autograded/``, the gradebook ...)
are not pinned here: any folder can be a course, so they come from
:class:`hcai.grading.course.Course` and nbgrader's config for the course being used.
"""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("_toc.yml", "pyproject.toml")


def _find_root() -> Path:
    override = os.environ.get("HCAI_ROOT")
    if override:
        return Path(override).resolve()
    # hcai is installed editable, so its own file sits one level below the repository.
    here = Path(__file__).resolve().parent.parent
    if all((here / m).exists() for m in _MARKERS):
        return here
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if all((parent / m).exists() for m in _MARKERS):
            return parent
    return here


ROOT: Path = _find_root()
DATA_DIR: Path = ROOT / "data"
BOOK_DIR: Path = ROOT / "book"
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
ASSIGNMENTS_DIR: Path = ROOT / "assignments"
SOURCE_DIR: Path = ASSIGNMENTS_DIR / "source"  # the course's own assignments (the book links them)
WORKSPACE_DIR: Path = ROOT / "workspace"
HTML_DIR: Path = ROOT / "_build" / "html"


def data_file(name: str) -> Path:
    """Path of a data table given its name with or without ``.csv``."""
    stem = name[:-4] if name.endswith(".csv") else name
    return DATA_DIR / f"{stem}.csv"
