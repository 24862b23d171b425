"""The learner kernel's sandbox, probed from inside a real sandboxed kernel."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from pathlib import Path

import pytest

from hcai import paths
from hcai.engine import sandbox
from hcai.engine.kernel import LearnerKernel
from hcai.engine.outputs import OutputCollector

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def _run(kernel: LearnerKernel, code: str, timeout: float = 20) -> tuple[str, str]:
    out = OutputCollector(1_000_000, [10_000_000])
    status, _ = kernel.run_cell(code, timeout, out)
    text = "".join(o.get("text", "") + o.get("evalue", "") for o in out.items)
    return status, text


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    assert sandbox.available(), "bwrap is required (make system)"
    work = tmp_path_factory.mktemp("submission")
    (work / "mine.txt").write_text("learner file")
    k = LearnerKernel(work, sandboxed=True,
                      limits=sandbox.Limits(cpu_seconds=60, processes=48, address_space_mb=2048))
    k.start()
    assert not k.dead, k.death_reason
    yield k
    k.close()


@pytest.fixture()
def canaries():
    """Canary files in places the sandbox must not see (removed afterwards)."""
    tag = uuid.uuid4().hex
    places = [paths.ROOT, paths.ROOT / "tests", paths.ASSIGNMENTS_DIR]
    if (paths.ROOT / ".git").is_dir():  # a git worktree has a .git file instead
        places.append(paths.ROOT / ".git")
    made = []
    for place in places:
        f = place / f"canary-{tag}.txt"
        f.write_text(f"secret-{tag}")
        made.append(f)
    yield tag, made
    for f in made:
        f.unlink(missing_ok=True)


def test_kernel_is_reachable_over_ipc_and_works_in_its_scratch_copy(kernel):
    assert kernel.km.transport == "ipc"
    status, text = _run(kernel, "import os; print(os.getcwd(), sorted(os.listdir('.')), os.getuid())")
    assert status == "ok"
    assert sandbox.SANDBOX_WORK in text and "mine.txt" in text
    uid = int(text.split()[-1])
    assert uid != 0
    if os.geteuid() == 0:  # root grader: the kernel's own uid, in the unused range
        low, high = sandbox.SANDBOX_UID_RANGE
        assert low <= uid < high
    else:
        assert uid == sandbox.SANDBOX_UID


def test_kernels_graded_side_by_side_get_different_uids(tmp_path):
    layouts = [sandbox.SandboxLayout(run_dir=tmp_path, input_dir=tmp_path, repo_root=paths.ROOT,
                                     readonly=[]) for _ in range(20)]
    assert len({layout.uid for layout in layouts}) == 20
    argv = sandbox.bwrap_argv(["python"], layouts[0], sandbox.Limits())
    if os.geteuid() == 0:
        assert f"--reuid={layouts[0].uid}" in argv[-1]  # setpriv runs after the pre-exec step


def test_pandas_matplotlib_and_course_data_work_inside(kernel):
    status, text = _run(kernel, "import pandas as pd, matplotlib.pyplot as plt\n"
                                "from hcai import paths\n"
                                "plt.plot([1, 2]); plt.close('all')\n"
                                "print(len(pd.read_csv(paths.DATA_DIR / 'fda_ai_enabled_devices.csv',"
                                " encoding='latin-1')) > 0)")
    assert status == "ok" and "True" in text, text


def test_no_network_not_even_the_hosts_loopback(kernel):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    hits = []

    def accept():
        try:
            hits.append(server.accept())
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    code = ("import socket\nres = []\n"
            f"for host, port in [('127.0.0.1', {port}), ('10.0.0.1', 80), ('1.1.1.1', 53), ('8.8.8.8', 443)]:\n"
            "    s = socket.socket(); s.settimeout(1)\n"
            "    try:\n        s.connect((host, port)); res.append('CONNECTED')\n"
            "    except OSError as e:\n        res.append(type(e).__name__)\n"
            "try:\n    socket.getaddrinfo('pypi.org', 443); res.append('RESOLVED')\n"
            "except OSError:\n    res.append('noresolve')\n"
            "print(res)")
    status, text = _run(kernel, code)
    t.join()
    server.close()
    assert status == "ok"
    assert "CONNECTED" not in text and "RESOLVED" not in text, text
    assert hits == []


def test_repository_and_course_files_are_invisible(kernel, canaries):
    tag, made = canaries
    code = ("import os\nfound = []\n"
            f"for p in {[str(m) for m in made]!r}:\n"
            "    try:\n        found.append(open(p).read())\n    except OSError as e:\n        found.append(type(e).__name__)\n"
            f"for d in ['{paths.ROOT}', '{paths.ROOT}/tests', '{paths.ASSIGNMENTS_DIR}', '{paths.ROOT}/.git', '/work/shared', '/root']:\n"
            "    try:\n        found.append(sorted(os.listdir(d)))\n    except OSError as e:\n        found.append(type(e).__name__)\n"
            "print(found)")
    status, text = _run(kernel, code)
    assert status == "ok"
    assert f"secret-{tag}" not in text
    assert "test_sandbox.py" not in text and "source" not in text and "HEAD" not in text, text


def test_nothing_is_writable_outside_scratch(kernel, tmp_path):
    target = tmp_path / "outside.txt"
    code = ("res = []\n"
            f"for p in ['{paths.ROOT}/hcai/evil.py', '{paths.ROOT}/data/evil.csv', '{target}',"
            " '/etc/evil', '/usr/evil', '/work/evil']:\n"
            "    try:\n        open(p, 'w').write('x'); res.append('WROTE ' + p)\n"
            "    except OSError as e:\n        res.append(type(e).__name__)\n"
            "open('scratch-ok.txt', 'w').write('fine')\nprint(res)")
    status, text = _run(kernel, code)
    assert status == "ok" and "WROTE" not in text, text
    assert not target.exists() and not (paths.ROOT / "hcai" / "evil.py").exists()


def test_fork_bomb_hits_the_process_limit(kernel):
    code = ("import os, time\nn = 0\ntry:\n"
            "    for _ in range(5000):\n        pid = os.fork()\n"
            "        if pid == 0:\n            time.sleep(20); os._exit(0)\n        n += 1\n"
            "except OSError as e:\n    print('stopped', n, type(e).__name__)")
    status, text = _run(kernel, code)
    assert status == "ok" and "stopped" in text, text
    assert int(text.split()[1]) < 64


def test_memory_hog_hits_the_address_space_limit(kernel):
    status, text = _run(kernel, "try:\n    x = bytearray(8 * 1024**3)\nexcept MemoryError:\n"
                                "    print('memory limit')")
    assert status == "ok" and "memory limit" in text


def test_big_files_hit_the_file_size_limit(kernel):
    status, text = _run(kernel, "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                                "try:\n    open('big', 'wb').write(b'x' * (200 * 1024**2))\n"
                                "except OSError as e:\n    print('file limit', e.errno)")
    assert "file limit" in text, text


def test_cpu_loop_is_stopped_by_the_cell_timeout_and_the_kernel_survives(kernel):
    status, _ = _run(kernel, "while True:\n    pass", timeout=2)
    assert status == "timeout"
    assert _run(kernel, "print('still here')")[1].strip() == "still here"


def test_cpu_time_limit_kills_a_kernel(tmp_path):
    k = LearnerKernel(tmp_path, sandboxed=True, limits=sandbox.Limits(cpu_seconds=2))
    k.start()
    try:
        status, _ = _run(k, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                            "while True:\n    pass", timeout=30)
        assert status == "dead"
    finally:
        k.close()


def test_missing_bwrap_refuses_unless_allowed(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        sandbox.require(False)
    assert sandbox.require(True) is False
    from hcai.engine.run import execute_notebook
    import nbformat
    with pytest.raises(sandbox.SandboxUnavailable, match="--unsandboxed"):
        execute_notebook(nbformat.v4.new_notebook(), Path("."), sandbox=True)


def test_pythonpath_site_packages_reach_the_kernel_but_not_the_repository(tmp_path, monkeypatch):
    """A hub running learners on the system python passes the venv's packages on PYTHONPATH."""
    site = tmp_path / "venv" / "lib" / "site-packages"
    (site / "only_on_pythonpath").mkdir(parents=True)
    (site / "only_on_pythonpath" / "__init__.py").write_text("VALUE = 41\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret_module.py").write_text("VALUE = 'not for learners'\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(paths.ROOT), str(elsewhere)]))

    assert sandbox.forwarded_pythonpath(paths.ROOT) == [str(site.resolve()), str(paths.ROOT.resolve())]
    readonly = sandbox.default_readonly(paths.ROOT)
    assert site.resolve() in readonly
    assert paths.ROOT.resolve() not in readonly and elsewhere.resolve() not in readonly

    k = LearnerKernel(tmp_path / "none", sandboxed=True)
    k.start()
    try:
        assert not k.dead, k.death_reason
        status, text = _run(k, "import only_on_pythonpath\nprint(only_on_pythonpath.VALUE + 1)")
        assert (status, text.strip()) == ("ok", "42")
        status, text = _run(k, "import secret_module")
        assert status == "error" and "secret_module" in text
        status, text = _run(k, f"import os\nprint(sorted(os.listdir({str(paths.ROOT)!r})))")
        assert status == "ok" and set(eval(text)) <= {"hcai", "data", ".venv"}
    finally:
        k.close()
