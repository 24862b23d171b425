"""What the test sends into the kernel: arguments, rebound names, shipped test functions.

Test-side values reach the kernel as:

* plain data, by value (:mod:`hcai.judge.crossing`); a mutable container passed to a learner
  call (``list``, ``dict``, ``set``, ``bytearray``, numpy array, DataFrame, Series) is read
  back after the call and the test's own object updated in place, as if shared;
* a handle, as a reference to the very kernel object;
* a module, a built-in, or a function/class of an installed library, by name;
* a random generator (``random.Random``, ``np.random.Generator``/``RandomState``) with its
  state; the state after the call comes back into the test's generator;
* a function the test cell defined (``def``/``lambda``), as its compiled code object plus its
  defaults, closure and the test-defined names it reads, all crossing by the same rules; in
  the kernel its other globals are the learner's. It runs in the kernel, so what it does to
  test-side objects stays in the kernel.

Anything else (a test-defined class instance, a mock) cannot cross: :class:`GradingRefused`.
"""

from __future__ import annotations

import base64
import builtins
import json
import marshal
import random
import sys
import types
from typing import Any

from hcai.judge import crossing
from hcai.judge.handles import GradingRefused, LearnerObject
from hcai.judge.session import Session

#: Filename test cells are compiled under (shipped functions are recognised by it).
TEST_FILENAME = "<test cell>"
_MUTABLE = (list, dict, set, bytearray)


def _module_name(obj: Any) -> tuple[str, str] | None:
    """(module, qualname) when ``obj`` is reachable by name from an installed module."""
    module, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qual, str) or "<" in qual:
        return None
    if module in ("__main__", "learner") or module not in sys.modules:
        return None
    target: Any = sys.modules[module]
    for part in qual.split("."):
        target = getattr(target, part, None)
    return (module, qual) if target is obj else None


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _ship_function(fn: types.FunctionType, session: Session, seen: set[int]) -> dict:
    if id(fn) in seen:
        raise GradingRefused("A test function refers to itself in a way that cannot be "
                             "sent to your notebook.")
    seen = seen | {id(fn)}
    enc = lambda v: encode_for_kernel(v, session, seen)  # noqa: E731
    namespace = fn.__globals__
    owned = getattr(namespace, "test_owned", None)
    shipped: dict[str, Any] = {}
    me = None
    for name in sorted(_code_names(fn.__code__)):
        if owned is None or not owned(name):
            continue
        value = dict.get(namespace, name)
        if value is fn:
            me = name
            continue
        shipped[name] = enc(value)
    return {"$": "code", "code": base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii"),
            "name": fn.__name__, "self": me, "globals": shipped,
            "defaults": enc(fn.__defaults__) if fn.__defaults__ else None,
            "kwdefaults": enc(fn.__kwdefaults__) if fn.__kwdefaults__ else None,
            "closure": [enc(c.cell_contents) for c in fn.__closure__ or ()]}


def _rng(value: Any, session: Session, enc: Any) -> dict | None:
    np = sys.modules.get("numpy")
    if isinstance(value, random.Random) and type(value) is random.Random:
        return {"$": "rng", "kind": "Random", "tok": session.rng_token(value),
                "state": enc(value.getstate())}
    if np is None:
        return None
    if isinstance(value, np.random.Generator):
        return {"$": "rng", "kind": "Generator", "bit": type(value.bit_generator).__name__,
                "tok": session.rng_token(value), "state": enc(value.bit_generator.state)}
    if isinstance(value, np.random.RandomState):
        return {"$": "rng", "kind": "RandomState", "tok": session.rng_token(value),
                "state": enc(value.get_state(legacy=False))}
    return None


def encode_for_kernel(value: Any, session: Session, seen: set[int] | None = None) -> Any:
    """Data the agent rebuilds into the value the kernel should see; refuse what cannot cross."""
    seen = seen or set()

    def other(obj: Any) -> Any:
        if isinstance(obj, LearnerObject):
            return {"$": "ref", "id": object.__getattribute__(obj, "_hid")}
        proxied = getattr(type(obj), "hcai_module_proxy", False)
        if proxied:
            return {"$": "module", "module": object.__getattribute__(obj, "_module").__name__}
        if isinstance(obj, types.ModuleType):
            return {"$": "module", "module": obj.__name__}
        name = getattr(obj, "__name__", None)
        if isinstance(name, str) and getattr(builtins, name, None) is obj and name != "__import__":
            return {"$": "builtin", "name": name}
        if isinstance(obj, types.FunctionType) and obj.__code__.co_filename == TEST_FILENAME:
            return _ship_function(obj, session, seen)
        rng = _rng(obj, session, lambda v: crossing.encode(v, other))
        if rng is not None:
            return rng
        named = _module_name(obj)
        if named is not None:
            return {"$": "modattr", "module": named[0], "name": named[1]}
        raise GradingRefused(f"This test passes a {type(obj).__name__} object into your "
                             "notebook, which cannot be done faithfully; tell your instructor.")

    try:
        return crossing.encode(value, other)
    except crossing.CodecLimit as exc:
        raise GradingRefused(f"A value this test sends to your notebook is too large ({exc}).") from None


def _writeback_positions(args: tuple, kwargs: dict) -> list:
    pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
    kinds: tuple = _MUTABLE
    if np is not None:
        kinds += (np.ndarray,)
    if pd is not None:
        kinds += (pd.DataFrame, pd.Series)
    positions: list = [i for i, a in enumerate(args) if isinstance(a, kinds)]
    return positions + [k for k, v in kwargs.items() if isinstance(v, kinds)]


def call_in_kernel(session: Session, hid: int, args: tuple, kwargs: dict) -> Any:
    """Call a learner callable; mutable containers passed in come back updated."""
    sent_args = [encode_for_kernel(a, session) for a in args]
    sent_kwargs = {str(k): encode_for_kernel(v, session) for k, v in kwargs.items()}
    positions = _writeback_positions(args, kwargs)
    result = session.request("call", id=hid, args={"$": "list", "items": sent_args},
                             kwargs={"$": "dict", "items": [[k, v] for k, v in sent_kwargs.items()]},
                             writeback=positions)
    back = getattr(session, "last_writeback", None)
    if positions and isinstance(back, list) and len(back) == len(positions):
        for pos, data in zip(positions, back, strict=True):
            sent = sent_args[pos] if isinstance(pos, int) else sent_kwargs[pos]
            if json.dumps(sent, sort_keys=True) != json.dumps(data, sort_keys=True):
                original = args[pos] if isinstance(pos, int) else kwargs[pos]
                update_in_place(original, session.decode(data))
    return result


def update_in_place(target: Any, new: Any) -> None:
    """Make ``target`` (the test's object) hold what the learner's code left in its copy."""
    pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
    try:
        if isinstance(target, list) and isinstance(new, list):
            target[:] = new
        elif (isinstance(target, dict) and isinstance(new, dict)
              or isinstance(target, set) and isinstance(new, (set, frozenset))):
            target.clear()
            target.update(new)
        elif isinstance(target, bytearray) and isinstance(new, (bytes, bytearray)):
            target[:] = new
        elif np is not None and isinstance(target, np.ndarray) and isinstance(new, np.ndarray) \
                and new.shape == target.shape:
            target[...] = new
        elif pd is not None and isinstance(target, (pd.DataFrame, pd.Series)):
            _update_frame(target, new, pd)
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise GradingRefused("Your function changed an object the test passed in, in a way that "
                             "cannot be copied back faithfully (its type or shape changed).") from None


def _update_frame(target: Any, new: Any, pd: Any) -> None:
    if type(new) is not type(target) or not new.index.equals(target.index):
        raise TypeError
    if isinstance(target, pd.Series):
        target[:] = new
        return
    for col in list(target.columns):
        if col not in new.columns:
            del target[col]
    for col in new.columns:
        target[col] = new[col]


__all__ = ["TEST_FILENAME", "call_in_kernel", "encode_for_kernel", "update_in_place"]
