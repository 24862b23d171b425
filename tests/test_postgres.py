"""The PostgreSQL gradebook: concurrent writers, parallel grading, an outage, migration.

Runs against a throwaway server (``tests/pg_support.py``). Grades are checked against the
fixture assignment's own versions: a right answer scores every autograded point, a blank
(released) notebook scores none, and the same class graded into SQLite must give exactly
the same grades, cell by cell.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest

from fixtures.grading import fabricate
from hcai.grading import cli, database, pgtemp
from hcai.grading.config import load_config

A = fabricate.ASSIGNMENT


@pytest.fixture
def no_env(monkeypatch):
    for name in ("HCAI_EXCHANGE", "HCAI_NBGRADER_EXTRA_CONFIG", database.ENV_DB_URL, "HCAI_COURSE_ID"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- which database a course uses -------------------------------------------------------------

def test_db_url_from_the_course_config_is_honoured(tmp_path, no_env):
    course = fabricate.make_course(tmp_path)
    url = "postgresql+psycopg2://grader:secret@127.0.0.1:5432/hcai"
    with (course / "nbgrader_config.py").open("a") as fh:
        fh.write(f"\nc.CourseDirectory.db_url = {url!r}\nc.CourseDirectory.course_id = 'stats101'\n")
    cfg = load_config(course)
    assert cfg.CourseDirectory.db_url == url
    assert cfg.CourseDirectory.course_id == "stats101"
    no_env.setenv("HCAI_COURSE_ID", "bio202")
    assert load_config(course).CourseDirectory.course_id == "bio202"


def test_default_sqlite_moves_with_the_course_and_other_files_stay(tmp_path, no_env):
    course = fabricate.make_course(tmp_path)
    assert load_config(course).CourseDirectory.db_url == f"sqlite:///{course / 'gradebook.db'}?timeout=30"
    elsewhere = tmp_path / "shared" / "grades.db"
    with (course / "nbgrader_config.py").open("a") as fh:
        fh.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{elsewhere}'\n")
    assert load_config(course).CourseDirectory.db_url == f"sqlite:///{elsewhere}?timeout=30"


def test_plain_postgresql_url_gets_the_installed_driver():
    assert database.with_driver("postgresql://u:p@127.0.0.1/db").startswith("postgresql+psycopg2://")
    assert database.redact("postgresql+psycopg2://u:hunter2@127.0.0.1:5/db") == \
        "postgresql+psycopg2://u:***@127.0.0.1:5/db"


def test_unreachable_database_is_a_clear_usage_error(tmp_path, no_env, capsys):
    course = fabricate.make_course(tmp_path)
    no_env.setenv(database.ENV_DB_URL, f"postgresql+psycopg2://g:hunter2@127.0.0.1:{pgtemp.free_port()}/x")
    assert cli.main(["release", A, "--course-dir", str(course), "--no-exchange"]) == 2
    err = capsys.readouterr().err
    assert "Cannot reach the gradebook database" in err and "re-run" in err
    assert "hunter2" not in err and "Traceback" not in err
    assert not (course / "release").exists()


# --- many writers at once ------------------------------------------------------------------------

def _writer(url: str, students: list[str], queue) -> None:
    from nbgrader.api import Gradebook
    try:
        for student in students:
            with Gradebook(url, "hcai") as gb:
                gb.update_or_create_student(student, first_name=student)
                gb.add_submission(A, student)
                for grade in gb.find_submission(A, student).notebooks[0].grades:
                    grade.auto_score = (int(student[1:]) % 3) * 0.5
                gb.db.commit()
        queue.put(("ok", len(students)))
    except BaseException as exc:  # noqa: BLE001 -- report to the parent
        queue.put(("error", repr(exc)))


def test_concurrent_writers_lose_and_mix_up_nothing(postgres_server):
    from nbgrader.api import Gradebook

    url = postgres_server.create_database()
    with Gradebook(url, "hcai") as gb:
        gb.add_assignment(A)
        gb.add_notebook(A, A)
        for name in ("q1", "q2", "q3"):
            gb.add_grade_cell(name, A, A, max_score=1, cell_type="code")
    students = [f"s{i:03d}" for i in range(120)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, students[i::4], queue)) for i in range(4)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert all(r[0] == "ok" for r in results), results
    with Gradebook(url, "hcai") as gb:
        subs = {s.student.id: s for s in gb.assignment_submissions(A)}
        assert sorted(subs) == students
        for student, sub in subs.items():
            assert sub.student.first_name == student
            assert [g.auto_score for g in sub.notebooks[0].grades] == [(int(student[1:]) % 3) * 0.5] * 3


# --- parallel grading into PostgreSQL ---------------------------------------------------------------

def _class(course: Path) -> dict[str, str]:
    """Right, partly right and blank submissions; returns {student: kind}."""
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    kinds = {}
    for i, student in enumerate(fabricate.fabricate_many(course, 9)):
        kinds[student] = "partial" if i % 2 else "right"
    for student in ("z01", "z02"):
        fabricate._write(course, student, copy.deepcopy(release), fabricate.DUE - timedelta(hours=1))
        kinds[student] = "blank"
    return kinds


def _grades(url: str) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook
    with Gradebook(url, "hcai") as gb:
        return {s.student.id: {g.name: g.auto_score for nb in s.notebooks for g in nb.grades}
                for s in gb.assignment_submissions(A)}


def _sessions_opened(url: str) -> int:
    """Connections the server has accepted for this database so far (its own statistics).

    Backends report on exit, so the count is read until it stops moving."""
    import time

    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.connect() as conn:  # one session for all the readings
            last = None
            for _ in range(20):
                conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                now = conn.execute(text(
                    "SELECT sessions FROM pg_stat_database WHERE datname = current_database()")).scalar_one()
                conn.rollback()
                if now == last:
                    return int(now)
                last = now
                time.sleep(0.5)
            return int(last)
    finally:
        engine.dispose()


def _released_course(root: Path) -> Path:
    course = fabricate.make_course(root)
    assert cli.main(["release", A, "--course-dir", str(course), "--no-exchange"]) == 0
    return course


@pytest.mark.slow
@pytest.mark.kernel  # grades in this process: kernels are refused to unmarked tests
def test_grade_workers_into_postgresql_matches_sqlite(tmp_path, no_env, postgres_server, capsys):
    from nbgrader.api import Gradebook

    from hcai.grading.gradebook import autograded_points

    lite = _released_course(tmp_path / "lite")
    kinds = _class(lite)
    assert cli.main(["grade", A, "--course-dir", str(lite), "--workers", "2", "--no-feedback"]) in (0, 1)
    url = postgres_server.create_database()
    no_env.setenv(database.ENV_DB_URL, url)
    pg = _released_course(tmp_path / "pg")
    _class(pg)
    opened = _sessions_opened(url)
    assert cli.main(["grade", A, "--course-dir", str(pg), "--workers", "2"]) in (0, 1)
    assert "lock" not in capsys.readouterr().out.lower()
    # nbgrader opens about a dozen gradebook sessions per submission; the workers keep their
    # connections between them (hcai.grading.keptconn), so the server saw far fewer
    assert _sessions_opened(url) - opened < 3 * len(kinds)
    assert not (pg / "gradebook.db").exists()

    in_pg, in_lite = _grades(url), _grades(f"sqlite:///{lite / 'gradebook.db'}")
    assert in_pg == in_lite and sorted(in_pg) == sorted(kinds)
    with Gradebook(url, "hcai") as gb:
        auto = autograded_points(gb, A)
    full = sum(auto.values())
    for student, kind in kinds.items():
        got = sum(v or 0 for k, v in in_pg[student].items() if k in auto)
        expected = {"right": full, "blank": 0}.get(kind)
        if expected is None:
            assert 0 < got < full, (student, in_pg[student])
        else:
            assert got == expected, (student, kind, in_pg[student])
    assert all((pg / "feedback" / s / A).is_dir() for s in kinds)


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_restarted_server_is_stopped_and_removed_even_when_the_test_fails():
    with pytest.raises(RuntimeError, match="the test failed"), pgtemp.start() as server:
        server.create_database()
        first = server.processes()
        server.stop("immediate")
        server.start_again()
        assert server.processes() and not set(server.processes()) & set(first)
        raise RuntimeError("the test failed")
    assert not server.processes() and not _answers(server.port)
    assert not server.folder.exists()


def test_a_postmaster_without_its_pid_file_is_still_stopped():
    server = pgtemp.start()
    (server.data / "postmaster.pid").unlink()  # pg_ctl can no longer find it
    server.close()
    assert not server.processes() and not _answers(server.port) and not server.folder.exists()


@pytest.mark.slow
def test_database_down_mid_run_then_rerun_finishes(tmp_path, no_env):
    with pgtemp.start() as server:  # its own folder: pytest tmp folders are private to root
        url = server.create_database()
        no_env.setenv(database.ENV_DB_URL, url)
        course = _released_course(tmp_path / "course")
        release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
        students = [f"w{i}" for i in range(6)]
        for student in students:
            nb = fabricate.correct(release)
            fabricate._answer(nb, "q1", "import time\ntime.sleep(1.5)\n" + fabricate.Q1_RIGHT)
            fabricate._write(course, student, nb, fabricate.DUE - timedelta(hours=1))
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        cmd = [sys.executable, "-m", "hcai", "grade", A, "--course-dir", str(course), "--workers", "2"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if line.startswith("[1/"):
                break
        server.stop("immediate")
        out, err = proc.communicate(timeout=240)
        assert proc.returncode != 0
        assert "Traceback" not in err and "re-run" in (out + err)
        server.start_again()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        grades = _grades(url)
        assert sorted(grades) == students
        assert len({tuple(sorted(g.items())) for g in grades.values()}) == 1  # all the same right answer
        assert all((course / "feedback" / s / A).is_dir() for s in students)
    # the restarted server is gone too, not only the first one
    assert not server.processes() and not _answers(server.port) and not server.folder.exists()


# --- moving an existing SQLite gradebook -------------------------------------------------------------

def test_migrate_sqlite_gradebook_to_postgresql(tmp_path, postgres_server, capsys):
    from nbgrader.api import Gradebook

    lite = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(lite, "hcai") as gb:
        gb.add_assignment(A, duedate=fabricate.DUE.replace(tzinfo=None))
        gb.add_notebook(A, A)
        gb.add_grade_cell("q1", A, A, max_score=2, cell_type="code")
        for student, score in (("ann", 2.0), ("bo", 0.5)):
            gb.add_student(student, first_name=student.title())
            gb.add_submission(A, student)
            gb.find_grade("q1", A, A, student).manual_score = score
        gb.db.commit()
    url = postgres_server.create_database()
    assert database.main(["migrate", "--from", lite, "--to", url]) == 0
    with Gradebook(url, "hcai") as gb:
        assert gb.find_grade("q1", A, A, "ann").score == 2.0
        assert gb.find_grade("q1", A, A, "bo").score == 0.5
        assert gb.find_student("bo").first_name == "Bo"
        assert gb.find_assignment(A).duedate == fabricate.DUE.replace(tzinfo=None)
    # a second run refuses to duplicate anything
    assert database.main(["migrate", "--from", lite, "--to", url]) == 2
    assert "already has rows" in capsys.readouterr().err
