"""The session with the kernel's agent: one request at a time, replies rebuilt as data or handles.

A :class:`Session` sends one operation through a :class:`~hcai.judge.channel.Channel` to the
agent (:mod:`hcai.judge.agent`) and rebuilds the reply: plain data by value
(:mod:`hcai.judge.decoding`), learner objects as handles (:mod:`hcai.judge.handles`),
learner exceptions as built-in classes (see :meth:`Session.exception_class`). Every reply is
treated as hostile: only inert data is ever rebuilt from it.
"""

from __future__ import annotations

import base64
import builtins
import json
import sys
from collections.abc import Callable
from typing import Any

from hcai.judge import crossing, decoding
from hcai.judge.channel import Channel, ChannelTimeout, KernelGone
from hcai.judge.handles import PROTOCOLS, KernelStopped, LearnerException, LearnerObject, ValueUnavailable

#: Built-in exception classes that may cross as themselves.
SAFE_EXCEPTIONS = {name for name in dir(builtins)
                   if isinstance(getattr(builtins, name), type)
                   and issubclass(getattr(builtins, name), Exception)
                   and name not in ("AssertionError",)}

#: Requests that run no learner code, so cached learner values stay valid after them.
QUIET_OPS = frozenset({"get", "names", "set", "del", "end_cell"})



class Session:
    """One conversation with the agent: requests, handles, exceptions, relayed output."""

    def __init__(self, channel: Channel, timeout: float = 30.0) -> None:
        self.channel = channel
        self.timeout = timeout
        self.epoch = 0  # bumped whenever learner code may have run
        self.figures_held = False  # the kernel kept figures for the rest of this test cell
        #: Called after every request that may have run learner code (the engine can refresh
        #: the test cells' view of the files, which that code may have written).
        self.on_learner_code: Callable[[], None] | None = None
        self.sync: Callable[[], dict | None] | None = None  # global random states to carry
        self.on_sync: Callable[[dict], None] | None = None
        #: The grader's own module for a library name the kernel reports, or None.
        self.resolve_module: Callable[[str], Any] | None = None
        #: The first refusal of the current test cell (even if the test caught it).
        self.refusal: BaseException | None = None
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
        if op not in QUIET_OPS and self.on_learner_code is not None:
            self.on_learner_code()
        reply = self._parse(text)
        if reply.get("figures") is True:
            self.figures_held = True
        self._relay(reply)
        self._restore_rngs(reply.get("rng"))
        if sync and isinstance(reply.get("sync"), dict) and self.on_sync:
            self.on_sync({k: self.decode(v) for k, v in reply["sync"].items()})
        if "raise" in reply:
            try:
                error = self.rebuild_exception(reply["raise"])
            except (TypeError, ValueError, KeyError, IndexError, RecursionError):
                raise ValueUnavailable("the kernel's report of an error could not be read") from None
            raise error
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
        if kind == "kmodule":
            # a learner's module (`np` from `import numpy as np`): the grader's own copy of
            # a known library when it has one, so `np.ndarray` is the real class; else a handle
            own = self.resolve_module(str(data.get("name"))) if self.resolve_module else None
            inner = data.get("handle")
            if own is not None:
                return own
            if not isinstance(inner, dict) or inner.get("$") != "handle":
                raise decoding.DecodeError("bad module")
            return self.handle(inner)
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

    def handle(self, data: dict) -> LearnerObject:
        hid = data.get("id")
        if type(hid) is not int:
            raise decoding.DecodeError("bad handle")
        existing = self._handles.get(hid)
        if existing is not None:
            return existing
        caps = data.get("caps")
        caps = frozenset(c for c in caps if c in PROTOCOLS) if isinstance(caps, list) else frozenset()
        cls = self._handle_class(str(data.get("type", "object"))[:100], caps)
        obj: Any = object.__new__(cls)
        object.__setattr__(obj, "_session", self)
        object.__setattr__(obj, "_hid", hid)
        self._handles[hid] = obj
        return obj

    def _handle_class(self, type_name: str, caps: frozenset) -> type:
        """A grader-side class named like the learner's, with only the protocols it has."""
        key = (type_name, caps)
        if key not in self._classes:
            name = type_name if type_name.isidentifier() else "LearnerObject"
            bases = tuple(PROTOCOLS[c] for c in sorted(caps)) + (LearnerObject,)
            self._classes[key] = type(name, bases, {"__slots__": (), "__module__": "learner"})
        return self._classes[key]

    def exception_class(self, chain: list, base: str) -> type:
        """A grader-side stand-in for a learner exception class (name and built-in base only)."""
        parent: type = getattr(builtins, base) if base in SAFE_EXCEPTIONS else LearnerException
        bases: tuple[type, ...] = (parent, LearnerException) if parent is not LearnerException else (parent,)
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
        exc.hcai_learner = True
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


__all__ = ["QUIET_OPS", "SAFE_EXCEPTIONS", "Session"]
