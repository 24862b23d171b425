"""Late submissions: flagged late and penalised by the course's nbgrader late-submission plugin.

The course config sets ``AssignLatePenalties.plugin_class`` to
:class:`hcai.grading.late.PerDayLatePenalty` at 10 % of the notebook's maximum per started
day. The first tests drive nbgrader's own ``AssignLatePenalties`` preprocessor on a real
(SQLite) gradebook, no kernel; the last grades a small class with ``python -m hcai grade``
and reads the penalty back from the gradebook and the grades CSV, before and after the
written answers are graded by hand.
"""

from __future__ import annotations

import copy
import csv
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest

from fixtures.grading import fabricate
from hcai.grading import cli
from hcai.grading.config import ensure_tool_path, load_config
from hcai.grading.database import ENV_DB_URL
from hcai.grading.late import PerDayLatePenalty

A = fabricate.ASSIGNMENT
DAY = 86400


def test_course_config_uses_the_per_day_plugin(fresh_course):
    from nbgrader.preprocessors import AssignLatePenalties

    cfg = load_config(fresh_course)
    pre = AssignLatePenalties(config=cfg)
    assert pre.plugin_class is PerDayLatePenalty
    assert pre.plugin_class(parent=pre).fraction_per_day == pytest.approx(0.10)


@pytest.mark.parametrize(("seconds", "grace", "days"), [
    (1, 0, 1), (DAY, 0, 1), (DAY + 1, 0, 2), (10 * DAY, 0, 10), (600, 15, 0), (901, 15, 1),
])
def test_started_days_after_the_grace_period(seconds, grace, days):
    assert PerDayLatePenalty(grace_minutes=grace).days_late(seconds) == days


def _gradebook_with(db: Path, late_by: dict[str, float]) -> str:
    """An assignment worth 7 (5 auto + 2 manual) and one submission per student."""
    from nbgrader.api import Gradebook

    ensure_tool_path()  # nbgrader builds a new gradebook with the alembic executable
    url = f"sqlite:///{db}"
    due = fabricate.DUE.replace(tzinfo=None)
    with Gradebook(url) as gb:
        gb.add_assignment(A, duedate=due)
        gb.add_notebook(A, A)
        gb.add_grade_cell("q1", A, A, max_score=5, cell_type="code")
        gb.add_grade_cell("q3", A, A, max_score=2, cell_type="markdown")
        for student, seconds in late_by.items():
            gb.add_student(student)
            gb.add_submission(A, student, timestamp=due + timedelta(seconds=seconds))
            gb.find_grade("q1", A, A, student).auto_score = 5
        gb.db.commit()
    return url


def _assign_penalties(url: str, students, cfg) -> dict[str, float | None]:
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties

    for student in students:
        resources = {"nbgrader": {"notebook": A, "assignment": A, "student": student, "db_url": url}}
        AssignLatePenalties(config=cfg).preprocess(nbformat.v4.new_notebook(), resources)
    with Gradebook(url) as gb:
        return {s: gb.find_submission_notebook(A, A, s).late_submission_penalty for s in students}


def test_nbgrader_stores_the_per_day_penalty(tmp_path, fresh_course):
    late_by = {"ontime": -3600, "hours": 2 * 3600, "day_and_a_bit": DAY + 60, "weeks": 30 * DAY}
    url = _gradebook_with(tmp_path / "gb.db", late_by)
    got = _assign_penalties(url, late_by, load_config(fresh_course))
    # 10 % of the maximum (7) per started day; nbgrader caps it at the score it sees (5)
    assert got == {"ontime": None, "hours": 0.7, "day_and_a_bit": 1.4, "weeks": 5.0}


def test_nbgrader_own_methods_still_configurable(tmp_path, fresh_course):
    url = _gradebook_with(tmp_path / "gb.db", {"late": 3600})
    cfg = load_config(fresh_course, overrides={
        "AssignLatePenalties": {"plugin_class": "nbgrader.plugins.LateSubmissionPlugin"},
        "LateSubmissionPlugin": {"penalty_method": "zero"}})
    assert _assign_penalties(url, ["late"], cfg) == {"late": 5.0}


def _rows(course: Path) -> dict[str, dict[str, str]]:
    with (course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


@pytest.mark.kernel
@pytest.mark.slow
def test_graded_late_work_shows_late_and_loses_points(fresh_course, monkeypatch, capsys):
    from nbgrader.api import Gradebook

    monkeypatch.delenv(ENV_DB_URL, raising=False)
    course = fresh_course
    assert cli.main(["release", A, "--course-dir", str(course), "--due", "2026-11-20T17:00:00Z"]) == 0
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    when = {"ann": fabricate.DUE - timedelta(hours=1), "bea": fabricate.DUE + timedelta(hours=2),
            "cal": fabricate.DUE + timedelta(days=1, minutes=5)}
    for student, stamp in when.items():
        fabricate._write(course, student, fabricate.correct(copy.deepcopy(release)), stamp)
    assert cli.main(["grade", A, "--course-dir", str(course), "--workers", "2"]) == 0
    rows = _rows(course)
    assert [rows[s]["late"] for s in when] == ["no", "yes", "yes"]
    assert rows["bea"]["seconds_late"] == "7200" and "after the due date" in rows["bea"]["reason"]
    url = load_config(course).CourseDirectory.db_url
    with Gradebook(url) as gb:
        maximum = gb.find_assignment(A).max_score
        penalty = {s: gb.find_submission(A, s).late_submission_penalty for s in when}
        for student in when:  # the written answer, graded in formgrader
            grade = gb.find_grade("q3", A, A, student)
            grade.manual_score, grade.needs_manual_grade = 2, False
        gb.db.commit()
    assert maximum == 7
    assert penalty == {"ann": 0, "bea": pytest.approx(0.7), "cal": pytest.approx(1.4)}

    capsys.readouterr()
    assert cli.main(["grade", A, "--course-dir", str(course), "--workers", "2"]) == 0
    rows = _rows(course)
    assert {s: (rows[s]["status"], rows[s]["score"], rows[s]["late_penalty"]) for s in when} == {
        "ann": ("graded", "7", "0"), "bea": ("graded", "6.3", "0.7"), "cal": ("graded", "5.6", "1.4")}
