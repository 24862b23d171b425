"""The one way the grader asks a learner kernel for something: :class:`KernelChannel`.

``request(payload, timeout)`` sends one silent ``execute_request`` (``silent=True``,
``store_history=False``) with empty code and one ``user_expression``. That expression
defines the kernel-side *agent* afresh, into a private dict under an unpredictable name (one
per channel, so the agent's handle table lives across requests), so earlier learner cells
cannot have replaced its functions, then evaluates ``<dict>["agent"](payload)``. It is an
expression rather than cell code because IPython hashes, transforms and compiles cell code
in pure Python, which for the agent's text cost more than the request itself; a user
expression is a plain ``eval``. Only the ``execute_reply`` to that very
request is read, and its text must be a single plain quoted ASCII string of bounded size;
that string is returned. Anything else raises :class:`ChannelError`; no answer within the
timeout interrupts the kernel (killing it if it does not stop) and raises
:class:`ChannelTimeout`; a dead kernel raises :class:`KernelGone`.

What the payload and the answer mean is the agent's business (``AGENT_SOURCE``); the
channel only carries strings.
"""

from __future__ import annotations

import queue
import re
import secrets
import time

from hcai.engine.kernel import LearnerKernel
from hcai.judge.channel import ChannelError, ChannelTimeout, KernelGone

#: Largest answer (characters) accepted for one request.
MAX_REPLY_CHARS = 40 * 1024 * 1024
#: A plain quoted string: printable ASCII without quotes or backslashes inside.
_PLAIN = re.compile(r"^'([\x20-\x26\x28-\x5b\x5d-\x7e]*)'$")


class LearnerSideError(ChannelError):
    """The agent itself raised in the kernel (``ename``, ``evalue`` are learner-controlled)."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class ReplyTooLarge(ChannelError):
    """The answer was longer than :data:`MAX_REPLY_CHARS`."""


class KernelChannel:
    """:class:`hcai.judge.channel.Channel` over a :class:`~hcai.engine.kernel.LearnerKernel`."""

    def __init__(self, kernel: LearnerKernel, agent_source: str,
                 max_reply_chars: int = MAX_REPLY_CHARS) -> None:
        self.kernel = kernel
        self.agent_source = agent_source
        self.max_reply_chars = max_reply_chars
        self.holder = f"_hcai_{secrets.token_hex(8)}"

    def expression(self, payload: str) -> str:
        """Reset the private dict if learner code replaced it, define the agent in it, ask it."""
        holder = self.holder
        return (f"(lambda g: (isinstance(g.get({holder!r}), dict) or g.__setitem__({holder!r}, {{}}), "
                f"exec({self.agent_source!r}, g[{holder!r}]), "
                f"g[{holder!r}]['agent']({payload!r}))[-1])(globals())")

    def request(self, payload: str, timeout: float) -> str:
        """Send ``payload`` to the kernel's agent; return its answer (see the module docstring)."""
        kernel = self.kernel
        if not kernel.alive() or kernel.kc is None:
            raise KernelGone(kernel.death_reason)
        msg_id = kernel.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                   stop_on_error=False, user_expressions={"r": self.expression(payload)})
        content = self._await_reply(msg_id, timeout)
        if content.get("status") != "ok":
            raise ChannelError("the kernel could not run the request")
        result = (content.get("user_expressions") or {}).get("r") or {}
        if not isinstance(result, dict):
            raise ChannelError("unexpected reply")
        if result.get("status") != "ok":
            raise LearnerSideError(str(result.get("ename", "Error"))[:100],
                                   str(result.get("evalue", ""))[:300])
        text = (result.get("data") or {}).get("text/plain")
        if not isinstance(text, str):
            raise ChannelError("unexpected reply")
        if len(text) > self.max_reply_chars + 2:
            raise ReplyTooLarge()
        match = _PLAIN.match(text)
        if match is None:
            raise ChannelError("unexpected reply")
        return match.group(1)

    def _await_reply(self, msg_id: str, timeout: float) -> dict:
        kernel = self.kernel
        assert kernel.kc is not None
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                kernel.interrupt_or_kill(msg_id, wait_reply=True)
                raise ChannelTimeout(f"no answer within {timeout:g} seconds")
            try:
                msg = kernel.kc.get_shell_msg(timeout=min(0.5, remaining))
            except queue.Empty:
                if not kernel.alive():
                    raise KernelGone(kernel.death_reason) from None
                continue
            # Only the reply to this very request counts; anything else is skipped.
            if (msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg.get("msg_type") == "execute_reply"):
                return msg.get("content") or {}


__all__ = ["ChannelError", "ChannelTimeout", "KernelChannel", "KernelGone", "LearnerSideError",
           "MAX_REPLY_CHARS", "ReplyTooLarge"]
