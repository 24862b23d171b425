"""``release`` and ``collect``: getting assignments out to learners and their work back."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hcai.grading import notebooks as nbcheck
from hcai.grading.console import printer as _printer, tail as _tail
from hcai.grading.course import (CheckFailed, Course, Printer, WorkflowError,
                                 ensure_generated, read_roster)
from hcai.grading.config import ensure_gradebook
from hcai.grading.state import hash_tree


@dataclass
class ReleaseResult:
    release_dir: Path
    lms_zip: Path
    exchange: Path | None
    problems: list[nbcheck.Problem]


def _deterministic_zip(folder: Path, zip_path: Path, arc_root: str) -> None:
    """Zip ``folder`` with fixed timestamps and order, so re-running gives the same bytes."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if not path.is_file() or any(p in (".ipynb_checkpoints", "__pycache__") for p in rel.parts):
                continue
            info = zipfile.ZipInfo(f"{arc_root}/{rel.as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    if zip_path.is_file() and zip_path.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        os.replace(tmp, zip_path)


def parse_due(text: str) -> datetime:
    """A due date from ISO text; without a zone it is taken as UTC. Returns naive UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise WorkflowError(f"Cannot read the due date {text!r}; write it like 2026-12-01T17:00+01:00.") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def release(assignment: str, course_dir: str | None = None, *, due: str | None = None,
            exchange: bool = True, say: Printer | None = None) -> ReleaseResult:
    """Generate, check and release the student version; write the LMS zip."""
    say = say or _printer()
    course = Course.open(course_dir)
    src = course.require_assignment(assignment)

    say(f"[1/4] Checking the source notebooks of {assignment} ...")
    problems = [p for nb in sorted(src.glob("*.ipynb")) for p in nbcheck.check_source(nb)]
    if problems:
        raise CheckFailed("The source notebooks have problems; nothing was released:\n"
                          + "\n".join(f"  - {p}" for p in problems))

    say("[2/4] Generating the student version (nbgrader generate_assignment) ...")
    ensure_gradebook(course.cfg)
    result = course.api().generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise CheckFailed("nbgrader generate_assignment failed:\n" + _tail(result))
    release_dir = course.root / "release" / assignment
    problems = [p for nb in sorted(release_dir.glob("*.ipynb")) for p in nbcheck.check_release(nb)]
    if problems:
        raise CheckFailed("The generated student version gives answers away or is malformed; "
                          "it was NOT released:\n" + "\n".join(f"  - {p}" for p in problems))
    if due:
        with course.gradebook() as gb:
            gb.update_or_create_assignment(assignment, duedate=parse_due(due))
        say(f"      due date set to {parse_due(due):%Y-%m-%d %H:%M} UTC")

    exchange_dir = None
    if exchange:
        say("[3/4] Releasing to the nbgrader exchange ...")
        api = course.api()
        with _temp_config(api, "ExchangeReleaseAssignment", "force", True):
            result = api.release_assignment(assignment)
        if not result or not result["success"]:
            raise WorkflowError(_not_owned(result) or "nbgrader release_assignment failed (is the exchange "
                                "folder writable? set HCAI_EXCHANGE):\n" + _tail(result or {}))
        exchange_dir = _outbound(course, assignment)
    else:
        say("[3/4] Skipping the exchange (--no-exchange).")

    say("[4/4] Writing the zip for the LMS ...")
    lms_zip = course.root / "lms" / f"{assignment}.zip"
    _deterministic_zip(release_dir, lms_zip, assignment)
    say(f"Released {assignment}: student version in {release_dir}, LMS zip {lms_zip}"
        + (f", exchange {exchange_dir}" if exchange_dir else ""))
    return ReleaseResult(release_dir, lms_zip, exchange_dir, [])


def _outbound(course: Course, assignment: str) -> Path | None:
    """Where nbgrader's exchange put the release (it knows its own layout and plugins)."""
    try:
        from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
        from nbgrader.coursedir import CourseDirectory
        ex = ExchangeReleaseAssignment(coursedir=CourseDirectory(config=course.cfg), config=course.cfg)
        ex.coursedir.assignment_id = assignment
        ex.init_dest()
        return Path(ex.dest_path)
    except Exception:  # noqa: BLE001 -- another exchange plugin: it reports its own location
        return None


class _temp_config:
    """Set one config value on an API's config for the duration of a call."""

    def __init__(self, api: Any, section: str, key: str, value: Any) -> None:
        self.api, self.section, self.key, self.value = api, section, key, value

    def __enter__(self) -> None:
        from traitlets.config import Config
        c = Config()
        c[self.section][self.key] = self.value
        self.api.update_config(c)

    def __exit__(self, *exc: Any) -> None:
        return None


# --- collect ---------------------------------------------------------------------------------

@dataclass
class CollectResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)  # where replaced submissions were kept
    refused: list[str] = field(default_factory=list)  # exchange entries left out, and why


def collect(assignment: str, course_dir: str | None = None, *, from_zip: str | None = None,
            say: Printer | None = None) -> CollectResult:
    """Bring submissions into ``submitted/``: from the exchange, or from an LMS zip."""
    say = say or _printer()
    course = Course.open(course_dir)
    course.require_assignment(assignment)
    names = ensure_generated(course, assignment, say)
    if from_zip:
        return _collect_zip(course, assignment, Path(from_zip), names, say)
    before = {p.parent.name: hash_tree(p) for p in (course.root / "submitted").glob(f"*/{assignment}")}
    say(f"Collecting {assignment} from the exchange {course.cfg.Exchange.root} ...")
    result = course.api().collect(assignment, update=True)
    if not result or not result["success"]:
        raise WorkflowError("nbgrader collect failed:\n" + _tail(result or {}))
    from hcai.grading.exchange import REFUSED  # late: it imports nbgrader

    out = CollectResult()
    out.refused = [line.split(REFUSED, 1)[1].strip() for line in (result.get("log") or "").splitlines()
                   if REFUSED in line]
    for line in out.refused:
        say(f"  left out: {line}")
    for path in sorted((course.root / "submitted").glob(f"*/{assignment}")):
        student, digest = path.parent.name, hash_tree(path)
        (out.unchanged if before.get(student) == digest else
         out.updated if student in before else out.added).append(student)
    say(f"Collected: {len(out.added)} new, {len(out.updated)} updated, {len(out.unchanged)} unchanged"
        + (f", {len(out.refused)} exchange entr{'y' if len(out.refused) == 1 else 'ies'} left out." if out.refused
           else "."))
    return out


def _not_owned(result: dict | None) -> str | None:
    """A plain message when nbgrader refused an exchange folder another account owns.

    Any account may create folders in the exchange root (it is world-writable, as nbgrader
    needs), so a learner can create a course's folder before its first release; nbgrader
    then refuses to release into it, rightly: its owner could replace what is released.
    """
    found = re.search(r"You don't own the directory: (\S+)", (result or {}).get("log") or "")
    if not found:
        return None
    folder = Path(found.group(1))
    try:
        owner = pwd.getpwuid(folder.stat().st_uid).pw_name
    except (KeyError, OSError):
        owner = "another account"
    return (f"The exchange folder {folder} belongs to {owner}, not to you, so nothing was released: "
            "any account can create folders in the exchange, and its owner could change what learners "
            f"fetch. Check what is in it, remove it as root (or `chown` it to the instructor), then re-run.")


def _match_student(parts: list[str], roster_ids: dict[str, str]) -> str | None:
    """The student an LMS zip entry belongs to: a folder name, or a token of the file name."""
    folders, filename = parts[:-1], parts[-1]
    tokens = [*folders, *filename.split("_")]
    if roster_ids:
        for token in tokens:
            if token in roster_ids:
                return roster_ids[token]
        return None
    if folders:
        return folders[0]
    return filename.split("_")[0] if "_" in filename else None


def _collect_zip(course: Course, assignment: str, zip_path: Path, names: list[str],
                 say: Printer) -> CollectResult:
    if not zip_path.is_file():
        raise WorkflowError(f"No such zip file: {zip_path}")
    roster = read_roster(course.root)
    roster_ids: dict[str, str] = {}
    for row in roster:
        roster_ids[row["student_id"]] = row["student_id"]
        for key in ("lms_user_id", "lms_id"):
            if row.get(key):
                roster_ids[row[key]] = row["student_id"]
    expected = {f"{n}.ipynb" for n in names}
    by_student: dict[str, list[tuple[str, zipfile.ZipInfo]]] = {}
    out = CollectResult()
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise WorkflowError(f"{zip_path} is not a zip file.") from None
    with zf:
        for info in zf.infolist():
            parts = [p for p in info.filename.split("/") if p]
            if info.is_dir() or not parts or any(p.startswith("__MACOSX") or p == ".ipynb_checkpoints"
                                                 for p in parts):
                continue
            if not (parts[-1].endswith(".ipynb") or parts[-1] == "timestamp.txt"):
                continue
            student = _match_student(parts, roster_ids)
            if student is None or "/" in student or student.startswith("."):
                out.skipped.append(info.filename)
                continue
            by_student.setdefault(student, []).append((parts[-1], info))
        say(f"Collecting {assignment} from {zip_path.name}: {len(by_student)} student(s) ...")
        for student, entries in sorted(by_student.items()):
            files: dict[str, bytes] = {}
            notebooks = [(n, i) for n, i in entries if n.endswith(".ipynb")]
            for filename, info in notebooks:
                target = filename if filename in expected else _expected_name(filename, expected, len(notebooks))
                files[target] = zf.read(info)
            stamp = next((zf.read(i).decode("utf-8", "replace").strip() for n, i in entries
                          if n == "timestamp.txt"), None)
            if stamp is None and notebooks:
                latest = max(i.date_time for _, i in notebooks)
                stamp = datetime(*latest).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            if stamp:
                files["timestamp.txt"] = stamp.encode()
            _write_submission(course.root / "submitted" / student / assignment, files, student, out)
    say(f"Collected: {len(out.added)} new, {len(out.updated)} updated, {len(out.unchanged)} unchanged"
        + (f"; {len(out.skipped)} file(s) matched no student: {', '.join(out.skipped[:5])}" if out.skipped else "."))
    if out.archived:
        say(f"The {len(out.archived)} replaced submission(s) were kept in {course.root / 'archive' / assignment}.")
    return out


def _expected_name(filename: str, expected: set[str], count: int) -> str:
    """Map an LMS-renamed file (``smith_123_456_ps1-1.ipynb``) back to its notebook name."""
    if len(expected) == 1 and count == 1:
        return next(iter(expected))
    for name in sorted(expected, key=len, reverse=True):
        stem = name[:-len(".ipynb")]
        if stem in filename:
            return name
    return filename


def _write_submission(folder: Path, files: dict[str, bytes], student: str, out: CollectResult) -> None:
    current = {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()} if folder.is_dir() else None
    if current == files:
        out.unchanged.append(student)
        return
    (out.updated if current is not None else out.added).append(student)
    if folder.is_dir():
        # Never lose a submission: an LMS download may be older or partial, so the copy it
        # replaces moves to <course>/archive/<assignment>/<student>/<UTC time>/.
        course_root, assignment = folder.parents[2], folder.name
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        dest = course_root / "archive" / assignment / student / stamp
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(dest))
        out.archived.append(str(dest))
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)



# --- feedback back to learners ---------------------------------------------------------------

def release_feedback(assignment: str, course_dir: str | None = None, say: Printer | None = None) -> int:
    """Put every student's generated feedback into the exchange; returns how many."""
    say = say or _printer()
    course = Course.open(course_dir)
    course.require_assignment(assignment)
    students = sorted(p.parent.name for p in (course.root / "feedback").glob(f"*/{assignment}") if p.is_dir())
    if not students:
        raise WorkflowError(f"No feedback for {assignment} yet: run `python -m hcai grade {assignment}` first.")
    result = course.api().release_feedback(assignment)
    if not result or not result["success"]:
        raise WorkflowError(_not_owned(result) or "nbgrader release_feedback failed:\n" + _tail(result or {}))
    say(f"Released feedback of {assignment} for {len(students)} student(s) to {course.cfg.Exchange.root}.")
    return len(students)


__all__ = ["CollectResult", "ReleaseResult", "collect", "parse_due", "release", "release_feedback"]
