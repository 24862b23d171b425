"""No grading worker or kernel outlives the command that started it (issue 10).

The pool tests run :mod:`fixtures.pool_script` (a real :class:`GradingPool` whose tasks start
stand-in kernels: processes in their own sessions, as jupyter_client starts kernels) as a
separate process, stop it the ways a command is stopped (SIGKILL, SIGTERM, its output
closed) and look for every process whose command line holds the run's marker. No Jupyter
kernel starts here; the whole ``grade`` command is stopped the same ways in
``test_grading_interrupted.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from fixtures.procs import BOUND, gone_within, marked, wait_for
from hcai.grading import lifeline
from hcai.grading.state import Blame, GradingState, Record, Result

SCRIPT = Path(__file__).parent / "fixtures" / "pool_script.py"


@pytest.fixture
def run(tmp_path):
    """Start the pool script; yields (process, mark, results file, processes seen below it)."""
    mark = f"hcai-lifetime-{uuid.uuid4().hex}"
    results = tmp_path / "results.txt"
    results.touch()
    proc = subprocess.Popen([sys.executable, str(SCRIPT), mark, str(results)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen: set[lifeline.Proc] = set()

    def slow_task_running() -> bool:
        seen.update(lifeline.descendants(proc.pid))
        return "done quick" in results.read_text() and len(marked(mark)) >= 2

    wait_for(slow_task_running, what="the slow task to start its stand-in kernel")
    seen.update(lifeline.descendants(proc.pid))
    yield proc, mark, results, seen
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    gone_within(seen, mark, 0)


def test_sigkill_of_the_command_leaves_no_worker_or_kernel(run):
    proc, mark, _, seen = run
    assert len(seen) >= 2  # the worker and its stand-in kernels
    proc.kill()
    proc.wait(timeout=10)
    assert gone_within(seen, mark) == []


def test_sigterm_stops_the_workers_and_keeps_finished_results(run):
    proc, mark, results, seen = run
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=BOUND) == 130
    assert gone_within(seen, mark) == []
    assert results.read_text().splitlines() == ["done quick True", "interrupted: received SIGTERM"]


def test_a_closed_output_stops_the_command(run):
    proc, mark, results, seen = run
    proc.stdout.close()  # whoever read the progress lines has gone
    assert proc.wait(timeout=BOUND) == 130
    assert gone_within(seen, mark) == []
    assert results.read_text().splitlines()[-1].startswith("interrupted: the output")


def test_stdout_gone_sees_a_pipe_without_reader(tmp_path):
    read, write = os.pipe()
    try:
        assert lifeline.stdout_gone(write) is False
        os.close(read)
        assert lifeline.stdout_gone(write) is True
    finally:
        os.close(write)
    with (tmp_path / "out.txt").open("w") as fh:
        assert lifeline.stdout_gone(fh.fileno()) is False


def test_descendants_and_kill_procs_reach_a_process_in_its_own_session():
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
                              "start_new_session=True)\ntime.sleep(60)"])
    try:
        wait_for(lambda: len(lifeline.descendants(child.pid)) == 1, 20, "the grandchild")
        below = lifeline.descendants(child.pid)
        lifeline.kill_procs(below)
        wait_for(lambda: not any(lifeline.alive(p) for p in below), 10, "the grandchild to stop")
        assert child.poll() is None  # only what is below was signalled
    finally:
        child.kill()
        child.wait()


def test_a_reused_pid_is_never_signalled():
    me = (os.getpid(), 0)  # this pid, but not this process's start time
    assert not lifeline.alive(me)
    lifeline.kill_procs([me])  # would end the test run if it signalled


def test_a_started_autograde_leaves_a_record_that_does_not_stand(tmp_path):
    from hcai.grading.workflow import Plan, Progress, is_current

    state = GradingState(tmp_path, "ps1")
    state.put("ada", Record("h1", "fp", Result.OK, Blame.NONE))
    Progress(None, state, Plan(), print).on_start("ada", "grade")  # type: ignore[arg-type]
    saved = GradingState(tmp_path, "ps1").get("ada")
    assert saved is not None and saved.hash == "h1"  # manual grades still carried over
    assert saved.result == Result.ERROR and "interrupted" in saved.reason
    assert not is_current(saved, "h1", "fp", autograded=True)
