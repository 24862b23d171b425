"""One cell's outputs, collected under character caps as the kernel sends them.

nbgrader's ``LimitOutput`` counts lines, so one 50 MB line would pass whole; the caps here
count characters, per cell and for the whole notebook, and are applied as messages arrive,
so an oversized output never sits in the grader's memory or the autograded notebook.
"""

from __future__ import annotations

import json

import nbformat
from nbformat import NotebookNode

#: Characters of output one learner cell may leave in the notebook.
MAX_CELL_OUTPUT_CHARS = 100_000
#: Characters of output one notebook may hold in all.
MAX_NOTEBOOK_OUTPUT_CHARS = 1_000_000


class OutputCollector:
    """Collect one cell's outputs under a character cap shared with the whole notebook."""

    def __init__(self, cell_cap: int, budget: list[int]) -> None:
        self.items: list[NotebookNode] = []
        self.cap = cell_cap
        self.used = 0
        self.budget = budget  # one-element list: characters left for the notebook
        self.truncated = False
        self._clear_pending = False
        self.error: tuple[str, str] | None = None

    def _room(self) -> int:
        return max(0, min(self.cap - self.used, self.budget[0]))

    def _spend(self, n: int) -> None:
        self.used += n
        self.budget[0] -= n

    def _note_truncated(self) -> None:
        if not self.truncated:
            self.truncated = True
            self.items.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[output truncated: a cell may show at most {self.cap:,} characters]\n"))

    def _maybe_clear(self) -> None:
        if self._clear_pending:
            self.items = [o for o in self.items if o.get("output_type") == "error"]
            self._clear_pending = False

    def stream(self, name: str, text: str) -> None:
        self._maybe_clear()
        if self.truncated:
            return
        name = "stderr" if name == "stderr" else "stdout"
        room = self._room()
        piece = text[:room]
        if piece:
            last = self.items[-1] if self.items else None
            if last is not None and last.output_type == "stream" and last.name == name:
                last.text += piece
            else:
                self.items.append(nbformat.v4.new_output("stream", name=name, text=piece))
            self._spend(len(piece))
        if len(piece) < len(text):
            self._note_truncated()

    def data(self, kind: str, content: dict) -> None:
        self._maybe_clear()
        if self.truncated:
            return
        data = content.get("data") or {}
        if not isinstance(data, dict):
            return
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
        if size > self._room():
            self._note_truncated()
            return
        self._spend(size)
        if kind == "execute_result":
            out = nbformat.v4.new_output("execute_result", data=data,
                                         metadata=content.get("metadata") or {},
                                         execution_count=content.get("execution_count"))
        else:
            out = nbformat.v4.new_output("display_data", data=data,
                                         metadata=content.get("metadata") or {})
        self.items.append(out)

    def error_output(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._maybe_clear()
        ename, evalue = str(ename)[:200], str(evalue)[:2000]
        lines: list[str] = []
        room = min(20_000, max(2_000, self._room()))
        for line in traceback or []:
            line = str(line)
            if len(line) > room:
                lines.append(line[:room] + " [...]")
                break
            lines.append(line)
            room -= len(line)
        self.error = (ename, evalue)
        self.items.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                 traceback=lines or [f"{ename}: {evalue}"]))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_pending = True
        else:
            self._clear_pending = True
            self._maybe_clear()

    def handle(self, kind: str, content: dict) -> None:
        """File one IOPub message of ``kind`` (stream, display_data, ...) with its content."""
        if kind == "stream":
            self.stream(str(content.get("name")), str(content.get("text", "")))
        elif kind in ("display_data", "execute_result"):
            self.data(kind, content)
        elif kind == "error":
            self.error_output(content.get("ename", "Error"), content.get("evalue", ""),
                              content.get("traceback") or [])
        elif kind == "clear_output":
            self.clear(bool(content.get("wait")))


__all__ = ["MAX_CELL_OUTPUT_CHARS", "MAX_NOTEBOOK_OUTPUT_CHARS", "OutputCollector"]
