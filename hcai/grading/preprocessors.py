"""Preprocessors the course adds to nbgrader's autograde and feedback steps.

* :class:`LimitOutputSize` caps outputs by characters. nbgrader's ``LimitOutput`` counts
  lines, so a submission that prints 50 MB on one line would otherwise carry all of it
  into the autograded notebook and the learner's feedback page.
* :class:`HideTestTracebacks` (feedback only, before ``ClearHiddenTests``) removes every
  line of hidden-test code from error outputs. ``ClearHiddenTests`` removes the code from
  the cell, but a failing hidden ``assert`` is still quoted in the traceback.
* :class:`RecordProblems` (last in autograde) writes what went wrong while running a
  submission into the autograded notebook's metadata, so the grading workflow can give a
  status and a reason without re-reading logs: timeouts, a dead kernel, cut output, and each
  test cell the judge refused (``refused_cells``, with the refusal's own words), which the
  grades CSV then names instead of showing a silent 0.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from hcai import cells as nbcells
from hcai.judge.handles import GradingRefused, HandleComparison

#: Notebook metadata key where :class:`RecordProblems` leaves its findings.
METADATA_KEY = "hcai_grading"

#: Error names that mean "this cell was stopped because it ran too long".
TIMEOUT_ERRORS = frozenset({"CellTimeoutError", "KeyboardInterrupt"})

#: Error names of a test cell the judge refused to grade (it could not be made faithful).
REFUSAL_ERRORS = frozenset({GradingRefused.error_name, HandleComparison.error_name})
#: Characters of one refusal's reason kept in the metadata (and so in the grades CSV).
MAX_REASON_CHARS = 400

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TEXT_MIMES = ("text/plain",)


def _note(kept: int, total: int) -> str:
    return (f"\n... output truncated by the grader: showing {kept:,} of {total:,} characters ...\n")


class LimitOutputSize(NbGraderPreprocessor):
    """Cap each output, and each cell's outputs together, by number of characters."""

    max_chars_per_output = Integer(
        20_000, help="Largest text kept from one output (stream text, text/plain, traceback)."
    ).tag(config=True)
    max_chars_per_cell = Integer(
        50_000, help="Largest total size of one cell's outputs; later outputs are dropped."
    ).tag(config=True)

    def _shrink_output(self, output: NotebookNode) -> tuple[NotebookNode, bool]:
        limit = self.max_chars_per_output
        changed = False
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            if len(text) > limit:
                output["text"] = text[:limit] + _note(limit, len(text))
                changed = True
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in list(data):
                value = data[mime]
                size = len(value) if isinstance(value, str) else len(str(value))
                if size <= limit:
                    continue
                changed = True
                if mime in _TEXT_MIMES and isinstance(value, str):
                    data[mime] = value[:limit] + _note(limit, size)
                elif mime.startswith("image/") and size <= 10 * limit:
                    # A plot is worth keeping up to ~200 kB; anything bigger is a flood.
                    changed = False
                else:
                    del data[mime]
            if changed and not data:
                data["text/plain"] = "(a very large output was removed by the grader)"
        elif kind == "error":
            evalue = str(output.get("evalue", ""))
            if len(evalue) > limit:
                output["evalue"] = evalue[:limit] + _note(limit, len(evalue))
                changed = True
            lines, used = [], 0
            for line in output.get("traceback", []):
                if used + len(line) > limit:
                    lines.append(_note(used, sum(len(x) for x in output["traceback"])).strip())
                    changed = True
                    break
                lines.append(line)
                used += len(line)
            output["traceback"] = lines
        return output, changed

    @staticmethod
    def _size(output: NotebookNode) -> int:
        kind = output.get("output_type")
        if kind == "stream":
            return len(output.get("text", ""))
        if kind == "error":
            return len(str(output.get("evalue", ""))) + sum(len(x) for x in output.get("traceback", []))
        return sum(len(v) if isinstance(v, str) else len(str(v)) for v in output.get("data", {}).values())

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type != "code" or not cell.get("outputs"):
            return cell, resources
        kept, total, truncated = [], 0, False
        for output in cell.outputs:
            output, changed = self._shrink_output(output)
            truncated = truncated or changed
            size = self._size(output)
            if total + size > self.max_chars_per_cell:
                truncated = True
                kept.append(NotebookNode(output_type="stream", name="stderr",
                                         text="... further output removed by the grader ...\n"))
                break
            kept.append(output)
            total += size
        cell.outputs = kept
        if truncated:
            info = resources.setdefault(METADATA_KEY, {})
            info.setdefault("truncated_cells", []).append(_cell_label(cell, cell_index))
        return cell, resources


def _cell_label(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return str(grade_id or cell.get("id") or f"cell {index + 1}")


def hidden_test_lines(cells: list[NotebookNode],
                      delims: nbcells.Delimiters | None = None) -> set[str]:
    """The stripped, non-trivial lines inside every hidden-test region of ``cells``."""
    return nbcells.hidden_text_lines(cells, delims)


class HideTestTracebacks(NbGraderPreprocessor):
    """Keep hidden-test code out of feedback tracebacks.

    A test cell's error keeps only its last line (``AssertionError: message``): the message
    is written for learners, the frames are not. In every other cell, a traceback line that
    quotes hidden-test code is replaced by a placeholder.
    """

    placeholder = Unicode("(hidden test)").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        self._hidden = hidden_test_lines(nb.cells, nbcells.delimiters_from(self.config))
        return super().preprocess(nb, resources)

    def _scrub(self, text: str) -> str:
        plain = _ANSI.sub("", text)
        if any(hidden in plain for hidden in self._hidden):
            return self.placeholder
        return text

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type != "code":
            return cell, resources
        is_test = nbcells.is_test(cell)
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            evalue = self._scrub(str(output.get("evalue", "")))
            output["evalue"] = evalue
            if is_test:
                output["traceback"] = [f"{output.get('ename', 'Error')}: {evalue}".rstrip(": ")]
            else:
                # A traceback entry is a multi-line frame; scrub line by line within it.
                output["traceback"] = ["\n".join(self._scrub(part) for part in entry.split("\n"))
                                       for entry in output.get("traceback", [])]
        return cell, resources


class RecordProblems(NbGraderPreprocessor):
    """Write what went wrong while executing into ``nb.metadata["hcai_grading"]``.

    Reads the sandboxed executor's report (``resources["hcai"]``) when there is one and
    also looks at the outputs itself, so the record is right with nbgrader's own Execute.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        sandbox: dict[str, Any] = dict(resources.get("hcai") or {})
        ours: dict[str, Any] = dict(resources.get(METADATA_KEY) or {})
        timed_out = []
        for item in sandbox.get("timed_out_cells", []) or []:
            # The sandboxed executor reports cell indices; show the cell's grade_id instead.
            if isinstance(item, int) and 0 <= item < len(nb.cells):
                item = _cell_label(nb.cells[item], item)
            if str(item) not in timed_out:
                timed_out.append(str(item))
        refused = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                label = _cell_label(cell, index)
                if output.get("ename") in TIMEOUT_ERRORS and label not in timed_out:
                    timed_out.append(label)
                if output.get("ename") in REFUSAL_ERRORS and nbcells.is_test(cell):
                    refused.append(f"{label}: {str(output.get('evalue', ''))[:MAX_REASON_CHARS]}")
        record = {
            "timed_out_cells": timed_out,
            "kernel_died": bool(sandbox.get("kernel_died", False)),
            "output_truncated": bool(sandbox.get("output_truncated", False) or ours.get("truncated_cells")),
            "truncated_cells": list(ours.get("truncated_cells", [])),
            "errors": [str(e)[:500] for e in (sandbox.get("errors") or [])][:20],
            "refused_cells": refused,
            "sandboxed": sandbox.get("sandboxed"),
        }
        nb.metadata[METADATA_KEY] = record
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover -- not used
        return cell, resources


__all__ = ["HideTestTracebacks", "LimitOutputSize", "MAX_REASON_CHARS", "METADATA_KEY", "REFUSAL_ERRORS",
           "RecordProblems", "TIMEOUT_ERRORS", "hidden_test_lines"]
