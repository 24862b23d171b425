"""The LMS round trip: a roster in from Canvas or Moodle, grades back out in their layout.

``python -m hcai roster EXPORT.csv --lms canvas|moodle`` reads the LMS's own CSV export
and merges it into ``<course>/students.csv`` (the roster every grading command reads);
``python -m hcai lms-export A --lms canvas|moodle`` turns ``exports/A-grades.csv`` into
the CSV that LMS's gradebook import accepts.

Layouts, as the LMS documentation describes them (read in stored copies, not on the live
pages; see INSTRUCTORS.md, "The LMS round trip"):

* Canvas gradebook import: one row per student with ``Student`` (``Last, First``),
  ``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section``, then one column per
  assignment; a column name Canvas does not know creates a new assignment, and the
  export's ``Name (id)`` header updates that assignment.
* Moodle "Import grades from CSV": a header row, an identifying column that the import
  form maps to a user field (``Email address``, ``ID number`` or ``Username``) and one
  column per grade item, mapped on the same form.

Only ``graded`` scores are written: a score that is not final (manual grading pending,
an error, nothing submitted) is left empty, so an import never writes a wrong 0. The
instructor sees every left-out student, with the reason, in the command's output.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
from pathlib import Path
from typing import Any

from hcai import paths

#: Roster columns the grading commands know (see ``hcai.grading.export.ROSTER_COLUMNS``).
ROSTER_FIELDS = ("student_id", "first_name", "last_name", "email", "lms_user_id", "sis_user_id", "section")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_FIXED = ("First name", "Last name", "ID number", "Email address", "Username")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


class LmsError(Exception):
    """The export cannot be read, or names a student id that cannot be used."""


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise LmsError(f"No such file: {path}")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in rows]


def _student_id(raw: str, where: str) -> str:
    sid = raw.strip()
    if not sid:
        raise LmsError(f"{where}: no student id")
    if not _SAFE_ID.match(sid) or len(sid) > 128:
        raise LmsError(f"{where}: the student id {sid!r} cannot be used as a folder and account name "
                       "(letters, digits, . _ @ - only); pick another column with --id-column.")
    return sid


def parse_canvas(rows: list[dict[str, str]], id_column: str | None = None) -> list[dict[str, str]]:
    """Roster rows from a Canvas gradebook export (its "Points Possible" row is skipped)."""
    if rows and not {"Student", "SIS Login ID"} <= set(rows[0]) and not id_column:
        raise LmsError("This is not a Canvas gradebook export (no 'Student' and 'SIS Login ID' columns).")
    out = []
    for n, row in enumerate(rows, start=2):
        name = row.get("Student", "")
        if "Points Possible" in name or name.lower() in ("test student", "student, test"):
            continue
        column = id_column or ("SIS Login ID" if row.get("SIS Login ID") else "ID")
        last, _, first = name.partition(",")
        out.append({"student_id": _student_id(row.get(column, ""), f"line {n} ({column})"),
                    "first_name": first.strip(), "last_name": last.strip(),
                    "lms_user_id": row.get("ID", ""), "sis_user_id": row.get("SIS User ID", ""),
                    "section": row.get("Section", ""), "email": row.get("Email", "")})
    return out


def parse_moodle(rows: list[dict[str, str]], id_column: str | None = None) -> list[dict[str, str]]:
    """Roster rows from a Moodle grade export ("Plain text file") or participants download."""
    if rows and not {"First name", "Last name"} <= set(rows[0]):
        raise LmsError("This is not a Moodle export (no 'First name' and 'Last name' columns).")
    out = []
    for n, row in enumerate(rows, start=2):
        if id_column:
            raw = row.get(id_column, "")
        elif row.get("Username"):
            raw = row["Username"]
        else:  # the mailbox name is the usual login name at a university
            raw = row.get("Email address", "").split("@", 1)[0]
        out.append({"student_id": _student_id(raw, f"line {n} ({id_column or 'Username/Email address'})"),
                    "first_name": row.get("First name", ""), "last_name": row.get("Last name", ""),
                    "email": row.get("Email address", ""), "lms_user_id": row.get("ID number", ""),
                    "section": row.get("Department", "") or row.get("Groups", "")})
    return out


def read_students(course: Path) -> list[dict[str, str]]:
    path = course / "students.csv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def merge_roster(course: Path, incoming: list[dict[str, str]]) -> dict[str, list[str]]:
    """Merge into ``students.csv``: add new, update fields, never drop anyone (dropped learners
    keep their grades). Returns ``{"added": [...], "updated": [...], "not_in_export": [...]}``."""
    existing = read_students(course)
    by_id = {(r.get("student_id") or r.get("id") or ""): r for r in existing}
    seen, added, updated = set(), [], []
    for row in incoming:
        sid = row["student_id"]
        if sid in seen:
            raise LmsError(f"The export names the student id {sid!r} twice.")
        seen.add(sid)
        old = by_id.get(sid)
        if old is None:
            by_id[sid] = dict(row)
            added.append(sid)
            continue
        changed = {k: v for k, v in row.items() if v and old.get(k) != v}
        if changed:
            old.update(changed)
            updated.append(sid)
    columns = list(ROSTER_FIELDS) + sorted({k for r in by_id.values() for k in r} - set(ROSTER_FIELDS) - {"id"})
    path = course / "students.csv"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for sid in sorted(by_id):
            writer.writerow({**by_id[sid], "student_id": sid})
    os.replace(tmp, path)
    return {"added": added, "updated": updated, "not_in_export": sorted(set(by_id) - seen)}


def _grades(course: Path, assignment: str) -> list[dict[str, str]]:
    path = course / "exports" / f"{assignment}-grades.csv"
    if not path.is_file():
        raise LmsError(f"No grades yet: {path} is missing; run `python -m hcai grade {assignment}` first.")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def export_rows(course: Path, assignment: str, lms: str, column: str | None = None
                ) -> tuple[list[str], list[list[str]], list[str]]:
    """``(header, rows, notes)`` in the LMS's import layout; notes list every empty score."""
    roster = {r.get("student_id") or r.get("id"): r for r in read_students(course)}
    grades = _grades(course, assignment)
    title = column or assignment
    header = list(CANVAS_FIXED if lms == "canvas" else MOODLE_FIXED) + [title]
    rows, notes = [], []
    for g in sorted(grades, key=lambda r: r["student_id"]):
        sid, info = g["student_id"], roster.get(g["student_id"], {})
        score = g["score"] if g["status"] == "graded" else ""
        if not score:
            notes.append(f"{sid}: left empty ({g['status']}: {g['reason'] or 'no reason given'})")
        if not info:
            notes.append(f"{sid}: not in students.csv; the LMS may not match this row")
        first, last = info.get("first_name", ""), info.get("last_name", "")
        if lms == "canvas":
            name = f"{last}, {first}" if last or first else sid
            rows.append([name, info.get("lms_user_id", ""), info.get("sis_user_id", ""), sid,
                         info.get("section", ""), score])
        else:
            rows.append([first, last, info.get("lms_user_id", ""), info.get("email", ""), sid, score])
    return header, rows, notes


def write_export(course: Path, assignment: str, lms: str, column: str | None = None) -> tuple[Path, list[str]]:
    header, rows, notes = export_rows(course, assignment, lms, column)
    path = course / "exports" / f"{assignment}-{lms}.csv"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)
    return path, notes


# --- command line -------------------------------------------------------------------------------

def _course(args: argparse.Namespace) -> Path:
    root = Path(args.course_dir or paths.ASSIGNMENTS_DIR).expanduser().resolve()
    if not root.is_dir():
        raise LmsError(f"No course folder {root}")
    return root


def _roster_cmd(args: argparse.Namespace) -> int:
    try:
        rows = _read(Path(args.export))
        incoming = (parse_canvas if args.lms == "canvas" else parse_moodle)(rows, args.id_column)
        result = merge_roster(_course(args), incoming)
    except LmsError as exc:
        print(f"error: {exc}")
        return 2
    print(f"Roster: {len(result['added'])} added, {len(result['updated'])} updated, "
          f"{len(incoming)} in the export.")
    if result["not_in_export"]:
        print("Kept, though not in this export (dropped the course?): " + ", ".join(result["not_in_export"]))
    return 0


def _export_cmd(args: argparse.Namespace) -> int:
    try:
        path, notes = write_export(_course(args), args.assignment, args.lms, args.column)
    except LmsError as exc:
        print(f"error: {exc}")
        return 2
    print(f"Wrote {path} ({args.lms} gradebook import layout).")
    for note in notes:
        print(f"  {note}")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lms", choices=("canvas", "moodle"), required=True)
    p.add_argument("--course-dir", default=None, metavar="DIR")


def register(subparsers: Any) -> None:
    """Add ``roster`` and ``lms-export`` to ``python -m hcai``."""
    p = subparsers.add_parser("roster", help="instructors: import the roster from an LMS export CSV",
                              description="Merge a Canvas gradebook export or a Moodle grade/participants "
                                          "export into students.csv (nobody is ever removed).")
    p.add_argument("export", help="the CSV downloaded from the LMS")
    p.add_argument("--id-column", default=None,
                   help="column holding the learner's hub login (Canvas: SIS Login ID; Moodle: Username, "
                        "else the mailbox part of Email address)")
    _common(p)
    p.set_defaults(func=_roster_cmd)
    p = subparsers.add_parser("lms-export", help="instructors: grades in the Canvas or Moodle import layout",
                              description="Write exports/<A>-<lms>.csv from exports/<A>-grades.csv.")
    p.add_argument("assignment")
    p.add_argument("--column", default=None,
                   help="the LMS's name for the assignment column (Canvas: 'Name (id)' from its export)")
    _common(p)
    p.set_defaults(func=_export_cmd)


__all__ = ["LmsError", "export_rows", "merge_roster", "parse_canvas", "parse_moodle", "register", "write_export"]
