"""How the instructor commands print: a line printer and the tail of an nbgrader log."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

Printer = Callable[[str], None]


def printer(stream: TextIO | None = None) -> Printer:
    """A :data:`Printer` that writes each line to ``stream`` (stdout) at once."""
    out = stream or sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)
    return say


def tail(result: Mapping[str, Any], lines: int = 15) -> str:
    """The last ``lines`` lines of an nbgrader API result's log and error, for a message."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    return "\n".join(text.strip().splitlines()[-lines:])


__all__ = ["Printer", "printer", "tail"]
