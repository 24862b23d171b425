"""A refused test cell reaches the grades CSV's reason (never a silent 0); no kernel.

The whole path on a real grading run is in ``test_grading_interrupted.py``; these check the
record and the status on their own.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from hcai.grading import outcome
from hcai.grading.gradebook import SubmissionScores
from hcai.grading.preprocessors import RecordProblems
from hcai.grading.state import Record, Result

WHY = "This check could not be graded: This check compares or tests the truth of one of your objects (Sneaky)"


def _cell(grade_id: str, test: bool, ename: str, evalue: str) -> nbformat.NotebookNode:
    cell = new_code_cell("...", metadata={"nbgrader": {"grade_id": grade_id, "grade": test, "solution": not test,
                                                       "points": 1 if test else 0}})
    cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[])]
    return cell


def test_record_problems_keeps_each_refused_test_cell_with_its_reason():
    nb = new_notebook(cells=[
        _cell("q1", False, "HandleComparison", "forged by learner code"),  # a learner cell: not the judge's
        _cell("q1_test", True, "HandleComparison", WHY),
        _cell("q2_test", True, "GradingRefused", "This check could not be graded: patches a name"),
        _cell("q3_test", True, "AssertionError", "wrong"),
    ])
    nb, _ = RecordProblems().preprocess(nb, {})
    assert nb.metadata["hcai_grading"]["refused_cells"] == [
        f"q1_test: {WHY}", "q2_test: This check could not be graded: patches a name"]


def test_a_refusal_is_named_beside_the_score_it_gave():
    record = Record("h", "fp", Result.OK, problems={"refused_cells": [f"q1_test: {WHY}"]})
    sub = SubmissionScores(auto=3.0, items={"q1_test": 0.0, "q2_test": 3.0}, pending=[], penalty=0.0,
                           seconds_late=0.0, timestamp=None)
    result = outcome.outcome_for("rex", record, sub, max_score=4.0, submitted=True, timeout=30)
    # graded as it scored (the refused test 0), and the reason says why that test gave 0
    assert result.status == outcome.Status.GRADED and result.score == 3.0
    assert result.reason.startswith(f"test cell q1_test was refused and scored 0 ({WHY})")
