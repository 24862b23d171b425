"""nbgrader's execute step, with learner code sandboxed and verdicts decided outside it.

:class:`TrustedExecute` is a subclass of nbgrader's ``Execute`` placed in
``Autograde.autograde_preprocessors``; grades still land in the gradebook through
nbgrader's own ``SaveAutoGrades``. It runs the notebook with :func:`hcai.engine.run.run_notebook`
(the engine shared with ``validate`` and the tests), taking these of ``Execute``'s traits:

* ``timeout`` -- seconds per learner cell (and per value fetched by a test);
* ``startup_timeout`` -- seconds a fresh kernel has to answer;
* ``interrupt_on_timeout`` -- interrupt a cell that runs too long (then kill the kernel if it
  does not stop within 3 s); False kills the kernel at once and leaves later cells unrun;
* ``extra_arguments`` -- more arguments for the kernel (after the sandbox's own).

The rest are fixed by the engine, whatever the config says: kernels are always stopped at
once (``shutdown_kernel = "immediate"``), errors never stop the run (``allow_errors``), no
timing is recorded (``record_timing``), the notebook's kernelspec is ignored
(``kernel_name``), and a timed-out cell gets the engine's own ``CellTimeoutError`` output.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from hcai import cells
from hcai.engine.outputs import MAX_CELL_OUTPUT_CHARS, MAX_NOTEBOOK_OUTPUT_CHARS
from hcai.engine.pool import SparePool
from hcai.engine.run import CellResult, RunSettings, execute_notebook, run_notebook
from hcai.engine.sandbox import Limits
from hcai.engine.sandbox import available as sandbox_available
from hcai.grading import gradebook

#: One spare kernel per grading process, started while the current notebook runs.
_POOL = SparePool()


class TrustedExecute(Execute):
    """nbgrader's execute step, with learner code sandboxed and verdicts decided here."""

    sandbox = Bool(True, help="Run learner kernels under bubblewrap.").tag(config=True)
    allow_unsandboxed = Bool(
        False, help="Where bubblewrap is missing, run learner code unsandboxed anyway "
                    "(it then runs with the grader's rights).").tag(config=True)
    prestart_kernel = Bool(
        True, help="Start the next notebook's kernel while this one runs.").tag(config=True)
    cpu_seconds = Integer(300, help="CPU seconds for one learner kernel.").tag(config=True)
    memory_mb = Integer(2048, help="Address-space limit of the learner kernel (MB).").tag(config=True)
    max_processes = Integer(64, help="Processes/threads the sandbox user may run.").tag(config=True)
    file_size_mb = Integer(64, help="Largest file the learner kernel may write (MB).").tag(config=True)
    open_files = Integer(256, help="Open files for the learner kernel.").tag(config=True)
    max_cell_output = Integer(MAX_CELL_OUTPUT_CHARS, help="Characters of output per cell.").tag(config=True)
    max_notebook_output = Integer(MAX_NOTEBOOK_OUTPUT_CHARS,
                                  help="Characters of output per notebook.").tag(config=True)

    def limits(self) -> Limits:
        return Limits(cpu_seconds=self.cpu_seconds, address_space_mb=self.memory_mb,
                              file_size_mb=self.file_size_mb, processes=self.max_processes,
                              open_files=self.open_files)

    def settings(self) -> RunSettings:
        """The engine's settings from this step's config traits."""
        return RunSettings(
            sandbox=self.sandbox, allow_unsandboxed=self.allow_unsandboxed,
            timeout=float(self.timeout or 30), startup_timeout=float(self.startup_timeout),
            interrupt_on_timeout=bool(self.interrupt_on_timeout),
            extra_arguments=[str(a) for a in self.extra_arguments], limits=self.limits(),
            max_cell_output=self.max_cell_output, max_notebook_output=self.max_notebook_output,
            delimiters=cells.delimiters_from(self.config), write_back=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        path = Path((resources.get("metadata") or {}).get("path") or ".")
        tests = gradebook.tests_of(resources)
        if tests is not None:
            _use_gradebook_tests(nb, tests)
        kwargs = {"kernel_source": _POOL} if self.prestart_kernel else {}
        nb, results, info = run_notebook(nb, path, self.settings(),
                                         test_cell_ids=tests.ids if tests else None, **kwargs)
        resources["hcai"] = {**info, "results": [asdict(r) for r in results]}
        if info["kernel_died"] or info["timed_out_cells"] or info["output_truncated"]:
            self.log.warning("%s: kernel_died=%s timed_out_cells=%s output_truncated=%s %s",
                             path, info["kernel_died"], info["timed_out_cells"],
                             info["output_truncated"], "; ".join(info["errors"]))
        return nb, resources


def prepare_spare_kernel(config: Any) -> None:
    """Start this process's first spare kernel now, with the settings ``config`` gives the step.

    A grading worker calls this while it waits for its first submission, so that one does not
    wait for a kernel to start either. Nothing starts when spares are off, or when the sandbox
    is asked for and bubblewrap is missing (the run itself then says so).
    """
    step = TrustedExecute(config=config)
    if not step.prestart_kernel or (step.sandbox and not sandbox_available()):
        return
    _POOL.prepare(step.sandbox, step.settings())


def _use_gradebook_tests(nb: NotebookNode, tests: gradebook.GradebookTests) -> None:
    """The gradebook, not the submission, says which cells are tests and what they hold."""
    for cell in nb.cells:
        grade_id = cells.grade_id(cell)
        if cell.get("cell_type") == "code" and grade_id in tests.ids:
            meta = cell.metadata.setdefault("nbgrader", {})
            meta["grade"], meta["solution"] = True, False
            meta["points"] = tests.points[grade_id]
            if grade_id in tests.sources:
                cell.source = tests.sources[grade_id]


def is_test_cell(cell: NotebookNode, test_cell_ids: set[str] | None = None) -> bool:
    """Kept for callers; see :func:`hcai.cells.is_test`."""
    return cells.is_test(cell, test_cell_ids)


__all__ = ["CellResult", "TrustedExecute", "execute_notebook", "is_test_cell", "prepare_spare_kernel",
           "run_notebook"]
