"""The course folder, its roster and its gradebook: shared by every instructor command."""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from hcai.grading import config as gconfig

Printer = Callable[[str], None]


class WorkflowError(Exception):
    """A usage or configuration problem: the command cannot run (exit code 2)."""


class CheckFailed(Exception):
    """An assignment failed a preflight check (exit code 1); the message lists why."""


def _printer(stream: TextIO | None = None) -> Printer:
    out = stream or sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)
    return say


@dataclass
class Course:
    """A course folder with its nbgrader config loaded."""

    root: Path
    cfg: Any
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, course_dir: str | os.PathLike | None = None,
             overrides: dict[str, dict[str, Any]] | None = None) -> "Course":
        try:
            cfg = gconfig.load_config(course_dir, overrides=overrides)
        except gconfig.CourseError as exc:
            raise WorkflowError(str(exc)) from None
        return cls(Path(cfg.CourseDirectory.root), cfg, dict(overrides or {}))

    @property
    def db_url(self) -> str:
        return self.cfg.CourseDirectory.db_url

    def source_dir(self, assignment: str) -> Path:
        return self.root / "source" / assignment

    def require_assignment(self, assignment: str) -> Path:
        src = self.source_dir(assignment)
        if not src.is_dir():
            known = sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir())
            raise WorkflowError(f"No assignment {assignment!r} in {self.root / 'source'} "
                                f"(known: {', '.join(known) or 'none'}).")
        if not list(src.glob("*.ipynb")):
            raise WorkflowError(f"{src} has no notebooks.")
        return src

    def api(self):
        return gconfig.make_api(self.cfg)

    def gradebook(self):
        from nbgrader.api import Gradebook
        return Gradebook(self.db_url, self.cfg.CourseDirectory.course_id)


def read_roster(course: Path) -> list[dict[str, str]]:
    """Students from ``<course>/students.csv`` (column ``student_id`` or ``id``), or []."""
    path = course / "students.csv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    students = []
    for row in rows:
        sid = (row.get("student_id") or row.get("id") or "").strip()
        if not sid:
            continue
        if "/" in sid or sid.startswith("."):
            raise WorkflowError(f"{path}: student id {sid!r} cannot be used as a folder name.")
        students.append({"student_id": sid, **{k: (v or "").strip() for k, v in row.items()
                                                if k and k not in ("student_id", "id")}})
    return students


def _sync_roster(course: Course, roster: list[dict[str, str]]) -> None:
    fields = ("first_name", "last_name", "email", "lms_user_id")
    with course.gradebook() as gb:
        for row in roster:
            gb.update_or_create_student(row["student_id"], **{k: row[k] for k in fields if row.get(k)})


def ensure_generated(course: Course, assignment: str, say: Printer) -> list[str]:
    """Make sure the gradebook knows the assignment; return its notebook names."""
    from nbgrader.api import MissingEntry

    gconfig.ensure_gradebook(course.cfg)
    with course.gradebook() as gb:
        try:
            names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            names = []
    if names:
        return names
    say(f"Generating the student version of {assignment} (first use) ...")
    result = course.api().generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise WorkflowError("nbgrader generate_assignment failed:\n" + _tail(result))
    with course.gradebook() as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


def _tail(result: dict[str, Any], lines: int = 15) -> str:
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    return "\n".join(text.strip().splitlines()[-lines:])



__all__ = ["CheckFailed", "Course", "Printer", "WorkflowError", "ensure_generated", "read_roster"]
