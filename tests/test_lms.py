"""The LMS round trip: rosters in from Canvas and Moodle exports, grades out in their layouts.

The sample exports follow the column layouts the LMS documentation describes (see
``hcai/grading/lms.py``); the grades CSV is written by the grading commands' own writer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hcai.__main__ import main as hcai_main
from hcai.grading.course import read_roster
from hcai.grading.export import write_grades_csv
from hcai.grading.outcome import Outcome

A = "01-credential-landscape"

CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Assignment One (1234),Current Score\n"
    "    Points Possible,,,,,10,\n"
    '"Lovelace, Ada",101,S-001,ada,Sec 01,,\n'
    '"Babbage, Charles",102,S-002,cbab,Sec 02,,\n'
    '"Student, Test",999,,testuser,Sec 01,,\n'
)
MOODLE_EXPORT = (
    "First name,Last name,ID number,Institution,Department,Email address,Assignment: One (Real)\n"
    "Grace,Hopper,7001,Uni,Nursing,ghopper@uni.example,-\n"
    "Alan,Turing,7002,Uni,Radiology,aturing@uni.example,-\n"
)


def _course(tmp_path: Path, export: str, name: str) -> tuple[Path, Path]:
    course = tmp_path / "course"
    course.mkdir()
    path = tmp_path / name
    path.write_text(export, encoding="utf-8")
    return course, path


def _grades(course: Path, ids: list[str]) -> None:
    outcomes = [Outcome(ids[0], "graded", score=7, auto_score=5, max_score=7),
                Outcome(ids[1], "needs_manual_grading", "waiting for manual grading", auto_score=5, max_score=7),
                Outcome("zed", "graded", score=3, auto_score=3, max_score=7)]
    write_grades_csv(course, A, outcomes, read_roster(course))


def _csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_canvas_roster_import_and_grade_export(tmp_path, capsys):
    course, export = _course(tmp_path, CANVAS_EXPORT, "canvas.csv")
    assert hcai_main(["roster", str(export), "--lms", "canvas", "--course-dir", str(course)]) == 0
    roster = {r["student_id"]: r for r in read_roster(course)}
    assert sorted(roster) == ["ada", "cbab"]  # the Points Possible row and the test student are skipped
    assert (roster["ada"]["first_name"], roster["ada"]["last_name"]) == ("Ada", "Lovelace")
    assert roster["cbab"]["lms_user_id"] == "102" and roster["cbab"]["section"] == "Sec 02"

    _grades(course, ["ada", "cbab"])
    assert hcai_main(["lms-export", A, "--lms", "canvas", "--course-dir", str(course),
                      "--column", "Assignment One (1234)"]) == 0
    out = capsys.readouterr().out
    rows = _csv(course / "exports" / f"{A}-canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Assignment One (1234)"]
    by_login = {r[3]: r for r in rows[1:]}
    assert by_login["ada"] == ["Lovelace, Ada", "101", "S-001", "ada", "Sec 01", "7"]
    assert by_login["cbab"][-1] == ""  # not final yet: empty, never 0
    assert "cbab: left empty (needs_manual_grading" in out
    assert "zed: not in students.csv" in out


def test_moodle_roster_import_and_grade_export(tmp_path, capsys):
    course, export = _course(tmp_path, MOODLE_EXPORT, "moodle.csv")
    assert hcai_main(["roster", str(export), "--lms", "moodle", "--course-dir", str(course)]) == 0
    roster = {r["student_id"]: r for r in read_roster(course)}
    assert sorted(roster) == ["aturing", "ghopper"]
    assert roster["ghopper"]["email"] == "ghopper@uni.example" and roster["ghopper"]["lms_user_id"] == "7001"

    _grades(course, ["ghopper", "aturing"])
    assert hcai_main(["lms-export", A, "--lms", "moodle", "--course-dir", str(course)]) == 0
    rows = _csv(course / "exports" / f"{A}-moodle.csv")
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "Username", A]
    by_user = {r[4]: r for r in rows[1:]}
    assert by_user["ghopper"] == ["Grace", "Hopper", "7001", "ghopper@uni.example", "ghopper", "7"]
    assert by_user["aturing"][-1] == ""


def test_roster_merge_keeps_everyone_and_updates(tmp_path, capsys):
    course, export = _course(tmp_path, CANVAS_EXPORT, "canvas.csv")
    (course / "students.csv").write_text("student_id,first_name,last_name\nada,A.,L.\nold,Gone,Learner\n",
                                         encoding="utf-8")
    assert hcai_main(["roster", str(export), "--lms", "canvas", "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 updated" in out and "old" in out
    roster = {r["student_id"]: r for r in read_roster(course)}
    assert sorted(roster) == ["ada", "cbab", "old"] and roster["ada"]["first_name"] == "Ada"


@pytest.mark.parametrize("bad,message", [
    ('"Doe, Jo",5,,../etc,S,\n', "cannot be used"),
    ('"Doe, Jo",5,,jo,S,\n"Doe, Jo",6,,jo,S,\n', "twice"),
])
def test_roster_rejects_unusable_ids(tmp_path, capsys, bad, message):
    course, export = _course(tmp_path, "Student,ID,SIS User ID,SIS Login ID,Section,X\n" + bad, "c.csv")
    assert hcai_main(["roster", str(export), "--lms", "canvas", "--course-dir", str(course)]) == 2
    assert message in capsys.readouterr().out
    assert not (course / "students.csv").exists()


def test_wrong_format_and_missing_grades_are_clear(tmp_path, capsys):
    course, export = _course(tmp_path, MOODLE_EXPORT, "moodle.csv")
    assert hcai_main(["roster", str(export), "--lms", "canvas", "--course-dir", str(course)]) == 2
    assert "not a Canvas gradebook export" in capsys.readouterr().out
    assert hcai_main(["lms-export", A, "--lms", "moodle", "--course-dir", str(course)]) == 2
    assert "run `python -m hcai grade" in capsys.readouterr().out
