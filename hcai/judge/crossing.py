"""The data codec: which values cross between the learner's kernel and the grader, by value.

:data:`CODEC_SOURCE` is one codec run on both sides: inside the learner's kernel (as part of
:data:`hcai.judge.agent.AGENT_SOURCE`) and here, where :func:`encode` and :func:`decode` are
built from the same text. Plain data crosses by value with its type: ``int``/``float``/
``bool``/``str``/``bytes``/``complex``, ``list``/``tuple``/``set``/``frozenset``/``dict``
(and ``namedtuple``, ``Counter``, ``OrderedDict``, ``defaultdict``, ``deque``), ``range``,
``datetime``/``date``/``time``/``timedelta``, ``Decimal``, numpy scalars (their dtype) and
arrays (dtype and shape), pandas ``DataFrame``/``Series``/``Index``/``MultiIndex`` (dtypes,
index, names), ``Timestamp``/``Timedelta``/``NaT``/``NA``. A learner *subclass* of one of
these crosses as the plain type, read through the base class, so a rigged ``__eq__`` never
crosses. Everything else is handed to a hook (``other``): in the kernel it becomes a handle
(:mod:`hcai.judge.handles`), here it is refused.

:func:`decode` accepts only the kinds above, checks dtypes against an allowlist and shapes
against item counts, and never unpickles, imports or evaluates anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Largest reply (characters of JSON) the grader accepts from the kernel.
MAX_JSON_CHARS = 20_000_000
#: Values (items, elements) one crossing may hold.
MAX_ITEMS = 2_000_000
#: Nesting depth one crossing may hold.
MAX_DEPTH = 60

CODEC_SOURCE = r'''
import sys as _sys

class CodecLimit(Exception):
    """The value is too large or too deep to cross."""


_EXACT = (type(None), bool, str, int, float)


def _np():
    return _sys.modules.get("numpy")


def _pd():
    return _sys.modules.get("pandas")


def codec_encode(value, other, max_items=2_000_000, max_depth=60):
    """JSON-safe data for ``value``; ``other(value)`` answers for anything that is not data."""
    budget = [max_items]

    def enc(v, depth):
        budget[0] -= 1
        if budget[0] < 0:
            raise CodecLimit("too many values")
        if depth > max_depth:
            raise CodecLimit("nested too deeply")
        t = type(v)
        if t in _EXACT:
            if t is int and abs(v) > 2 ** 53:
                return {"$": "int", "v": str(v)}
            if t is float and (v != v or v in (float("inf"), float("-inf"))):
                return {"$": "float", "v": repr(v)}
            return v
        # numpy/pandas first: np.float64 is also a float, pd.Timestamp also a datetime
        out = _library_types(v, depth, enc)
        if out is None:
            out = _builtin_types(v, t, depth, enc)
        return other(v) if out is None else out

    return enc(value, 0)


def _seq(kind, items, depth, enc, **extra):
    d = {"$": kind, "items": [enc(x, depth + 1) for x in items]}
    d.update(extra)
    return d


def _builtin_types(v, t, depth, enc):
    import collections, datetime, decimal, enum
    if isinstance(v, enum.Enum) and not isinstance(v, (int, str)):
        return None
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return enc(int.__int__(v), depth)
    if isinstance(v, float):
        return enc(float.__float__(v), depth)
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, (bytes, bytearray)):
        import base64
        return {"$": "bytearray" if isinstance(v, bytearray) else "bytes",
                "v": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, complex):
        return {"$": "complex", "re": enc(complex(v).real, depth), "im": enc(complex(v).imag, depth)}
    if isinstance(v, tuple):
        items = tuple.__iter__(v)
        fields = getattr(t, "_fields", None)
        if t is not tuple and isinstance(fields, tuple) and all(type(f) is str for f in fields):
            return _seq("namedtuple", items, depth, enc, name=str(t.__name__), fields=list(fields))
        return _seq("tuple", items, depth, enc)
    if isinstance(v, list):
        return _seq("list", list.__iter__(v), depth, enc)
    if isinstance(v, collections.deque):
        return _seq("list", list(collections.deque.__iter__(v)), depth, enc, cls="deque")
    if isinstance(v, (set, frozenset)):
        base = frozenset if isinstance(v, frozenset) else set
        items = list(base.__iter__(v))
        try:
            items.sort(key=lambda x: (type(x).__name__, x))
        except Exception:
            pass
        return _seq("frozenset" if base is frozenset else "set", items, depth, enc)
    if isinstance(v, dict):
        cls = None
        extra = {}
        for name in ("Counter", "OrderedDict", "defaultdict"):
            if isinstance(v, getattr(collections, name)):
                cls = name
        if cls == "defaultdict":
            f = v.default_factory
            extra["factory"] = f.__name__ if f in (list, dict, set, int, float, str, tuple) else None
        pairs = [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in dict.items(v)]
        return {"$": "dict", "items": pairs, "cls": cls, **extra}
    if t is range:
        return {"$": "range", "v": [v.start, v.stop, v.step]}
    if t in (datetime.datetime, datetime.date, datetime.time):
        return {"$": t.__name__, "v": v.isoformat()}
    if t is datetime.timedelta:
        return {"$": "timedelta", "v": [v.days, v.seconds, v.microseconds]}
    if t is decimal.Decimal:
        return {"$": "decimal", "v": str(v)}
    return None


def _array_items(arr, enc, depth):
    kind = arr.dtype.kind
    flat = arr.reshape(-1)
    if kind in "Mm":
        return [int(x) for x in flat.view("i8").tolist()]
    if kind == "O":
        return [enc(x, depth + 1) for x in flat.tolist()]
    return [enc(x, depth + 1) for x in flat.tolist()]


def _library_types(v, depth, enc):
    np, pd = _np(), _pd()
    if np is not None:
        if isinstance(v, np.ndarray):
            arr = v.view(np.ndarray)
            if arr.dtype.kind not in "biufcMmUSO" or arr.dtype.names:
                return None
            return {"$": "ndarray", "dtype": arr.dtype.str, "shape": list(arr.shape),
                    "items": _array_items(arr, enc, depth)}
        if isinstance(v, np.generic):
            arr = np.asarray(v)
            if arr.dtype.kind not in "biufcMmUS":
                return None
            return {"$": "npscalar", "dtype": arr.dtype.str, "items": _array_items(arr, enc, depth)}
        if isinstance(v, np.dtype) and not v.names:
            return {"$": "npdtype", "v": v.str}
    if pd is not None:
        return _pandas(v, pd, depth, enc)
    return None


def _dtype(d, depth, enc):
    out = {"name": str(d)}
    if out["name"] == "category":
        out["categories"] = [enc(c, depth + 1) for c in d.categories.tolist()]
        out["ordered"] = bool(d.ordered)
    return out


def _pandas(v, pd, depth, enc):
    if v is pd.NaT:
        return {"$": "NaT"}
    if v is pd.NA:
        return {"$": "NA"}
    if isinstance(v, pd.Timestamp):
        return {"$": "Timestamp", "v": v.isoformat(), "tz": str(v.tz) if v.tz else None}
    if isinstance(v, pd.Timedelta):
        return {"$": "Timedelta", "v": int(v.value)}
    if isinstance(v, pd.MultiIndex):
        return {"$": "MultiIndex", "names": [enc(n, depth + 1) for n in v.names],
                "items": [enc(tuple(x), depth + 1) for x in v.tolist()]}
    if isinstance(v, pd.Index):
        return {"$": "Index", "name": enc(v.name, depth + 1), "dtype": _dtype(v.dtype, depth, enc),
                "items": [enc(x, depth + 1) for x in v.tolist()]}
    if isinstance(v, pd.Series):
        return {"$": "Series", "name": enc(v.name, depth + 1), "dtype": _dtype(v.dtype, depth, enc),
                "index": enc(v.index, depth + 1),
                "items": [enc(x, depth + 1) for x in v.tolist()]}
    if isinstance(v, pd.DataFrame):
        v = pd.DataFrame(v)
        return {"$": "DataFrame", "index": enc(v.index, depth + 1),
                "columns": enc(v.columns, depth + 1),
                "dtypes": [_dtype(d, depth, enc) for d in v.dtypes.tolist()],
                "data": [[enc(x, depth + 1) for x in v.iloc[:, i].tolist()]
                         for i in range(v.shape[1])]}
    return None
'''



@dataclass(frozen=True)
class Unsupported:
    """Stands in for a value the grader will not rebuild; any use of it fails the test."""

    reason: str

    def __repr__(self) -> str:  # shown in failure messages
        return f"<a value that cannot be checked: {self.reason}>"


_codec: dict[str, Any] = {"__name__": "hcai_judge_codec"}
exec(compile(CODEC_SOURCE, "<hcai-codec>", "exec"), _codec)
CodecLimit: type[Exception] = _codec["CodecLimit"]
codec_encode: Callable[..., Any] = _codec["codec_encode"]


def _refuse(value: Any) -> Any:
    raise TypeError(f"a {type(value).__name__} object is not plain data")


def encode(value: Any, other: Callable[[Any], Any] = _refuse) -> Any:
    """JSON-safe data for ``value`` (``other`` answers for what is not plain data)."""
    return codec_encode(value, other, MAX_ITEMS, MAX_DEPTH)


def dumps(value: Any, other: Callable[[Any], Any] = _refuse) -> str:
    return json.dumps(encode(value, other), allow_nan=False, separators=(",", ":"))


def loads_json(text: str) -> Any:
    """Parse reply JSON strictly (no NaN/Infinity constants, bounded size)."""
    if len(text) > MAX_JSON_CHARS:
        raise ValueError("reply too large")

    def _no_constants(token: str) -> float:
        raise ValueError(f"unexpected JSON constant {token}")

    return json.loads(text, parse_constant=_no_constants)


__all__ = ["CODEC_SOURCE", "CodecLimit", "MAX_DEPTH", "MAX_ITEMS", "MAX_JSON_CHARS",
           "Unsupported", "codec_encode", "dumps", "encode", "loads_json"]
