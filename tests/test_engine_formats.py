"""Notebooks saved by an older Jupyter (nbformat 4.4, no cell ids) go through release, check
and grade like current ones, as they do through plain nbgrader."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest

from fixtures.grading import fabricate
from hcai.grading import cli  # noqa: E402

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

A = fabricate.ASSIGNMENT


def _downgrade(path: Path) -> None:
    """Rewrite ``path`` as nbformat 4.4 without cell ids (what Jupyter < 6.2 saved)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["nbformat_minor"] = 4
    for cell in data["cells"]:
        cell.pop("id", None)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


@pytest.fixture()
def old_course(tmp_path, monkeypatch):
    monkeypatch.delenv("HCAI_EXCHANGE", raising=False)
    monkeypatch.delenv("HCAI_NBGRADER_EXTRA_CONFIG", raising=False)
    course = fabricate.make_course(tmp_path)
    _downgrade(course / "source" / A / f"{fabricate.NOTEBOOK}.ipynb")
    return course


def test_an_old_notebook_is_released_checked_and_graded(old_course, capsys):
    assert cli.main(["release", A, "--course-dir", str(old_course)]) == 0, capsys.readouterr()
    released = nbformat.read(str(old_course / "release" / A / f"{fabricate.NOTEBOOK}.ipynb"),
                             as_version=4)
    assert cli.main(["check", A, "--course-dir", str(old_course), "--timeout", "10"]) == 0, \
        capsys.readouterr()
    for student, wrong in (("right", False), ("partly", True)):
        nb = fabricate.correct(released)
        if wrong:
            fabricate._answer(nb, "q2", fabricate.Q2_WRONG)
        path = fabricate._write(old_course, student, nb, fabricate.DUE - timedelta(hours=1))
        _downgrade(path)
    assert cli.main(["grade", A, "--course-dir", str(old_course), "--timeout", "10"]) == 0, \
        capsys.readouterr()
    with (old_course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert set(rows) >= {"right", "partly"}
    assert float(rows["right"]["auto_score"]) > float(rows["partly"]["auto_score"]) > 0, rows
