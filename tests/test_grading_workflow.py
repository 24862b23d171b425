"""The instructor workflow end to end, on a temporary course with a fabricated class.

One module-scoped course is released and graded once (``--workers 2``, short cell time
limit); the read-only tests look at what that run left behind. Each test that re-runs
``grade`` (incremental grading, manual grades, ``--force``, exact regrading) works on its
own copy of that graded course, so the tests pass alone and in any order.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from fixtures.grading import fabricate
from hcai import paths
from hcai.grading import cli
from hcai.grading.config import load_config
from hcai.grading.database import ENV_DB_URL

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

A = fabricate.ASSIGNMENT
CELL_TIMEOUT = "6"
HIDDEN_MARKERS = ("HIDDEN-Q1-MARKER", "HIDDEN-Q2-MARKER", "BEGIN HIDDEN TESTS")


def _hash_folder(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(course: Path) -> dict[str, dict[str, str]]:
    with (course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


def _grade(course: Path, capsys, *extra: str) -> tuple[int, str]:
    code = cli.main(["grade", A, "--course-dir", str(course), "--workers", "2",
                     "--timeout", CELL_TIMEOUT, *extra])
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def graded(tmp_path_factory, module_course_env, gradebook_backend):
    """Release, fabricate the class, grade once (on SQLite, then on PostgreSQL)."""
    course = fabricate.make_course(tmp_path_factory.mktemp("grading"))
    assert cli.main(["release", A, "--course-dir", str(course), "--due", "2026-11-20T17:00:00Z"]) == 0
    kinds = fabricate.fabricate_class(course, flood_chars=20_000_000)
    before = _hash_folder(course / "submitted")
    out = io.StringIO()  # capsys is function-scoped; this fixture is not
    with contextlib.redirect_stdout(out):
        code = cli.main(["grade", A, "--course-dir", str(course), "--workers", "2",
                         "--timeout", CELL_TIMEOUT])
    return {"course": course, "kinds": kinds, "before": before, "code": code, "out": out.getvalue(),
            "db_url": load_config(course).CourseDirectory.db_url}


@pytest.fixture
def regraded(graded, tmp_path, clean_course_env, gradebook_backend, request, monkeypatch) -> Path:
    """A copy of the graded course (gradebook, outputs, state) for a test that grades again.

    On PostgreSQL the gradebook is not in the folder: the copy gets its own database, made
    from the graded one as a template, so a test that grades again changes nothing shared.
    """
    copy = tmp_path / "course"
    shutil.copytree(graded["course"], copy, symlinks=True)
    _, url = gradebook_backend
    if url:
        server = request.getfixturevalue("postgres_server")
        monkeypatch.setenv(ENV_DB_URL, server.create_database(template=url.rsplit("/", 1)[1]))
    return copy


def _set_manual_grade(course: Path, student: str, cell: str, score: float) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(load_config(course).CourseDirectory.db_url) as gb:  # what formgrader does on save
        grade = gb.find_grade(cell, A, A, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.db.commit()


def test_release_wrote_student_version_exchange_and_lms_zip(graded):
    course = graded["course"]
    release_nb = (course / "release" / A / f"{A}.ipynb").read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in release_nb and "HIDDEN-Q1-MARKER" not in release_nb
    assert (course / "exchange" / "hcai" / "outbound" / A / f"{A}.ipynb").is_file()
    assert (course / "lms" / f"{A}.zip").is_file()


def test_statuses_scores_and_reasons(graded):
    rows = _rows(graded["course"])
    assert set(rows) == set(graded["kinds"])
    expect = {
        "ada": ("needs_manual_grading", "", "5"),
        "ben": ("graded", "2", "2"),
        "cy": ("graded", "0", "0"),
        "dee": ("missing", "", ""),
        "eve": ("error", "", ""),
        "fay": ("error", "", None),
        "gus": ("error", "", None),
        "hal": ("needs_manual_grading", "", "5"),
        "ivy": ("needs_manual_grading", "", "5"),
        "jon": ("needs_manual_grading", "", "5"),
        "kim": ("missing", "", ""),
    }
    for student, (status, score, auto) in expect.items():
        row = rows[student]
        assert row["status"] == status, (student, row)
        assert row["score"] == score, (student, row)
        if auto is not None:
            assert row["auto_score"] == auto, (student, row)
        assert row["max_score"] == "7"
    assert "nothing was submitted" in rows["dee"]["reason"]
    assert "no notebook" in rows["kim"]["reason"]
    assert "not valid notebook JSON" in rows["eve"]["reason"]
    assert "kernel died" in rows["fay"]["reason"]
    assert "ran longer than the 6 s limit" in rows["gus"]["reason"]
    assert "q1" in rows["gus"]["reason"]
    assert "cut short" in rows["hal"]["reason"]
    assert "q1_test" in rows["jon"]["reason"] and "restored" in rows["jon"]["reason"]
    assert "q3" in rows["ada"]["reason"]


def test_late_submission_flagged(graded):
    rows = _rows(graded["course"])
    assert rows["ivy"]["late"] == "yes" and rows["ivy"]["seconds_late"] == "7200"
    assert "after the due date" in rows["ivy"]["reason"]
    assert all(rows[s]["late"] == "no" for s in rows if s != "ivy")


def test_exit_code_progress_and_summary(graded):
    out = graded["out"]
    assert graded["code"] == 1  # some submissions had errors; the rest were graded
    assert "8 to autograde" in out
    assert sum(1 for line in out.splitlines() if line.startswith("[")) == 8
    assert "Totals: graded 2, needs manual grading 4, missing 2, error 3" in out
    for student in graded["kinds"]:
        assert any(line.startswith(student + " ") for line in out.splitlines()), student


def test_submitted_files_never_modified(graded):
    assert _hash_folder(graded["course"] / "submitted") == graded["before"]


def test_feedback_has_no_hidden_tests_and_is_small(graded):
    course = graded["course"]
    files = sorted((course / "feedback").glob(f"*/{A}/{A}.html"))
    assert {f.parts[-3] for f in files} >= {"ada", "ben", "cy", "gus", "hal", "ivy", "jon"}
    for f in files:
        text = f.read_text(encoding="utf-8")
        for marker in HIDDEN_MARKERS:
            assert marker not in text, (f, marker)
        assert f.stat().st_size < 1_000_000, f
        assert "Q2 tests (3 points)" in text  # the visible tests stay
    # gus fails only the hidden Q1 check: the learner sees that it failed, not its code.
    gus = (course / "feedback" / "gus" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "AssertionError" in gus
    # the flood was cut in the autograded notebook too
    assert (course / "autograded" / "hal" / A / f"{A}.ipynb").stat().st_size < 1_000_000


def test_report_has_figures_and_items(graded, capsys):
    course = graded["course"]
    assert cli.main(["report", A, "--course-dir", str(course)]) == 0
    html = (course / "reports" / f"{A}-report.html").read_text(encoding="utf-8")
    images = html.count('<img src="data:image/png;base64,')
    assert images == 3
    assert html.count('alt="') == 3 and 'alt=""' not in html
    assert "kernel died" in html and "ivy" in html
    with (course / "reports" / f"{A}-items.csv").open(encoding="utf-8") as fh:
        items = {row["grade_id"]: row for row in csv.DictReader(fh)}
    assert set(items) == {"q1_test", "q2_test", "q3"}
    assert items["q2_test"]["discrimination"] != ""
    assert -1 <= float(items["q2_test"]["discrimination"]) <= 1


def test_rerun_grades_nothing_new(regraded, capsys):
    course = regraded
    stamp = (course / "autograded" / "ben" / A / f"{A}.ipynb").stat().st_mtime_ns
    before = (course / "exports" / f"{A}-grades.csv").read_text(encoding="utf-8")
    code, out = _grade(course, capsys)
    assert code == 1
    assert "0 to autograde" in out
    assert (course / "autograded" / "ben" / A / f"{A}.ipynb").stat().st_mtime_ns == stamp
    assert (course / "exports" / f"{A}-grades.csv").read_text(encoding="utf-8") == before


def test_manual_grade_in_gradebook_is_picked_up(regraded, capsys):
    course = regraded
    feedback = course / "feedback" / "ada" / A / f"{A}.html"
    old = feedback.stat().st_mtime_ns
    _set_manual_grade(course, "ada", "q3", 2)
    code, out = _grade(course, capsys)
    assert "0 to autograde" in out
    row = _rows(course)["ada"]
    assert (row["status"], row["score"]) == ("graded", "7")
    assert feedback.stat().st_mtime_ns != old  # feedback regenerated with the manual grade


def test_changed_submission_is_regraded_alone(regraded, capsys):
    import nbformat

    course = regraded
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    nb = fabricate.correct(release)
    nbformat.write(nb, course / "submitted" / "ben" / A / f"{A}.ipynb")
    ada = (course / "autograded" / "ada" / A / f"{A}.ipynb").stat().st_mtime_ns
    code, out = _grade(course, capsys)
    assert "1 to autograde" in out
    assert _rows(course)["ben"]["auto_score"] == "5"
    assert (course / "autograded" / "ada" / A / f"{A}.ipynb").stat().st_mtime_ns == ada


def test_force_regrades_everything_and_keeps_manual_grades(regraded, capsys):
    course = regraded
    _set_manual_grade(course, "ada", "q3", 2)
    _grade(course, capsys)
    before = _rows(course)
    assert before["ada"]["score"] == "7"
    code, out = _grade(course, capsys, "--force")
    assert code == 1
    assert "8 to autograde" in out
    after = _rows(course)
    for student in before:
        assert after[student]["status"] == before[student]["status"], student
        assert after[student]["score"] == before[student]["score"], student
    assert after["ada"]["score"] == "7"  # nbgrader keeps manual scores across autograde


def test_a_data_change_regrades_and_nothing_else_does(regraded, capsys, tmp_path, monkeypatch):
    """Exact regrading, end to end: the fingerprint sees data/, and a re-run without it is a no-op."""
    course = regraded
    code, out = _grade(course, capsys, "--student", "ben")
    assert "0 to autograde" in out
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    monkeypatch.setattr(paths, "DATA_DIR", data)  # the same bytes elsewhere: nothing to do
    assert "0 to autograde" in _grade(course, capsys, "--student", "ben")[1]
    with (data / "topics.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # a changed table (the kernel still reads the real one: only the plan is tested)
    assert "1 to autograde" in _grade(course, capsys, "--student", "ben")[1]
    assert "0 to autograde" in _grade(course, capsys, "--student", "ben")[1]


def test_grade_unknown_assignment_is_a_usage_error(graded, capsys):
    assert cli.main(["grade", "nope", "--course-dir", str(graded["course"])]) == 2
    assert "No assignment 'nope'" in capsys.readouterr().err



def test_gradebook_is_in_the_chosen_backend(graded, gradebook_backend):
    from nbgrader.api import Gradebook

    name, url = gradebook_backend
    course = graded["course"]
    assert (course / "gradebook.db").is_file() == (name == "sqlite")
    if url:
        assert graded["db_url"] == url
    with Gradebook(graded["db_url"], "hcai") as gb:
        assert gb.find_submission(A, "ben").score is not None
