"""A spare kernel, started while the current notebook runs, for the next notebook.

Most of a submission's time is the kernel starting (ipykernel, bubblewrap). nbgrader's
autograde grades one notebook after another in a process, so :class:`SparePool` hands out a
kernel that was started in a background thread during the previous notebook and starts the
next spare at once. A spare starts without a submission; :meth:`LearnerKernel.load` gives it
the submission's files before any learner code runs. A spare is only used with the settings
it was started for, and the last one is stopped when the process exits.
"""

from __future__ import annotations

import atexit
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
        self._spare: tuple[tuple, LearnerKernel, threading.Thread] | None = None
        atexit.register(self.close)

    def _start_spare(self, sandboxed: bool, settings: Any) -> None:
        kernel = LearnerKernel(None, sandboxed=sandboxed, limits=settings.limits,
                               extra_arguments=settings.extra_arguments,
                               startup_timeout=settings.startup_timeout)
        thread = threading.Thread(target=kernel.start, name="hcai-spare-kernel", daemon=True)
        thread.start()
        self._spare = (_key(sandboxed, settings), kernel, thread)

    def __call__(self, workdir: Path, sandboxed: bool, settings: Any) -> LearnerKernel:
        """A started kernel holding ``workdir``'s files; a new spare starts meanwhile."""
        with self._lock:
            spare, self._spare = self._spare, None
            kernel = None
            if spare is not None:
                key, candidate, thread = spare
                thread.join()
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
            spare[2].join()
            spare[1].close()


__all__ = ["SparePool"]
