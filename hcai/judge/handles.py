"""Grader-side handles for learner objects that stay in the kernel, and the judge's exceptions.

The session (:mod:`hcai.judge.session`) rebuilds replies: plain data by value, anything else
as a :class:`LearnerObject`. Operations on a handle -- attribute, call, item, ``len``,
iteration, ``str``, arithmetic, ``setattr`` -- run in the kernel and their results cross back
the same way. ``==``, ``<`` and ``bool()`` are never decided by learner code: they raise
:class:`HandleComparison` unless Python itself would answer (identity, always true) or the
object is a dataclass compared by its fields here; ``x in obj`` iterates the object and
compares the items here, as data. ``hash`` and ``is`` use the handle's identity (one handle
per kernel object), which learner code cannot influence. ``repr`` is fixed.

Exceptions raised by learner code come back as the built-in class nearest in the kernel's
MRO (``ValueError`` for ``class BadAge(ValueError)``), except that ``AssertionError`` and the
non-``Exception`` classes never cross: those become :class:`LearnerException`. A learner
exception class becomes a grader-side class of the same name deriving from that built-in and
:class:`LearnerException`, so ``except BadAge`` and ``except ValueError`` both work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hcai.judge.session import Session

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


COMPARE_HINT = ("compare an attribute or a value of it (for example `len(x)`, `x.name`), "
                "not the object itself")


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _get(obj: Any, name: str) -> Any:
    return object.__getattribute__(obj, name)


def _refuse_compare(self: Any, *other: Any) -> Any:
    exc = HandleComparison(f"This check compares or tests the truth of one of your objects "
                           f"({_get(self, '__class__').__name__}); a test may only "
                           f"{COMPARE_HINT}.")
    # kept on the session too: a test's bare `except:` must not turn the refusal into a pass
    _get(self, "_session").refusal = exc
    raise exc


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
PROTOCOLS: dict[str, type] = {"call": _Callable, "iter": _Iterable, "len": _Sized,
                            "item": _Subscriptable, "next": _Iterator, "num": _Numeric,
                            "type": _Type, "plain_eq": _PlainEquality,
                            "fields_eq": _FieldsEquality,
                            "plain_truth": _PlainTruth}


def is_handle(value: Any) -> bool:
    return isinstance(value, LearnerObject)


__all__ = ["COMPARE_HINT", "PROTOCOLS", "GradingRefused", "GradingStopped",
           "HandleComparison", "KernelStopped", "LearnerException", "LearnerObject",
           "ValueUnavailable", "is_handle"]
