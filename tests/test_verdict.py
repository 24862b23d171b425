"""Verdicts on learner values (hcai.judge): what crosses from the learner, and what a test decides."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from hcai.judge import crossing, decoding
from hcai.judge.local import LocalChannel, check_cells
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import HIDDEN_FAILURE, run_test_source


def round_trip(value):
    return decoding.decode(json.loads(crossing.dumps(value)))


def test_dataframe_round_trip_keeps_values_dtypes_and_labels():
    df = pd.DataFrame({
        "n": [1, 2, 3],
        "x": [0.5, float("nan"), 2.0],
        "s": ["a", "b", "c"],
        "when": pd.to_datetime(["2024-01-01", "2025-06-30", "2026-11-25"]),
        "cat": pd.Categorical(["low", "high", "low"], categories=["low", "high"], ordered=True),
        "opt": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],
    }, index=pd.Index(["r1", "r2", "r3"], name="row"))
    pd.testing.assert_frame_equal(round_trip(df), df)


def test_series_and_nested_containers_round_trip():
    s = pd.Series([3, 1], index=pd.Index(["b", "a"], name="k"), name="count")
    pd.testing.assert_series_equal(round_trip(s), s)
    value = {"a": [1, (2, 3), {4}], "b": {"c": None, "d": dt.date(2026, 11, 25)}, 7: 2**80}
    assert round_trip(value) == value
    assert math.isnan(round_trip(float("nan")))
    assert round_trip(pd.Timestamp("2026-08-02")) == pd.Timestamp("2026-08-02")


class _AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __len__(self):
        return 3

    def __getattr__(self, name):
        return self


class _RiggedList(list):
    def __eq__(self, other):
        return True


class _RiggedStr(str):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return hash("expected")


@pytest.mark.parametrize("rigged", [_AlwaysEqual(), _RiggedList([1]), _RiggedStr("no")])
def test_rigged_objects_arrive_as_data_or_handles_and_fail(rigged):
    verdicts = check_cells(
        ["assert answer == [1, 2, 3]", "assert answer == 'expected'",
         "assert len(answer) == 3 and answer == [0, 0, 0]"],
        {"answer": rigged})
    assert [v.passed for v in verdicts] == [False, False, False]


def test_rigged_dataframe_subclass_crosses_by_value():
    class Rigged(pd.DataFrame):
        def equals(self, other):
            return True

        def __eq__(self, other):
            return True

    src = ("import pandas as pd\n"
           "pd.testing.assert_frame_equal(answer, pd.DataFrame({'a': [1]}))")
    assert not check_cells([src], {"answer": Rigged({"a": [9]})})[0].passed
    assert check_cells([src], {"answer": pd.DataFrame({"a": [1]})})[0].passed


def test_learner_functions_get_and_return_plain_data():
    calls = []

    def double(x):
        calls.append(type(x))
        return [v * 2 for v in x]

    ok = check_cells(["assert double([1, 2]) == [2, 4]"], {"double": double})
    assert ok[0].passed and calls == [list]

    def cheat(x):
        return _AlwaysEqual()

    assert not check_cells(["assert cheat([1]) == [2]"], {"cheat": cheat})[0].passed

    def boom(x):
        raise ValueError("nope")

    v = check_cells(["assert boom(1) == 2"], {"boom": boom})[0]
    assert not v.passed and "ValueError" in v.message and "nope" in v.message


@pytest.mark.slow
def test_big_and_deep_values_are_capped():
    deep: list = []
    cur = deep
    for _ in range(200):
        cur.append([])
        cur = cur[0]
    v = check_cells(["assert answer == []"], {"answer": deep})[0]
    assert not v.passed and "too large" in v.message
    v = check_cells(["assert answer == list(range(3_000_000))"],
                    {"answer": list(range(3_000_000))})[0]
    assert not v.passed


def test_missing_names_and_hidden_failures_give_safe_messages():
    src = ("assert answer > 0, 'answer should be positive'\n"
           "### BEGIN HIDDEN TESTS\n"
           "assert answer == 42, 'expected 42'\n"
           "### END HIDDEN TESTS\n")
    missing = check_cells([src], {})[0]
    assert not missing.passed and "answer" in missing.message
    assert check_cells([src], {"answer": -1})[0].message == "answer should be positive"
    hidden = check_cells([src], {"answer": 7})[0]
    assert hidden.message == HIDDEN_FAILURE and "42" not in hidden.message
    assert check_cells([src], {"answer": 42})[0].passed


def test_namespace_forgets_learner_values_but_keeps_test_names():
    values = {"x": 1}
    ns = TrustedNamespace(LocalChannel(values))
    assert run_test_source("helper = 5\nassert x == 1", ns).passed
    values["x"] = 2
    ns.forget_learner_values()
    assert run_test_source("assert x == 2 and helper == 5", ns).passed


def test_shadowing_builtins_in_learner_values_does_not_reach_tests():
    v = check_cells(["assert len([1, 2]) == 2 and isinstance(1, int)"],
                    {"len": lambda x: 0, "isinstance": lambda *a: False})[0]
    assert v.passed
