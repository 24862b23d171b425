"""The test-cell idioms of issue 10, each with an honest and a wrong answer, through LocalChannel.

Every case is judged twice: by :mod:`hcai.judge` (test cell in the grader, learner code behind
the agent) and by the oracle, which runs learner code and test cell in one namespace the way
nbgrader's single kernel does. The judge must agree with the oracle, and the oracle must pass
the honest answer and fail the wrong one (so each case can fail).
"""

from __future__ import annotations

import contextlib
import io
import textwrap

import matplotlib
import pytest

from hcai.judge.local import LocalChannel, run_learner_code
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import run_test_source

matplotlib.use("Agg")

D = textwrap.dedent

SQUARES = D("""
    def squares(n):
        if n < 1:
            raise ValueError("n must be at least 1")
        return [i * i for i in range(1, n + 1)]
    def sum_of_squares(n):
        return sum(squares(n))
    """)
SQUARES_WRONG = D("""
    def squares(n):
        return [i * i for i in range(1, n + 1)]
    def sum_of_squares(n):
        return sum(i * i for i in range(1, n + 1))
    """)

IDIOMS: dict[str, tuple[str, str, str]] = {
    "numpy_testing": (
        "import numpy as np\nanswer = np.array([0.5, 1.0, 1.5])",
        "import numpy as np\nanswer = np.array([0.5, 1.0, 1.6])",
        "import numpy as np\nnp.testing.assert_allclose(answer, [0.5, 1.0, 1.5])"),
    "pandas_testing": (
        "import pandas as pd\nframe = pd.DataFrame({'n': [1, 2]}, index=pd.Index(['a', 'b'], name='k'))",
        "import pandas as pd\nframe = pd.DataFrame({'n': [1.0, 2.0]}, index=pd.Index(['a', 'b'], name='k'))",
        "import pandas as pd\npd.testing.assert_frame_equal(frame, pd.DataFrame({'n': [1, 2]}, "
        "index=pd.Index(['a', 'b'], name='k')))"),
    "tuple_type": ("answer = (3, 'x')", "answer = [3, 'x']",
                   "assert isinstance(answer, tuple) and answer == (3, 'x')"),
    "set_type": ("answer = {'a', 'b'}", "answer = ['a', 'b']",
                 "assert type(answer) is set and answer == {'b', 'a'}"),
    "frozenset_type": ("answer = frozenset({1, 2})", "answer = {1, 2}",
                       "assert isinstance(answer, frozenset)"),
    "numpy_scalar": ("import numpy as np\nanswer = np.float32(2.5)", "answer = 2.5",
                     "import numpy as np\nassert isinstance(answer, np.float32) and answer == 2.5"),
    "numpy_array_dtype_shape": (
        "import numpy as np\nanswer = np.zeros((2, 3), dtype=np.int64)",
        "import numpy as np\nanswer = np.zeros((3, 2))",
        "import numpy as np\nassert answer.shape == (2, 3) and answer.dtype == np.int64"),
    "nested_containers": (
        "answer = {'a': [(1, 2), {3}], 'b': {'c': None}}",
        "answer = {'a': [[1, 2], {3}], 'b': {'c': None}}",
        "assert answer == {'a': [(1, 2), {3}], 'b': {'c': None}}\n"
        "assert isinstance(answer['a'][0], tuple)"),
    "exception_except": (SQUARES, SQUARES_WRONG, D("""
        try:
            squares(0)
        except ValueError as e:
            assert "at least 1" in str(e)
        else:
            raise AssertionError("squares(0) should raise a ValueError")
        """)),
    "exception_pytest_raises": (SQUARES, SQUARES_WRONG, D("""
        import pytest
        with pytest.raises(ValueError, match="at least"):
            squares(-2)
        """)),
    "learner_exception_subclass": (
        "class BadAge(ValueError):\n    pass\n"
        "def check_age(a):\n    if a < 0:\n        raise BadAge('negative')\n    return a",
        "class BadAge(ValueError):\n    pass\ndef check_age(a):\n    return a",
        "try:\n    check_age(-1)\nexcept BadAge:\n    ok = True\nelse:\n    ok = False\n"
        "assert ok\ntry:\n    check_age(-1)\nexcept ValueError:\n    pass"),
    "learner_class": (
        D("""
        class Patient:
            def __init__(self, name, age):
                self.name, self.age = name, age
            def is_adult(self):
                return self.age >= 18
        """),
        D("""
        class Patient:
            def __init__(self, name, age):
                self.name, self.age = name, age
            def is_adult(self):
                return self.age > 18
        """),
        "p = Patient('Ann', 18)\nassert p.name == 'Ann' and p.age == 18\nassert p.is_adult() is True\n"
        "assert isinstance(p, Patient) and type(p).__name__ == 'Patient'"),
    "class_attribute_set_by_test": (
        "class Account:\n    rate = 0.1\n    def interest(self, x):\n        return x * self.rate",
        "class Account:\n    rate = 0.1\n    def interest(self, x):\n        return x * 0.1",
        "acct = Account()\nacct.rate = 0.5\nassert acct.interest(10) == 5.0"),
    "frame_argument": (
        "def adults(df):\n    return df[df['age'] >= 18].reset_index(drop=True)",
        "def adults(df):\n    return df[df['age'] > 18].reset_index(drop=True)",
        "import pandas as pd\ndf = pd.DataFrame({'age': [10, 18, 40]})\n"
        "pd.testing.assert_frame_equal(adults(df), pd.DataFrame({'age': [18, 40]}))"),
    "learner_function_as_callback": (
        "def double(x):\n    return 2 * x", "def double(x):\n    return x + 2",
        "import pandas as pd\ns = pd.Series([1, 5])\nassert list(s.apply(double)) == [2, 10]\n"
        "assert sorted([3, 1], key=double) == [1, 3] and list(map(double, [4])) == [8]"),
    "test_function_passed_in": (
        "def apply_twice(f, x):\n    return f(f(x))", "def apply_twice(f, x):\n    return f(x)",
        "step = 3\nassert apply_twice(lambda v: v + step, 1) == 7"),
    "del_learner_name": (SQUARES, SQUARES_WRONG, D("""
        orig_squares = squares
        del squares
        try:
            try:
                sum_of_squares(1)
            except NameError:
                pass
            else:
                raise AssertionError("sum_of_squares should use squares")
        finally:
            squares = orig_squares
        assert sum_of_squares(2) == 5
        """)),
    "rebind_learner_name": (SQUARES, SQUARES_WRONG, D("""
        orig = squares
        squares = lambda n: [10] * n
        try:
            assert sum_of_squares(3) == 30, "sum_of_squares should call squares"
        finally:
            squares = orig
        """)),
    "rebind_to_data": (
        "threshold = 5\ndef above(xs):\n    return [x for x in xs if x > threshold]",
        "threshold = 5\ndef above(xs):\n    return [x for x in xs if x > 5]",
        "threshold = 1\nassert above([0, 2, 9]) == [2, 9]"),
    "mutated_argument": (
        "def add_item(items, x):\n    items.append(x)",
        "def add_item(items, x):\n    items = items + [x]",
        "basket = []\nadd_item(basket, 3)\nassert basket == [3]"),
    "np_random_seed": (
        "import numpy as np\ndef sample(n):\n    return np.random.rand(n)",
        "import numpy as np\ndef sample(n):\n    return np.random.default_rng().random(n)",
        "import numpy as np\nnp.random.seed(3)\nexpected = np.random.rand(4)\nnp.random.seed(3)\n"
        "np.testing.assert_array_equal(sample(4), expected)\n"
        "after = np.random.rand(1)\nnp.random.seed(3)\nnp.random.rand(4)\n"
        "assert after == np.random.rand(1)"),
    "random_seed": (
        "import random\ndef pick(xs):\n    return random.choice(xs)",
        "def pick(xs):\n    return xs[0]",
        "import random\nrandom.seed(11)\nexp = [random.choice('abcdefgh') for _ in range(5)]\n"
        "random.seed(11)\nassert [pick('abcdefgh') for _ in range(5)] == exp"),
    "generator_passed_in": (
        "def draw(rng, n):\n    return rng.integers(0, 100, n)",
        "import numpy as np\ndef draw(rng, n):\n    return np.random.default_rng(0).integers(0, 100, n)",
        "import numpy as np\nrng = np.random.default_rng(42)\nfirst = draw(rng, 3)\nsecond = draw(rng, 3)\n"
        "ref = np.random.default_rng(42)\nnp.testing.assert_array_equal(first, ref.integers(0, 100, 3))\n"
        "np.testing.assert_array_equal(second, ref.integers(0, 100, 3))"),
    "figure_patches_title": (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(['a', 'b', 'c'], [1, 2, 3])\n"
        "ax.set_title('Counts')",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\nax.set_title('counts')",
        "assert len(ax.patches) == 3\nassert ax.get_title() == 'Counts'\n"
        "assert [p.get_height() for p in ax.patches] == [1, 2, 3]"),
    # (a kernel's inline backend closes figures after each cell, in nbgrader too: a test that
    # wants plt.gcf() calls the learner's plotting function first)
    "plt_gcf": (
        "import matplotlib.pyplot as plt\ndef plot_hist(xs):\n    plt.figure()\n"
        "    plt.hist(xs, bins=3)\n    plt.xlabel('x')",
        "import matplotlib.pyplot as plt\ndef plot_hist(xs):\n    plt.figure()\n    plt.plot(xs)",
        "import matplotlib.pyplot as plt\nplot_hist([1, 2, 2, 3])\nax = plt.gcf().axes[0]\n"
        "assert ax.get_xlabel() == 'x'\nassert len(ax.patches) == 3"),
    "file_read_by_test": (
        "def load(path):\n    return open(path).read().split()",
        "def load(path):\n    return []",
        "with open('words.txt') as fh:\n    expected = fh.read().split()\nassert load('words.txt') == expected"),
    "file_written_by_learner": (
        "def save(path, rows):\n    with open(path, 'w') as fh:\n        fh.write('\\n'.join(rows))",
        "def save(path, rows):\n    with open(path, 'w') as fh:\n        fh.write(','.join(rows))",
        "save('out.txt', ['a', 'b'])\nwith open('out.txt') as fh:\n    assert fh.read().splitlines() == ['a', 'b']"),
    "printed_output": (
        "def greet(name):\n    print(f'Hello, {name}!')",
        "def greet(name):\n    return f'Hello, {name}!'",
        "import io, contextlib\nbuf = io.StringIO()\nwith contextlib.redirect_stdout(buf):\n"
        "    greet('Ann')\nassert buf.getvalue() == 'Hello, Ann!\\n'"),
    "datetime_values": (
        "import datetime as dt\nwhen = dt.date(2026, 1, 31)", "when = '2026-01-31'",
        "import datetime as dt\nassert isinstance(when, dt.date) and when.month == 1"),
    "generator_function": (
        "def evens(n):\n    for i in range(n):\n        if i % 2 == 0:\n            yield i",
        "def evens(n):\n    return [i for i in range(n) if i % 2]",
        "import types\ng = evens(5)\nassert list(g) == [0, 2, 4]"),
}


def oracle(learner: str, test: str) -> bool:
    """What nbgrader decides: learner code and test cell in one namespace (one kernel)."""
    import matplotlib.pyplot as plt

    ns: dict = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(learner, "<learner>", "exec"), ns)
            exec(compile(test, "<test>", "exec"), ns)
        return True
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 -- pytest.raises fails with a BaseException
        return False
    finally:
        plt.close("all")


def judged(learner: str, test: str):
    import matplotlib.pyplot as plt

    values: dict = {}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            run_learner_code(learner, values)
        return run_test_source(test, TrustedNamespace(LocalChannel(values)), hidden_lines=set())
    finally:
        plt.close("all")


@pytest.fixture(autouse=True)
def _files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "words.txt").write_text("alpha beta gamma\n")


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_honest_answer_passes_as_in_nbgrader(name):
    honest, _wrong, test = IDIOMS[name]
    assert oracle(honest, test), "the oracle must pass the honest answer"
    verdict = judged(honest, test)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_wrong_answer_fails_as_in_nbgrader(name):
    _honest, wrong, test = IDIOMS[name]
    assert not oracle(wrong, test), "the oracle must fail the wrong answer"
    verdict = judged(wrong, test)
    assert not verdict.passed
    assert verdict.as_output() is not None and not verdict.refused, verdict.message


def test_there_are_at_least_25_idioms():
    assert len(IDIOMS) >= 25
