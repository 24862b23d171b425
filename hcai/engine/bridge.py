"""Learner values over a :class:`~hcai.engine.channel.KernelChannel`, for ``hcai.verdict``.

:data:`AGENT_SOURCE` is the kernel-side agent: ``agent(payload)`` reads a learner name (or
calls a learner function with arguments that crossed as JSON) and answers with one plain
string: ``v:<base64 JSON>`` (the value, encoded by ``crossing.ENCODER_SOURCE``),
``m:`` (no such name) or ``r:<base64 JSON [ename, evalue]>`` (the function raised).
:class:`KernelFetcher` is the grader side, the ``hcai.verdict.Fetcher`` that test cells use.

This is the bridge to today's ``hcai.verdict``; ``hcai.judge`` (its successor) brings its
own agent and namespace over the same channel.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from hcai import crossing, verdict
from hcai.engine.channel import ChannelTimeout, KernelChannel, LearnerSideError, ReplyTooLarge
from hcai.engine.kernel import KernelGone, LearnerKernel

AGENT_SOURCE = crossing.ENCODER_SOURCE + r'''

def _hcai_b64(obj):
    import base64 as _b, json as _j
    return _b.b64encode(_j.dumps(obj, allow_nan=False).encode("utf-8")).decode("ascii")


def agent(payload):
    import base64 as _b, json as _j
    try:
        from IPython import get_ipython as _g
        ns = _g().user_ns
    except Exception:
        import __main__
        ns = __main__.__dict__
    req = _j.loads(_b.b64decode(payload).decode("utf-8"))
    name = req["name"]
    if name not in ns:
        return "m:"
    value = ns[name]
    if req["op"] == "call":
        from hcai.crossing import loads as _loads
        args, kwargs = _loads(req["args"])
        try:
            value = value(*args, **kwargs)
        except Exception as exc:
            return "r:" + _hcai_b64([type(exc).__name__, str(exc)[:300]])
    return "v:" + _hcai_b64(_hcai_encode(value))
'''


class LearnerCallError(verdict.LearnerError):
    """The learner's function raised (or could not be reached) when a test called it."""


class KernelFetcher:
    """:class:`hcai.verdict.Fetcher` that reads values out of a :class:`LearnerKernel`."""

    def __init__(self, kernel: LearnerKernel, timeout: float) -> None:
        self.kernel = kernel
        self.channel = KernelChannel(kernel, AGENT_SOURCE,
                                     max_reply_chars=crossing.MAX_JSON_CHARS * 4 // 3 + 16)
        self.timeout = timeout

    def _gone(self) -> LearnerCallError:
        return LearnerCallError("Your notebook stopped running before this check "
                                f"({self.kernel.death_reason or 'the kernel stopped'}), "
                                "so it could not be checked.")

    def _ask(self, request: dict, too_long: str) -> Any:
        payload = base64.b64encode(json.dumps(request).encode("utf-8")).decode("ascii")
        try:
            answer = self.channel.request(payload, self.timeout)
        except KernelGone:
            raise self._gone() from None
        except ChannelTimeout:
            raise LearnerCallError(too_long) from None
        except ReplyTooLarge:
            return crossing.Unsupported("value too large to check")
        except LearnerSideError as exc:
            raise ValueError(f"reading `{request['name']}` raised {exc.ename}") from None
        tag, _, body = answer.partition(":")
        if tag == "m":
            raise verdict.AnswerMissing(request["name"])
        text = base64.b64decode(body).decode("utf-8")
        if tag == "r":
            ename, evalue = (json.loads(text) + ["", ""])[:2]
            raise LearnerCallError(f"Your function `{request['name']}` raised {str(ename)[:100]} "
                                   f"({str(evalue)[:300]}) when the tests called it.")
        if tag != "v":
            raise ValueError("unexpected reply from the kernel")
        return crossing.loads(text)

    def fetch(self, name: str) -> Any:
        if not name.isidentifier():
            raise verdict.AnswerMissing(name)
        return self._ask({"op": "fetch", "name": name},
                         f"Reading `{name}` took too long, so it could not be checked.")

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        if not name.isidentifier():
            raise verdict.AnswerMissing(name)
        request = {"op": "call", "name": name, "args": crossing.dumps([list(args), dict(kwargs)])}
        return self._ask(request, f"Your function `{name}` took longer than {self.timeout:g} "
                                  "seconds when the tests called it.")


__all__ = ["AGENT_SOURCE", "KernelFetcher", "LearnerCallError"]
