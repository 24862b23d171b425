"""Six test-cell idioms that differed from plain nbgrader (issue notes), through LocalChannel.

* ``mock.patch('__main__.min')``: refused with a reason, never a pass (it could not see
  learner code, so wrong work passed), even when the test catches the refusal;
* ``type(a) == np.ndarray`` with the learner's ``np``: the grader's own numpy/pandas, exact types;
* ``'votes' in vars()`` / ``globals()`` / ``dir()`` see learner names;
* ``inspect.getsource(f)`` of a learner function is its cell text, taken in the kernel;
* ``p == Point(4, 6)`` on a learner class with its own ``__eq__``: refused, with the reason.
"""

from __future__ import annotations

import textwrap

import pytest

from hcai.judge.local import LocalChannel, run_learner_code
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import CellVerdict, run_test_source

D = textwrap.dedent


def judge(learner: str, *tests: str) -> list[CellVerdict]:
    values: dict = {}
    run_learner_code(D(learner), values)
    namespace = TrustedNamespace(LocalChannel(values))
    return [run_test_source(D(t), namespace) for t in tests]


MYMIN_WRONG = "def mymin(x, y):\n    return min(x, y)\n"
MYMIN_HONEST = "def mymin(x, y):\n    if x < y:\n        return x\n    return y\n"


# --- unittest.mock patches ---------------------------------------------------------------
PATCH_TESTS = [
    "from unittest.mock import patch\nwith patch('__main__.min') as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "from unittest import mock\nwith mock.patch('builtins.min') as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "import unittest.mock\nwith unittest.mock.patch('__main__.min') as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "import unittest.mock as um\nwith um.patch('__main__.min') as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "import builtins\nfrom unittest.mock import patch\n"
    "with patch.object(builtins, 'min') as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "import __main__\nfrom unittest.mock import patch\n"
    "with patch.object(__main__, 'min', create=True) as m:\n    mymin(1, 2)\nm.assert_not_called()",
    "from unittest.mock import patch\nwith patch.dict(globals(), {'min': lambda *a: 0}):\n    mymin(1, 2)",
    "from unittest.mock import patch\n@patch('__main__.min')\ndef check(m):\n    mymin(1, 2)\n"
    "    m.assert_not_called()\ncheck()",
    "import os\nfrom unittest import mock\nwith mock.patch.dict(os.environ, {'MIN': '1'}):\n    mymin(1, 2)",
    # a test that swallows everything still does not pass
    "from unittest.mock import patch\ntry:\n    with patch('__main__.min') as m:\n        mymin(1, 2)\n"
    "    m.assert_not_called()\nexcept Exception:\n    pass",
    "from unittest.mock import patch\ntry:\n    with patch('__main__.min') as m:\n        mymin(1, 2)\n"
    "except:\n    pass",
]


@pytest.mark.parametrize("test", PATCH_TESTS, ids=range(len(PATCH_TESTS)))
@pytest.mark.parametrize("learner", [MYMIN_WRONG, MYMIN_HONEST], ids=["wrong", "honest"])
def test_a_patch_learner_code_cannot_see_is_refused(learner, test):
    (verdict,) = judge(learner, test)
    assert not verdict.passed and verdict.refused, verdict
    assert "unittest.mock" in verdict.message and "instructor" in verdict.message
    assert verdict.outputs[-1]["output_type"] == "error"


def test_a_patch_of_the_tests_own_object_still_works():
    (verdict,) = judge(MYMIN_HONEST,
                       "from unittest.mock import patch\nclass Clock:\n    def now(self):\n"
                       "        return 1\nc = Clock()\nwith patch.object(Clock, 'now', return_value=5):\n"
                       "    assert c.now() == 5\nassert c.now() == 1\nassert mymin(3, 2) == 2")
    assert verdict.passed, verdict


@pytest.mark.parametrize("test", [
    "import io\nfrom unittest.mock import patch\n"
    "with patch('sys.stdout', new_callable=io.StringIO) as out:\n    report(3)\n"
    "assert out.getvalue() == '3 patients seen\\n'",
    "import io, sys\nfrom unittest import mock\n"
    "with mock.patch.object(sys, 'stdout', new_callable=io.StringIO) as out:\n    report(3)\n"
    "assert out.getvalue() == '3 patients seen\\n'",
])
def test_patching_sys_stdout_captures_learner_output(test):
    honest, wrong = "def report(n):\n    print(f'{n} patients seen')", "def report(n):\n    print(n)"
    assert judge(honest, test)[0].passed
    assert not judge(wrong, test)[0].passed


def test_a_refusal_in_one_cell_does_not_fail_the_next():
    first, second = judge(MYMIN_HONEST,
                          "from unittest.mock import patch\ntry:\n    patch('__main__.min')\nexcept:\n    pass",
                          "assert mymin(1, 2) == 1")
    assert first.refused and second.passed, (first, second)


# --- the learner's numpy and pandas ------------------------------------------------------
NUMPY_LEARNER = """
    import numpy as np
    import pandas as pd
    a_array = np.array([[11, 2], [4, 15]])
    total = np.int64(3)
    mean = np.float64(2.5)
    frame = pd.DataFrame({'n': [1, 2]})
    column = frame['n']
    labels = pd.Index(['a', 'b'])
    """


@pytest.mark.parametrize("check", [
    "type(a_array) == np.ndarray", "type(a_array) is np.ndarray",
    "str(type(a_array)) == \"<class 'numpy.ndarray'>\"",
    "type(total) is np.int64", "type(mean) is np.float64",
    "str(type(mean)) == \"<class 'numpy.float64'>\"",
    "type(frame) is pd.DataFrame", "type(column) is pd.Series", "type(labels) is pd.Index",
    "str(type(frame)) == \"<class 'pandas.DataFrame'>\" or "
    "str(type(frame)) == \"<class 'pandas.core.frame.DataFrame'>\"",
    "np.allclose(a_array, [[11, 2], [4, 15]])",
])
def test_learner_arrays_and_frames_have_their_exact_library_types(check):
    (verdict,) = judge(NUMPY_LEARNER, f"assert {check}")
    assert verdict.passed, verdict


def test_the_learner_np_is_the_graders_numpy_not_a_patched_one():
    # a learner who rigs numpy in its kernel does not rig the test's checks
    # (a fresh module object named numpy: the LocalChannel kernel shares this process's numpy)
    (verdict,) = judge("import types\nnp = types.ModuleType('numpy')\nnp.allclose = lambda *a, **k: True\n"
                       "answer = [1, 2]",
                       "assert not np.allclose(answer, [5, 6])\nassert np.allclose(answer, [1, 2])")
    assert verdict.passed, verdict


def test_matplotlib_and_unknown_modules_stay_in_the_kernel():
    (verdict,) = judge("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                       "import wave\n",
                       "assert type(plt).__name__ == 'module' and type(plt).__module__ == 'learner'\n"
                       "assert type(wave).__module__ == 'learner'")
    assert verdict.passed, verdict


def test_a_library_submodule_the_grader_has_not_loaded_stays_a_handle():
    (verdict,) = judge("import types\nodd = types.ModuleType('numpy.hcai_not_a_submodule')\n"
                       "import numpy.linalg as la",
                       "assert type(odd).__module__ == 'learner'\nimport numpy\nassert la is numpy.linalg")
    assert verdict.passed, verdict


# --- names the learner defined ----------------------------------------------------------
@pytest.mark.parametrize("check", ["'votes' in vars()", "'votes' in globals()", "'votes' in dir()",
                                   "'vote_counts' not in vars()", "'votes' in vars().keys()"])
def test_vars_globals_and_dir_see_learner_names(check):
    (verdict,) = judge("votes = [635139, 24011]", f"assert {check}")
    assert verdict.passed, verdict


def test_a_deleted_learner_name_leaves_vars():
    (verdict,) = judge("votes = [1]", "assert 'votes' in vars()\ndel votes\nassert 'votes' not in vars()")
    assert verdict.passed, verdict


def test_a_name_from_a_later_learner_cell_is_seen():
    values: dict = {}
    namespace = TrustedNamespace(LocalChannel(values))
    assert not run_test_source("assert 'votes' in vars()", namespace).passed
    run_learner_code("votes = [1]", values)
    namespace.forget_learner_values()
    assert run_test_source("assert 'votes' in vars()", namespace).passed


# --- inspect.getsource -------------------------------------------------------------------
ADD = "def add(x, y):\n    return x + y\n"


@pytest.mark.parametrize("check", [
    "import inspect\nassert '+' in inspect.getsource(add)",
    "from inspect import getsource\nassert getsource(add).startswith('def add(x, y):')",
    "import inspect\nlines, _n = inspect.getsourcelines(add)\nassert lines[-1].strip() == 'return x + y'",
    "import inspect\nassert 'sum' not in inspect.getsource(add)",
])
def test_inspect_getsource_of_a_learner_function_is_its_cell_text(check):
    (verdict,) = judge(ADD, check)
    assert verdict.passed, verdict


def test_inspect_getsource_fails_the_wrong_answer():
    (verdict,) = judge("def add(x, y):\n    return sum([x, y])\n",
                       "import inspect\nassert '+' in inspect.getsource(add), '+ operator should be used'")
    assert not verdict.passed and verdict.message == "+ operator should be used"


# --- a learner class with its own __eq__ -------------------------------------------------
POINT = """
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y
        def __eq__(self, other):
            return (self.x, self.y) == (other.x, other.y)
        def __add__(self, other):
            return Point(self.x + other.x, self.y + other.y)
    """


def test_comparing_learner_objects_is_refused_with_the_reason():
    (verdict,) = judge(POINT, "p = Point(1, 2) + Point(3, 4)\nassert p == Point(4, 6)")
    assert not verdict.passed and verdict.refused
    assert "compares or tests the truth of one of your objects (Point)" in verdict.message
    assert "compare an attribute" in verdict.message
    assert verdict.outputs[-1]["evalue"] == verdict.message


def test_a_caught_comparison_refusal_still_stands():
    # a learner __eq__ that raises would otherwise let `except: pass` turn a refusal into a pass
    (verdict,) = judge(POINT, "p = Point(1, 2)\ntry:\n    assert p == Point(1, 2)\nexcept:\n    pass")
    assert not verdict.passed and verdict.refused, verdict


def test_the_fields_of_a_learner_object_still_compare():
    (verdict,) = judge(POINT, "p = Point(1, 2) + Point(3, 4)\nassert (p.x, p.y) == (4, 6)")
    assert verdict.passed, verdict
