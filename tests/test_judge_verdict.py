"""Verdicts and the nbgrader outputs they carry: partial credit, errors, messages, hidden tests."""

from __future__ import annotations

import nbformat
import pytest
from nbgrader.utils import determine_grade

from hcai.judge.local import LocalChannel, check_cells
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import GENERIC_FAILURE, HIDDEN_FAILURE, run_test_source


def nbgrader_score(outputs, points: float = 2.0) -> float:
    """What nbgrader's own determine_grade gives a test cell carrying ``outputs``."""
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": points,
                                 "grade_id": "t", "locked": True}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return determine_grade(cell)[0]


def judge(test: str, values: dict, hidden: set[int] | None = None):
    return run_test_source(test, TrustedNamespace(LocalChannel(values)),
                           hidden_lines=hidden if hidden is not None else set())


@pytest.mark.parametrize("test, score", [
    ("n = 3\nn / 2", 1.5),             # a number: partial credit
    ("score = 0.5\nscore", 0.5),
    ("import numpy as np\nnp.float64(1.25)", 2.0),  # IPython shows np.float64(1.25): not a float
    ("'1.0'", 2.0),                      # a str repr "'1.0'" is not a number either
    ("1.5;", 2.0),                       # a trailing semicolon shows nothing
    ("x = 1", 2.0),                      # no expression: full credit
    ("None", 2.0),
    ("assert False\n1", 0.0),            # error: nothing else counts
])
def test_partial_credit_is_scored_exactly_as_nbgrader(test, score):
    verdict = judge(test, {})
    assert nbgrader_score(verdict.outputs) == score


def test_partial_credit_from_a_learner_value_is_what_nbgrader_would_show():
    values = {"fraction_done": 0.25}
    verdict = judge("fraction_done * 4", values)
    assert verdict.outputs[-1]["data"]["text/plain"] == "1.0"
    assert nbgrader_score(verdict.outputs) == 1.0


def test_a_learner_objects_repr_never_becomes_a_score():
    values: dict = {}
    exec("class Sneaky:\n    def __repr__(self):\n        return '0'\nthing = Sneaky()", values)
    verdict = judge("thing", values)
    text = verdict.outputs[-1]["data"]["text/plain"]
    assert text == "<your Sneaky object>"
    assert nbgrader_score(verdict.outputs) == 2.0  # as any non-number display: full credit


def test_printed_output_becomes_one_stream_output_before_the_error():
    values: dict = {}
    exec("def shout(x):\n    print('learner says', x)\n    return x", values)
    verdict = judge("print('checking')\nassert shout(1) == 2, 'shout should double'", values)
    kinds = [o["output_type"] for o in verdict.outputs]
    assert kinds == ["stream", "error"]
    assert verdict.outputs[0]["text"] == "checking\nlearner says 1\n"
    assert verdict.message == "shout should double"
    assert nbgrader_score(verdict.outputs) == 0.0


def test_stderr_of_a_passing_cell_is_not_kept():
    # A deliberate difference from nbgrader (which would give 0 for any stderr output).
    verdict = judge("import sys\nprint('warning', file=sys.stderr)", {})
    assert verdict.passed and verdict.outputs == ()


def test_messages_are_friendly_and_never_tracebacks():
    assert check_cells(["assert answer == 1"], {})[0].message.startswith("`answer` is not defined")
    assert check_cells(["assert 1 == 2"], {})[0].message == GENERIC_FAILURE
    values: dict = {}
    exec("def f(x):\n    return {}[x]", values)
    v = check_cells(["f('k')"], values)[0]
    assert v.error_name == "KeyError" and "Your code raised KeyError" in v.message
    v = check_cells(["syntax error here"], {})[0]
    assert v.error_name == "SyntaxError" and "tell your instructor" in v.message


def test_hidden_failures_say_nothing_more_and_keep_no_prints():
    src = ("assert answer > 0, 'answer should be positive'\n"
           "### BEGIN HIDDEN TESTS\n"
           "print('expected 42')\n"
           "assert answer == 42, 'expected 42'\n"
           "### END HIDDEN TESTS\n")
    hidden = {2, 3, 4, 5}
    assert judge(src, {"answer": -1}, hidden).message == "answer should be positive"
    v = judge(src, {"answer": 7}, hidden)
    assert v.message == HIDDEN_FAILURE and all("42" not in str(o) for o in v.outputs)
    assert judge(src, {"answer": 42}, hidden).passed
    # the default markers are found when the engine gives no line numbers
    assert check_cells([src], {"answer": 7})[0].message == HIDDEN_FAILURE


def test_hidden_failures_from_check_helpers_keep_their_safe_hint():
    src = ("from hcai import checks\n"
           "### BEGIN HIDDEN TESTS\n"
           "checks.check_set(answer, {'a', 'b'}, 'answer')\n"
           "### END HIDDEN TESTS\n")
    v = check_cells([src], {"answer": {"a"}})[0]
    assert not v.passed and v.message.startswith(HIDDEN_FAILURE)
    assert len(v.message) > len(HIDDEN_FAILURE) + 5 and "'b'" not in v.message


def test_a_broad_except_in_a_test_cannot_swallow_a_refusal():
    values: dict = {}
    exec("class Box:\n    def __eq__(self, o):\n        return True\nbox = Box()", values)
    src = "try:\n    assert box == 5\nexcept Exception:\n    pass"
    v = judge(src, values)
    assert not v.passed and v.refused and "compare an attribute" in v.message
