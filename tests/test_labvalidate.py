"""The lab's Validate button (``hcai.labvalidate``) gives the grader's verdicts.

A real ``jupyter server`` runs on a loopback port with a token, a temporary root and the
learners' config (``scripts/lab-config``, what ``make lab`` uses; ``hub/setup.py`` writes the
same switches); the tests POST ``assignments/validate?path=...`` as nbgrader's lab extension
does and read the reply the lab renders. The deliberate differences from plain nbgrader
(assignments/AUTHORING.md) are checked both ways: plain nbgrader's ``Validator`` really says
otherwise, and the button says what ``python -m hcai validate`` (and the grader) says.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import requests

from hcai import labvalidate, paths

LAB_CONFIG = paths.ROOT / "scripts" / "lab-config"

ANSWER_OK = "def double(x):\n    return 2 * x"
ANSWER_WRONG = "def double(x):\n    return x + 2"
TEST_DOUBLE = 'assert double(3) == 6, "double should multiply by two"'
# tests/compat/test_differences.py, idiom warnings_warn: honest code that warns; nbgrader gives 0
ANSWER_WARNS = ("import warnings\n\ndef scale(xs, factor=None, k=2):\n    if factor is not None:\n"
                "        warnings.warn('factor is deprecated, use k')\n        k = factor\n"
                "    return [x * k for x in xs]")
TEST_WARNS = "assert scale([1, 2]) == [2, 4]\nassert scale([1, 2], factor=3) == [3, 6]"
# tests/compat/idioms.py, idiom patch_print: the patch cannot reach the learner's kernel, refused
ANSWER_PRINT = "def report(n):\n    print(f'{n} patients seen')"
TEST_PRINT = ("from unittest.mock import patch\nwith patch('__main__.print') as mock_print:\n    report(3)\n"
              "mock_print.assert_called_once_with('3 patients seen')")


def _meta(grade_id: str, *, test: bool) -> dict:
    meta = {"grade": test, "grade_id": grade_id, "locked": test, "schema_version": 3,
            "solution": not test, "task": False}
    return {**meta, "points": 1} if test else meta


def make_notebook(answer: str, test: str) -> nbformat.NotebookNode:
    """A student notebook as nbgrader releases it (the test cell carries its checksum)."""
    from nbgrader.utils import compute_checksum

    v4 = nbformat.v4
    cells = [v4.new_markdown_cell("Write the function."),
             v4.new_code_cell(answer, metadata={"nbgrader": _meta("answer", test=False)}),
             v4.new_code_cell(test, metadata={"nbgrader": _meta("test_it", test=True)})]
    cells[2].metadata.nbgrader["checksum"] = compute_checksum(cells[2])
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


NOTEBOOKS = {"honest": (ANSWER_OK, TEST_DOUBLE), "wrong": (ANSWER_WRONG, TEST_DOUBLE),
             "warns": (ANSWER_WARNS, TEST_WARNS), "patch_print": (ANSWER_PRINT, TEST_PRINT)}


# --- without a server or a kernel ------------------------------------------------------------

def test_make_lab_and_the_hub_swap_nbgrader_validate_for_ours():
    switches = json.loads((LAB_CONFIG / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    assert switches == {labvalidate.NBGRADER_VALIDATE: False, labvalidate.EXTENSION: True}
    assert "scripts/lab-config" in (paths.ROOT / "Makefile").read_text()
    # hub/setup.py writes the learners' jupyter_server_config.json with these switches
    spec = importlib.util.spec_from_file_location("hcai_hub_setup", paths.ROOT / "hub" / "setup.py")
    hub_setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hub_setup)
    assert switches == hub_setup.LEARNER_VALIDATE


def test_static_checks_follow_nbgrader():
    nb = make_notebook(ANSWER_OK, TEST_DOUBLE)
    assert labvalidate.static_problems(nb) == {}
    nb.cells[2].source += "\nassert True"  # the learner edited a read-only test cell
    assert labvalidate.static_problems(nb) == {"changed": [{"source": nb.cells[2].source.strip()}]}
    nb.cells[2].cell_type = "markdown"
    nb.cells[2].metadata.nbgrader["cell_type"] = "code"
    assert labvalidate.static_problems(nb)["type_changed"][0]["old_type"] == "markdown"


def test_a_hand_graded_answer_left_as_released_is_listed_as_nbgrader_does():
    from nbgrader.utils import compute_checksum, determine_grade

    nb = make_notebook(ANSWER_OK, TEST_DOUBLE)
    written = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE", metadata={"nbgrader": {
        **_meta("explain", test=False), "grade": True, "points": 2}})
    written.metadata.nbgrader["checksum"] = compute_checksum(written)
    nb.cells.append(written)
    assert determine_grade(written) == (0, 2)  # nbgrader's score for it, which the grader keeps
    assert labvalidate.unanswered(nb) == [3]
    written.source = "Because the data are dated."
    assert labvalidate.unanswered(nb) == []


def test_failed_entries_are_escaped_for_the_lab():
    entry = labvalidate.failed_entry(" x = 1 \n", "\x1b[31mexpected <b> & 'c'\x1b[0m")
    assert entry == {"source": "x = 1", "raw_error": "expected <b> & 'c'",
                     "error": html.escape("expected <b> & 'c'")}


# --- a real server ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, token: str, root: Path, log: Path) -> None:
        self.url, self.token, self.root, self.log = url, token, root, log

    def request(self, method: str, route: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}/{route}", headers=headers, timeout=300, **kwargs)

    def validate(self, name: str) -> dict:
        # as the lab extension does: POST, the notebook's path in the query string
        r = self.request("POST", "assignments/validate", params={"path": f"{name}.ipynb"})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("labvalidate")
    root = base / "root"
    root.mkdir()
    for name, (answer, test) in NOTEBOOKS.items():
        nbformat.write(make_notebook(answer, test), str(root / f"{name}.ipynb"))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(LAB_CONFIG), "JUPYTER_CONFIG_DIR": str(base / "user"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "MPLBACKEND": "Agg",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    log = base / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                                 f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                                 f"--ServerApp.root_dir={root}",
                                 *(["--allow-root"] if os.geteuid() == 0 else [])],
                                env=env, cwd=base, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start:\n" + log.read_text()[-3000:]
            try:
                if srv.request("GET", "api/status").status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cli(path: Path) -> int:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "hcai", "validate", str(path)], capture_output=True,
                          text=True, env=env, timeout=300).returncode


@pytest.mark.kernel
@pytest.mark.slow
def test_ours_answers_and_nbgraders_is_not_loaded(server):
    reply = server.validate("honest")
    assert reply == {"success": True, "value": {"checked_by": "hcai", "sandboxed": reply["value"]["sandboxed"]}}
    log = server.log.read_text()
    assert "hcai: Validate is answered by the grader's engine" in log
    assert "Loading the validate_assignment nbgrader serverextension" not in log
    version = metadata.version("nbgrader")
    assert server.request("GET", "nbgrader_version", params={"version": version}).json() == {"success": True}
    other = server.request("GET", "nbgrader_version", params={"version": "0.0.1"}).json()
    assert other["success"] is False and version in other["message"]


@pytest.mark.kernel
@pytest.mark.slow
def test_wrong_answer_fails_with_its_message(server):
    reply = server.validate("wrong")
    assert reply["success"] is True, reply
    [failed] = reply["value"]["failed"]
    assert failed["source"] == TEST_DOUBLE
    assert "double should multiply by two" in failed["raw_error"]
    assert failed["error"] == html.escape(failed["raw_error"])


@pytest.mark.kernel
@pytest.mark.slow
def test_edited_test_cell_and_paths_outside_the_root(server):
    nb = nbformat.read(str(server.root / "honest.ipynb"), as_version=4)
    nb.cells[2].source = "assert True"
    nbformat.write(nb, str(server.root / "edited.ipynb"))
    assert server.validate("edited")["value"]["changed"] == [{"source": "assert True"}]
    assert server.request("POST", "assignments/validate", params={"path": "../x.ipynb"}).status_code == 403
    missing = server.validate("no-such-notebook")
    assert missing["success"] is False and "no-such-notebook" in missing["value"]


@pytest.mark.kernel
@pytest.mark.slow
@pytest.mark.parametrize("name,grader_passes", [("warns", True), ("patch_print", False)])
def test_deliberate_differences_give_the_graders_verdict(server, name, grader_passes):
    from nbgrader.validator import Validator

    path = server.root / f"{name}.ipynb"
    plain = Validator().validate(str(path))  # nbgrader's own Validate, for the record
    assert bool(plain.get("failed")) is grader_passes, plain  # the difference is real
    reply = server.validate(name)
    assert reply["success"] is True, reply
    assert ("failed" not in reply["value"]) is grader_passes, reply
    assert (_cli(path) == 0) is grader_passes  # the same verdict as `python -m hcai validate`
    if not grader_passes:
        assert "patches a name with unittest.mock" in reply["value"]["failed"][0]["raw_error"]


@pytest.mark.kernel
def test_without_bubblewrap_it_still_runs_and_says_so(tmp_path, monkeypatch):
    from hcai.engine import sandbox

    monkeypatch.setattr(sandbox, "available", lambda: False)  # as on a machine without bwrap
    nbformat.write(make_notebook(ANSWER_WRONG, TEST_DOUBLE), str(tmp_path / "wrong.ipynb"))
    reply = labvalidate.validate_reply(tmp_path, "wrong.ipynb")
    assert reply["success"] is True and reply["value"]["sandboxed"] is False
    [failed] = reply["value"]["failed"]
    assert "double should multiply by two" in failed["raw_error"]
    assert failed["raw_error"].endswith(labvalidate.NO_SANDBOX_NOTE)
