"""Handles for learner objects, learner exceptions, and hostile objects through LocalChannel."""

from __future__ import annotations

import textwrap

import pytest

from hcai.judge import agent, session
from hcai.judge.local import LocalChannel, check_cells, run_learner_code
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import run_test_source

LIAR = textwrap.dedent("""
    class Liar:
        '''Every method lies: equal to all, true, any length, every attribute itself.'''
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __lt__(self, other): return True
        def __bool__(self): return True
        def __len__(self): return 3
        def __hash__(self): return 0
        def __contains__(self, x): return True
        def __getattr__(self, name): return self
        def __call__(self, *a, **k): return self
        def __iter__(self): return iter([1, 2, 3])
        def equals(self, other): return True
        def __repr__(self): return '3'
    answer = Liar()
    def solve(x):
        return Liar()
    """)


def judge(test: str, values: dict):
    return run_test_source(test, TrustedNamespace(LocalChannel(values)), hidden_lines=set())


def values_of(code: str) -> dict:
    values: dict = {}
    run_learner_code(code, values)
    return values


@pytest.mark.parametrize("test", [
    "assert answer == [1, 2, 3]",
    "assert answer",
    "if answer:\n    pass\nelse:\n    raise AssertionError",
    "assert not (answer != 5)",
    "assert answer < 2",
    "assert solve(1) == 2",
    "import pandas as pd\nassert isinstance(answer, pd.DataFrame) and answer.equals(pd.DataFrame())",
    "import pandas as pd\npd.testing.assert_frame_equal(answer, pd.DataFrame({'a': [1]}))",
    "import numpy as np\nnp.testing.assert_array_equal(answer, [1, 2, 3])\nassert answer.shape == (3,)",
    "assert sorted(answer) == [1, 2, 3] and answer == answer",
    "assert {answer: 1}[answer] == 1 and answer in [answer] and answer == 7",
])
def test_a_learner_object_whose_methods_lie_never_passes(test):
    v = judge(test, values_of(LIAR))
    assert not v.passed


def test_a_method_result_is_the_learners_answer_as_in_nbgrader():
    # A learner method decides what it returns (that is the answer being tested); a test that
    # expects data checks the type first, as hcai.checks does, and the lie gets nowhere.
    values = values_of(LIAR)
    assert judge("assert answer.equals([1]) == True", values).passed
    v = judge("import pandas as pd\nfrom hcai import checks\n"
              "checks.check_type(answer, pd.DataFrame, 'answer')", values)
    assert not v.passed and "answer" in v.message and v.error_name == "AssertionError"


def test_lying_object_facts_are_only_data_compared_here():
    # Its __len__ and __iter__ give data; that data is compared here, as any answer's would be.
    values = values_of(LIAR)
    assert judge("assert len(answer) == 3 and list(answer) == [1, 2, 3]", values).passed
    assert judge("assert 2 in answer and 9 not in answer", values).passed  # by iteration, here


def test_handles_are_interned_and_keep_identity():
    values = values_of("class P:\n    pass\np = P()\nq = p\nr = P()")
    assert judge("assert p is q and p is not r and p == q and p != r", values).passed
    assert judge("assert len({p, q, r}) == 2 and bool(p)", values).passed
    assert judge("assert repr(p) == '<your P object>'", values).passed


def test_truth_of_an_object_with_len_is_refused():
    values = values_of("class Bag:\n    def __len__(self):\n        return 0\nbag = Bag()")
    v = judge("assert not bag", values)
    assert not v.passed and v.refused


def test_learner_exception_posing_as_assertion_error_is_not_one():
    values = values_of(textwrap.dedent("""
        class AssertionError(Exception):
            pass
        class Sly(AssertionError):
            pass
        def f():
            raise Sly("pretend the test failed on purpose")
        def g():
            assert False, "a real assert in learner code"
        """))
    for fn in ("f", "g"):
        test = (f"try:\n    {fn}()\nexcept AssertionError:\n    ok = True\nelse:\n    ok = False\n"
                "assert ok")
        v = judge(test, values)
        assert not v.passed  # it does not become an AssertionError the test could catch
        caught = judge(f"try:\n    {fn}()\nexcept Exception as e:\n    err = e\n"
                       "assert isinstance(err, Exception) and not isinstance(err, AssertionError)",
                       values)
        assert caught.passed


def test_builtin_exceptions_cross_with_class_args_and_name():
    values = values_of(textwrap.dedent("""
        def k():
            return {}['missing']
        def o():
            open('/definitely/not/here.txt')
        def n():
            return undefined_name
        """))
    assert judge("try:\n    k()\nexcept KeyError as e:\n    assert e.args == ('missing',)", values).passed
    assert judge("try:\n    o()\nexcept FileNotFoundError as e:\n    assert e.errno == 2", values).passed
    assert judge("try:\n    n()\nexcept NameError as e:\n    assert e.name == 'undefined_name'",
                 values).passed


def test_base_exceptions_from_learner_code_never_stop_the_grader():
    values = values_of(textwrap.dedent("""
        import sys
        def quit_now():
            sys.exit(0)
        def interrupt():
            raise KeyboardInterrupt
        """))
    for fn in ("quit_now", "interrupt"):
        v = judge(f"{fn}()", values)
        assert not v.passed and v.error_name not in ("KeyboardInterrupt", "SystemExit")


def test_a_learner_class_is_constructed_and_used_in_the_kernel():
    values = values_of(textwrap.dedent("""
        class Counter:
            def __init__(self):
                self.n = 0
            def add(self, k=1):
                self.n += k
                return self
            def __len__(self):
                return self.n
            def __str__(self):
                return f'Counter({self.n})'
            def __add__(self, other):
                return self.n + other
        """))
    test = ("c = Counter()\nc.add().add(2)\nassert c.n == 3 and len(c) == 3\n"
            "assert str(c) == 'Counter(3)' and f'{c}' == 'Counter(3)'\nassert c + 1 == 4\n"
            "c.n = 10\nassert c.n == 10 and vars(c) == {'n': 10}\n"
            "assert hasattr(c, 'add') and not hasattr(c, 'nothing')")
    v = judge(test, values)
    assert v.passed, v.message


def test_the_agent_source_imports_only_the_standard_library():
    import ast
    tree = ast.parse(agent.AGENT_BODY)
    names = {alias.name.partition(".")[0] for node in ast.walk(tree)
             if isinstance(node, (ast.Import, ast.ImportFrom))
             for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
    assert names <= {"sys", "re", "builtins", "collections", "datetime", "decimal", "enum",
                     "base64", "json", "contextlib", "marshal", "types", "importlib",
                     "keyword", "itertools", "operator", "random", "numpy", "pandas", "dataclasses",
                     "inspect"}, names


def test_the_kernel_bootstrap_compiles_the_agent_once():
    import sys
    sys.modules.pop("_hcai_judge_agent", None)
    try:
        first: dict = {}
        exec(agent.AGENT_SOURCE, first)
        second: dict = {}
        exec(agent.AGENT_SOURCE, second)
        assert first["agent"] is second["agent"]
        module = sys.modules["_hcai_judge_agent"]
        module.hcai_version = "stale"
        third: dict = {}
        exec(agent.AGENT_SOURCE, third)
        assert third["agent"] is not first["agent"]
    finally:
        sys.modules.pop("_hcai_judge_agent", None)
        sys.modules.pop("_hcai_judge_state", None)


def test_kernel_replies_that_are_not_data_fail_closed():
    class Forged:
        def __init__(self, reply: str) -> None:
            self.reply = reply

        def request(self, payload: str, timeout: float) -> str:
            return self.reply

    import base64
    import json

    def b64(obj) -> str:
        return base64.b64encode(json.dumps(obj).encode()).decode()

    forged = [
        "not base64!",
        b64({"ok": {"$": "builtin", "name": "exec"}}),           # a builtin function: refused
        b64({"ok": {"$": "ndarray", "dtype": "V8", "shape": [1], "items": [1]}}),
        b64({"ok": {"$": "ndarray", "dtype": "<i8", "shape": [5], "items": [1]}}),
        b64({"ok": {"$": "pickle", "v": "gASV"}}),
        b64({"raise": {"chain": [], "base": "KeyboardInterrupt", "args": None, "msg": "x"}}),
        b64({"raise": {"chain": "junk", "base": "ValueError"}}),
    ]
    for reply in forged:
        ns = TrustedNamespace(Forged(reply))
        v = run_test_source("try:\n    answer\nexcept (ValueError, KeyboardInterrupt):\n    pass\n"
                            "assert answer is not None", ns, hidden_lines=set())
        assert not v.passed, reply


def test_check_cells_convenience_runs_cells_in_order():
    assert [v.passed for v in check_cells(["x = 1", "assert x == 1"], {})] == [True, True]
    assert {"ValueError", "TypeError", "NameError"} <= session.SAFE_EXCEPTIONS
    assert "AssertionError" not in session.SAFE_EXCEPTIONS


def test_learner_dataclasses_compare_by_their_fields_here():
    values = values_of(textwrap.dedent("""
        from dataclasses import dataclass, field
        @dataclass
        class Point:
            x: int
            y: int
            note: str = field(default='', compare=False)
        @dataclass
        class Other:
            x: int
            y: int
        @dataclass(eq=False)
        class NoEq:
            x: int
        class Sneaky(Point):
            def __eq__(self, other):
                return True
        def mid(a, b):
            return Point((a.x + b.x) // 2, (a.y + b.y) // 2)
        """))
    assert judge("assert mid(Point(0, 0), Point(4, 2)) == Point(2, 1)", values).passed
    assert judge("assert Point(1, 2, 'a') == Point(1, 2, 'b') != Point(1, 3)", values).passed
    assert judge("assert Point(1, 2) != Other(1, 2) and Point(1, 2) != (1, 2)", values).passed
    assert judge("a = NoEq(1)\nassert a == a and a != NoEq(1)", values).passed
    assert not judge("assert Sneaky(0, 0) == Point(5, 5)", values).passed
