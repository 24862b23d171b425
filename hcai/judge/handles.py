"""Grader-side handles for learner objects that stay in the kernel, and the session behind them.

A :class:`Session` sends one operation at a time through a :class:`~hcai.judge.channel.Channel`
to the agent (:mod:`hcai.judge.agent`) and rebuilds the reply: plain data by value
(:mod:`hcai.judge.crossing`), anything else as a :class:`LearnerObject`. Operations on a
handle -- attribute, call, item, ``len``, iteration, ``str``, arithmetic, ``setattr`` -- run in
the kernel and their results cross back the same way. ``==``, ``<`` and ``bool()``
are never decided by learner code: they raise :class:`HandleComparison` (``x in obj``
iterates the object and compares the items here, as data). ``hash`` and ``is`` use the handle's identity (one handle per
kernel object), which learner code cannot influence.

Exceptions raised by learner code come back as the built-in class nearest in the kernel's
MRO (``ValueError`` for ``class BadAge(ValueError)``), except that ``AssertionError`` and the
non-``Exception`` classes never cross: those become :class:`LearnerException`. A learner
exception class becomes a grader-side class of the same name deriving from that built-in and
:class:`LearnerException`, so ``except BadAge`` and ``except ValueError`` both work.
"""

from __future__ import annotations

import base64
import builtins
import json
import sys
from typing import Any, Callable

from hcai.judge import crossing, decoding
from hcai.judge.channel import Channel, ChannelTimeout, KernelGone


class GradingStopped(BaseException):
    """The test cannot go on faithfully; never caught by a test's ``except Exception``.

    A BaseException (like the KeyboardInterrupt nbgrader's own timeout raises), so a test
    written ``try: ... except Exception: pass`` cannot turn it into a pass.
    """

    error_name = "GradingStopped"


class GradingRefused(GradingStopped):
    """The test does something that cannot be made faithful safely; the reason says what."""

    error_name = "GradingRefused"


class HandleComparison(GradingRefused):
    """A test compared or tested the truth of a learner object itself."""

    error_name = "HandleComparison"


class KernelStopped(GradingStopped):
    """The learner's kernel timed out or stopped while a test was using it."""

    error_name = "KernelStopped"


class LearnerException(Exception):
    """A learner-defined exception (or an AssertionError/SystemExit) raised by learner code."""


class ValueUnavailable(Exception):
    """A learner value could not cross (too large, too deep, gone)."""


#: Built-in exception classes that may cross as themselves.
SAFE_EXCEPTIONS = {name for name in dir(builtins)
                   if isinstance(getattr(builtins, name), type)
                   and issubclass(getattr(builtins, name), Exception)
                   and name not in ("AssertionError",)}

#: Requests that run no learner code, so cached learner values stay valid after them.
QUIET_OPS = frozenset({"get", "names", "set", "del", "end_cell"})

COMPARE_HINT = ("compare an attribute or a value of it (for example `len(x)`, `x.name`), "
                "not the object itself")


class Session:
    """One conversation with the agent: requests, handles, exceptions, relayed output."""

    def __init__(self, channel: Channel, timeout: float = 30.0) -> None:
        self.channel = channel
        self.timeout = timeout
        self.epoch = 0  # bumped whenever learner code may have run
        self.figures_held = False  # the kernel kept figures for the rest of this test cell
        self.sync: Callable[[], dict] | None = None  # global random states to carry
        self.on_sync: Callable[[dict], None] | None = None
        self._handles: dict[int, LearnerObject] = {}
        self._classes: dict[tuple[str, frozenset], type] = {}
        self._exc_classes: dict[int, type] = {}
        self._rngs: dict[str, Any] = {}

    # requests -------------------------------------------------------------------------------
    def request(self, op: str, **fields: Any) -> Any:
        """Run one operation in the kernel; return its rebuilt result or raise its exception."""
        body: dict[str, Any] = {"op": op, **fields}
        sync = self.sync() if self.sync else None
        if sync:
            body["sync"] = sync
        payload = base64.b64encode(json.dumps(body, allow_nan=False).encode()).decode("ascii")
        if op not in QUIET_OPS:
            self.epoch += 1
        try:
            text = self.channel.request(payload, self.timeout)
        except (ChannelTimeout, TimeoutError):
            raise KernelStopped(f"Your code took longer than {self.timeout:g} seconds when "
                                "the tests used it, so it was stopped.") from None
        except KernelGone as exc:
            raise KernelStopped("Your notebook stopped running before this check "
                                f"({str(exc)[:200] or 'the kernel stopped'}).") from None
        except Exception as exc:  # noqa: BLE001 -- any other channel failure fails closed
            raise KernelStopped("Your notebook could not answer this check "
                                f"({type(exc).__name__}).") from None
        reply = self._parse(text)
        if reply.get("figures") is True:
            self.figures_held = True
        self._relay(reply)
        self._restore_rngs(reply.get("rng"))
        if sync and isinstance(reply.get("sync"), dict) and self.on_sync:
            self.on_sync({k: self.decode(v) for k, v in reply["sync"].items()})
        if "raise" in reply:
            try:
                exc = self.rebuild_exception(reply["raise"])
            except (TypeError, ValueError, KeyError, IndexError, RecursionError):
                raise ValueUnavailable("the kernel's report of an error could not be read") from None
            raise exc
        if "fail" in reply:
            raise ValueUnavailable(str(reply["fail"])[:300])
        self.last_writeback = reply.get("writeback")
        return self.decode(reply.get("ok"))

    def end_cell(self) -> None:
        """The test cell is over: close the figures the kernel kept for it, as nbgrader would."""
        if self.figures_held:
            self.figures_held = False
            self.request("end_cell")

    def _parse(self, text: str) -> dict:
        try:
            if not isinstance(text, str) or len(text) > crossing.MAX_JSON_CHARS * 4 // 3 + 16:
                raise ValueError("reply too large")
            reply = crossing.loads_json(base64.b64decode(text, validate=True).decode("utf-8"))
        except (ValueError, TypeError) as exc:
            raise ValueUnavailable(f"the kernel's reply could not be read ({exc})") from None
        if not isinstance(reply, dict):
            raise ValueUnavailable("the kernel's reply could not be read")
        return reply

    @staticmethod
    def _relay(reply: dict) -> None:
        # Learner output during a call reaches whatever the test has made sys.stdout.
        out, err = reply.get("out"), reply.get("err")
        if isinstance(out, str) and out:
            sys.stdout.write(out)
        if isinstance(err, str) and err:
            sys.stderr.write(err)

    # decoding -------------------------------------------------------------------------------
    def decode(self, data: Any) -> Any:
        try:
            return decoding.decode(data, self._other)
        except decoding.DecodeError as exc:
            raise ValueUnavailable(f"the kernel sent something that is not data ({exc})") from None
        except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
            raise ValueUnavailable(f"the value could not be rebuilt ({type(exc).__name__})") from None

    def _other(self, data: dict) -> Any:
        kind = data.get("$")
        if kind == "handle":
            return self.handle(data)
        if kind == "builtin":
            name = str(data.get("name"))
            obj = getattr(builtins, name, None)
            # only classes (int, str, ValueError...): a builtin function stays in the kernel
            if not isinstance(obj, type) or name.startswith("_") or name == "AssertionError":
                raise decoding.DecodeError("unknown builtin")
            return obj
        if kind == "excclass":
            return self.exception_class(data.get("chain") or [], str(data.get("base")))
        raise decoding.DecodeError(f"unknown kind {str(kind)[:40]!r}")

    def handle(self, data: dict) -> "LearnerObject":
        hid = data.get("id")
        if type(hid) is not int:
            raise decoding.DecodeError("bad handle")
        existing = self._handles.get(hid)
        if existing is not None:
            return existing
        caps = data.get("caps")
        caps = frozenset(c for c in caps if c in _MIXINS) if isinstance(caps, list) else frozenset()
        cls = self._handle_class(str(data.get("type", "object"))[:100], caps)
        obj = cls.__new__(cls)
        _set(obj, "_session", self)
        _set(obj, "_hid", hid)
        self._handles[hid] = obj
        return obj

    def _handle_class(self, type_name: str, caps: frozenset) -> type:
        """A grader-side class named like the learner's, with only the protocols it has."""
        key = (type_name, caps)
        if key not in self._classes:
            name = type_name if type_name.isidentifier() else "LearnerObject"
            bases = tuple(_MIXINS[c] for c in sorted(caps)) + (LearnerObject,)
            self._classes[key] = type(name, bases, {"__slots__": (), "__module__": "learner"})
        return self._classes[key]

    def exception_class(self, chain: list, base: str) -> type:
        """A grader-side stand-in for a learner exception class (name and built-in base only)."""
        parent: type = getattr(builtins, base) if base in SAFE_EXCEPTIONS else LearnerException
        bases = (parent, LearnerException) if parent is not LearnerException else (parent,)
        cls: type = parent
        for link in reversed(chain):
            hid, name = int(link[0]), str(link[1])[:100]
            if hid not in self._exc_classes:
                self._exc_classes[hid] = type(name if name.isidentifier() else "LearnerError",
                                              bases, {"__module__": "learner"})
            cls = self._exc_classes[hid]
            bases = (cls,)
        return cls

    def rebuild_exception(self, facts: Any) -> BaseException:
        facts = facts if isinstance(facts, dict) else {}
        cls = self.exception_class(facts.get("chain") or [], str(facts.get("base")))
        msg = str(facts.get("msg", ""))[:2000]
        try:
            args = self.decode(facts.get("args"))
            exc = cls(*args) if isinstance(args, tuple) else cls(msg)
        except Exception:  # noqa: BLE001 -- e.g. UnicodeDecodeError's five arguments
            exc = cls(msg)
        if isinstance(exc, (NameError, AttributeError)) and facts.get("name"):
            exc.name = str(facts["name"])[:200]
        exc.hcai_learner = True  # type: ignore[attr-defined]
        return exc

    # random generators the test passes in ---------------------------------------------------
    def rng_token(self, rng: Any) -> str:
        token = str(len(self._rngs) + 1)
        self._rngs[token] = rng
        return token

    def _restore_rngs(self, states: Any) -> None:
        if not isinstance(states, dict):
            self._rngs.clear()
            return
        for token, data in states.items():
            rng = self._rngs.get(token)
            if rng is None:
                continue
            state = self.decode(data)
            try:
                if hasattr(rng, "bit_generator"):
                    rng.bit_generator.state = state
                elif hasattr(rng, "set_state"):
                    rng.set_state(state)
                else:
                    rng.setstate(state)
            except Exception:  # noqa: BLE001 -- a learner kernel sent a bad state
                raise ValueUnavailable("a random generator's state could not be restored") from None
        self._rngs.clear()


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _get(obj: Any, name: str) -> Any:
    return object.__getattribute__(obj, name)


def _refuse_compare(self: Any, *other: Any) -> Any:
    raise HandleComparison(f"This check compares or tests the truth of one of your objects "
                           f"({_get(self, '__class__').__name__}); a test may only "
                           f"{COMPARE_HINT}.")


class LearnerObject:
    """A learner object living in the kernel; operations on it run there."""

    __slots__ = ("_session", "_hid", "__weakref__")
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse_compare
    __bool__ = _refuse_compare

    def __hash__(self) -> int:
        return hash(("hcai-handle", _get(self, "_hid")))

    def __repr__(self) -> str:  # never the learner's repr: it could be anything
        return f"<your {type(self).__name__} object>"

    def _op(self, op: str, **fields: Any) -> Any:
        session: Session = _get(self, "_session")
        from hcai.judge.outbound import encode_for_kernel  # the grader-to-kernel encoder
        for key in ("value", "key", "other"):
            if key in fields:
                fields[key] = encode_for_kernel(fields[key], session)
        return session.request(op, id=_get(self, "_hid"), **fields)

    def __getattr__(self, name: str) -> Any:
        return self._op("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._op("setattr", name=name, value=value)

    def __delattr__(self, name: str) -> None:
        self._op("delattr", name=name)

    def __str__(self) -> str:
        text = self._op("str")
        return text if isinstance(text, str) else repr(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class _Sized:
    __slots__ = ()

    def __len__(self) -> int:
        n = self._op("len")  # type: ignore[attr-defined]
        if type(n) is not int or n < 0:
            raise ValueUnavailable("len() of your object did not give a whole number")
        return n


class _Iterable:
    __slots__ = ()

    def __iter__(self) -> Any:
        items = self._op("iter")  # type: ignore[attr-defined]
        return iter(items if isinstance(items, list) else [])


class _Iterator:
    __slots__ = ()

    def __next__(self) -> Any:
        return self._op("next")  # type: ignore[attr-defined]


class _Subscriptable:
    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        return self._op("getitem", key=key)  # type: ignore[attr-defined]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._op("setitem", key=key, value=value)  # type: ignore[attr-defined]

    def __delitem__(self, key: Any) -> None:
        self._op("delitem", key=key)  # type: ignore[attr-defined]


class _Callable:
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from hcai.judge.outbound import call_in_kernel
        return call_in_kernel(_get(self, "_session"), _get(self, "_hid"), args, kwargs)


class _Type:
    """A learner class: ``isinstance(x, LearnerClass)`` is asked of the kernel."""

    __slots__ = ()

    def __instancecheck__(self, instance: Any) -> bool:
        return self._op("isinstance", value=instance) is True  # type: ignore[attr-defined]

    def __subclasscheck__(self, sub: Any) -> bool:
        return self._op("isinstance", value=sub, sub=True) is True  # type: ignore[attr-defined]


class _Numeric:
    __slots__ = ()

    def __int__(self) -> int:
        return int(self._op("convert", to="int"))  # type: ignore[attr-defined]

    def __float__(self) -> float:
        return float(self._op("convert", to="float"))  # type: ignore[attr-defined]

    def __index__(self) -> int:
        return int(self._op("convert", to="index"))  # type: ignore[attr-defined]


def _binop(name: str, reflected: bool) -> Callable[[Any, Any], Any]:
    def method(self: LearnerObject, other: Any) -> Any:
        return self._op("binop", name=name, other=other, reflected=reflected)
    return method


def _unop(name: str) -> Callable[[Any], Any]:
    def method(self: LearnerObject) -> Any:
        return self._op("unop", name=name)
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(_Numeric, f"__{_name}__", _binop(_name, False))
    setattr(_Numeric, f"__r{_name}__", _binop(_name, True))
for _name in ("neg", "pos", "abs", "invert"):
    setattr(_Numeric, f"__{_name}__", _unop(_name))

class _PlainEquality:
    """The learner's type keeps ``object.__eq__``: equality is identity, decided here."""

    __slots__ = ()

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return hash(("hcai-handle", _get(self, "_hid")))


class _FieldsEquality:
    """A learner dataclass (generated ``__eq__``): equal when of one class with equal fields.

    The fields are read from the kernel and compared here, so no learner code decides it.
    """

    __slots__ = ()

    def __eq__(self, other: Any) -> Any:
        if not isinstance(other, _FieldsEquality):
            return NotImplemented
        mine, theirs = self._op("eqkey"), other._op("eqkey")  # type: ignore[attr-defined]
        return mine[0] == theirs[0] and mine[1] == theirs[1]

    def __ne__(self, other: Any) -> Any:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(("hcai-handle", _get(self, "_hid")))


class _PlainTruth:
    """The learner's type has neither ``__bool__`` nor ``__len__``: always true, as in Python."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True


#: Protocols a handle class gets when the kernel says the learner's type has them.
_MIXINS: dict[str, type] = {"call": _Callable, "iter": _Iterable, "len": _Sized,
                            "item": _Subscriptable, "next": _Iterator, "num": _Numeric,
                            "type": _Type, "plain_eq": _PlainEquality,
                            "fields_eq": _FieldsEquality,
                            "plain_truth": _PlainTruth}


def is_handle(value: Any) -> bool:
    return isinstance(value, LearnerObject)


__all__ = ["COMPARE_HINT", "GradingRefused", "GradingStopped",
           "HandleComparison", "KernelStopped", "LearnerException", "LearnerObject",
           "SAFE_EXCEPTIONS", "Session", "ValueUnavailable", "is_handle"]
