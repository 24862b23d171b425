"""A spare kernel, started while the current notebook runs, for the next notebook.

Most of a submission's time is the kernel starting (ipykernel, bubblewrap). nbgrader's
autograde grades one notebook after another in a process, so :class:`SparePool` hands out a
kernel that was started in a background thread during the previous notebook and starts the
next spare at once. A spare starts without a submission; :meth:`LearnerKernel.load` gives it
the submission's files before any learner code runs. A spare is only used with the settings
it was started for, and the last one is stopped when the process exits (or by
:func:`close_all`, which a forked grading worker calls: it ends with ``os._exit``, so
``atexit`` never runs there). Every wait on a starting spare is bounded.

Spares are started by one long-lived launcher thread, never by short-lived threads: bwrap's
``--die-with-parent`` is ``PR_SET_PDEATHSIG``, which fires when the *thread* that started the
process ends, so a kernel started by a thread that has finished is killed at once.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import threading
import weakref
from pathlib import Path
from typing import Any

from hcai.engine.kernel import LearnerKernel

#: Seconds beyond a kernel's own startup timeout that waiting for a spare may take.
SPARE_WAIT_MARGIN = 15.0
#: Every pool in this process, for :func:`close_all`.
_POOLS: weakref.WeakSet[SparePool] = weakref.WeakSet()


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
        # a spare given up on while it was still starting: the launcher stops it when it can
        self._handoff = threading.Lock()
        self._abandoned: list[LearnerKernel] = []
        self._handed_out: weakref.WeakSet[LearnerKernel] = weakref.WeakSet()  # for remove_scratch
        _POOLS.add(self)
        atexit.register(self.close)

    def _launch(self) -> None:
        while True:
            kernel, done = self._jobs.get()
            try:
                kernel.start()
            finally:
                with self._handoff:
                    done.set()
                    drop = any(k is kernel for k in self._abandoned)
                    self._abandoned = [k for k in self._abandoned if k is not kernel]
                if drop:
                    kernel.close()

    def _ready(self, kernel: LearnerKernel, done: threading.Event, timeout: float) -> bool:
        """Wait (bounded) for a spare to finish starting; one that does not is abandoned."""
        if done.wait(timeout):
            return True
        with self._handoff:
            if done.is_set():
                return True
            self._abandoned.append(kernel)
        return False

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

    def prepare(self, sandboxed: bool, settings: Any) -> None:
        """Start a spare now, before the first notebook asks (a grading worker's setup)."""
        with self._lock:
            if self._spare is None:
                self._start_spare(sandboxed, settings)

    def __call__(self, workdir: Path, sandboxed: bool, settings: Any) -> LearnerKernel:
        """A started kernel holding ``workdir``'s files; a new spare starts meanwhile."""
        with self._lock:
            spare, self._spare = self._spare, None
            kernel = None
            if spare is not None:
                key, candidate, done = spare
                if not self._ready(candidate, done, candidate.startup_timeout + SPARE_WAIT_MARGIN):
                    pass  # never started in time: the launcher stops it; start one here
                elif key == _key(sandboxed, settings) and not candidate.dead:
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
        self._handed_out.add(kernel)
        return kernel

    def close(self, timeout: float | None = None) -> None:
        """Stop the spare kernel, if any, waiting at most ``timeout`` s for it to finish starting.

        Never blocks on the pool's lock (a grading worker may call this while its main thread
        holds it): a spare handed out meanwhile is the caller's to close.
        """
        if not self._lock.acquire(timeout=1.0):
            return
        try:
            spare, self._spare = self._spare, None
        finally:
            self._lock.release()
        if spare is None:
            return
        _, kernel, done = spare
        bound = kernel.startup_timeout + SPARE_WAIT_MARGIN if timeout is None else timeout
        if self._ready(kernel, done, bound):
            kernel.close()
        # else the launcher thread stops it when its start ends (or it dies with the process)


def remove_scratch() -> None:
    """Remove the scratch folders of every kernel the pools started; for a process about to
    ``os._exit`` after its kernels were killed. Takes no lock, calls no kernel: signal-safe."""
    for pool in list(_POOLS):
        spare = pool._spare
        try:
            kernels = [*list(pool._handed_out), *([spare[1]] if spare else []), *pool._abandoned]
        except RuntimeError:  # a set changed while being read: take what the spare gives
            kernels = [spare[1]] if spare else []
        for kernel in kernels:
            shutil.rmtree(kernel.scratch, ignore_errors=True)


def close_all(timeout: float = 10.0) -> None:
    """Stop the spare kernel of every pool in this process (each wait bounded by ``timeout``)."""
    for pool in list(_POOLS):
        pool.close(timeout)


__all__ = ["SPARE_WAIT_MARGIN", "SparePool", "close_all", "remove_scratch"]
