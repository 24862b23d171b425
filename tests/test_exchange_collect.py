"""Collecting from the exchange: what one learner can plant in the shared inbound folder.

Every learner may create entries in a course's ``inbound`` folder. These tests plant the
entries a hostile learner could and check that ``python -m hcai collect`` (nbgrader's
collect with :class:`hcai.grading.exchange.CheckedCollect`) takes only real submissions:
each entry is owned by a real account (the test runs as root to give entries to
``nobody``, as learner accounts on a hub own theirs), and what ends up in ``submitted/`` is
read back byte for byte.
"""

from __future__ import annotations

import os
import pwd
import threading
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest

from fixtures.grading import fabricate
from hcai.grading import cli

A = fabricate.ASSIGNMENT
ME = pwd.getpwuid(os.geteuid()).pw_name
VICTIM = "nobody"  # another account, as a second learner on the hub would be

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="entries owned by another account need root")


@pytest.fixture
def course(fresh_course):
    assert cli.main(["release", A, "--course-dir", str(fresh_course)]) == 0
    return fresh_course


def _inbound(course: Path) -> Path:
    return course / "exchange" / "hcai" / "inbound"


def _entry(course: Path, student: str, when, owner: str, answer: str = fabricate.Q1_RIGHT,
           suffix: str = "a1b2") -> Path:
    """One inbound entry as nbgrader's submit writes it, owned by ``owner``."""
    stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = _inbound(course) / f"{student}+{A}+{stamp}+{suffix}"
    folder.mkdir(parents=True)
    nb = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    fabricate._answer(nb, "q1", answer)
    nbformat.write(nb, folder / f"{A}.ipynb")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    uid = pwd.getpwnam(owner).pw_uid
    for path in (folder, *folder.iterdir()):
        os.lchown(path, uid, -1)
    return folder


def _collected_q1(course: Path, student: str) -> str:
    nb = nbformat.read(course / "submitted" / student / A / f"{A}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1")


def test_an_entry_named_for_another_learner_is_left_out_and_hides_nothing(course, capsys):
    real = _entry(course, VICTIM, fabricate.DUE - timedelta(hours=2), VICTIM, answer="total = sum(values)  # mine")
    # a later entry in the victim's name, made by this account: nbgrader would collect it
    _entry(course, VICTIM, fabricate.DUE - timedelta(hours=1), ME, answer="total = 0", suffix="f0f0")
    _entry(course, ME, fabricate.DUE - timedelta(hours=1), ME)
    assert cli.main(["collect", A, "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert _collected_q1(course, VICTIM) == "total = sum(values)  # mine"  # the real one, not hidden
    assert _collected_q1(course, ME) == fabricate.Q1_RIGHT
    assert f"named for {VICTIM} but belongs to {ME}" in out and "1 exchange entry left out" in out
    assert real.exists()  # the exchange itself is never changed


def test_links_in_an_entry_do_not_bring_the_graders_files_into_submitted(course, tmp_path):
    secret = tmp_path / "instructor-only.txt"
    secret.write_text("PASSWORD=hunter2", encoding="utf-8")
    secret.chmod(0o600)
    entry = _entry(course, ME, fabricate.DUE - timedelta(hours=1), ME)
    (entry / "notes.txt").symlink_to(secret)
    (entry / "more").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(entry / "pipe")  # copying a FIFO would wait for a writer forever
    done = threading.Event()
    worker = threading.Thread(target=lambda: (cli.main(["collect", A, "--course-dir", str(course)]), done.set()),
                              daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert done.is_set(), "collect hung on the FIFO"
    got = course / "submitted" / ME / A
    assert sorted(p.name for p in got.iterdir()) == [f"{A}.ipynb", "timestamp.txt"]
    assert not any(b"hunter2" in p.read_bytes() for p in got.rglob("*") if p.is_file())


def test_entries_that_are_not_submissions_do_not_stop_the_collect(course, capsys, tmp_path):
    _entry(course, ME, fabricate.DUE - timedelta(hours=1), ME)
    (_inbound(course) / f"{VICTIM}+{A}+not-a-time+x").mkdir()  # nbgrader's collect fails on this
    target = tmp_path / "elsewhere"
    target.mkdir()
    (_inbound(course) / f"{VICTIM}+{A}+2026-11-19 10:00:00.000000 UTC+y").symlink_to(target)
    assert cli.main(["collect", A, "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert _collected_q1(course, ME) == fabricate.Q1_RIGHT
    assert not (course / "submitted" / VICTIM).exists()
    assert "not a submission name" in out and "not a folder" in out and "2 exchange entries left out" in out


def test_an_oversized_entry_is_left_out_and_the_learners_earlier_one_collected(course, capsys):
    _entry(course, ME, fabricate.DUE - timedelta(hours=3), ME, answer="total = sum(values)  # first")
    big = _entry(course, ME, fabricate.DUE - timedelta(hours=1), ME, suffix="b1b1")
    with (big / "data.bin").open("wb") as fh:  # sparse: 200 MB by its size, nothing on disk
        fh.truncate(200_000_000)
    _entry(course, VICTIM, fabricate.DUE - timedelta(hours=1), VICTIM)  # nbgrader would not reach it
    assert cli.main(["collect", A, "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert "more than the course's max_dir_size" in out
    assert _collected_q1(course, ME) == "total = sum(values)  # first"
    assert _collected_q1(course, VICTIM) == fabricate.Q1_RIGHT


def _rows(course: Path) -> dict[str, dict[str, str]]:
    import csv
    with (course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


@pytest.mark.kernel  # grades in this process
def test_a_backdated_submission_is_noted_in_the_grades_and_scored_as_nbgrader_scores_it(fresh_course):
    course = fresh_course
    # due long ago: anything the exchange receives now arrived after it
    assert cli.main(["release", A, "--course-dir", str(course), "--due", "2026-11-20T17:00:00Z"]) == 0
    backdated = fabricate.DUE - timedelta(hours=1)  # claims on time; written now
    _entry(course, VICTIM, backdated, VICTIM)
    _entry(course, ME, fabricate.DUE + timedelta(days=3), ME)  # honestly late: nothing to note
    assert cli.main(["collect", A, "--course-dir", str(course)]) == 0
    assert cli.main(["grade", A, "--course-dir", str(course), "--workers", "2"]) in (0, 1)
    rows = _rows(course)
    note = rows[VICTIM]["reason"]
    assert "before the due date, but the exchange received it at" in note, rows[VICTIM]
    assert "received" not in rows[ME]["reason"]
    # a note only: the score is nbgrader's (on time by its timestamp, so no penalty)
    assert rows[VICTIM]["late"] == "no" and float(rows[VICTIM]["auto_score"]) > 0
    assert float(rows[VICTIM]["late_penalty"] or 0) == 0


def test_a_course_folder_another_account_made_in_the_exchange_stops_release_plainly(fresh_course, capsys):
    squatted = fresh_course / "exchange" / "hcai"
    squatted.mkdir(parents=True)
    os.chown(squatted, pwd.getpwnam(VICTIM).pw_uid, -1)  # a learner got there first
    assert cli.main(["release", A, "--course-dir", str(fresh_course)]) != 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert f"{squatted} belongs to {VICTIM}, not to you, so nothing was released" in text, text
    assert "Traceback" not in text and not (squatted / "outbound").exists()


def test_an_entry_of_an_account_outside_the_course_is_left_out(course, tmp_path, monkeypatch, capsys):
    extra = tmp_path / "auth_config.py"
    extra.write_text(
        "from nbgrader.auth.base import BaseAuthPlugin\n"
        "class OnlyMe(BaseAuthPlugin):\n"
        f"    def get_student_courses(self, student_id):\n        return ['hcai'] if student_id == {ME!r} else []\n"
        "c = get_config()\n"
        "c.Authenticator.plugin_class = OnlyMe\n", encoding="utf-8")
    monkeypatch.setenv("HCAI_NBGRADER_EXTRA_CONFIG", str(extra))
    _entry(course, ME, fabricate.DUE - timedelta(hours=1), ME)
    _entry(course, VICTIM, fabricate.DUE - timedelta(hours=1), VICTIM)  # their own entry, but not their course
    assert cli.main(["collect", A, "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert f"{VICTIM} is not a learner of course hcai" in out, out
    assert _collected_q1(course, ME) == fabricate.Q1_RIGHT and not (course / "submitted" / VICTIM).exists()
