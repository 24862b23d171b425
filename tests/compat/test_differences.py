"""Where this grader differs from plain nbgrader on purpose (assignments/AUTHORING.md).

nbgrader's ``determine_grade`` gives 0 to a test cell with any ``stderr`` stream output,
even when every assertion passed: a warning printed by honest learner code (a numpy
``RuntimeWarning``, ``warnings.warn``, a ``logging`` call) costs the learner the points.
This grader scores the assertions: a passing test cell earns its points, a failing one
scores 0 whatever it printed. Each case below shows the difference (nbgrader 0, hcai full)
for honest work and the agreement (both 0) for wrong work.

The other way round, two kinds of test cell are refused (0 points, with the reason in the
autograded notebook), where nbgrader lets the learner's code decide: a test comparing two
learner objects (``p == Point(4, 6)``, ``Point`` with the learner's own ``__eq__``: a
comparison is never decided by learner code), and a test patching a learner global with
``unittest.mock`` (``patch('__main__.min')``: the patch stays in the grader and cannot reach
the learner's kernel, so ``assert_not_called()`` would pass wrong work). nbgrader gives the
honest answer its points; both give 0 to wrong work; the idioms' other cells agree.
"""

from __future__ import annotations

import nbformat
import pytest
from harness import Case
from idioms import DIFFERENCES, Idiom, notebook

pytestmark = pytest.mark.slow

STDERR_IDIOMS = [
    # np.where evaluates np.log on every element: a zero probability warns, the result is right.
    Idiom(name="numpy_runtime_warning", origin="honest numpy code that warns (np.where with np.log)",
          setup="import numpy as np",
          honest="def entropy_terms(p):\n    p = np.asarray(p, dtype=float)\n"
                 "    return np.where(p > 0, -p * np.log(p), 0.0)",
          wrong="def entropy_terms(p):\n    p = np.asarray(p, dtype=float)\n"
                "    return np.where(p > 0, -np.log(p), 0.0)",
          tests=[("test_entropy", 1, "np.testing.assert_allclose(entropy_terms([0.0, 1.0]), [0.0, 0.0])\n"
                                     "np.testing.assert_allclose(entropy_terms([0.5]), [0.5 * np.log(2)])")]),
    Idiom(name="warnings_warn", origin="honest code that warns about a deprecated argument",
          honest="import warnings\n\ndef scale(xs, factor=None, k=2):\n    if factor is not None:\n"
                 "        warnings.warn('factor is deprecated, use k')\n        k = factor\n"
                 "    return [x * k for x in xs]",
          wrong="import warnings\n\ndef scale(xs, factor=None, k=2):\n    if factor is not None:\n"
                "        warnings.warn('factor is deprecated, use k')\n    return [x * k for x in xs]",
          tests=[("test_scale", 1, "assert scale([1, 2]) == [2, 4]\nassert scale([1, 2], factor=3) == [3, 6]")]),
    Idiom(name="logging_warning", origin="honest code that logs (the root logger writes to stderr)",
          honest="import logging\n\ndef safe_ratio(a, b):\n    if b == 0:\n"
                 "        logging.warning('division by zero, returning 0')\n        return 0.0\n    return a / b",
          wrong="import logging\n\ndef safe_ratio(a, b):\n    if b == 0:\n"
                "        logging.warning('division by zero, returning 0')\n        return float('inf')\n"
                "    return a / b",
          tests=[("test_ratio", 1, "assert safe_ratio(1, 4) == 0.25\nassert safe_ratio(1, 0) == 0.0")]),
]

#: Cells refused on purpose, and the words of the refusal the autograded notebook must show.
REFUSED = {
    ("learner_class_dunder", "test_point"): ("compares or tests the truth of one of your objects "
                                             "(Point)", "compare an attribute"),
    ("patch_print", "test_report"): ("patches a name with unittest.mock (`__main__.print`)",
                                     "Tell your instructor"),
    ("patch_builtin_min", "test_no_builtin"): ("patches a name with unittest.mock (`__main__.min`)",
                                               "Tell your instructor"),
}
REFUSED_IDIOMS = [DIFFERENCES[name] for name in DIFFERENCES]

_all = STDERR_IDIOMS + REFUSED_IDIOMS
_source = {f"{i.name}.ipynb": nbformat.writes(notebook(i)) for i in _all}
_subs = {s: {f"{i.name}.ipynb": nbformat.writes(notebook(i, getattr(i, s))) for i in _all}
         for s in ("honest", "wrong")}
CASE = Case(name="differences", source=_source, submissions=_subs)
KEYS = [(i.name, gid, pts) for i in STDERR_IDIOMS for gid, pts, _s in i.tests]


@pytest.mark.parametrize("name,grade_id,points", KEYS, ids=[k[0] for k in KEYS])
def test_passing_cell_that_warns_keeps_its_points(graded, name, grade_id, points):
    result = graded(CASE)
    key = ("honest", name, grade_id)
    plain_out = result.plain.cell_outputs(CASE.name, key)
    # the difference is real: plain nbgrader zeroes the cell, and only because of stderr
    assert result.plain.scores.auto.get(key) == 0, result.explain(key)
    assert "stream/stderr" in plain_out and "error/" not in plain_out, result.explain(key)
    assert result.hcai.scores.auto.get(key) == points, result.explain(key)


@pytest.mark.parametrize("name,grade_id,points", KEYS, ids=[k[0] for k in KEYS])
def test_failing_cell_that_warns_scores_zero_on_both(graded, name, grade_id, points):
    result = graded(CASE)
    key = ("wrong", name, grade_id)
    assert result.plain.scores.auto.get(key) == 0, result.explain(key)
    assert result.hcai.scores.auto.get(key) == 0, result.explain(key)


REFUSED_KEYS = [(name, gid, pts) for i in REFUSED_IDIOMS for gid, pts, _s in i.tests
                for name in [i.name] if (name, gid) in REFUSED]
OTHER_KEYS = [(i.name, gid) for i in REFUSED_IDIOMS for gid, _p, _s in i.tests
              if (i.name, gid) not in REFUSED]


@pytest.mark.parametrize("name,grade_id,points", REFUSED_KEYS, ids=[k[0] for k in REFUSED_KEYS])
def test_refused_cell_scores_zero_with_its_reason(graded, name, grade_id, points):
    result = graded(CASE)
    key = ("honest", name, grade_id)
    # plain nbgrader lets learner code decide (its __eq__, or a patch in its own process),
    # and the honest answer earns its points there
    assert result.plain.scores.auto.get(key) == points, result.explain(key)
    assert result.hcai.scores.auto.get(key) == 0, result.explain(key)
    hcai_out = result.hcai.cell_outputs(CASE.name, key, limit=2000)
    assert "error/" in hcai_out, hcai_out
    for words in REFUSED[(name, grade_id)]:
        assert words in hcai_out, hcai_out


@pytest.mark.parametrize("name,grade_id,points", REFUSED_KEYS, ids=[k[0] for k in REFUSED_KEYS])
def test_refused_cell_fails_wrong_work_on_both(graded, name, grade_id, points):
    result = graded(CASE)
    key = ("wrong", name, grade_id)
    assert result.plain.scores.auto.get(key) == 0, result.explain(key)
    assert result.hcai.scores.auto.get(key) == 0, result.explain(key)


@pytest.mark.parametrize("name,grade_id", OTHER_KEYS, ids=[f"{n}/{g}" for n, g in OTHER_KEYS])
@pytest.mark.parametrize("student", ["honest", "wrong"])
def test_other_cells_of_those_idioms_agree(graded, name, grade_id, student):
    result = graded(CASE)
    key = (student, name, grade_id)
    assert key in result.hcai.scores.auto, result.explain(key)
    assert result.hcai.scores.auto[key] == result.plain.scores.auto.get(key), result.explain(key)
