"""Hostile submissions graded by the course's real ``python -m hcai grade`` command.

For every assignment in ``assignments/source/`` (and a small fixture assignment), a
temporary course is built from the course's real ``nbgrader_config.py`` and released with
``python -m hcai release``. The reference solution, the blank release and a set of hostile
submissions (``tests/fixtures/hostile/attacks.py``) are placed in ``submitted/`` and graded
with ``python -m hcai grade --workers 2`` (sandbox, trusted verdicts, statuses, grades CSV,
feedback with hidden tests removed). Then: the reference keeps full marks; no hostile
submission beats the blank release, neither in the grades CSV nor in the gradebook; every
submission has a row and a status; metadata tampering grades as an ordinary zero; canaries,
``source/``, the release, the submissions and the reference's gradebook rows are untouched;
nothing reached a listener on the grading machine; no hidden test shows in any autograded
notebook or feedback file.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from fixtures.hostile import attacks
from hcai import paths

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

FIXTURE = "hostile-fixture"
# Per-cell limit: long enough that the reference's data-loading cell passes on a busy 2-core machine
# (4 s timed it out under load), short enough that looping attacks stay cheap.
CELL_TIMEOUT = "10"
STATUSES = {"graded", "needs_manual_grading", "error"}
#: Attacks that depend on an assignment's own answers and tests, run on every real one.
REAL_ASSIGNMENT_ATTACKS = {"rigged", "patched", "filesystem", "tampered", "stripped", "liars",
                           "fake_assert", "racer"}
#: Metadata tampering that nbgrader 0.9.6 alone turns into an error with no score;
#: ``hcai.grading.sanitize.RestoreGradebookMetadata`` makes them ordinary graded zeros.
METADATA_TAMPERING = {"tampered", "stripped"}


def _assignments() -> list[str]:
    real = sorted(p.name for p in paths.SOURCE_DIR.glob("*")
                  if (p / f"{p.name}.ipynb").is_file()) if paths.SOURCE_DIR.is_dir() else []
    return [FIXTURE, *real]


class Listener:
    """A TCP listener on every host interface; records anything that connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("0.0.0.0", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.3)
        self.port = self.sock.getsockname()[1]
        self.hits: list[tuple] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.hits.append(addr)
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


def _host_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def _tree_digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _hcai(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m hcai ARGS`` as an instructor would, from inside the course folder."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    for name in ("HCAI_ROOT", "HCAI_EXCHANGE", "HCAI_NBGRADER_EXTRA_CONFIG"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "hcai", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)


def _hidden_lines(source_nb) -> list[str]:
    out = []
    for cell in source_nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
                continue
            if "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 12:
                out.append(line.strip())
    return out


@dataclass
class Graded:
    assignment: str
    course: Path
    scores: dict[str, float]
    max_score: float
    graded: dict[str, bool]
    hostile: list[str]
    before: dict[str, object]
    after: dict[str, object]
    reference_rows_before: list
    reference_rows_after: list
    hits: list
    hidden: list[str]
    logs: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    students: list[str] = field(default_factory=list)
    exit_code: int | None = None


def _scores(course: Path, assignment: str, students: list[str]) -> tuple[dict, float, dict, dict]:
    """Per student, from the gradebook: autograded test-cell points, the maximum, whether
    every test cell got an auto score, and every grade row (for the untouched check)."""
    from nbgrader.api import Gradebook, MissingEntry

    scores, graded, rows = {}, {}, {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        max_score = 0.0
        test_ids: dict[str, set[str]] = {}
        for nb in gb.find_assignment(assignment).notebooks:
            sol = {c.name for c in nb.solution_cells}
            test_ids[nb.name] = {c.name for c in nb.grade_cells if c.name not in sol}
            max_score += sum(float(c.max_score) for c in nb.grade_cells if c.name in test_ids[nb.name])
        for student in students:
            total, ok, r = 0.0, True, []
            for nb_name, ids in test_ids.items():
                try:
                    sub = gb.find_submission_notebook(nb_name, assignment, student)
                except MissingEntry:
                    ok = False
                    continue
                for g in sub.grades:
                    r.append((nb_name, g.name, g.auto_score, g.manual_score))
                    if g.name in ids:
                        if g.auto_score is None:
                            ok = False
                        total += float(g.auto_score or 0)
            scores[student], graded[student], rows[student] = total, ok, sorted(r, key=str)
    return scores, max_score, graded, rows


def _csv_rows(course: Path, assignment: str) -> dict[str, dict[str, str]]:
    with (course / "exports" / f"{assignment}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


def _auto(row: dict[str, str]) -> float:
    """The autograded points a grades-CSV row reports (none reported counts as 0)."""
    return float(row.get("auto_score") or 0)


def _protected_state(course: Path, assignment: str) -> dict[str, object]:
    return {
        "source": _tree_digest(course / "source"),
        "submitted": _tree_digest(course / "submitted"),
        "exchange": _tree_digest(course / "exchange"),
        "canary": (course / "canary.txt").read_text() if (course / "canary.txt").exists() else None,
        "release": _tree_digest(course / "release"),
    }


@pytest.fixture(scope="module", params=_assignments())
def graded(request, tmp_path_factory) -> Graded:
    assignment = request.param
    course = tmp_path_factory.mktemp(f"course-{assignment}")
    src = course / "source" / assignment
    if assignment == FIXTURE:
        attacks.write_fixture(src)
    else:
        shutil.copytree(paths.SOURCE_DIR / assignment, src)
    # The course's real configuration; `python -m hcai` pins its paths to --course-dir.
    shutil.copy(paths.ASSIGNMENTS_DIR / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "canary.txt").write_text("course canary")
    (course / "source" / "canary.txt").write_text("source canary")
    (course / "exchange").mkdir()
    (course / "exchange" / "canary.txt").write_text("exchange canary")

    logs = []
    res = _hcai(course, "release", assignment, "--course-dir", str(course))
    assert res.returncode == 0, res.stdout + res.stderr
    logs.append(res.stdout + res.stderr)
    release_nb = nbformat.read(str(course / "release" / assignment / f"{assignment}.ipynb"), 4)
    source_nb = nbformat.read(str(src / f"{assignment}.ipynb"), 4)

    listener = Listener()
    fill = {"course": str(course), "port": str(listener.port), "hostip": _host_ip(),
            "assignment": assignment}
    submissions: dict[str, tuple[object, dict[str, str]]] = {
        "reference": (source_nb, {}), "blank": (release_nb, {})}
    built = attacks.build_all(release_nb, source_nb)
    if assignment != FIXTURE:
        # Kernel-level attacks do not depend on the assignment; the fixture runs them all.
        built = {k: v for k, v in built.items() if k in REAL_ASSIGNMENT_ATTACKS}
    for name, (nb, files) in built.items():
        for cell in nb.cells:
            for key, value in fill.items():
                cell.source = cell.source.replace("{" + key + "}", value)
        submissions[name] = (nb, files)
    for student, (nb, files) in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
        (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)

    grade = ["grade", assignment, "--course-dir", str(course), "--timeout", CELL_TIMEOUT]
    res = _hcai(course, *grade, "--workers", "1", "--student", "reference")
    logs.append(res.stdout + res.stderr)
    students = list(submissions)
    _, _, _, rows_before = _scores(course, assignment, ["reference"])
    before = _protected_state(course, assignment)
    # Everyone else on two workers; the reference is unchanged, so it is not regraded, and
    # its gradebook rows show whether a hostile submission reached them.
    res = _hcai(course, *grade, "--workers", "2")
    exit_code = res.returncode
    logs.append(res.stdout + res.stderr)
    # Each submission's nbgrader log, kept by `grade` for the instructor.
    logs += [f"--- {p.name}\n" + p.read_text(errors="replace")[-4000:]
             for p in sorted((course / "autograded" / ".hcai-state").rglob("*.log"))]
    after = _protected_state(course, assignment)
    listener.close()

    scores, max_score, was_graded, rows_after = _scores(course, assignment, students)
    outputs = {}
    for student in students:
        p = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        if p.exists():
            nb = nbformat.read(str(p), 4)
            outputs[student] = json.dumps([c.get("outputs", []) for c in nb.cells])
    feedback = {str(p.relative_to(course)): html.unescape(p.read_text(errors="replace"))
                for p in (course / "feedback").rglob("*.html")}
    return Graded(assignment, course, scores, max_score, was_graded,
                  [s for s in students if s not in ("reference", "blank")], before, after,
                  rows_before["reference"], rows_after["reference"], listener.hits,
                  _hidden_lines(source_nb), "\n".join(logs), outputs, feedback,
                  _csv_rows(course, assignment), students, exit_code)


def test_reference_solution_keeps_full_marks_in_the_sandbox(graded):
    assert graded.max_score > 0
    assert graded.scores["reference"] == graded.max_score, graded.logs[-3000:]
    row = graded.rows["reference"]
    assert row["status"] in ("graded", "needs_manual_grading"), row
    assert _auto(row) >= graded.max_score, row


def test_no_hostile_submission_scores_above_the_blank_release(graded):
    blank = graded.scores["blank"]
    over = {s: graded.scores[s] for s in graded.hostile if graded.scores[s] > blank}
    assert not over, f"blank={blank}, hostile above it: {over}"
    # The same in the grades CSV, whatever status each submission ended with.
    blank_csv = _auto(graded.rows["blank"])
    over = {s: graded.rows[s] for s in graded.hostile if _auto(graded.rows[s]) > blank_csv}
    assert not over, f"blank={blank_csv}, hostile above it in the CSV: {over}"
    for s in graded.hostile:
        row = graded.rows[s]
        if row["score"]:
            assert float(row["score"]) <= max(blank_csv, float(graded.rows["blank"]["score"] or 0)), row


def test_every_submission_has_a_row_and_a_status(graded):
    assert set(graded.rows) == set(graded.students), sorted(graded.rows)
    for student, row in graded.rows.items():
        assert row["status"] in STATUSES, row
        if row["status"] == "error":
            assert row["reason"].strip(), row
            assert not row["score"], row
    assert graded.rows["blank"]["status"] != "error", graded.rows["blank"]
    # `grade` exits 1 exactly when some submission ended as an error.
    assert graded.exit_code == (1 if any(r["status"] == "error" for r in graded.rows.values()) else 0)


def test_every_submission_was_graded(graded):
    missing = [s for s, ok in graded.graded.items() if not ok]
    assert not missing, (missing, graded.logs[-3000:])
    assert graded.graded["reference"] and graded.graded["blank"]


def test_metadata_tampering_grades_as_an_ordinary_zero(graded):
    for student in METADATA_TAMPERING & set(graded.rows):
        row = graded.rows[student]
        assert row["status"] in ("graded", "needs_manual_grading"), row
        assert graded.graded[student], graded.logs[-3000:]
        assert graded.scores[student] == 0, (student, graded.scores[student])
        assert _auto(row) == 0, row


def test_course_files_and_other_grades_are_untouched(graded):
    assert graded.after == graded.before
    assert graded.after["canary"] == "course canary"
    assert not any("planted" in k for k in graded.after["source"])
    assert graded.reference_rows_after == graded.reference_rows_before
    assert not Path("/tmp/planted-outside.txt").exists()


def test_nothing_reached_the_network(graded):
    assert graded.hits == []
    assert "CONNECTED" not in graded.outputs.get("filesystem", "")


def test_no_hidden_test_shows_in_outputs_or_feedback(graded):
    assert graded.hidden, "the assignment should have hidden tests"
    assert graded.feedback, "feedback should have been generated"
    for student in ("reference", "blank"):
        assert any(k.startswith(f"feedback/{student}/") for k in graded.feedback), sorted(graded.feedback)
    texts = {**{f"autograded/{k}": v for k, v in graded.outputs.items()}, **graded.feedback}
    leaks = [(where, line) for where, text in texts.items() for line in graded.hidden
             if line in text]
    assert not leaks, leaks[:5]
    assert not any("HIDDEN-SECRET" in t for t in texts.values())
