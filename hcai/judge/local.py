"""LocalChannel: the kernel agent run in this process, over a dict of learner globals.

For the project's own tests and for checks with no kernel at hand: the learner's names live
in a plain dict (``values``), the agent (:data:`hcai.judge.agent.AGENT_BODY`) runs in a
separate globals dict over it, and every request goes through the same base64/JSON encoding
as a sandboxed kernel's. It is not a sandbox: learner code runs with this process's rights,
and timeouts are not enforced.
"""

from __future__ import annotations

import itertools
import linecache
from typing import Any

from hcai.judge.agent import AGENT_BODY
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import CellVerdict, run_test_source


class LocalChannel:
    """A :class:`~hcai.judge.channel.Channel` to an agent running here, over ``values``."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self._agent: dict[str, Any] = {"__name__": "hcai_agent", "LEARNER_GLOBALS": values}
        exec(compile(AGENT_BODY, "<hcai-agent>", "exec"), self._agent)
        self.requests = 0

    def request(self, payload: str, timeout: float) -> str:
        self.requests += 1
        return self._agent["agent"](payload)


_CELLS = itertools.count(1)


def run_learner_code(source: str, values: dict[str, Any]) -> None:
    """Run learner code in ``values`` as a learner cell would (for tests of the judge)."""
    values.setdefault("__name__", "__main__")
    # IPython keeps each cell's text in linecache, so `inspect.getsource` works in a kernel;
    # do the same here.
    filename = f"<learner cell {next(_CELLS)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), values)


def check_cells(sources: list[str], values: dict[str, Any]) -> list[CellVerdict]:
    """Judge test-cell sources in order against learner ``values`` through a LocalChannel."""
    namespace = TrustedNamespace(LocalChannel(values))
    return [run_test_source(src, namespace) for src in sources]


__all__ = ["LocalChannel", "check_cells", "run_learner_code"]
