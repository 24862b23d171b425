"""The strict decoder: data produced by :data:`hcai.judge.crossing.CODEC_SOURCE` back to values.

Like the encoder, :data:`DECODER_SOURCE` runs on both sides (in the kernel to rebuild the
test's arguments, here to rebuild the learner's values). It accepts a fixed list of kinds,
checks numpy dtypes against an allowlist and shapes against item counts, and hands anything
else (handles, references, shipped test functions) to a hook. It never unpickles, imports a
module named by the data, or evaluates text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DECODER_SOURCE = r'''
import re as _re

_DTYPE = _re.compile(r"^[<>|=]?(b1|[iu][1248]|f[248]|c(8|16)|[Mm]8(\[[a-zA-Z]{1,3}\])?|[US][0-9]{1,6}|O)$")
_PD_DTYPES = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "float32", "float64", "Float32", "Float64", "bool", "boolean", "object", "str",
    "string", "category",
}
_PD_TIME = _re.compile(r"^(datetime64|timedelta64)\[(s|ms|us|ns)(, [A-Za-z0-9_/+:-]{1,40})?\]$")
_FACTORIES = {"list": list, "dict": dict, "set": set, "int": int, "float": float, "str": str,
              "tuple": tuple}


class DecodeError(ValueError):
    """The data is not something the codec produces."""


def codec_decode(data, other):
    """Rebuild a value; ``other(data)`` answers for kinds the codec does not know."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is not dict:
        raise DecodeError("unexpected " + type(data).__name__)
    kind = data.get("$")
    dec = lambda v: codec_decode(v, other)
    if kind in ("list", "tuple", "set", "frozenset", "namedtuple"):
        return _decode_seq(kind, data, dec)
    if kind == "dict":
        return _decode_dict(data, dec)
    simple = _decode_simple(kind, data, dec)
    if simple is not _NOTHING:
        return simple
    if kind in ("ndarray", "npscalar", "npdtype"):
        return _decode_numpy(kind, data, dec)
    if kind in ("Timestamp", "NaT", "Timedelta", "NA", "Index", "MultiIndex", "Series",
                "DataFrame"):
        return _decode_pandas(kind, data, dec)
    return other(data)


_NOTHING = object()


def _decode_simple(kind, data, dec):
    import datetime, decimal, base64
    v = data.get("v")
    if kind == "int":
        return int(str(v))
    if kind == "float":
        if v not in ("nan", "inf", "-inf"):
            raise DecodeError("bad float")
        return float(v)
    if kind in ("bytes", "bytearray"):
        raw = base64.b64decode(str(v), validate=True)
        return bytearray(raw) if kind == "bytearray" else raw
    if kind == "complex":
        return complex(float(dec(data.get("re"))), float(dec(data.get("im"))))
    if kind == "range":
        a, b, c = (int(x) for x in v)
        return range(a, b, c)
    if kind in ("datetime", "date", "time"):
        return getattr(datetime, kind).fromisoformat(str(v))
    if kind == "timedelta":
        d, s, us = (int(x) for x in v)
        return datetime.timedelta(days=d, seconds=s, microseconds=us)
    if kind == "decimal":
        return decimal.Decimal(str(v))
    return _NOTHING


def _decode_seq(kind, data, dec):
    items = [dec(x) for x in data.get("items", [])]
    if kind == "list":
        if data.get("cls") == "deque":
            import collections
            return collections.deque(items)
        return items
    if kind == "tuple":
        return tuple(items)
    if kind == "namedtuple":
        import collections, keyword
        name, fields = str(data.get("name")), [str(f) for f in data.get("fields", [])]
        ok = name.isidentifier() and not keyword.iskeyword(name) and all(
            f.isidentifier() and not keyword.iskeyword(f) and not f.startswith("_") for f in fields)
        if not ok or len(fields) != len(items):
            return tuple(items)
        return collections.namedtuple(name, fields)(*items)
    return set(items) if kind == "set" else frozenset(items)


def _decode_dict(data, dec):
    import collections
    pairs = [(dec(k), dec(v)) for k, v in data.get("items", [])]
    cls = data.get("cls")
    if cls == "Counter":
        return collections.Counter(dict(pairs))
    if cls == "OrderedDict":
        return collections.OrderedDict(pairs)
    if cls == "defaultdict":
        return collections.defaultdict(_FACTORIES.get(str(data.get("factory"))), pairs)
    return dict(pairs)


def _np_dtype(text):
    import numpy as np
    text = str(text)
    if not _DTYPE.match(text):
        raise DecodeError("numpy dtype not allowed: " + text[:40])
    return np.dtype(text)


def _decode_numpy(kind, data, dec):
    import numpy as np
    dtype = _np_dtype(data.get("v") if kind == "npdtype" else data.get("dtype"))
    if kind == "npdtype":
        return dtype
    shape = [] if kind == "npscalar" else [int(n) for n in data.get("shape", [])]
    raw = data.get("items", [])
    count = 1
    for n in shape:
        if n < 0:
            raise DecodeError("bad shape")
        count *= n
    if count != len(raw):
        raise DecodeError("shape and items disagree")
    if dtype.kind in "Mm":
        arr = np.array([int(x) for x in raw], dtype="i8").view(dtype)
    elif dtype.kind == "O":
        arr = np.empty(len(raw), dtype=object)
        for i, x in enumerate(raw):
            arr[i] = dec(x)
    else:
        arr = np.array([dec(x) for x in raw], dtype=dtype) if raw else np.array([], dtype=dtype)
    arr = arr.reshape(shape)
    return arr[()] if kind == "npscalar" else arr


def _pd_values(values, dtype, dec):
    import pandas as pd
    name = str((dtype or {}).get("name", "object"))
    if name == "category":
        cats = [dec(c) for c in dtype.get("categories", [])]
        return pd.Categorical(values, categories=cats, ordered=bool(dtype.get("ordered")))
    if _PD_TIME.match(name):
        conv = pd.to_datetime if name.startswith("datetime") else pd.to_timedelta
        out = conv(pd.Series(values, dtype="object"))
        try:
            return out.astype(name).array
        except (TypeError, ValueError):
            return out.array
    if name in _PD_DTYPES and name != "object":
        try:
            return pd.array(values, dtype=name)
        except (TypeError, ValueError):
            pass
    return pd.array(values, dtype=object)


def _decode_pandas(kind, data, dec):
    import pandas as pd
    if kind == "NaT":
        return pd.NaT
    if kind == "NA":
        return pd.NA
    if kind == "Timestamp":
        ts = pd.Timestamp(str(data["v"]))
        tz = data.get("tz")
        if tz and ts.tz is not None:
            try:
                ts = ts.tz_convert(str(tz)[:60])
            except Exception:
                pass
        return ts
    if kind == "Timedelta":
        return pd.Timedelta(int(data["v"]))
    if kind == "MultiIndex":
        tuples = [dec(v) for v in data.get("items", [])]
        names = [dec(n) for n in data.get("names", [])]
        if not tuples:
            return pd.MultiIndex.from_arrays([[] for _ in names], names=names)
        return pd.MultiIndex.from_tuples(tuples, names=names)
    if kind == "Index":
        values = [dec(v) for v in data.get("items", [])]
        return pd.Index(_pd_values(values, data.get("dtype"), dec), name=dec(data.get("name")))
    if kind == "Series":
        values = [dec(v) for v in data.get("items", [])]
        return pd.Series(_pd_values(values, data.get("dtype"), dec),
                         index=dec(data.get("index")), name=dec(data.get("name")))
    index, columns = dec(data.get("index")), dec(data.get("columns"))
    dtypes, cols = data.get("dtypes", []), data.get("data", [])
    if len(cols) != len(columns) or len(dtypes) != len(columns):
        raise DecodeError("frame columns disagree")
    arrays = [pd.Series(_pd_values([dec(v) for v in col], dt, dec), index=index)
              for col, dt in zip(cols, dtypes)]
    if not arrays:
        return pd.DataFrame(index=index, columns=columns)
    frame = pd.concat(arrays, axis=1, ignore_index=True)
    frame.columns = columns
    return frame
'''

_decoder: dict[str, Any] = {"__name__": "hcai_judge_decoder"}
exec(compile(DECODER_SOURCE, "<hcai-decoder>", "exec"), _decoder)
DecodeError: type[ValueError] = _decoder["DecodeError"]
codec_decode: Callable[[Any, Callable[[dict], Any]], Any] = _decoder["codec_decode"]


def _no_other(data: dict) -> Any:
    raise DecodeError(f"unknown kind {str(data.get('$'))[:40]!r}")


def decode(data: Any, other: Callable[[dict], Any] = _no_other) -> Any:
    """Rebuild plain data (``other`` answers for handles and references)."""
    return codec_decode(data, other)


__all__ = ["DECODER_SOURCE", "DecodeError", "codec_decode", "decode"]
