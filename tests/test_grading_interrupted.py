"""The whole ``grade`` command (issue 10): stopped midway it leaves nothing running and loses
nothing; a refused test cell is named in the autograded notebook, the feedback and the CSV.

One released fixture course (module scope) is copied for each test. The interrupted runs start
``python -m hcai grade`` as a process with its own ``TMPDIR`` inside the test's folder, so every
worker (its command line has the course folder), bubblewrap and ipykernel (theirs have the
kernel's scratch folder) of that run can be found by that folder in ``/proc``.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest

from fixtures.grading import fabricate
from fixtures.procs import gone_within, marked, wait_for
from hcai.grading import cli, lifeline

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

A = fabricate.ASSIGNMENT
#: q1 sleeps this long: the third submission is still being graded when the run is stopped.
SLEEP = 12
SNEAKY = ("class Sneaky:\n    def __eq__(self, other):\n        return True\n\n"
          "def above(xs, threshold):\n    return Sneaky()")


@pytest.fixture(scope="module")
def released(tmp_path_factory, module_course_env) -> Path:
    course = fabricate.make_course(tmp_path_factory.mktemp("released"))
    assert cli.main(["release", A, "--course-dir", str(course), "--due", "2026-11-20T17:00:00Z"]) == 0
    return course


def _submit(course: Path, student: str, q1: str = fabricate.Q1_RIGHT, q2: str = fabricate.Q2_RIGHT) -> None:
    release = nbformat.read(course / "release" / A / f"{fabricate.NOTEBOOK}.ipynb", as_version=4)
    nb = fabricate.correct(copy.deepcopy(release))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in ("q1", "q2"):
            cell.source = {"q1": q1, "q2": q2}[grade_id]
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{fabricate.NOTEBOOK}.ipynb")
    when = fabricate.DUE - timedelta(hours=1)
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")


def _rows(course: Path) -> dict[str, dict[str, str]]:
    with (course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


@pytest.fixture
def course(released, tmp_path) -> Path:
    """s000 and s001 answer right, s002 (graded last) sleeps in q1 and then answers right."""
    folder = tmp_path / "course"
    shutil.copytree(released, folder, symlinks=True)
    _submit(folder, "s000")
    _submit(folder, "s001")
    _submit(folder, "s002", q1=f"import time\ntime.sleep({SLEEP})\n" + fabricate.Q1_RIGHT)
    return folder


def _start(course: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch)}
    env.pop("HCAI_NBGRADER_EXTRA_CONFIG", None)
    env.pop("HCAI_EXCHANGE", None)
    out = (tmp_path / "grade.out").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "hcai", "grade", A, "--course-dir", str(course),
                             "--workers", "1", "--timeout", "30"],
                            stdout=out, stderr=subprocess.STDOUT, env=env)
    return proc, tmp_path / "grade.out"


def _names(procs: set[lifeline.Proc]) -> set[str]:
    names = set()
    for pid, _ in procs:
        try:
            names.add(Path(f"/proc/{pid}/comm").read_text().strip())
        except OSError:
            pass
    return names


def _stop_while_s002_is_graded(proc: subprocess.Popen, out: Path, tmp_path: Path,
                               sig: int) -> set[lifeline.Proc]:
    """Wait until s000 and s001 are done and s002's kernel runs, then send ``sig``."""
    seen: set[lifeline.Proc] = set()

    def s002_running() -> bool:
        assert proc.poll() is None, out.read_text()
        seen.update(lifeline.descendants(proc.pid))
        return "[2/3]" in out.read_text() and any(p for p in marked(str(tmp_path / "tmp")))

    try:
        wait_for(s002_running, 120, "s000 and s001 to be graded")
        time.sleep(1.0)  # s002's learner cells are running (its q1 sleeps SLEEP s)
        seen.update(lifeline.descendants(proc.pid))
        assert "[3/3]" not in out.read_text()
        # the run has sandboxed kernels (bwrap) and ipykernels below its worker
        assert {"bwrap"} <= _names(seen) or not shutil.which("bwrap"), _names(seen)
        proc.send_signal(sig)
    except BaseException:
        proc.kill()
        raise
    return seen


def test_sigkill_of_grade_leaves_no_worker_bwrap_or_kernel(course, tmp_path):
    proc, out = _start(course, tmp_path)
    seen = _stop_while_s002_is_graded(proc, out, tmp_path, signal.SIGKILL)
    proc.wait(timeout=10)
    assert gone_within(seen, str(course)) == []
    assert gone_within(seen, str(tmp_path / "tmp")) == []
    wait_for(lambda: not any((tmp_path / "tmp").iterdir()), 10, "the kernels' scratch folders to go")


def test_sigterm_stops_grade_and_the_next_run_grades_the_rest(course, tmp_path):
    proc, out = _start(course, tmp_path)
    seen = _stop_while_s002_is_graded(proc, out, tmp_path, signal.SIGTERM)
    started = time.monotonic()
    code = proc.wait(timeout=30)
    assert code != 0 and time.monotonic() - started < 15, out.read_text()
    assert "Interrupted" in out.read_text()
    assert gone_within(seen, str(course)) == []
    assert gone_within(seen, str(tmp_path / "tmp")) == []
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == []  # kernels' scratch removed
    state = json.loads((course / "autograded" / ".hcai-state" / f"{A}.json").read_text())["students"]
    assert {s: r["result"] for s, r in state.items()} == {"s000": "ok", "s001": "ok"}
    # the next run grades only the rest, and every grade is whole
    proc, out = _start(course, tmp_path)
    assert proc.wait(timeout=120) == 0, out.read_text()
    assert "1 to autograde, 2 unchanged" in out.read_text()
    rows = _rows(course)
    assert {s: (r["status"], r["score"]) for s, r in rows.items()} == {
        s: ("needs_manual_grading", "") for s in ("s000", "s001", "s002")}
    assert {s: r["auto_score"] for s, r in rows.items()} == {"s000": "5", "s001": "5", "s002": "5"}


def test_a_refused_test_cell_is_named_in_notebook_feedback_and_csv(course, capsys):
    shutil.rmtree(course / "submitted")
    _submit(course, "rex", q2=SNEAKY)
    assert cli.main(["grade", A, "--course-dir", str(course), "--workers", "1", "--timeout", "30"]) == 0
    words = "compares or tests the truth of one of your objects (Sneaky)"
    autograded = nbformat.read(course / "autograded" / "rex" / A / f"{fabricate.NOTEBOOK}.ipynb", as_version=4)
    [test] = [c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q2_test"]
    assert any(words in str(o.get("evalue", "")) for o in test.outputs), test.outputs
    assert any(words in r for r in autograded.metadata["hcai_grading"]["refused_cells"])
    feedback = (course / "feedback" / "rex" / A / f"{fabricate.NOTEBOOK}.html").read_text(encoding="utf-8")
    assert words in feedback
    row = _rows(course)["rex"]
    assert row["status"] in ("graded", "needs_manual_grading"), row  # the refused test scores 0 ...
    # ... and the CSV says why, beside the score: never a silent 0
    assert "test cell q2_test was refused and scored 0" in row["reason"] and words in row["reason"], row
    assert "q2_test was refused" in capsys.readouterr().out
