"""Grade one nbgrader course twice, side by side: plain nbgrader and ``python -m hcai grade``.

A :class:`Case` is a course in miniature: the files of one source assignment, the
submissions of a few students, and whatever plain nbgrader needs beside them (a header
notebook, ``autotests.yml``, a line of config). :func:`grade_side_by_side` lays the case
out twice in a scratch folder and grades each copy once:

* **plain**: the venv's own ``nbgrader generate_assignment`` and ``nbgrader autograde``
  as subprocesses, working directory the course folder, a bare ``nbgrader_config.py``
  (only the course root, plus the case's own lines), ``--db`` a SQLite file of its own and
  an empty ``JUPYTER_CONFIG_DIR`` so that no personal config leaks in;
* **hcai**: ``python -m hcai grade <A> --course-dir <copy> --no-feedback`` from the copy.
  The copy has no ``nbgrader_config.py`` of its own, as a course folder brought from
  elsewhere would not: hcai then grades it with the course config
  (``assignments/nbgrader_config.py``, see ``hcai/grading/config.py``).

Both gradebooks are then read through nbgrader's :class:`~nbgrader.api.Gradebook` into
:class:`Scores`, keyed ``(student, notebook, grade_id)``. Nothing here knows what the
scores should be; the tests compare the two sides and check what nbgrader's own tests
assert.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbgrader

VENV_BIN = Path(sys.executable).parent
NBGRADER_PKG = Path(nbgrader.__file__).resolve().parent
NBGRADER_FILES = NBGRADER_PKG / "tests" / "apps" / "files"
NBGRADER_DOCS = NBGRADER_PKG / "docs" / "source" / "user_guide"
REPO = Path(__file__).resolve().parents[2]
KERNEL_START_FAILURES = ("Address already in use", "Kernel died before replying to kernel_info")
RUN_TIMEOUT = 1200  # seconds for one nbgrader or hcai command (a whole course)

Content = bytes | str | Path
Key = tuple[str, str, str]  # (student, notebook, grade_id)


@dataclass
class Case:
    """One assignment with its submissions, ready to be laid out as a course folder."""

    name: str                                   # the assignment id
    source: dict[str, Content]                  # path inside source/<name>/ -> content
    submissions: dict[str, dict[str, Content]]  # student -> path inside submitted/<s>/<name>/
    course_files: dict[str, Content] = field(default_factory=dict)  # path inside the course
    plain_config: str = ""                      # extra lines for plain nbgrader's config
    generate_args: list[str] = field(default_factory=list)  # extra generate_assignment args
    # students whose submission is plain nbgrader's release of these notebooks, untouched
    release_submissions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def students(self) -> list[str]:
        return sorted(set(self.submissions) | set(self.release_submissions))


@dataclass
class Scores:
    """What one gradebook says about one assignment."""

    auto: dict[Key, float | None]             # per graded cell: nbgrader's auto_score
    max: dict[tuple[str, str], float]         # (notebook, grade_id) -> max_score
    notebook_score: dict[tuple[str, str], float]  # (student, notebook) -> score

    def total(self, student: str) -> float:
        return sum(v for (s, _nb), v in self.notebook_score.items() if s == student)


@dataclass
class Run:
    """One side's course folder, its gradebook's scores and the command output."""

    course: Path
    scores: Scores
    log: str

    def autograded(self, assignment: str, student: str) -> Path:
        return self.course / "autograded" / student / assignment

    def cell_outputs(self, assignment: str, key: Key, limit: int = 400) -> str:
        """The outputs the graded cell got in this side's autograded notebook (for messages)."""
        student, notebook, grade_id = key
        path = self.autograded(assignment, student) / f"{notebook}.ipynb"
        if not path.is_file():
            return f"(no autograded notebook {path.name})"
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                parts = []
                for out in cell.get("outputs", []):
                    text = out.get("text") or out.get("evalue") or out.get("data", {}).get("text/plain", "")
                    text = "".join(text) if isinstance(text, list) else str(text)
                    parts.append(f"{out.get('output_type')}/{out.get('name') or out.get('ename', '')}: {text}")
                return (" | ".join(parts) or "(no output)")[:limit]
        return "(cell not found)"


@dataclass
class SideBySide:
    case: Case
    plain: Run
    hcai: Run
    hcai_returncode: int

    def keys(self) -> list[Key]:
        return sorted(set(self.plain.scores.auto) | set(self.hcai.scores.auto))

    def explain(self, key: Key) -> str:
        """A failure message: both scores and what each side's cell printed."""
        a = self.case.name
        return (f"{a} {'/'.join(key)}: nbgrader {self.plain.scores.auto.get(key, 'MISSING')} vs hcai "
                f"{self.hcai.scores.auto.get(key, 'MISSING')} (max {self.plain.scores.max.get(key[1:])})\n"
                f"  nbgrader cell output: {self.plain.cell_outputs(a, key)}\n"
                f"  hcai cell output:     {self.hcai.cell_outputs(a, key)}")


# --- laying out a course ---------------------------------------------------------------

def _write(path: Path, content: Content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def lay_out(case: Case, course: Path) -> Path:
    """Write the case's source, submissions and course files under ``course``."""
    for rel, content in case.source.items():
        _write(course / "source" / case.name / rel, content)
    for student, files in case.submissions.items():
        for rel, content in files.items():
            _write(course / "submitted" / student / case.name / rel, content)
    for rel, content in case.course_files.items():
        _write(course / rel, content)
    return course


def tool_env(scratch: Path) -> dict[str, str]:
    """The environment both sides run in: the venv first on PATH (alembic), no personal config."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HCAI_") and k not in ("JUPYTER_CONFIG_DIR", "NBGRADER_CONFIG")}
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    config_dir = scratch / "jupyter-config"
    config_dir.mkdir(parents=True, exist_ok=True)
    env["JUPYTER_CONFIG_DIR"] = str(config_dir)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def _describe(proc: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(map(str, proc.args))}\n(exit {proc.returncode})\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"


# --- reading a gradebook ----------------------------------------------------------------

def read_scores(db_url: str, assignment: str) -> Scores:
    from nbgrader.api import Gradebook, MissingEntry

    auto: dict[Key, float | None] = {}
    maxes: dict[tuple[str, str], float] = {}
    totals: dict[tuple[str, str], float] = {}
    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return Scores(auto, maxes, totals)
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                totals[(student.id, nb.name)] = float(nb.score)
                for grade in nb.grades:
                    auto[(student.id, nb.name, grade.name)] = (
                        None if grade.auto_score is None else float(grade.auto_score))
                    maxes[(nb.name, grade.name)] = float(grade.max_score)
    return Scores(auto, maxes, totals)


# --- the two sides ---------------------------------------------------------------------

class GradingFailed(RuntimeError):
    """A side could not grade the course at all; the message has the command output."""


def run_plain(case: Case, course: Path, env: dict[str, str], others: list[Path]) -> Run:
    """Plain nbgrader with a bare config; also lays the release submissions into ``others``."""
    lay_out(case, course)
    config = f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n{case.plain_config}\n"
    (course / "nbgrader_config.py").write_text(config, encoding="utf-8")
    db = f"sqlite:///{course.parent / 'plain-gradebook.db'}"
    nbg = str(VENV_BIN / "nbgrader")
    gen = _run([nbg, "generate_assignment", case.name, "--db", db, "--force", *case.generate_args], course, env)
    if gen.returncode != 0:
        raise GradingFailed("plain nbgrader generate_assignment failed:\n" + _describe(gen))
    for student, notebooks in case.release_submissions.items():
        for nb in notebooks:
            released = course / "release" / case.name / f"{nb}.ipynb"
            for root in [course, *others]:
                _write(root / "submitted" / student / case.name / f"{nb}.ipynb", released)
    for _attempt in range(3):
        auto = _run([nbg, "autograde", case.name, "--db", db, "--force"], course, env)
        # On a busy machine a kernel can lose the race for its TCP port: that says nothing
        # about the submissions, so plain nbgrader gets another go (hcai retries likewise).
        if auto.returncode == 0 or not any(m in auto.stderr for m in KERNEL_START_FAILURES):
            break
    if auto.returncode != 0:
        raise GradingFailed("plain nbgrader autograde failed:\n" + _describe(auto))
    return Run(course, read_scores(db, case.name), _describe(gen) + "\n" + _describe(auto))


def run_hcai(case: Case, course: Path, env: dict[str, str]) -> tuple[Run, int]:
    """``python -m hcai grade`` on a copy that has no nbgrader config of its own."""
    cmd = [sys.executable, "-m", "hcai", "grade", case.name, "--course-dir", str(course),
           "--no-feedback", "--workers", "2"]
    proc = _run(cmd, course, env)
    if proc.returncode not in (0, 1):  # 1: some submissions had errors, the rest were graded
        raise GradingFailed("hcai grade could not grade the course:\n" + _describe(proc))
    db = f"sqlite:///{course / 'gradebook.db'}"
    return Run(course, read_scores(db, case.name), _describe(proc)), proc.returncode


def grade_side_by_side(case: Case, scratch: Path) -> SideBySide:
    """Lay the case out twice under ``scratch``, grade each copy once, read both gradebooks."""
    env = tool_env(scratch)
    hcai_course = lay_out(case, scratch / "hcai" / "course")
    plain = run_plain(case, scratch / "plain" / "course", env, [hcai_course])
    hcai, code = run_hcai(case, hcai_course, env)
    return SideBySide(case, plain, hcai, code)


def nb_grade_cells(path: Path, tests_only: bool = False) -> list[str]:
    """The grade_ids of a source notebook's graded cells (only its test cells if asked)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        meta: dict[str, Any] = cell.get("metadata", {}).get("nbgrader", {})
        is_test = cell.get("cell_type") == "code" and not meta.get("solution")
        if meta.get("grade") and (is_test or not tests_only):
            out.append(meta["grade_id"])
    return out


__all__ = ["Case", "GradingFailed", "NBGRADER_DOCS", "NBGRADER_FILES", "Run", "Scores",
           "SideBySide", "grade_side_by_side", "lay_out", "nb_grade_cells", "read_scores"]
