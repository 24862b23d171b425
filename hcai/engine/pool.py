"""A spare kernel, started while the current notebook runs, for the next notebook.

Most of a submission's time is the kernel starting (ipykernel, bubblewrap). nbgrader's
autograde grades one notebook after another in a process, so :class:`SparePool` hands out a
kernel that was started in a background thread during the previous notebook and starts the
next spare at once. A spare starts without a submission; :meth:`LearnerKernel.load` gives it
the submission's files before any learner code runs. A spare is only used with the settings
it was started for, and the last one is stopped when the process exits.

Spares are started by one long-lived launcher thread, never by short-lived threads: bwrap's
``--die-with-parent`` is ``PR_SET_PDEATHSIG``, which fires when the *thread* that started the
process ends, so a kernel started by a thread that has finished is killed at once.
"""

from __future__ import annotations

import atexit
import queue
import threading
from pathlib import Path
from typing import Any

from hcai.engine.kernel import LearnerKernel


def _key(sandboxed: bool, settings: Any) -> tuple:
    return (sandboxed, settings.limits, tuple(settings.extra_arguments),
            float(settings.startup_timeout))


class SparePool:
    """A :data:`hcai.engine.run.KernelSource` that keeps one started kernel in reserve."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spare: tuple[tuple, LearnerKernel, threading.Event] | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._launcher: threading.Thread | None = None
        atexit.register(self.close)

    def _launch(self) -> None:
        while True:
            kernel, done = self._jobs.get()
            try:
                kernel.start()
            finally:
                done.set()

    def _start_spare(self, sandboxed: bool, settings: Any) -> None:
        if self._launcher is None:
            self._launcher = threading.Thread(target=self._launch, name="hcai-kernel-launcher",
                                              daemon=True)
            self._launcher.start()
        kernel = LearnerKernel(None, sandboxed=sandboxed, limits=settings.limits,
                               extra_arguments=settings.extra_arguments,
                               startup_timeout=settings.startup_timeout)
        done = threading.Event()
        self._jobs.put((kernel, done))
        self._spare = (_key(sandboxed, settings), kernel, done)

    def __call__(self, workdir: Path, sandboxed: bool, settings: Any) -> LearnerKernel:
        """A started kernel holding ``workdir``'s files; a new spare starts meanwhile."""
        with self._lock:
            spare, self._spare = self._spare, None
            kernel = None
            if spare is not None:
                key, candidate, done = spare
                done.wait()
                if key == _key(sandboxed, settings) and not candidate.dead:
                    kernel = candidate
                else:
                    candidate.close()
            self._start_spare(sandboxed, settings)
        if kernel is None:
            kernel = LearnerKernel(workdir, sandboxed=sandboxed, limits=settings.limits,
                                   extra_arguments=settings.extra_arguments,
                                   startup_timeout=settings.startup_timeout)
            kernel.start()
        else:
            kernel.load(Path(workdir), timeout=float(settings.timeout))
        return kernel

    def close(self) -> None:
        """Stop the spare kernel, if any."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare[2].wait(timeout=120)
            spare[1].close()


__all__ = ["SparePool"]
