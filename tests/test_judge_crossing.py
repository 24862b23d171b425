"""The data codec: type fidelity of what crosses, and a decoder that accepts only data."""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import json
import math

import numpy as np
import pandas as pd
import pytest

from hcai.judge import crossing, decoding


def round_trip(value):
    return decoding.decode(json.loads(crossing.dumps(value)))


def test_frames_keep_values_dtypes_index_and_names():
    df = pd.DataFrame({
        "n": [1, 2, 3], "x": [0.5, float("nan"), 2.0], "s": ["a", "b", "c"],
        "when": pd.to_datetime(["2024-01-01", "2025-06-30", "2026-11-25"]),
        "cat": pd.Categorical(["low", "high", "low"], categories=["low", "high"], ordered=True),
        "opt": pd.array([1, None, 3], dtype="Int64"), "flag": [True, False, True],
    }, index=pd.Index(["r1", "r2", "r3"], name="row"))
    pd.testing.assert_frame_equal(round_trip(df), df)
    multi = pd.DataFrame({"a": [1, 2]},
                         index=pd.MultiIndex.from_tuples([("x", 1), ("y", 2)], names=["l", "n"]))
    pd.testing.assert_frame_equal(round_trip(multi), multi)
    s = pd.Series([3, 1], index=pd.Index(["b", "a"], name="k"), name="count")
    pd.testing.assert_series_equal(round_trip(s), s)
    empty = pd.DataFrame({"a": pd.Series([], dtype="int64")})
    pd.testing.assert_frame_equal(round_trip(empty), empty)


@pytest.mark.parametrize("value", [
    np.float32(1.5), np.int8(-3), np.uint16(7), np.bool_(True), np.float64(0.1),
    np.datetime64("2024-01-01T00:00"), np.arange(6).reshape(2, 3), np.array(["a", "bc"]),
    np.array([1.5, np.nan], dtype=np.float32), np.array(["2024-01-01"], dtype="datetime64[D]"),
    np.array([1 + 2j]), np.zeros((0, 4)), np.array([[True], [False]]),
    np.array([1, "x", None], dtype=object),
])
def test_numpy_values_keep_type_dtype_and_shape(value):
    back = round_trip(value)
    assert type(back) is type(value) and back.dtype == value.dtype
    assert np.shape(back) == np.shape(value)
    np.testing.assert_array_equal(back, value)


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("value", [
    (1, 2), {1, 2}, frozenset({3}), [1, [2, (3,)]], {"a": [1, (2, 3), {4}], 7: None},
    2 ** 80, -(2 ** 70), True, "text", b"bytes", bytearray(b"ba"), 1 + 2j, range(2, 9, 3),
    dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, 5, 6), dt.time(7, 8), dt.timedelta(days=3),
    decimal.Decimal("1.10"), collections.Counter("aab"), collections.OrderedDict(a=1),
    collections.deque([1, 2]), Point(1, 2), pd.Timestamp("2026-08-02", tz="UTC"),
    pd.Timedelta("1h"),
])
def test_python_values_keep_their_type(value):
    back = round_trip(value)
    assert back == value and type(back).__name__ == type(value).__name__


def test_special_values():
    assert math.isnan(round_trip(float("nan"))) and round_trip(float("-inf")) == float("-inf")
    assert round_trip(pd.NaT) is pd.NaT and round_trip(pd.NA) is pd.NA
    d = round_trip(collections.defaultdict(list, a=[1]))
    assert d["missing"] == [] and d["a"] == [1]
    assert round_trip(Point(1, 2)).x == 1


def test_learner_subclasses_cross_as_the_plain_type():
    class RiggedList(list):
        def __eq__(self, other):
            return True

    class RiggedStr(str):
        def __eq__(self, other):
            return True

        def __hash__(self):
            return 0

    class RiggedFrame(pd.DataFrame):
        def equals(self, other):
            return True

    assert type(round_trip(RiggedList([1]))) is list and round_trip(RiggedList([1])) != [2]
    assert type(round_trip(RiggedStr("no"))) is str and round_trip(RiggedStr("no")) != "yes"
    back = round_trip(RiggedFrame({"a": [9]}))
    assert type(back) is pd.DataFrame and not back.equals(pd.DataFrame({"a": [1]}))


def test_what_is_not_data_goes_to_the_hook():
    class Thing:
        pass

    with pytest.raises(TypeError):
        crossing.dumps(Thing())
    assert crossing.encode([Thing()], lambda v: {"$": "handle", "id": 1}) == {
        "$": "list", "items": [{"$": "handle", "id": 1}]}


def test_size_and_depth_are_capped():
    deep: list = []
    cur = deep
    for _ in range(200):
        cur.append([])
        cur = cur[0]
    with pytest.raises(crossing.CodecLimit):
        crossing.encode(deep)
    with pytest.raises(crossing.CodecLimit):
        crossing.codec_encode(list(range(100)), None, 50, 60)
    with pytest.raises(ValueError):
        crossing.loads_json("x" * (crossing.MAX_JSON_CHARS + 1))
    with pytest.raises(ValueError):
        crossing.loads_json('{"a": NaN}')


@pytest.mark.parametrize("data", [
    {"$": "ndarray", "dtype": "V8", "shape": [1], "items": [1]},           # void dtype
    {"$": "ndarray", "dtype": "[('a', '<i4')]", "shape": [1], "items": [1]},
    {"$": "ndarray", "dtype": "<i8", "shape": [3], "items": [1]},           # shape lies
    {"$": "ndarray", "dtype": "<i8", "shape": [-1], "items": []},
    {"$": "pickle", "v": "gASVAAAA"},
    {"$": "float", "v": "1e400"},
    {"$": "bytes", "v": "not base64!"},
    ["a bare list"],
    {"$": "DataFrame", "index": None, "columns": {"$": "list", "items": ["a"]}, "dtypes": [],
     "data": []},
])
def test_the_decoder_refuses_what_the_encoder_never_makes(data):
    with pytest.raises((decoding.DecodeError, ValueError, TypeError)):
        decoding.decode(data)


def test_namedtuple_with_unsafe_fields_becomes_a_plain_tuple():
    data = {"$": "namedtuple", "name": "P", "fields": ["x", "__class__"], "items": [1, 2]}
    assert type(decoding.decode(data)) is tuple
    data = {"$": "namedtuple", "name": "import os", "fields": ["x"], "items": [1]}
    assert type(decoding.decode(data)) is tuple
