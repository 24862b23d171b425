"""The course folder, its roster and its gradebook: shared by every instructor command."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hcai.grading import config as gconfig
from hcai.grading.console import Printer, tail

if TYPE_CHECKING:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI


class WorkflowError(Exception):
    """A usage or configuration problem: the command cannot run (exit code 2)."""


class CheckFailed(Exception):
    """An assignment failed a preflight check (exit code 1); the message lists why."""


@dataclass
class Course:
    """A course folder with its nbgrader config loaded."""

    root: Path
    cfg: Any
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, course_dir: str | os.PathLike[str] | None = None,
             overrides: dict[str, dict[str, Any]] | None = None) -> Course:
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

    @property
    def cell_timeout(self) -> float | None:
        """The course config's ``Execute.timeout`` (seconds per cell), or None when unset."""
        return float(self.cfg.Execute.timeout) if "timeout" in self.cfg.Execute else None

    def submission_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def api(self) -> NbGraderAPI:
        return gconfig.make_api(self.cfg)

    def gradebook(self) -> Gradebook:
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


def sync_roster(course: Course, roster: list[dict[str, str]]) -> None:
    """Add or update the roster's students in the gradebook (names, email, LMS id)."""
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
        raise WorkflowError("nbgrader generate_assignment failed:\n" + tail(result))
    with course.gradebook() as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


__all__ = ["CheckFailed", "Course", "Printer", "WorkflowError", "ensure_generated", "read_roster",
           "sync_roster"]
