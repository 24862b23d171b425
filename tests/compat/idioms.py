"""Test-cell idioms from public nbgrader and otter courses, each with an honest and a wrong answer.

Each :class:`Idiom` becomes one notebook of the ``idioms`` assignment: an optional locked
setup cell, the answer cell (``solution``; the reference is the honest answer), and one or
more locked test cells. Student ``honest`` hands in the honest answer for every idiom,
``wrong`` a plausible mistake that the idiom's tests catch under plain nbgrader. The
``origin`` of each idiom names the public repository and file it was taken from (read in
the stored copies of the search tool); where the original used ``nose`` (not installed),
the same check is written with ``numpy.testing``/``pytest``/plain ``assert``.

Idioms are written the way those courses write them: test cells use the learner's names
directly, import what they need or rely on the setup cell's imports, and sometimes rely
on a name an earlier test cell defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

ASSIGNMENT = "idioms"
STUDENTS = ("honest", "wrong")


@dataclass
class Idiom:
    name: str
    origin: str
    honest: str
    wrong: str
    tests: list[tuple[str, float, str]]           # (grade_id, points, source)
    setup: str = ""
    files: dict[str, str] = field(default_factory=dict)  # files beside the notebook (source and release)


I: list[Idiom] = []  # noqa: E741 -- the registry every idiom() call appends to


def idiom(**kw) -> None:
    I.append(Idiom(**kw))


# --- numpy.testing / pandas.testing ------------------------------------------------------
idiom(name="np_allclose",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/4 - Manipulating and Plotting Data.ipynb "
             "(test_squared_exponential)",
      setup="import numpy as np",
      honest="def squared_exponential(x, y):\n    return np.exp(-0.5 * (x[:, None] - y[None, :]) ** 2)",
      wrong="def squared_exponential(x, y):\n    return np.exp(-(x[:, None] - y[None, :]) ** 2)",
      tests=[("test_se", 2, "from numpy.testing import assert_allclose\n"
              "d = squared_exponential(np.arange(3), np.arange(4))\n"
              "assert d.shape == (3, 4)\nassert d.dtype == float\n"
              "assert_allclose(d[0], [1., 0.60653066, 0.13533528, 0.011108997])\n"
              "assert_allclose(d[:, 1], [0.60653066, 1., 0.60653066])\nprint('Success!')")])

idiom(name="np_array_equal_copy",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/5 - Advanced NumPy.ipynb "
             "(test_threshold_correct, test_threshold_copy)",
      setup="import numpy as np",
      honest="def threshold(x):\n    y = np.where(x > x.mean(), 1, -1)\n    y[x == x.mean()] = 0\n    return y",
      # modifies the caller's array in place: only the copy test notices
      wrong="def threshold(x):\n    m = x.mean()\n    x[x > m], x[x < m], x[x == m] = 1, -1, 0\n    return x",
      tests=[("test_threshold_correct", 1.5,
              "from numpy.testing import assert_array_equal\n"
              "assert_array_equal(threshold(np.array([1, 1, 1, 1])), np.array([0, 0, 0, 0]))\n"
              "assert_array_equal(threshold(np.array([1., 0, 1, 0])), np.array([1, -1, 1, -1]))"),
             ("test_threshold_copy", 0.5,
              "x = np.array([[0.5, 0.2, -0.3, 0.1], [1.7, -3.8, 0.5, 0.6]])\n"
              "y = threshold(x)\n"
              "assert_array_equal(x, np.array([[0.5, 0.2, -0.3, 0.1], [1.7, -3.8, 0.5, 0.6]]))\n"
              "assert_array_equal(y, np.array([[1, 1, -1, 1], [1, -1, 1, 1]]))")])

idiom(name="pd_frame_equal",
      origin="feldlime/nbgrader-itmo-recsys-2025-spring nbgrader/app/source/hw_1/hse_metrics.ipynb "
             "(frames built in the notebook, checked with pandas); matthew-brett/cfd2019 "
             "_ok_exercises/money_death/tests/q_3_income.py (column compared with the source frame)",
      setup="import pandas as pd\nvisits = pd.DataFrame({'ward': ['a', 'b', 'a', 'c', 'b', 'a'],\n"
            "                       'minutes': [10, 20, 30, 5, 15, 20]})",
      honest="summary = (visits.groupby('ward', as_index=False)['minutes'].sum()\n"
             "           .sort_values('minutes', ascending=False).reset_index(drop=True))",
      wrong="summary = visits.groupby('ward', as_index=False)['minutes'].mean()",
      tests=[("test_summary", 2,
              "import pandas as pd\n"
              "expected = pd.DataFrame({'ward': ['a', 'b', 'c'], 'minutes': [60, 35, 5]})\n"
              "pd.testing.assert_frame_equal(summary, expected)")])

idiom(name="pd_series_equal",
      origin="uob-cfd/pandas_struggles tests/q_votes.py (isinstance(votes, pd.Series), "
             "values checked by label)",
      setup="import pandas as pd\nscores = pd.Series([3, 4, 5, 4, 3, 4], name='score')",
      honest="counts = scores.value_counts().sort_index()",
      wrong="counts = scores.value_counts(normalize=True).sort_index()",
      tests=[("test_counts_type", 1, "assert isinstance(counts, pd.Series)"),
             ("test_counts", 2,
              "expected = pd.Series([2, 3, 1], index=pd.Index([3, 4, 5], name='score'), name='count')\n"
              "pd.testing.assert_series_equal(counts, expected)")])

# --- types: tuples, sets, frozensets, numpy scalars and arrays, nested containers ---------
idiom(name="tuple_type",
      origin="nbgrader tests/apps/files/autotests.yml (the tuple template: type, len, sorted values, "
             "order), as shipped with nbgrader 0.9.6",
      honest="def min_max(xs):\n    return (min(xs), max(xs))",
      wrong="def min_max(xs):\n    return [min(xs), max(xs)]",
      tests=[("test_min_max", 1,
              "r = min_max([3, 1, 2])\nassert type(r) == tuple, 'min_max should return a tuple'\n"
              "assert r == (1, 3)")])

idiom(name="set_frozenset",
      origin="nbgrader tests/apps/files/autotests.yml (the set template: type(x) then len(x) then x)",
      honest="vowels = set('education') & set('aeiou')\nfrozen = frozenset(vowels)",
      wrong="vowels = sorted(set('education') & set('aeiou'))\nfrozen = set(vowels)",
      tests=[("test_vowels", 1, "assert type(vowels) == set\nassert len(vowels) == 5\n"
                                "assert vowels == {'a', 'e', 'i', 'o', 'u'}"),
             ("test_frozen", 1, "assert isinstance(frozen, frozenset)\nassert 'u' in frozen")])

idiom(name="numpy_scalar",
      origin="feldlime/nbgrader-itmo-recsys-2025-spring nbgrader/app/source/hw_1/hse_metrics.ipynb "
             "(assert isinstance(precision_at_1(), float) on a numpy result)",
      setup="import numpy as np\nhits = np.array([1, 0, 0, 1, 0])",
      honest="def precision():\n    return hits.mean()",
      wrong="def precision():\n    return int(hits.sum())",
      tests=[("test_precision_type", 1, "assert isinstance(precision(), float)\n"
                                        "assert isinstance(precision(), np.floating)"),
             ("test_precision", 1, "assert abs(precision() - 0.4) < 0.001")])

idiom(name="ndarray_type",
      origin="taupalosaurus/ipfg18-4 tests/question-4_6.py (type(a_array) == np.ndarray; shape; "
             "np.allclose)",
      setup="import numpy as np",
      honest="a_array = np.array([[11, 2, 13], [4, 15, 6], [7, 8, 19]])",
      wrong="a_array = [[11, 2, 13], [4, 15, 6], [7, 8, 19]]",
      tests=[("test_a_array", 1, "assert type(a_array) == np.ndarray\nassert a_array.shape == (3, 3)\n"
                                 "assert np.allclose(a_array, [[11, 2, 13], [4, 15, 6], [7, 8, 19]])\n"
                                 "assert a_array.dtype.kind == 'i'")])

idiom(name="nested_containers",
      origin="nbgrader tests/apps/files/autotests.yml (the dict template: keys, values, then the "
             "correspondence)",
      setup="pairs = [('b', 2), ('a', 1), ('b', 3), ('a', 4)]",
      honest="grouped = {}\nfor k, v in pairs:\n    grouped.setdefault(k, []).append(v)",
      wrong="grouped = {}\nfor k, v in pairs:\n    grouped.setdefault(k, set()).add(v)",
      tests=[("test_grouped", 1, "assert type(grouped) == dict\nassert sorted(grouped) == ['a', 'b']\n"
                                 "assert all(type(v) == list for v in grouped.values())\n"
                                 "assert grouped == {'a': [1, 4], 'b': [2, 3]}")])

# --- exceptions raised by learner code -------------------------------------------------
idiom(name="raises_try_except",
      origin="nbgrader docs/source/user_guide/source/ps1/problem1.ipynb (squares_invalid_input)",
      honest="def squares(n):\n    if n < 1:\n        raise ValueError('n must be at least 1')\n"
             "    return [i ** 2 for i in range(1, n + 1)]",
      wrong="def squares(n):\n    return [i ** 2 for i in range(1, n + 1)]",
      tests=[("test_invalid", 1, "try:\n    squares(0)\nexcept ValueError:\n    pass\nelse:\n"
                                 "    raise AssertionError('did not raise')")])

idiom(name="raises_pytest_match",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/5 - Advanced NumPy.ipynb "
             "(test_participant_mean_raises: assert_raises(ValueError, participant_mean, ...))",
      setup="import numpy as np",
      honest="def participant_mean(name, data, participants):\n"
             "    rows = np.flatnonzero(participants == name)\n"
             "    if len(rows) != 1:\n        raise ValueError(f'participant {name!r} is not unique')\n"
             "    return data[rows[0]].mean()",
      wrong="def participant_mean(name, data, participants):\n"
             "    rows = np.flatnonzero(participants == name)\n"
             "    if len(rows) != 1:\n        raise KeyError(name)\n"
             "    return data[rows[0]].mean()",
      tests=[("test_mean", 0.5, "data = np.arange(32).reshape((4, 8))\n"
                                "participants = np.array(['a', 'b', 'c', 'd'])\n"
                                "assert participant_mean('b', data, participants) == 11.5"),
             ("test_raises", 0.5, "import pytest\ndata = np.arange(32).reshape((4, 8))\n"
                                  "participants = np.array(['a', 'b', 'c', 'a'])\n"
                                  "with pytest.raises(ValueError, match='not unique'):\n"
                                  "    participant_mean('a', data, participants)")])

idiom(name="raises_message",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/3 - Introduction to NumPy.ipynb "
             "(test_euclidean_distance: an error for arrays of different sizes)",
      setup="import numpy as np",
      honest="def euclidean_distance(a, b):\n    a, b = np.asarray(a), np.asarray(b)\n"
             "    if a.shape != b.shape:\n        raise ValueError('a and b must have the same shape')\n"
             "    return float(np.sqrt(((a - b) ** 2).sum()))",
      wrong="def euclidean_distance(a, b):\n    a, b = np.asarray(a), np.asarray(b)\n"
            "    return float(np.sqrt(((a - b) ** 2).sum()))",
      tests=[("test_distance", 1, "assert euclidean_distance(np.array([1, 2, 3]), np.array([4, 5, 6])) "
                                  "== 5.196152422706632"),
             ("test_shape_error", 1, "try:\n    euclidean_distance(np.array([1, 2, 3]), np.array([4, 5]))\n"
                                     "except ValueError as e:\n    assert 'same shape' in str(e)\n"
                                     "    assert type(e) is ValueError\nelse:\n"
                                     "    raise AssertionError('no ValueError')")])

# --- learner classes --------------------------------------------------------------------
idiom(name="learner_class",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (test each function/feature "
             "in isolation), applied to a class as in course OOP units",
      honest="class Account:\n    def __init__(self, balance=0):\n        self.balance = balance\n"
             "    def deposit(self, amount):\n        if amount <= 0:\n"
             "            raise ValueError('amount must be positive')\n"
             "        self.balance += amount\n        return self.balance",
      wrong="class Account:\n    def __init__(self, balance=0):\n        self.balance = balance\n"
            "    def deposit(self, amount):\n        return self.balance + amount",
      tests=[("test_account", 2, "acc = Account(100)\nassert acc.balance == 100\n"
                                 "assert acc.deposit(50) == 150\nassert acc.balance == 150\n"
                                 "assert isinstance(acc, Account)\n"
                                 "try:\n    acc.deposit(-1)\nexcept ValueError:\n    pass\n"
                                 "else:\n    raise AssertionError('negative deposit accepted')")])

idiom(name="learner_class_dunder",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (cover edge cases; compare "
             "returned values), on a small value class",
      honest="class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n"
             "    def __eq__(self, other):\n        return (self.x, self.y) == (other.x, other.y)\n"
             "    def __add__(self, other):\n        return Point(self.x + other.x, self.y + other.y)\n"
             "    def __repr__(self):\n        return f'Point({self.x}, {self.y})'",
      wrong="class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n"
            "    def __add__(self, other):\n        return Point(self.x + other.x, self.y + other.y)",
      tests=[("test_point", 1, "p = Point(1, 2) + Point(3, 4)\nassert p == Point(4, 6)\n"
                               "assert repr(p) == 'Point(4, 6)'\nassert p.x == 4")])

# --- learner functions with frames the test built, callbacks ------------------------------
idiom(name="frame_argument",
      origin="feldlime/nbgrader-itmo-recsys-2025-spring nbgrader/app/source/hw_1/hse_metrics.ipynb "
             "(weighted_recall(reco.copy(), test[test['user_id']==0].copy(), k=5))",
      setup="import pandas as pd",
      honest="def top_k(df, k):\n    return df.sort_values('score', ascending=False).head(k)['item'].tolist()",
      wrong="def top_k(df, k):\n    return df.head(k)['item'].tolist()",
      tests=[("test_top_k", 2, "import pandas as pd\n"
                               "reco = pd.DataFrame({'item': list('abcde'), 'score': [0.1, 0.9, 0.5, 0.7, 0.2]})\n"
                               "assert top_k(reco.copy(), 2) == ['b', 'd']\n"
                               "assert top_k(reco[reco['score'] < 0.6].copy(), 1) == ['c']")])

idiom(name="notebook_variable_argument",
      origin="219project/num_meth_nbgrader TestCourse/source/LU/LU.ipynb (assert minor(a)==True; "
             "a and a1 built in locked cells)",
      setup="import numpy as np\nN = 4\na = np.array([[3. / (0.6 * i * j + 1) for j in range(N)] for i in range(N)])\n"
            "a1 = a.copy()\na1[1, 1] = 3",
      honest="def minor(a):\n    n = a.shape[0]\n"
             "    return all(abs(np.linalg.det(a[:i + 1, :i + 1])) > 1e-12 for i in range(n))",
      wrong="def minor(a):\n    return abs(np.linalg.det(a)) > 1e-12",
      tests=[("test_minor", 2, "assert minor(a) == True\nassert minor(a1) == False")])

idiom(name="callback",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (isAnagram: a predicate "
             "checked on many inputs), passed as a key and a filter",
      honest="def is_anagram(a, b):\n    clean = lambda s: sorted(c for c in s.lower() if c.isalnum())\n"
             "    return clean(a) == clean(b)",
      wrong="def is_anagram(a, b):\n    return sorted(a) == sorted(b)",
      tests=[("test_anagram_callback", 1,
              "words = ['Tap', 'pat!', 'apt', 'cat']\n"
              "assert list(filter(lambda w: is_anagram(w, 'PAT'), words)) == ['Tap', 'pat!', 'apt']\n"
              "assert sorted(['He llo', 'hi'], key=lambda w: is_anagram(w, '?hello')) == ['hi', 'He llo']")])

# --- names a test deletes, rebinds or monkeypatches ----------------------------------------
idiom(name="del_function",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (del mse, then plot_mse() "
             "must raise NameError)",
      setup="import numpy as np",
      honest="def mse(x, y):\n    return float(np.mean((np.asarray(x) - np.asarray(y)) ** 2))\n\n"
             "def total_mse(pairs):\n    return sum(mse(x, y) for x, y in pairs)",
      wrong="def mse(x, y):\n    return float(np.mean((np.asarray(x) - np.asarray(y)) ** 2))\n\n"
            "def total_mse(pairs):\n"
            "    return sum(float(np.mean((np.asarray(x) - np.asarray(y)) ** 2)) for x, y in pairs)",
      tests=[("test_total", 1, "assert total_mse([([1, 2], [1, 4]), ([0], [1])]) == 3.0"),
             ("test_uses_mse", 1, "old_mse = mse\ndel mse\ntry:\n    total_mse([([1], [2])])\n"
                                  "except NameError:\n    pass\nelse:\n"
                                  "    raise AssertionError('total_mse does not call mse')\n"
                                  "finally:\n    mse = old_mse\n    del old_mse")])

idiom(name="patch_print",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (patch('__main__.print'); "
             "mock_print.assert_called_once_with(...))",
      honest="def report(n):\n    print(f'{n} patients seen')",
      wrong="def report(n):\n    print(n, 'patients seen.')",
      tests=[("test_report", 1, "from unittest.mock import patch\n"
                                "with patch('__main__.print') as mock_print:\n    report(3)\n"
                                "mock_print.assert_called_once_with('3 patients seen')")])

idiom(name="patch_builtin_min",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (patch('__main__.min'); "
             "mock_min.assert_not_called())",
      honest="def mymin(x, y):\n    if x < y:\n        return x\n    return y",
      wrong="def mymin(x, y):\n    return min(x, y)",
      tests=[("test_mymin", 1, "assert mymin(1, 2) == 1\nassert mymin(5, -1) == -1"),
             ("test_no_builtin", 1, "from unittest.mock import patch\n"
                                    "with patch('__main__.min') as mock_min:\n    mymin(1, 2)\n"
                                    "mock_min.assert_not_called()")])

idiom(name="rebind_global",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (Gotchas: global variables "
             "in the notebook; arr rebound, arr2 a new name)",
      setup="import numpy as np\narr = np.array([1, 2, 3])",
      honest="def f(x):\n    return x * 2",
      wrong="def f(x):\n    return arr * 2",
      tests=[("test_f", 1, "from numpy.testing import assert_array_equal\n"
                           "arr = np.array([5, 7])\nassert_array_equal(f(arr), np.array([10, 14]))\n"
                           "arr2 = np.array([3, 2])\nassert_array_equal(f(arr2), np.array([6, 4]))")])

# --- seeded randomness ---------------------------------------------------------------------
idiom(name="np_random_seed",
      origin="219project/num_meth_nbgrader TestCourse/source/LU/LU.ipynb (hidden test: "
             "np.random.seed(1234); m = np.random.rand(N, N); then the learner's function)",
      setup="import numpy as np",
      honest="def noisy_mean(n):\n    return float(np.random.rand(n).mean())",
      wrong="def noisy_mean(n):\n    rng = np.random.default_rng()\n    return float(rng.random(n).mean())",
      tests=[("test_noisy_mean", 1, "np.random.seed(1234)\nexpected = float(np.random.rand(10).mean())\n"
                                    "np.random.seed(1234)\nassert noisy_mean(10) == expected")])

idiom(name="random_seed",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/6 - Truth Tables.ipynb (tests draw "
             "random inputs and check the learner's function on them)",
      honest="import random\n\ndef roll(k):\n    return [random.randint(1, 6) for _ in range(k)]",
      wrong="import random\n\ndef roll(k):\n    return [random.randint(0, 5) for _ in range(k)]",
      tests=[("test_roll", 1, "import random\nrandom.seed(7)\nexpected = [random.randint(1, 6) for _ in range(5)]\n"
                              "random.seed(7)\nassert roll(5) == expected")])

idiom(name="generator_argument",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/6 - Truth Tables.ipynb (random inputs "
             "made in the test), with a seeded numpy Generator passed in",
      setup="import numpy as np",
      honest="def bootstrap_means(data, rng, reps):\n"
             "    return np.array([rng.choice(data, size=len(data)).mean() for _ in range(reps)])",
      wrong="def bootstrap_means(data, rng, reps):\n"
            "    return np.array([np.random.choice(data, size=len(data)).mean() for _ in range(reps)])",
      tests=[("test_bootstrap", 2, "data = np.array([1., 2., 3., 4., 10.])\n"
                                   "ref = np.random.default_rng(42)\n"
                                   "expected = np.array([ref.choice(data, size=5).mean() for _ in range(3)])\n"
                                   "got = bootstrap_means(data, np.random.default_rng(42), 3)\n"
                                   "np.testing.assert_allclose(got, expected)")])

# --- figures and axes --------------------------------------------------------------------
idiom(name="axes_passed_in",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/4 - Manipulating and Plotting Data.ipynb "
             "(test_plot_squared_exponential: figure, axis = plt.subplots(); learner plots on axis)",
      setup="import numpy as np\nimport matplotlib.pyplot as plt",
      honest="def plot_line(axis, x, y):\n    axis.plot(x, y)\n    axis.set_xlabel('x')\n"
             "    axis.set_ylabel('y')\n    axis.set_title('y against x')",
      wrong="def plot_line(axis, x, y):\n    axis.plot(x, y)",
      tests=[("test_plot", 2, "figure, axis = plt.subplots()\nplot_line(axis, np.arange(5), np.arange(5) ** 2)\n"
                              "assert len(axis.get_lines()) == 1\n"
                              "np.testing.assert_array_equal(axis.get_lines()[0].get_ydata(), [0, 1, 4, 9, 16])\n"
                              "assert axis.get_xlabel() != ''\nassert axis.get_ylabel() != ''\n"
                              "assert axis.get_title() != ''\nplt.close(figure)")])

idiom(name="learner_axes_patches",
      origin="data-8/cogneuro-connector weekly_materials/Lecture04_Manipulating_Plotting_2DArrays/"
             "tests/q3_2c.py (the learner names the figure; the test inspects it)",
      setup="import matplotlib.pyplot as plt\nages = [23, 35, 41, 52, 29, 61, 47, 38, 33, 55]",
      honest="fig, ax = plt.subplots()\nax.hist(ages, bins=5)\nax.set_title('Age of patients')\n"
             "ax.set_xlabel('age (years)')",
      wrong="fig, ax = plt.subplots()\nax.hist(ages)",
      tests=[("test_hist", 1, "assert len(ax.patches) == 5\nassert ax.get_title() != ''\n"
                              "assert sum(p.get_height() for p in ax.patches) == len(ages)\n"
                              "assert fig.axes[0] is ax")])

idiom(name="gcf_after_call",
      origin="pypi-data/pypi-mirror-235 AutoFeedback-1.91 docs/source/usage.rst (check_plot on the "
             "current figure after the learner's plotting code runs)",
      setup="import matplotlib.pyplot as plt",
      honest="def two_panels():\n    fig, (a, b) = plt.subplots(1, 2)\n    a.bar(['x', 'y'], [1, 2])\n"
             "    b.plot([1, 2, 3])\n    fig.suptitle('Two panels')",
      wrong="def two_panels():\n    fig, a = plt.subplots()\n    a.bar(['x', 'y'], [1, 2])",
      tests=[("test_gcf", 1, "two_panels()\nfig = plt.gcf()\nassert len(fig.axes) == 2\n"
                             "assert len(fig.axes[0].patches) == 2\nassert fig.get_suptitle() == 'Two panels'\n"
                             "plt.close(fig)")])

# --- files beside the notebook ---------------------------------------------------------
idiom(name="file_read_by_test",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/5 - Advanced NumPy.ipynb "
             "(test_participant_mean_1: np.load('data/experiment_data.npy') beside the notebook)",
      setup="import numpy as np",
      honest="def column_means(path):\n    return np.loadtxt(path, delimiter=',').mean(axis=0)",
      wrong="def column_means(path):\n    return np.loadtxt(path, delimiter=',').mean(axis=1)",
      files={"data/readings.csv": "1,2,3\n4,5,6\n7,8,9\n10,11,12\n"},
      tests=[("test_means", 1, "from numpy.testing import assert_allclose\n"
                               "raw = np.loadtxt('data/readings.csv', delimiter=',')\n"
                               "assert_allclose(column_means('data/readings.csv'), raw.mean(axis=0))")])

idiom(name="file_written_by_learner",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/4 - Manipulating and Plotting Data.ipynb "
             "(test_save_data: the learner saves data/full_experiment.npz, the test loads it)",
      setup="import numpy as np\ndata = np.arange(12).reshape(3, 4)",
      honest="np.savez('data/full_experiment.npz', data=data, trials=np.arange(1, 5))",
      wrong="np.savez('full_experiment.npz', data=data, trials=np.arange(4))",
      files={"data/README.txt": "experiment files\n"},
      tests=[("test_saved", 1, "from numpy.testing import assert_array_equal\n"
                               "experiment = np.load('data/full_experiment.npz')\n"
                               "assert experiment['data'].shape == (3, 4)\n"
                               "assert_array_equal(experiment['trials'], np.arange(1, 5))")])

# --- printed output, hashes, source inspection, names --------------------------------------
idiom(name="stdout_captured",
      origin="nbgrader docs/source/user_guide/autograding_resources.rst (void functions: 'may "
             "involve checking stdout')",
      honest="def greet(name):\n    print(f'Hello, {name}!')",
      wrong="def greet(name):\n    return f'Hello, {name}!'",
      tests=[("test_greet", 1, "import io\nfrom contextlib import redirect_stdout\nbuf = io.StringIO()\n"
                               "with redirect_stdout(buf):\n    greet('Ada')\n"
                               "assert buf.getvalue() == 'Hello, Ada!\\n'"),
             ("test_greet_ipython", 1, "from IPython.utils.capture import capture_output\n"
                                       "with capture_output() as cap:\n    greet('Bo')\n"
                                       "assert cap.stdout == 'Hello, Bo!\\n'")])

idiom(name="hashed_answer",
      origin="ttimbers/nbgrader_autograding_tips README.md (assert sha1(str(seconds).encode('utf8'))"
             ".hexdigest() == ...)",
      setup="hours = 5\nminutes = 30",
      honest="seconds_in_minute = 60\nseconds = (minutes + hours * 60) * seconds_in_minute",
      wrong="seconds = minutes * 60 + hours * 60",
      tests=[("test_seconds", 1, "from hashlib import sha1\n"
                                 "assert sha1(str(seconds).encode('utf8')).hexdigest() == "
                                 "'10392a9ffe9156c31d2cc4c534a08cc43d76c2ad'\nprint('success!')")])

idiom(name="inspect_source",
      origin="ttimbers/nbgrader_autograding_tips README.md (assert '+' in inspect.getsource(add))",
      honest="def add(x, y):\n    return x + y",
      wrong="def add(x, y):\n    return sum([x, y])",
      tests=[("test_add", 1, "import inspect\nassert add(2, 3) == 5\n"
                             "assert '+' in inspect.getsource(add), '+ operator should be used'")])

idiom(name="name_in_vars",
      origin="uob-cfd/pandas_struggles tests/q_votes.py ('votes' in vars(); votes is not ...)",
      setup="votes = ...",
      honest="votes = [635139, 24011]",
      wrong="vote_counts = [635139, 24011]",
      tests=[("test_votes", 1, "assert 'votes' in vars()\nassert votes is not ...\n"
                               "assert votes[0] == 635139")])

idiom(name="earlier_test_import",
      origin="jhamrick/nbgrader-demo instructor/source/ps1/6 - Truth Tables.ipynb (or_correct_shape "
             "uses assert_equal imported by the earlier test cell and_correct_shape)",
      setup="import numpy as np",
      honest="def and_table(v1, v2):\n    return np.column_stack([v1, v2, v1 & v2])\n\n"
             "def or_table(v1, v2):\n    return np.column_stack([v1, v2, v1 | v2])",
      wrong="def and_table(v1, v2):\n    return np.column_stack([v1, v2, v1 & v2])\n\n"
            "def or_table(v1, v2):\n    return np.column_stack([v1, v1 | v2])",
      tests=[("and_correct_shape", 0.5, "from numpy.testing import assert_equal\n"
                                        "v = np.array([0, 1, 1], dtype=bool)\n"
                                        "assert_equal(and_table(v, v).shape, (3, 3))"),
             ("or_correct_shape", 0.5, "v = np.array([0, 1, 1, 0], dtype=bool)\n"
                                       "assert_equal(or_table(v, v).shape, (4, 3))")])

# --- partial credit ----------------------------------------------------------------------
idiom(name="partial_credit",
      origin="nbgrader nbgrader/utils.py determine_grade/get_partial_grade (a test cell whose result "
             "is a number scores that many points), as used by courses that count passed checks",
      honest="def fizz(n):\n    if n % 15 == 0:\n        return 'FizzBuzz'\n    if n % 3 == 0:\n"
             "        return 'Fizz'\n    if n % 5 == 0:\n        return 'Buzz'\n    return str(n)",
      wrong="def fizz(n):\n    if n % 3 == 0:\n        return 'Fizz'\n    if n % 5 == 0:\n"
            "        return 'Buzz'\n    return str(n)",
      tests=[("test_fizz_partial", 3, "score = 0.0\nif fizz(3) == 'Fizz':\n    score += 1\n"
                                      "if fizz(10) == 'Buzz':\n    score += 1\n"
                                      "if fizz(30) == 'FizzBuzz':\n    score += 1\nscore"),
             ("test_fizz_partial_half", 1, "checks = [fizz(1) == '1', fizz(45) == 'FizzBuzz']\n"
                                           "sum(checks) / 2")])


#: Idioms where this grader differs from plain nbgrader on purpose (assignments/AUTHORING.md,
#: "Where this grader differs from plain nbgrader"); tests/compat/test_differences.py asserts
#: the difference and its message instead of agreement.
DIFFERENT = ("learner_class_dunder", "patch_print", "patch_builtin_min")
DIFFERENCES: dict[str, Idiom] = {i.name: i for i in I if i.name in DIFFERENT}
IDIOMS: dict[str, Idiom] = {i.name: i for i in I if i.name not in DIFFERENT}
assert len(IDIOMS) + len(DIFFERENCES) == len(I), "idiom names must be unique"


# --- building notebooks ------------------------------------------------------------------

def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def notebook(item: Idiom, answer: str | None = None) -> nbformat.NotebookNode:
    """The source notebook of an idiom, or a submission with ``answer`` in the answer cell."""
    v4 = nbformat.v4
    cells = [v4.new_markdown_cell(f"# {item.name}\n\nOrigin: {item.origin}")]
    if item.setup:
        cells.append(v4.new_code_cell(item.setup, metadata=_meta("setup", locked=True)))
    body = answer if answer is not None else f"### BEGIN SOLUTION\n{item.honest}\n### END SOLUTION"
    cells.append(v4.new_code_cell(body, metadata=_meta("answer", solution=True)))
    for grade_id, points, source in item.tests:
        cells.append(v4.new_code_cell(source, metadata=_meta(grade_id, grade=True, locked=True, points=points)))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


def _dump(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb)


def assignment_files(items: list[Idiom]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``(source, submissions)`` for :class:`harness.Case`: one notebook per idiom."""
    source: dict[str, str] = {}
    subs: dict[str, dict[str, str]] = {s: {} for s in STUDENTS}
    for item in items:
        source[f"{item.name}.ipynb"] = _dump(notebook(item))
        subs["honest"][f"{item.name}.ipynb"] = _dump(notebook(item, item.honest))
        subs["wrong"][f"{item.name}.ipynb"] = _dump(notebook(item, item.wrong))
        for rel, text in item.files.items():
            source[rel] = text
            for s in STUDENTS:
                subs[s][rel] = text
    return source, subs


__all__ = ["ASSIGNMENT", "IDIOMS", "STUDENTS", "Idiom", "assignment_files", "notebook"]
