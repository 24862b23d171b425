"""What the last grading run saw, so a re-run grades only what changed.

One JSON file per assignment under ``autograded/.hcai-state/`` (a hidden folder: nbgrader
looks for students with globs, which skip dot-names). Deleting ``autograded/`` forgets
both the results and this state together, which keeps them consistent.

Each student's :class:`Record` keeps the submission's hash and the grading fingerprint
(:mod:`hcai.grading.fingerprint`) it was graded under; a re-run regrades a submission
when either differs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

STATE_DIR = Path("autograded") / ".hcai-state"


class Result(StrEnum):
    """How the last run left a submission."""

    OK = "ok"            # autograded to the end (cells may still have failed or timed out)
    ERROR = "error"      # could not be autograded as it stands
    MISSING = "missing"  # nothing, or no notebook, was submitted


class Blame(StrEnum):
    """Who an error is on: the submission (re-running will not help) or the grading machine."""

    NONE = ""
    SUBMISSION = "submission"
    GRADER = "grader"


@dataclass
class Record:
    """One student's entry: what was graded, under which fingerprint, and how it went."""

    hash: str = ""
    settings: str = ""
    result: Result = Result.MISSING
    kind: Blame = Blame.NONE
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    problems: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None
    feedback_fp: str = ""
    feedback_error: str = ""

    def __post_init__(self) -> None:
        self.result = Result(self.result)
        self.kind = Blame(self.kind)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        """A record from its saved form; keys this version does not know are dropped."""
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known and v is not None}
        try:
            return cls(**clean)
        except (TypeError, ValueError):
            return cls(hash="")  # unreadable: regrade it

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"], data["kind"] = str(self.result), str(self.kind)
        return data


def state_dir(course: Path) -> Path:
    return course / STATE_DIR


def log_dir(course: Path, assignment: str) -> Path:
    """Where each submission's nbgrader log is kept (for the instructor, not the learner)."""
    return state_dir(course) / "logs" / assignment


def hash_tree(folder: Path, *, ignore: tuple[str, ...] = (".ipynb_checkpoints", "__pycache__"),
              suffixes: tuple[str, ...] = ()) -> str:
    """SHA-256 over every file's relative path and bytes under ``folder`` ('' if absent).

    With ``suffixes``, only files whose names end in one of them count.
    """
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in ignore for part in rel.parts) or not path.is_file():
            continue
        if suffixes and not path.name.endswith(suffixes):
            continue
        digest.update(str(rel).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def hash_settings(*parts: Any) -> str:
    """SHA-256 of JSON-able parts (hashes, config text, overrides), order-insensitive in dicts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class GradingState:
    """Per-student records for one assignment, saved after every change (crash-safe)."""

    def __init__(self, course: Path, assignment: str) -> None:
        self.path = state_dir(course) / f"{assignment}.json"
        raw: dict[str, Any] = {}
        if self.path.is_file():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                pass  # a damaged state only costs a full regrade
        students = raw.get("students") if isinstance(raw, dict) else None
        self.students: dict[str, Record] = {
            sid: Record.from_json(rec) for sid, rec in (students or {}).items() if isinstance(rec, dict)}

    def get(self, student: str) -> Record | None:
        return self.students.get(student)

    def put(self, student: str, record: Record) -> None:
        self.students[student] = record
        self.save()

    def forget(self, student: str) -> None:
        if self.students.pop(student, None) is not None:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {"students": {sid: rec.to_json() for sid, rec in self.students.items()}}
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


__all__ = ["Blame", "GradingState", "Record", "Result", "STATE_DIR", "hash_settings", "hash_tree",
           "log_dir", "state_dir"]
