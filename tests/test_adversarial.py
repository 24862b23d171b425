"""Hostile submissions graded through nbgrader autograde with the sandbox and trusted verdicts.

For every assignment in ``assignments/source/`` (and a small fixture assignment), a
temporary course is built; the reference solution, the blank release and a set of hostile
submissions (``tests/fixtures/hostile/attacks.py``) are graded with ``TrustedExecute``. Then:
the reference keeps full marks; no hostile submission beats the blank release; canaries,
``source/``, the submissions and the reference's gradebook rows are untouched; nothing reached
a listener on the grading machine; every submission was graded; no hidden test shows in any
autograded notebook or feedback file.
"""

from __future__ import annotations

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

from hcai import paths

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))
import attacks  # noqa: E402

FIXTURE = "hostile-fixture"
CELL_TIMEOUT = 4
#: Attacks that depend on an assignment's own answers and tests, run on every real one.
REAL_ASSIGNMENT_ATTACKS = {"rigged", "patched", "filesystem", "tampered"}


def _assignments() -> list[str]:
    real = sorted(p.name for p in paths.SOURCE_DIR.glob("*")
                  if (p / f"{p.name}.ipynb").is_file()) if paths.SOURCE_DIR.is_dir() else []
    return [FIXTURE, *real]


CONFIG = """
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "hcai"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db?timeout=30"
c.Exchange.root = {root!r} + "/exchange"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.Autograde.autograde_preprocessors = [
    "hcai.grading.execute.TrustedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True
c.TrustedExecute.timeout = {timeout}
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
"""


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


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("HCAI_ROOT", None)
    return subprocess.run([str(Path(bindir) / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)


def _nbgrader_async(course: Path, *args: str) -> subprocess.Popen:
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("HCAI_ROOT", None)
    return subprocess.Popen([str(Path(bindir) / "nbgrader"), *args], cwd=course, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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


def _scores(course: Path, assignment: str, students: list[str]) -> tuple[dict, float, dict, dict]:
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
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course), timeout=CELL_TIMEOUT))
    (course / "canary.txt").write_text("course canary")
    (course / "source" / "canary.txt").write_text("source canary")
    (course / "exchange").mkdir()
    (course / "exchange" / "canary.txt").write_text("exchange canary")

    res = _nbgrader(course, "generate_assignment", assignment, "--force")
    assert res.returncode == 0, res.stdout + res.stderr
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
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)

    logs = []
    res = _nbgrader(course, "autograde", assignment, "--force",
                    "--CourseDirectory.student_id=reference")
    logs.append(res.stdout + res.stderr)
    students = list(submissions)
    _, _, _, rows_before = _scores(course, assignment, ["reference"])
    before = _protected_state(course, assignment)
    # Two nbgrader processes, as the grading workflow runs them (SQLite waits up to 30 s).
    others = [s for s in students if s != "reference"]
    halves = [others[0::2], others[1::2]]
    procs = [_nbgrader_async(course, "autograde", assignment, "--force",
                             "--CourseDirectory.student_id_exclude="
                             + ",".join(["reference", *halves[1 - i]]))
             for i in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        logs.append(out + err)
    after = _protected_state(course, assignment)
    res = _nbgrader(course, "generate_feedback", assignment, "--force")
    logs.append(res.stdout + res.stderr)
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
                  _hidden_lines(source_nb), "\n".join(logs), outputs, feedback)


def test_reference_solution_keeps_full_marks_in_the_sandbox(graded):
    assert graded.max_score > 0
    assert graded.scores["reference"] == graded.max_score, graded.logs[-3000:]


def test_no_hostile_submission_scores_above_the_blank_release(graded):
    blank = graded.scores["blank"]
    over = {s: graded.scores[s] for s in graded.hostile if graded.scores[s] > blank}
    assert not over, f"blank={blank}, hostile above it: {over}"


#: Submissions nbgrader 0.9.6's own sanitize step (OverwriteCells) rejects before any code runs:
#: a relabelled test cell fails its checksum check, and fully stripped metadata trips
#: ``add_missing_cells``. They end as an error for that student only, with no points.
SANITIZE_REJECTS = {"tampered", "stripped"}


def test_every_submission_was_graded(graded):
    missing = [s for s, ok in graded.graded.items() if not ok and s not in SANITIZE_REJECTS]
    assert not missing, graded.logs[-3000:]
    assert graded.graded["reference"] and graded.graded["blank"]
    for student in SANITIZE_REJECTS & set(graded.graded):
        assert graded.graded[student] or f"for student '{student}'" in graded.logs


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
    texts = {**{f"autograded/{k}": v for k, v in graded.outputs.items()}, **graded.feedback}
    leaks = [(where, line) for where, text in texts.items() for line in graded.hidden
             if line in text]
    assert not leaks, leaks[:5]
    assert not any("HIDDEN-SECRET" in t for t in texts.values())
