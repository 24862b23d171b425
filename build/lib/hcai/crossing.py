"""Plain-data crossing between a learner's kernel and the trusted grader.

Learner values never cross as objects. Inside the learner's kernel, :data:`ENCODER_SOURCE`
turns a value into JSON-safe data (built-in types, DataFrames and Series by value); in the
trusted process, :func:`decode` rebuilds it from that data alone, with a fixed list of
types. An object with a rigged ``__eq__`` or ``__len__`` therefore arrives as whatever its
data is, or as ``Unsupported`` -- never as itself. Nothing is unpickled or evaluated.

The encoder is kept as source text because it is sent into the learner's kernel and must
not depend on anything the learner can shadow (it imports only ``json`` and ``math`` there,
and a shadowed copy of those can only make the data wrong, which the tests then reject).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

#: Largest encoded answer (characters of JSON) the grader accepts from a learner.
MAX_JSON_CHARS = 20_000_000

ENCODER_SOURCE = r'''
def _hcai_encode(value, _depth=0, _budget=None):
    import math as _m
    if _budget is None:
        _budget = [2_000_000]
    _budget[0] -= 1
    if _budget[0] < 0:
        return {"kind": "too_large"}
    if _depth > 50:
        return {"kind": "too_deep"}
    enc = lambda v: _hcai_encode(v, _depth + 1, _budget)
    t = type(value)
    mod = getattr(t, "__module__", "") or ""
    name = t.__name__
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return {"kind": "int", "value": str(value)} if abs(value) > 2**53 else value
    if t is float:
        if _m.isnan(value):
            return {"kind": "float", "value": "nan"}
        if _m.isinf(value):
            return {"kind": "float", "value": "inf" if value > 0 else "-inf"}
        return value
    if t in (list, tuple, set, frozenset):
        items = list(value)
        if t in (set, frozenset):
            try:
                items = sorted(items, key=repr)
            except Exception:
                pass
        return {"kind": name, "items": [enc(v) for v in items]}
    if t is dict:
        return {"kind": "dict", "items": [[enc(k), enc(v)] for k, v in value.items()]}
    if mod.startswith("numpy") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return enc(value.item())
    if mod.startswith("numpy") and name == "ndarray":
        return {"kind": "ndarray", "items": [enc(v) for v in value.tolist()]}
    if mod == "datetime" and name in ("date", "datetime"):
        return {"kind": name, "value": value.isoformat()}
    if mod.startswith("pandas"):
        if name == "Timestamp":
            return {"kind": "Timestamp", "value": value.isoformat()}
        if name == "NaTType":
            return {"kind": "NaT"}
        if name == "Timedelta":
            return {"kind": "Timedelta", "value": int(value.value)}
        if name in ("NAType",):
            return {"kind": "NA"}
        if name in ("Index", "RangeIndex", "DatetimeIndex", "CategoricalIndex"):
            return {"kind": "Index", "name": enc(value.name), "dtype": _hcai_dtype(value.dtype),
                    "items": [enc(v) for v in value.tolist()]}
        if name == "MultiIndex":
            return {"kind": "MultiIndex", "names": [enc(n) for n in value.names],
                    "items": [enc(tuple(v)) for v in value.tolist()]}
        if name == "Series":
            return {"kind": "Series", "name": enc(value.name), "dtype": _hcai_dtype(value.dtype),
                    "index": enc(value.index), "items": [enc(v) for v in value.tolist()]}
        if name == "DataFrame":
            return {"kind": "DataFrame", "index": enc(value.index),
                    "columns": [enc(c) for c in value.columns.tolist()],
                    "columns_name": enc(value.columns.name),
                    "dtypes": [_hcai_dtype(d) for d in value.dtypes.tolist()],
                    "data": [[enc(v) for v in value.iloc[:, i].tolist()]
                             for i in range(value.shape[1])]}
    if callable(value):
        return {"kind": "function", "name": str(getattr(value, "__name__", "?"))}
    return {"kind": "unsupported", "type": str(name), "module": str(mod)}


def _hcai_dtype(dtype):
    d = {"name": str(dtype)}
    if d["name"] == "category":
        d["categories"] = [_hcai_encode(c) for c in dtype.categories.tolist()]
        d["ordered"] = bool(dtype.ordered)
    return d
'''


@dataclass(frozen=True)
class Unsupported:
    """Stands in for a learner value the grader will not rebuild (a module, a custom class)."""

    type_name: str

    def __repr__(self) -> str:  # shown in failure messages
        return f"<a {self.type_name} object, which cannot be checked>"


@dataclass(frozen=True)
class FunctionRef:
    """A learner function; a grader wraps it in a proxy that calls it where it lives."""

    name: str


_ns: dict[str, Any] = {}
exec(compile(ENCODER_SOURCE, "<hcai-encoder>", "exec"), _ns)
encode: Callable[[Any], Any] = _ns["_hcai_encode"]
"""Encode a value in this process (used when learner and grader share a machine)."""


def dumps(value: Any) -> str:
    """Encode then serialise to JSON text."""
    return json.dumps(encode(value), allow_nan=False)


_SAFE_DTYPES = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "float32", "float64", "Float32", "Float64", "bool", "boolean", "object", "str",
    "string", "category",
}


def _rebuild_dtype_values(values: list, dtype: dict):
    import pandas as pd

    name = str(dtype.get("name", "object"))
    if name == "category":
        cats = [decode(c) for c in dtype.get("categories", [])]
        return pd.Categorical(values, categories=cats, ordered=bool(dtype.get("ordered")))
    if name.startswith("datetime64"):
        out = pd.to_datetime(pd.Series(values, dtype="object"))
        try:
            return out.astype(name).array
        except (TypeError, ValueError):
            return out.array
    if name in _SAFE_DTYPES:
        try:
            return pd.array(values, dtype=name) if name not in ("object",) else pd.array(values, dtype=object)
        except (TypeError, ValueError):
            return pd.array(values, dtype=object)
    return pd.array(values, dtype=object)


def decode(data: Any) -> Any:
    """Rebuild a value from encoded data, accepting only known, inert kinds."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):  # never produced by the encoder; treat as a plain list
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return Unsupported(type(data).__name__)
    kind = data.get("kind")
    if kind == "int":
        return int(str(data.get("value")))
    if kind == "float":
        return float(str(data.get("value")))
    if kind in ("list", "tuple", "set", "frozenset", "ndarray"):
        items = [decode(v) for v in data.get("items", [])]
        if kind == "tuple":
            return tuple(items)
        if kind in ("set", "frozenset"):
            try:
                return set(items) if kind == "set" else frozenset(items)
            except TypeError:
                return Unsupported(kind)
        return items
    if kind == "dict":
        out: dict = {}
        for pair in data.get("items", []):
            try:
                out[decode(pair[0])] = decode(pair[1])
            except (TypeError, IndexError):
                return Unsupported("dict")
        return out
    if kind == "date":
        return _dt.date.fromisoformat(str(data["value"]))
    if kind == "datetime":
        return _dt.datetime.fromisoformat(str(data["value"]))
    if kind in ("Timestamp", "NaT", "Timedelta", "NA", "Index", "MultiIndex", "Series", "DataFrame"):
        return _decode_pandas(kind, data)
    if kind == "function":
        return FunctionRef(str(data.get("name", "?")))
    if kind in ("too_large", "too_deep"):
        return Unsupported("value too large to check")
    return Unsupported(str(data.get("type", "unknown")))


def _decode_pandas(kind: str, data: dict) -> Any:
    import pandas as pd

    if kind == "Timestamp":
        return pd.Timestamp(str(data["value"]))
    if kind == "NaT":
        return pd.NaT
    if kind == "NA":
        return pd.NA
    if kind == "Timedelta":
        return pd.Timedelta(int(data["value"]))
    if kind == "Index":
        values = [decode(v) for v in data.get("items", [])]
        return pd.Index(_rebuild_dtype_values(values, data.get("dtype", {})), name=decode(data.get("name")))
    if kind == "MultiIndex":
        tuples = [decode(v) for v in data.get("items", [])]
        return pd.MultiIndex.from_tuples(tuples, names=[decode(n) for n in data.get("names", [])])
    if kind == "Series":
        values = [decode(v) for v in data.get("items", [])]
        return pd.Series(_rebuild_dtype_values(values, data.get("dtype", {})),
                         index=decode(data.get("index")), name=decode(data.get("name")))
    # DataFrame
    index = decode(data.get("index"))
    columns = [decode(c) for c in data.get("columns", [])]
    dtypes = data.get("dtypes", [])
    cols = data.get("data", [])
    frame = pd.DataFrame(index=index)
    arrays = {}
    for i, col in enumerate(columns):
        values = [decode(v) for v in (cols[i] if i < len(cols) else [])]
        arrays[i] = pd.Series(_rebuild_dtype_values(values, dtypes[i] if i < len(dtypes) else {}), index=index)
    frame = pd.concat(arrays, axis=1) if arrays else frame
    frame.columns = pd.Index(columns, name=decode(data.get("columns_name"))) if columns else frame.columns
    return frame


def loads(text: str) -> Any:
    """Parse JSON produced by the encoder and rebuild the value."""
    if len(text) > MAX_JSON_CHARS:
        return Unsupported("value too large to check")

    def _no_constants(token: str) -> float:
        raise ValueError(f"unexpected JSON constant {token}")

    return decode(json.loads(text, parse_constant=_no_constants))


def round_trip(value: Any) -> Any:
    """What the grader would see of ``value``: encode, JSON, decode."""
    return loads(dumps(value))


__all__ = ["ENCODER_SOURCE", "Unsupported", "FunctionRef", "encode", "dumps", "loads",
           "decode", "round_trip", "MAX_JSON_CHARS"]
_ = math  # kept importable for callers that check NaN on decoded data
