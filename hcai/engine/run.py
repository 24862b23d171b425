"""Run a notebook as the grader does: learner cells in a (sandboxed) kernel, tests judged here.

:func:`run_notebook` is used by the grader (``hcai.grading.execute.TrustedExecute``), by the
learner's ``python -m hcai validate`` and by the tests, so all three give the same verdicts.

* Learner cells (answers, read-only setup cells, anything not a test) run in a fresh kernel
  (:mod:`hcai.engine.kernel`) whose working folder is a copy of the submission folder. With
  ``sandbox=True`` it runs under bubblewrap (:mod:`hcai.engine.sandbox`) over ``ipc``. Each
  cell has a wall-clock timeout (interrupt, then kill) and an output cap in characters; a
  dead kernel leaves the remaining cells unrun, never the grader stuck.
* Test cells (:func:`hcai.cells.is_test`, or the gradebook's ids) never reach the kernel.
  They run in this process through ``hcai.judge.verdict.run_test_source`` in a
  ``hcai.judge.namespace.TrustedNamespace`` that reaches the learner's values only through
  :class:`hcai.engine.channel.KernelChannel` (the kernel-side agent is
  ``hcai.judge.agent.AGENT_SOURCE``). The verdict's outputs are stored on the cell, so
  nbgrader's ``SaveAutoGrades`` scores it as it scores any cell (a failing test carries one
  ``error`` output with a friendly message and scores 0).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from hcai import cells
from hcai.engine import sandbox as sandbox_mod
from hcai.engine.channel import KernelChannel
from hcai.engine.files import FilesView
from hcai.engine.kernel import LearnerKernel
from hcai.engine.outputs import MAX_CELL_OUTPUT_CHARS, MAX_NOTEBOOK_OUTPUT_CHARS, OutputCollector
from hcai.judge.agent import AGENT_SOURCE
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import run_test_source

log = logging.getLogger(__name__)


@dataclass
class CellResult:
    """What happened to one code cell.

    ``kind`` is ``"test"`` (judged in the grader) or ``"code"`` (run in the learner's kernel).
    For tests, ``passed`` is the verdict and ``points`` what nbgrader will award. For code
    cells, ``passed`` is False when the cell raised, timed out or could not run, else True;
    ``points`` is None.
    """

    index: int
    grade_id: str | None
    kind: str
    passed: bool | None
    message: str
    points: float | None


@dataclass
class RunSettings:
    """How to run one notebook (the grader's config traits end up here)."""

    sandbox: bool = True
    allow_unsandboxed: bool = False
    timeout: float = 30.0
    startup_timeout: float = 60.0
    interrupt_on_timeout: bool = True
    extra_arguments: list[str] = field(default_factory=list)
    limits: sandbox_mod.Limits = field(default_factory=sandbox_mod.Limits)
    max_cell_output: int = MAX_CELL_OUTPUT_CHARS
    max_notebook_output: int = MAX_NOTEBOOK_OUTPUT_CHARS
    total_timeout: float | None = None
    delimiters: cells.Delimiters | None = None
    #: copy files learner code wrote back into the submission folder (as nbgrader leaves them)
    write_back: bool = False


#: Makes the kernel for one notebook: ``(workdir, sandboxed, settings) -> started kernel``.
KernelSource = Callable[[Path, bool, RunSettings], LearnerKernel]


def fresh_kernel(workdir: Path, sandboxed: bool, settings: RunSettings) -> LearnerKernel:
    """A newly started kernel holding ``workdir``'s files."""
    kernel = LearnerKernel(workdir, sandboxed=sandboxed, limits=settings.limits,
                           extra_arguments=settings.extra_arguments,
                           startup_timeout=settings.startup_timeout)
    kernel.start()
    return kernel


def _use_sandbox(settings: RunSettings, info: dict[str, Any]) -> bool:
    if not settings.sandbox:
        return False
    if sandbox_mod.require(settings.allow_unsandboxed):
        return True
    msg = ("bubblewrap is not available: learner code ran WITHOUT a sandbox, "
           "with the grader's rights (allowed by --unsandboxed)")
    log.warning(msg)
    info["errors"].append(msg)
    return False


def run_notebook(nb: NotebookNode, workdir: Path, settings: RunSettings | None = None, *,
                 test_cell_ids: set[str] | None = None,
                 kernel_source: KernelSource = fresh_kernel,
                 ) -> tuple[NotebookNode, list[CellResult], dict]:
    """Run ``nb`` as the grader does; see the module docstring.

    ``test_cell_ids`` (from the gradebook) overrides the cells' own metadata in deciding which
    cells are tests. Raises :class:`hcai.engine.sandbox.SandboxUnavailable` when the sandbox
    is asked for, bwrap is missing and ``allow_unsandboxed`` is False.
    """
    settings = settings or RunSettings()
    info: dict[str, Any] = {"kernel_died": False, "timed_out_cells": [],
                            "output_truncated": False, "errors": [], "sandboxed": False}
    info["sandboxed"] = use_sandbox = _use_sandbox(settings, info)
    kernel = kernel_source(Path(workdir), use_sandbox, settings)
    files = FilesView(kernel)
    try:
        results = _run_cells(nb, kernel, settings, test_cell_ids, info, files)
        if settings.write_back:
            files.write_back(Path(workdir))
    finally:
        info["kernel_died"] = kernel.dead
        if kernel.dead and kernel.death_reason:
            info["errors"].append(kernel.death_reason)
        kernel.close()
    return nb, results, info


def _run_cells(nb: NotebookNode, kernel: LearnerKernel, settings: RunSettings,
               test_cell_ids: set[str] | None, info: dict[str, Any],
               files: FilesView) -> list[CellResult]:
    delims = settings.delimiters or cells.course_delimiters()
    namespace = TrustedNamespace(KernelChannel(kernel, AGENT_SOURCE), timeout=settings.timeout)
    total = float(settings.total_timeout or 20 * settings.timeout)
    started = time.monotonic()
    budget = [settings.max_notebook_output]
    results: list[CellResult] = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        grade_id, text = cells.grade_id(cell), cells.source(cell)
        outputs = OutputCollector(settings.max_cell_output, budget)
        if cells.is_test(cell, test_cell_ids):
            with files.cwd():
                result = judge_test(text, namespace, outputs, index, grade_id, cells.points(cell),
                                    delims)
            cell.execution_count = None
        elif cells.has_hidden(text, delims):
            # Hidden tests must never reach the learner's kernel, whatever the metadata says.
            outputs.error_output("NotRun", "This cell holds hidden tests but is not marked "
                                 "as a test cell, so it was not run.", [])
            result = CellResult(index, grade_id, "code", False,
                                "hidden tests outside a test cell: not run", None)
        elif time.monotonic() - started > total:
            outputs.error_output("NotRun", f"The notebook took longer than {total:g} seconds "
                                 "in all; this cell was not run.", [])
            result = CellResult(index, grade_id, "code", False, "not run: notebook time limit", None)
        else:
            result = _run_learner_cell(cell, kernel, settings, outputs, index, info)
            namespace.forget_learner_values()
            files.stale = True
        cell.outputs = outputs.items
        info["output_truncated"] = info["output_truncated"] or outputs.truncated
        results.append(result)
    return results


def _run_learner_cell(cell: NotebookNode, kernel: LearnerKernel, settings: RunSettings,
                      outputs: OutputCollector, index: int, info: dict[str, Any]) -> CellResult:
    status, count = kernel.run_cell(cells.source(cell), float(settings.timeout), outputs,
                                    interrupt=settings.interrupt_on_timeout)
    cell.execution_count = count
    if status == "timeout":
        info["timed_out_cells"].append(index)
    reason = kernel.death_reason or "the kernel stopped"
    if status == "dead":
        outputs.error_output("DeadKernelError", f"This cell could not run: {reason}.", [])
    message = {"ok": "", "error": "raised an error", "timeout": "timed out",
               "dead": f"not run: {reason}"}[status]
    if status == "error" and outputs.error:
        message = f"raised {outputs.error[0]}"
    return CellResult(index, cells.grade_id(cell), "code", status == "ok", message, None)


def judge_test(text: str, namespace: TrustedNamespace, outputs: OutputCollector,
               index: int, grade_id: str | None, points: float,
               delims: cells.Delimiters | None = None) -> CellResult:
    """Run one test cell here; file its verdict's outputs as the cell's outputs."""
    hidden = cells.hidden_line_numbers(text, delims)
    result = run_test_source(text, namespace, hidden_lines=hidden)
    for out in result.outputs:
        kind = out.get("output_type")
        if kind == "stream":
            outputs.stream(str(out.get("name", "stdout")), str(out.get("text", "")))
        elif kind == "error":
            outputs.error_output(out.get("ename", "Error"), out.get("evalue", ""),
                                 out.get("traceback") or [])
        elif kind in ("execute_result", "display_data"):
            outputs.data(str(kind), out)
    if result.passed:
        return CellResult(index, grade_id, "test", True, "", points)
    return CellResult(index, grade_id, "test", False, result.message, 0.0)


def execute_notebook(nb: NotebookNode, workdir: Path, *, sandbox: bool, timeout: int = 30,
                     allow_unsandboxed: bool = False, limits: sandbox_mod.Limits | None = None,
                     test_cell_ids: set[str] | None = None,
                     max_cell_output: int = MAX_CELL_OUTPUT_CHARS,
                     max_notebook_output: int = MAX_NOTEBOOK_OUTPUT_CHARS,
                     total_timeout: float | None = None,
                     ) -> tuple[NotebookNode, list[CellResult], dict]:
    """:func:`run_notebook` with keyword settings (the older call, kept for callers)."""
    settings = RunSettings(sandbox=sandbox, allow_unsandboxed=allow_unsandboxed,
                           timeout=float(timeout), limits=limits or sandbox_mod.Limits(),
                           max_cell_output=max_cell_output, max_notebook_output=max_notebook_output,
                           total_timeout=total_timeout)
    return run_notebook(nb, workdir, settings, test_cell_ids=test_cell_ids)


__all__ = ["CellResult", "KernelSource", "RunSettings", "execute_notebook", "fresh_kernel",
           "judge_test", "run_notebook"]
