"""Learner commands: ``python -m hcai workspace`` and ``python -m hcai validate``.

Runs the real command line in subprocesses, the way a learner does, on the smallest
assignment (01) to stay fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from hcai import paths

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

AID = "01-credential-landscape"
WRONG = Path(__file__).parent / "wrong_answers" / f"{AID}.py"


def hcai(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run([sys.executable, "-m", "hcai", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(folder)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def src(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> dict:
    before = tree_digest(paths.SOURCE_DIR)
    ws = tmp_path_factory.mktemp("ws") / "workspace"
    first = hcai("workspace", "--dir", str(ws), AID)
    return {"dir": ws, "first": first, "source_before": before, "source_after": tree_digest(paths.SOURCE_DIR)}


def filled(student: Path, replace: dict[str, str] | None = None) -> dict:
    """The student notebook with each answer cell filled in, as a learner would."""
    source = json.loads((paths.SOURCE_DIR / AID / f"{AID}.ipynb").read_text())
    key = {grade_id(c): src(c) for c in source["cells"]}
    nb = json.loads(student.read_text())
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if "NotImplementedError" in src(cell) or "YOUR ANSWER HERE" in src(cell):
            text = (replace or {}).get(gid, key[gid])
            cell["source"] = text.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION\n", "")
    return nb


def test_workspace_creates_student_versions(workspace):
    assert workspace["first"].returncode == 0, workspace["first"].stderr
    nb_path = workspace["dir"] / AID / f"{AID}.ipynb"
    assert nb_path.is_file()
    text = nb_path.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text
    assert "created" in workspace["first"].stdout


def test_workspace_never_touches_sources(workspace):
    assert workspace["source_before"] == workspace["source_after"]
    assert not (paths.SOURCE_DIR / AID / "release").exists()


def test_workspace_keeps_the_learners_work(workspace):
    nb_path = workspace["dir"] / AID / f"{AID}.ipynb"
    mine = nb_path.read_text().replace("# YOUR CODE HERE", "# my own work", 1)
    nb_path.write_text(mine)
    again = hcai("workspace", "--dir", str(workspace["dir"]), AID)
    assert again.returncode == 0, again.stderr
    assert nb_path.read_text() == mine
    assert "kept" in again.stdout and "never overwritten" in again.stdout


def test_workspace_refuses_the_source_folder(tmp_path):
    result = hcai("workspace", "--dir", str(paths.SOURCE_DIR / "oops"), AID)
    assert result.returncode == 2
    assert not (paths.SOURCE_DIR / "oops").exists()


def test_validate_passes_a_correct_notebook(workspace, tmp_path):
    nb = filled(workspace["dir"] / AID / f"{AID}.ipynb")
    path = tmp_path / AID / f"{AID}.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(nb))
    result = hcai("validate", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\u2713 q1-tests (1 point)" in result.stdout
    assert "\u2713 q4-tests (2 points)" in result.stdout
    assert "\u2717" not in result.stdout
    assert "7 of 7 points" in result.stdout


def test_validate_names_what_to_fix(workspace, tmp_path):
    wrong = dict(runpy.run_path(str(WRONG))["WRONG"]["q3-answer"])["everybody"]
    # A visible test catches an empty list; "everybody" passes the visible form checks, so use
    # a wrong answer the visible tests can see, and keep the rest correct.
    nb = filled(workspace["dir"] / AID / f"{AID}.ipynb",
                {"q1-answer": 'academic_ids = sorted(credentials.loc[credentials["category"] == "Academic", "credential_id"])',
                 "q3-answer": wrong})
    path = tmp_path / f"{AID}.ipynb"
    path.write_text(json.dumps(nb))
    result = hcai("validate", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "\u2717 q1-tests" in out and "lower case" in out
    assert "\u2713 q3-tests" in out  # the visible tests check form only
    assert "Traceback" not in out
    assert "to fix" in out


def test_validate_blank_notebook_fails(workspace):
    result = hcai("validate", str(workspace["dir"] / AID / f"{AID}.ipynb"))
    assert result.returncode == 1
    assert "not defined yet" in result.stdout
    # Failed checks still count what they are worth, so the total says how far there is to go.
    assert "\u2717 q4-tests (2 points)" in result.stdout
    assert "0 of 7 points" in result.stdout


def test_validate_rejects_a_missing_file(tmp_path):
    result = hcai("validate", str(tmp_path / "nope.ipynb"))
    assert result.returncode == 2
    assert "No notebook" in result.stderr


def test_validate_says_when_it_ran_without_the_sandbox(workspace, monkeypatch):
    from hcai.engine import sandbox
    from hcai.learner import validate_notebook

    lines: list[str] = []
    monkeypatch.setattr(sandbox, "available", lambda: False)
    code = validate_notebook(workspace["dir"] / AID / f"{AID}.ipynb", out=lines.append)
    assert code == 1  # the blank notebook still fails, unsandboxed
    assert any("without the grader's sandbox" in line for line in lines), lines
    lines.clear()
    monkeypatch.undo()
    validate_notebook(workspace["dir"] / AID / f"{AID}.ipynb", out=lines.append)
    assert not any("sandbox" in line for line in lines), lines
