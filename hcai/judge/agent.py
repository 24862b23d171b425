"""The kernel-side agent: source text run inside the learner's kernel, stdlib only.

Size: over 400 lines on purpose: the agent is one self-contained text sent into the kernel,
where it may import nothing of ours; splitting it would only split one string.

The engine execs :data:`AGENT_SOURCE` into a private dict ``H`` (under an unpredictable name)
and evaluates ``H["agent"](payload)`` per request; :class:`hcai.judge.local.LocalChannel`
does the same in this process. ``agent`` takes base64 JSON ``{"op": ..., ...}`` and returns
base64 JSON ``{"ok": data}`` or ``{"raise": exception facts}`` or ``{"fail": reason}``, plus
what learner code printed (``out``/``err``), the final state of random generators the test
passed in (``rng``) and, when the test seeded, the global random states (``sync``).

Learner objects that are not plain data stay here in a handle table (``H["_TABLE"]``) and
cross as ``{"$": "handle", "id": n, ...}``. Nothing the agent says is trusted by the grader:
a learner can replace any of this inside its own kernel, and the grader only ever rebuilds
inert data from the reply (see :mod:`hcai.judge.handles`).
"""

from __future__ import annotations

import hashlib

from hcai.judge.crossing import CODEC_SOURCE
from hcai.judge.decoding import DECODER_SOURCE

#: Characters of learner output one request relays.
MAX_OUTPUT_CHARS = 200_000

_AGENT_BODY = r'''
import builtins as _builtins



def _state():
    """The handle table, kept across requests even when each request execs a fresh dict."""
    g = globals()
    if "LEARNER_GLOBALS" in g:  # LocalChannel keeps this very dict between requests
        return g.setdefault("_STATE", {"table": {}, "ids": {}})
    import types
    mod = _sys.modules.get("_hcai_judge_state")
    if not isinstance(mod, types.ModuleType) or not isinstance(getattr(mod, "state", None), dict):
        mod = types.ModuleType("_hcai_judge_state")
        mod.state = {"table": {}, "ids": {}}
        _sys.modules["_hcai_judge_state"] = mod
    return mod.state


_TABLE = _state()["table"]
_IDS = _state()["ids"]
_MAX_HANDLES = 200_000
_RNG_BITS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class _Fail(Exception):
    pass


def _main():
    """The learner's globals: IPython's user namespace in a kernel, else ``__main__``."""
    g = globals().get("LEARNER_GLOBALS")
    if g is not None:
        return g
    ipython = _sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        return shell.user_ns
    return _sys.modules["__main__"].__dict__


def _hid(obj):
    key = id(obj)
    hid = _IDS.get(key)
    if hid is None or _TABLE.get(hid) is not obj:
        if len(_TABLE) >= _MAX_HANDLES:
            raise _Fail("too many learner objects in use")
        hid = len(_TABLE) + 1
        while hid in _TABLE:
            hid += 1
        _TABLE[hid] = obj
        _IDS[key] = hid
    return hid


def _is_builtin(obj):
    name = getattr(obj, "__name__", None)
    return type(name) is str and getattr(_builtins, name, None) is obj


def _other(obj):
    """Encode what is not plain data: builtins by name, learner exception classes, handles."""
    if _is_builtin(obj) and isinstance(obj, type):
        return {"$": "builtin", "name": obj.__name__}
    if isinstance(obj, type) and issubclass(obj, BaseException):
        chain, base = _exc_chain(obj)
        return {"$": "excclass", "chain": chain, "base": base}
    t = type(obj)
    if isinstance(obj, type(_sys)):
        # a module crosses by name too: the grader may use its own copy of a library
        return {"$": "kmodule", "name": str(getattr(obj, "__name__", ""))[:200],
                "handle": _handle_facts(obj, t)}
    return _handle_facts(obj, t)


def _handle_facts(obj, t):
    caps = [cap for cap, attr in _CAPS if hasattr(t, attr)]
    if isinstance(obj, type):
        caps.append("type")
    # Python's own answers, no learner code involved: identity equality, always true
    if getattr(t, "__eq__", None) is object.__eq__ and getattr(t, "__ne__", None) is object.__ne__:
        caps.append("plain_eq")
    if not hasattr(t, "__bool__") and not hasattr(t, "__len__"):
        caps.append("plain_truth")
    if _dataclass_eq(t):
        caps.append("fields_eq")
    return {"$": "handle", "id": _hid(obj), "type": str(getattr(t, "__name__", "object"))[:100],
            "module": str(getattr(t, "__module__", ""))[:100], "caps": caps}


_CAPS = (("call", "__call__"), ("iter", "__iter__"), ("len", "__len__"), ("item", "__getitem__"),
         ("next", "__next__"), ("num", "__add__"), ("num", "__float__"), ("num", "__int__"))


def _dataclass_eq(t):
    """A dataclass whose ``__eq__`` is the generated one: equality is its fields' equality."""
    params = getattr(t, "__dataclass_params__", None)
    eq = getattr(t, "__eq__", None)
    code = getattr(eq, "__code__", None)
    return bool(getattr(params, "eq", False)) and getattr(code, "co_filename", "") == "<string>"


def _eq_key(obj):
    import dataclasses
    if not _dataclass_eq(type(obj)):
        raise _Fail("not a dataclass")
    return [_hid(type(obj)), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj) if f.compare)]


def _exc_chain(cls):
    chain, base = [], "Exception"
    for c in cls.__mro__:
        if _is_builtin(c):
            base = c.__name__
            break
        chain.append([_hid(c), str(c.__name__)[:100]])
    return chain, base


def _enc(value):
    return codec_encode(value, _other)


class _Globals(dict):
    """Globals of a test function shipped here: its own names, then the learner's."""

    def __missing__(self, name):
        return _main()[name]


def _make_function(data):
    import base64, marshal, types
    code = marshal.loads(base64.b64decode(str(data["code"])))
    if not isinstance(code, types.CodeType):
        raise _Fail("not code")
    g = _Globals({"__builtins__": _builtins, "__name__": "__main__"})
    for name, value in (data.get("globals") or {}).items():
        g[str(name)] = _dec(value)
    defaults = _dec(data.get("defaults"))
    closure = tuple(types.CellType(_dec(c)) for c in data.get("closure") or []) or None
    fn = types.FunctionType(code, g, str(data.get("name", "f")), defaults, closure)
    kw = _dec(data.get("kwdefaults"))
    if kw:
        fn.__kwdefaults__ = kw
    if data.get("self"):
        g[str(data["self"])] = fn
    return fn


def _make_rng(data, rngs):
    kind = data.get("kind")
    state = _dec(data.get("state"))
    if kind == "Random":
        import random
        rng = random.Random()
        rng.setstate(state)
    else:
        import numpy as np
        if kind == "RandomState":
            rng = np.random.RandomState()
            rng.set_state(state)
        else:
            bit = str(data.get("bit"))
            if bit not in _RNG_BITS:
                raise _Fail("unknown bit generator")
            rng = np.random.Generator(getattr(np.random, bit)())
            rng.bit_generator.state = state
    rngs[str(data.get("tok"))] = rng
    return rng


def _rng_state(rng):
    if hasattr(rng, "bit_generator"):
        return rng.bit_generator.state
    if hasattr(rng, "get_state") and not hasattr(rng, "getstate"):
        return rng.get_state(legacy=False)
    return rng.getstate()


def _dec(data, rngs=None):
    def other(d):
        kind = d.get("$")
        if kind == "ref":
            hid = d.get("id")
            if hid not in _TABLE:
                raise _Fail("that object is no longer available")
            return _TABLE[hid]
        if kind == "builtin":
            return getattr(_builtins, str(d.get("name")))
        if kind in ("module", "modattr"):
            import importlib
            obj = importlib.import_module(str(d.get("module")))
            for part in str(d.get("name") or "").split(".") if d.get("name") else []:
                obj = getattr(obj, part)
            return obj
        if kind == "code":
            return _make_function(d)
        if kind == "rng":
            return _make_rng(d, _CURRENT_RNGS[0])
        raise _Fail("unknown kind")
    return codec_decode(data, other)


_CURRENT_RNGS = [{}]


def _sync_in(sync):
    for name, state in (sync or {}).items():
        if name == "random":
            import random
            random.setstate(_dec(state))
        elif name == "numpy":
            import numpy as np
            np.random.set_state(_dec(state))


def _sync_out(sync):
    out = {}
    for name in sync or {}:
        if name == "random":
            import random
            out[name] = _enc(random.getstate())
        elif name == "numpy":
            import numpy as np
            out[name] = _enc(np.random.get_state(legacy=False))
    return out


def _obj(req):
    hid = req.get("id")
    if hid not in _TABLE:
        raise _Fail("that object is no longer available")
    return _TABLE[hid]


_BINOPS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "truediv": "__truediv__",
           "floordiv": "__floordiv__", "mod": "__mod__", "pow": "__pow__", "matmul": "__matmul__"}


def _op(req):
    import operator
    op = req.get("op")
    main = _main()
    if op == "get":
        name = str(req.get("name"))
        if name not in main:
            raise NameError(f"name {name!r} is not defined", name=name)
        return main[name]
    if op == "names":
        return [k for k in main if type(k) is str]
    if op == "set":
        main[str(req["name"])] = _dec(req.get("value"))
        return None
    if op == "del":
        name = str(req.get("name"))
        if name not in main:
            raise NameError(f"name {name!r} is not defined", name=name)
        del main[name]
        return None
    if op == "end_cell":
        return _end_cell()
    if op == "import":
        import importlib
        return importlib.import_module(str(req.get("name")))
    obj = _obj(req)
    if op == "call":
        args = _dec(req.get("args")) or []
        kwargs = _dec(req.get("kwargs")) or {}
        _WRITEBACK[0] = [args[i] if type(i) is int else kwargs[i] for i in req.get("writeback") or []]
        return obj(*args, **kwargs)
    if op == "getattr":
        return getattr(obj, str(req.get("name")))
    if op == "setattr":
        setattr(obj, str(req.get("name")), _dec(req.get("value")))
        return None
    if op == "delattr":
        delattr(obj, str(req.get("name")))
        return None
    if op == "getitem":
        return obj[_dec(req.get("key"))]
    if op == "setitem":
        obj[_dec(req.get("key"))] = _dec(req.get("value"))
        return None
    if op == "delitem":
        del obj[_dec(req.get("key"))]
        return None
    if op == "len":
        return len(obj)
    if op == "iter":
        import itertools
        limit = int(req.get("limit", 100_000))
        items = list(itertools.islice(iter(obj), limit + 1))
        if len(items) > limit:
            raise _Fail("it yields too many items to check")
        return items
    if op == "next":
        return next(obj)
    if op == "str":
        return str(obj)
    if op == "source":
        import inspect
        return inspect.getsource(obj)
    if op == "eqkey":
        return _eq_key(obj)
    if op == "convert":
        kind = {"int": int, "float": float, "index": operator.index, "complex": complex}[req["to"]]
        return kind(obj)
    if op == "unop":
        return {"neg": operator.neg, "pos": operator.pos, "abs": abs,
                "invert": operator.invert}[req["name"]](obj)
    if op == "binop":
        other = _dec(req.get("other"))
        fn = getattr(operator, req["name"]) if req["name"] in _BINOPS else None
        if fn is None:
            raise _Fail("unknown operator")
        return fn(other, obj) if req.get("reflected") else fn(obj, other)
    if op == "isinstance":
        value = _dec(req.get("value"))
        return bool(isinstance(value, obj)) if not req.get("sub") else bool(issubclass(value, obj))
    raise _Fail("unknown request")


def _exc_facts(exc):
    chain, base = _exc_chain(type(exc))
    try:
        args = _enc(tuple(exc.args))
    except Exception:
        args = None
    try:
        msg = str(exc)
    except Exception:
        msg = ""
    facts = {"chain": chain, "base": base, "args": args, "msg": msg[:2000]}
    if isinstance(exc, (NameError, AttributeError)):
        facts["name"] = str(getattr(exc, "name", "") or "")[:200]
    return facts


class _Capped:
    def __init__(self, limit):
        self.parts, self.left = [], limit

    def write(self, text):
        text = str(text)
        if self.left > 0:
            self.parts.append(text[:self.left])
            self.left -= len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        return "".join(self.parts)


def agent(payload):
    import base64, contextlib, json
    req = json.loads(base64.b64decode(payload).decode("utf-8"))
    out, err = _Capped(MAX_OUTPUT_CHARS), _Capped(MAX_OUTPUT_CHARS)
    rngs = {}
    _CURRENT_RNGS[0] = rngs
    reply = {}
    sync = req.get("sync")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            _sync_in(sync)
            reply["ok"] = _enc(_op(req))
            if req.get("writeback"):
                reply["writeback"] = [_enc(a) for a in _WRITEBACK[0]]
                _WRITEBACK[0] = []
    except _Fail as exc:
        reply = {"fail": str(exc)[:300]}
    except CodecLimit as exc:
        reply = {"fail": "it is too large to check (" + str(exc)[:100] + ")"}
    except BaseException as exc:  # KeyboardInterrupt too: an interrupted call is its failure
        try:
            reply = {"raise": _exc_facts(exc)}
        except BaseException:
            reply = {"raise": {"chain": [], "base": "Exception", "args": None, "msg": ""}}
    try:
        if rngs:
            reply["rng"] = {tok: _enc(_rng_state(r)) for tok, r in rngs.items()}
        if sync:
            reply["sync"] = _sync_out(sync)
    except BaseException:
        reply = {"fail": "the random generator state could not be read back"}
    if _hold_figures():
        reply["figures"] = True
    reply["out"], reply["err"] = out.getvalue(), err.getvalue()
    _CURRENT_RNGS[0] = {}
    return base64.b64encode(json.dumps(reply, allow_nan=False).encode("utf-8")).decode("ascii")


_WRITEBACK = [[]]


def _hold_figures():
    """Keep figures drawn during this request for the rest of the test cell.

    IPython's inline backend closes every figure after each execution, and every request is
    one; in nbgrader the whole test cell is one execution. So the pending flush is cancelled
    here and done by the "end_cell" request when the test cell ends.
    """
    inline = _sys.modules.get("matplotlib_inline.backend_inline")
    show = getattr(inline, "show", None)
    if show is not None and getattr(show, "_draw_called", False):
        show._draw_called = False
        return True
    return False


def _end_cell():
    pyplot = _sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    return None
'''

AGENT_BODY: str = (CODEC_SOURCE + "\n" + DECODER_SOURCE + "\n"
                   + f"MAX_OUTPUT_CHARS = {MAX_OUTPUT_CHARS}\n" + _AGENT_BODY)
"""The agent itself; :class:`hcai.judge.local.LocalChannel` execs it into its own dict."""

_VERSION = hashlib.sha256(AGENT_BODY.encode()).hexdigest()[:16]

# Compiling the body takes tens of milliseconds; a request should not pay that each time. The
# bootstrap compiles it once per kernel into a module it keeps, and re-binds ``agent``.
AGENT_SOURCE: str = f"""
import sys as _sys
_mod = _sys.modules.get("_hcai_judge_agent")
if getattr(_mod, "hcai_version", None) != {_VERSION!r} or not callable(getattr(_mod, "agent", None)):
    import types as _types
    _mod = _types.ModuleType("_hcai_judge_agent")
    _mod.hcai_version = {_VERSION!r}
    exec(compile({AGENT_BODY!r}, "<hcai-agent>", "exec"), _mod.__dict__)
    _sys.modules["_hcai_judge_agent"] = _mod
agent = _mod.agent
"""
"""Exec into a fresh dict ``H`` in the learner's kernel; then call ``H["agent"](payload)``."""

__all__ = ["AGENT_BODY", "AGENT_SOURCE", "MAX_OUTPUT_CHARS"]
