"""What the last grading run saw, so a re-run grades only what changed.

One JSON file per assignment under ``autograded/.hcai-state/`` (a hidden folder: nbgrader
looks for students with globs, which skip dot-names). Deleting ``autograded/`` forgets
both the results and this state together, which keeps them consistent.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

STATE_DIR = Path("autograded") / ".hcai-state"


def state_dir(course: Path) -> Path:
    return course / STATE_DIR


def log_dir(course: Path, assignment: str) -> Path:
    """Where each submission's nbgrader log is kept (for the instructor, not the learner)."""
    return state_dir(course) / "logs" / assignment


def hash_tree(folder: Path, *, ignore: tuple[str, ...] = (".ipynb_checkpoints", "__pycache__")) -> str:
    """SHA-256 over every file's relative path and bytes under ``folder`` ('' if absent)."""
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in ignore for part in rel.parts) or not path.is_file():
            continue
        digest.update(str(rel).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def hash_settings(*parts: Any) -> str:
    """SHA-256 of the grading settings (source hash, config text, overrides)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class GradingState:
    """Per-student records for one assignment, saved after every change (crash-safe)."""

    def __init__(self, course: Path, assignment: str) -> None:
        self.path = state_dir(course) / f"{assignment}.json"
        self.data: dict[str, Any] = {"settings": "", "students": {}}
        if self.path.is_file():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                pass  # a damaged state only costs a full regrade
        self.data.setdefault("students", {})

    @property
    def students(self) -> dict[str, dict[str, Any]]:
        return self.data["students"]

    def get(self, student: str) -> dict[str, Any]:
        return self.students.get(student, {})

    def put(self, student: str, record: dict[str, Any]) -> None:
        self.students[student] = record
        self.save()

    def forget(self, student: str) -> None:
        if self.students.pop(student, None) is not None:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


__all__ = ["GradingState", "STATE_DIR", "hash_settings", "hash_tree", "log_dir", "state_dir"]
