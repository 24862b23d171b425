"""The grades CSV: one row per student, with a status that says what the score means.

``score`` is filled only when the status is ``graded``; it is empty (never 0) when the
final grade is not known. Upload it to an LMS after filtering on ``status``.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from hcai.grading.outcome import Outcome, Status

COLUMNS = ("student_id", "score", "max_score", "status", "reason", "auto_score", "late",
           "seconds_late", "late_penalty", "timestamp")
ROSTER_COLUMNS = ("first_name", "last_name", "email", "lms_user_id", "lms_id")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def write_grades_csv(course: Path, assignment: str, outcomes: list[Outcome],
                     roster: list[dict[str, str]] | None = None) -> Path:
    """Write ``<course>/exports/<assignment>-grades.csv`` atomically; return its path."""
    extra = [c for c in ROSTER_COLUMNS if any(r.get(c) for r in roster or [])]
    by_id = {r["student_id"]: r for r in roster or []}
    path = course / "exports" / f"{assignment}-grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*COLUMNS, *extra])
        for o in sorted(outcomes, key=lambda o: o.student_id):
            writer.writerow([
                o.student_id, _number(o.score), _number(o.max_score), str(o.status), o.reason,
                _number(o.auto_score), "yes" if o.late else "no", f"{o.seconds_late:.0f}",
                _number(o.penalty) if o.status == Status.GRADED else "", o.timestamp,
                *[by_id.get(o.student_id, {}).get(c, "") for c in extra],
            ])
    os.replace(tmp, path)
    return path


__all__ = ["COLUMNS", "write_grades_csv"]
