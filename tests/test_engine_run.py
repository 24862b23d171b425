"""hcai.engine: the one engine behind the grader, validate and the tests."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import zmq

from hcai import paths
from hcai.engine import sandbox
from hcai.engine.channel import ChannelError, ChannelTimeout, KernelChannel
from hcai.engine.kernel import MAX_MESSAGE_BYTES, KernelGone, LearnerKernel, merge_kernel_args
from hcai.engine.outputs import OutputCollector
from hcai.engine.pool import SparePool
from hcai.engine.run import RunSettings, run_notebook

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = pytest.mark.kernel

SECRET = "SECRET-EXPECTED-42"


def _test_cell(src: str, grade_id: str, points: float = 1) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": grade_id, "points": points, "schema_version": 3}
    return cell


def _notebook(answer: str, tests: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(answer), *tests]
    return nb


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    k = LearnerKernel(tmp_path_factory.mktemp("sub"), sandboxed=sandbox.available())
    k.start()
    assert not k.dead, k.death_reason
    yield k
    k.close()


@pytest.mark.parametrize("marker", ["### BEGIN HIDDEN TESTS", "## BEGIN HIDDEN TESTS",
                                    "# BEGIN HIDDEN TESTS (q1)"])
def test_any_spelling_of_the_hidden_marker_keeps_its_messages_and_prints_back(tmp_path, marker):
    end = marker.replace("BEGIN", "END")
    src = (f"assert x > 0, 'x must be positive'\n{marker}\nprint('{SECRET}')\n"
           f"assert x == 42, '{SECRET}'\n{end}\n")
    nb, results, _ = run_notebook(_notebook("x = 5", [_test_cell(src, "q1")]), tmp_path,
                                  RunSettings(sandbox=False))
    test = [r for r in results if r.kind == "test"][0]
    assert test.passed is False and SECRET not in test.message
    assert SECRET not in json.dumps(nb.cells[1].outputs)
    assert "hidden check" in test.message


def test_visible_failures_keep_their_message(tmp_path):
    nb = _notebook("x = -1", [_test_cell("assert x > 0, 'x must be positive'", "q1")])
    _, results, _ = run_notebook(nb, tmp_path, RunSettings(sandbox=False))
    assert results[1].passed is False and results[1].message == "x must be positive"


def test_an_nbformat_4_4_notebook_without_ids_runs(tmp_path):
    nb = _notebook("x = 42", [_test_cell("assert x == 42", "q1", 2)])
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 4
    for c in data["cells"]:
        c.pop("id", None)
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(data))
    old = nbformat.read(str(path), as_version=4)
    _, results, _ = run_notebook(old, tmp_path, RunSettings(sandbox=False))
    assert [r.passed for r in results] == [True, True] and results[1].points == 2


def test_validate_imports_no_nbgrader_and_gives_the_graders_verdicts(tmp_path):
    nb = _notebook("x = 41", [_test_cell("assert x == 42, 'x is not the answer'", "q1", 2)])
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, str(path))
    code = ("import sys; from pathlib import Path; from hcai import learner\n"
            f"rc = learner.validate_notebook(Path({str(path)!r}))\n"
            "print('RC', rc, 'nbgrader' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "RC 1 False" in out.stdout, out.stdout + out.stderr
    assert "x is not the answer" in out.stdout
    _, results, _ = run_notebook(nb, tmp_path, RunSettings(sandbox=sandbox.available()))
    assert results[1].passed is False and results[1].message == "x is not the answer"


def test_sockets_refuse_huge_messages_through_the_context_option(kernel):
    assert kernel.kc.shell_channel.socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES
    assert kernel.kc.iopub_channel.socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES


def test_channel_returns_plain_strings_only(kernel):
    plain = KernelChannel(kernel, "def agent(payload):\n    return 'ok:' + payload\n")
    assert plain.request("abc", 10) == "ok:abc"
    for body in ("return 42", "return 'it\\'s'", "return 'caf\\u00e9'", "return b'x'"):
        channel = KernelChannel(kernel, f"def agent(payload):\n    {body}\n")
        with pytest.raises(ChannelError):
            channel.request("x", 10)


def test_channel_agent_cannot_be_replaced_by_learner_code(kernel):
    out = OutputCollector(10_000, [10_000])
    kernel.run_cell("agent = lambda p: 'rigged'", 10, out)
    assert KernelChannel(kernel, "def agent(p):\n    return 'honest'\n").request("", 10) == "honest"


def test_channel_timeout_interrupts_and_the_kernel_survives(kernel):
    slow = KernelChannel(kernel, "def agent(p):\n    import time\n    time.sleep(30)\n    return ''\n")
    with pytest.raises(ChannelTimeout):
        slow.request("", 1.0)
    assert kernel.alive()
    assert KernelChannel(kernel, "def agent(p):\n    return 'back'\n").request("", 10) == "back"


def test_channel_on_a_dead_kernel_raises_kernel_gone(tmp_path):
    k = LearnerKernel(tmp_path, sandboxed=False)
    k.start()
    try:
        k.run_cell("import os; os._exit(1)", 10, OutputCollector(1000, [1000]))
        with pytest.raises(KernelGone):
            KernelChannel(k, "def agent(p):\n    return ''\n").request("", 5)
    finally:
        k.close()


def test_spare_kernels_get_the_next_submissions_files(tmp_path):
    pool = SparePool()
    settings = RunSettings(sandbox=sandbox.available())
    try:
        for n in range(3):
            sub = tmp_path / f"s{n}"
            sub.mkdir()
            (sub / "data.txt").write_text(f"student {n}")
            nb = _notebook("text = open('data.txt').read()",
                           [_test_cell(f"assert text == 'student {n}'", "q1")])
            _, results, info = run_notebook(nb, sub, settings, kernel_source=pool)
            assert [r.passed for r in results] == [True, True], (n, results, info)
    finally:
        pool.close()


def test_interrupt_on_timeout_false_stops_the_kernel(tmp_path):
    nb = _notebook("import time; time.sleep(60)", [_test_cell("assert True", "q1")])
    nb.cells.insert(1, nbformat.v4.new_code_cell("y = 1"))
    settings = RunSettings(sandbox=False, timeout=1, interrupt_on_timeout=False)
    _, results, info = run_notebook(nb, tmp_path, settings)
    assert info["timed_out_cells"] == [0] and info["kernel_died"]
    assert results[1].passed is False and "not run" in results[1].message


def test_extra_arguments_reach_the_kernel_and_override_the_defaults():
    merged = merge_kernel_args(["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"],
                               ["--IPKernelApp.log_level=WARN", "--InteractiveShell.xmode=Minimal"])
    assert merged == ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=WARN",
                      "--InteractiveShell.xmode=Minimal"]


def test_trusted_execute_honours_execute_traits(tmp_path):
    from traitlets.config import Config

    from hcai.grading.execute import TrustedExecute

    config = Config()
    config.Execute.timeout = 7
    config.Execute.startup_timeout = 33
    config.Execute.interrupt_on_timeout = False
    config.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]
    settings = TrustedExecute(config=config).settings()
    assert (settings.timeout, settings.startup_timeout, settings.interrupt_on_timeout) == (7, 33, False)
    assert settings.extra_arguments == ["--InteractiveShell.xmode=Minimal"]
    k = LearnerKernel(tmp_path, sandboxed=False, extra_arguments=settings.extra_arguments)
    k.start()
    try:
        out = OutputCollector(10_000, [10_000])
        k.run_cell("print(get_ipython().InteractiveTB.mode)", 10, out)
        assert "Minimal" in out.items[0]["text"]
    finally:
        k.close()


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        if isinstance(node, ast.Attribute) and node.attr in {"_handle_kernel_info_reply",
                                                             "_create_connected_socket", "_make_url"}:
            found.append(node.attr)
    return found


def test_engine_uses_no_private_names_from_other_modules():
    files = sorted((paths.ROOT / "hcai" / "engine").glob("*.py"))
    files += [paths.ROOT / "hcai" / "cells.py", paths.ROOT / "hcai" / "grading" / "execute.py"]
    assert {str(f.name): _private_imports(f) for f in files if _private_imports(f)} == {}


def test_engine_modules_stay_small():
    for f in sorted((paths.ROOT / "hcai" / "engine").glob("*.py")):
        assert len(f.read_text().splitlines()) <= 400, f.name


@pytest.mark.parametrize("sandboxed", [False, True])
def test_test_cells_see_the_submissions_files_and_what_learner_code_wrote(tmp_path, sandboxed):
    if sandboxed and not sandbox.available():
        pytest.skip("bwrap is required for the sandboxed case")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "given.csv").write_text("a,b\n1,2\n")  # an instructor's file beside the notebook
    answer = ("open('result.txt', 'w').write('42')\n"
              "open('given.csv', 'w').write('rigged')  # learner code overwrites a course file")
    test = _test_cell("assert open('given.csv').read() == 'a,b\\n1,2\\n', 'course file changed'\n"
                      "assert open('result.txt').read() == '42', 'result.txt missing'", "q1")
    nb = _notebook(answer, [test])
    settings = RunSettings(sandbox=sandboxed, write_back=True)
    _, results, info = run_notebook(nb, sub, settings)
    assert results[1].passed, (results, info)
    # the learner's written file ends up beside the notebook, the course file is untouched
    assert (sub / "result.txt").read_text() == "42"
    assert (sub / "given.csv").read_text() == "a,b\n1,2\n"
