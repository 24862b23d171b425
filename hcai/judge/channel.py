"""The one pipe between the trusted grader and the learner's kernel.

A :class:`Channel` carries one request and brings back one reply. Both are ASCII strings
(base64 of JSON) written and parsed by :mod:`hcai.judge` alone; the channel never looks
inside them. Two channels exist: the sandboxed kernel's (``hcai.grading``, built by the
engine: it runs :data:`hcai.judge.agent.AGENT_SOURCE` in the kernel and evaluates
``H["agent"](payload)``) and :class:`hcai.judge.local.LocalChannel` (the same agent in this
process, for tests and for learners without a kernel).
"""

from __future__ import annotations

from typing import Protocol


class ChannelError(Exception):
    """The request did not get an answer from the learner's kernel."""


class KernelGone(ChannelError):
    """The kernel died or is not running."""


class ChannelTimeout(ChannelError):
    """No reply in time; the kernel was interrupted."""


class Channel(Protocol):
    def request(self, payload: str, timeout: float) -> str:
        """Send ``payload`` to the agent in the kernel; return its reply (ASCII)."""
        ...


__all__ = ["Channel", "ChannelError", "ChannelTimeout", "KernelGone"]
