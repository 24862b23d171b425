"""Parallel grading workers that survive whatever a submission does.

Each worker is one long-lived process with nbgrader imported once (starting kernels, not
Python, is the per-submission cost). The parent hands out one submission at a time over a
private pipe, so a slow submission never holds up a queue of others, and it watches every
worker: a worker that dies, or holds one submission past its time limit, is killed with
its process group, the submission is recorded as an error, and a fresh worker takes over.

No worker or kernel outlives the command (:mod:`hcai.grading.lifeline`): a worker gets
SIGTERM when the command ends however it ends (``PR_SET_PDEATHSIG``) and on SIGTERM stops
every process below it (its kernels run in their own sessions) before exiting; it holds no
copy of the command's end of any pipe, so it also sees the command's death as end-of-file.
SIGTERM, SIGHUP, Ctrl-C or a closed standard output stop the command: it stops its workers
and their kernels within seconds and raises :class:`GradingInterrupted`, keeping every
result already recorded (a submission being graded then is graded again by the next run).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from hcai.engine import pool as spare_pool
from hcai.grading import keptconn, lifeline

#: ``(student, kind)``: kind is "grade" (autograde then feedback) or "feedback".
Task = tuple[str, str]
Handler = Callable[[Any, str, str], dict[str, Any]]
#: Seconds a new worker has to import and set up before it counts as failed to start.
SETUP_LIMIT = 180.0
#: Seconds stopped workers have, after SIGTERM, to stop their kernels before SIGKILL.
STOP_GRACE = 3.0


class GradingInterrupted(KeyboardInterrupt):
    """The run was told to stop (signal, Ctrl-C, output closed); finished results are kept.

    A ``KeyboardInterrupt``, so the command reports it as an interruption and nothing on the
    way up mistakes it for a grading error.
    """


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    task: Task | None = None
    started: float = 0.0


def _on_sigterm(signum: int, frame: Any) -> None:
    """In a worker: stop its kernels (and anything else it started), then exit at once.

    No unwinding: the main thread may be deep in jupyter_client's event loop, which does not
    reliably let an exception through. The kernels' scratch folders are removed here instead.
    """
    lifeline.stop_tree()
    spare_pool.remove_scratch()
    os._exit(128 + signum)


def _worker_main(conn: Connection, setup: Callable[[], Any], handler: Handler, log_path: str,
                 parent_pid: int, inherited: list[Connection]) -> None:
    # SIGTERM when the command ends, however it ends; the handler stops this worker's kernels.
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGHUP, _on_sigterm)
    lifeline.die_with_parent(parent_pid)
    # The command's ends of this and earlier workers' pipes, copied by fork: holding them would
    # keep recv() below waiting forever after the command died.
    for other in inherited:
        other.close()
    # Own process group: the parent can stop this worker and whatever it started at once.
    os.setsid()
    # Kernel and library chatter goes to a log file, not over the parent's progress lines.
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 -- for the process's life
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    try:
        _serve(conn, setup, handler)
    finally:
        # multiprocessing ends a worker with os._exit (no atexit): stop the spare kernel here,
        # and end the database sessions the worker kept properly (not by the socket closing)
        spare_pool.close_all(timeout=10.0)
        keptconn.close_idle()
        lifeline.stop_tree()


def _serve(conn: Connection, setup: Callable[[], Any], handler: Handler) -> None:
    try:
        context = setup()
    except BaseException:  # noqa: BLE001 -- report it; the parent decides
        conn.send(("setup_failed", traceback.format_exc()))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        student, kind = message
        try:
            result = handler(context, student, kind)
        except BaseException:  # noqa: BLE001 -- one submission must never end the worker
            result = {"success": False, "error": traceback.format_exc(), "log": ""}
        try:
            conn.send(("done", student, result))
        except OSError:  # the command is gone
            return


class GradingPool:
    """Run tasks on ``workers`` processes; ``on_done(student, kind, result)`` as each ends."""

    def __init__(self, workers: int, setup: Callable[[], Any], handler: Handler, *,
                 log_dir: Path, time_limit: float,
                 on_done: Callable[[str, str, dict[str, Any]], None],
                 on_start: Callable[[str, str], None] | None = None) -> None:
        self.workers = max(1, workers)
        self.setup = setup
        self.handler = handler
        self.log_dir = log_dir
        self.time_limit = time_limit
        self.on_done = on_done
        #: called just before a task is handed to a worker (e.g. to mark its record stale)
        self.on_start = on_start
        # fork: workers inherit the already-imported nbgrader, so they start in milliseconds.
        fork = "fork" in multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        self._count = 0
        self._setup_failures = 0
        self._conns: list[Connection] = []  # this side's ends of the live workers' pipes

    def _start(self) -> _Worker:
        self._count += 1
        parent, child = self._ctx.Pipe()
        log_path = str(self.log_dir / f"worker-{self._count}.log")
        # forked from the calling thread: the one running run(), which outlives every worker
        process = self._ctx.Process(target=_worker_main, daemon=True, args=(
            child, self.setup, self.handler, log_path, os.getpid(), [*self._conns, parent]))
        process.start()
        child.close()
        self._conns.append(parent)
        return _Worker(process, parent, started=time.monotonic())

    def _kill(self, worker: _Worker) -> None:
        """SIGKILL the worker, its process group and every process below it (its kernels)."""
        below = lifeline.descendants(worker.process.pid) if worker.process.pid else []
        try:
            if worker.process.pid is None:  # never started
                raise ProcessLookupError
            os.killpg(worker.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            # killed before it made its own process group: stop the process itself
            if worker.process.is_alive():
                worker.process.kill()
        lifeline.kill_procs(below)
        worker.process.join(timeout=5)
        self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        if worker.conn in self._conns:
            self._conns.remove(worker.conn)
        worker.conn.close()

    def run(self, tasks: list[Task]) -> None:
        """Run every task; returns when each has ended (done, crashed or stopped).

        Raises :class:`GradingInterrupted` after stopping every worker when the command gets
        SIGTERM or SIGHUP, or its standard output is closed; results reported so far stand.
        """
        self.log_dir.mkdir(parents=True, exist_ok=True)
        pending = list(tasks)
        workers: list[_Worker] = []
        graceful = False
        with lifeline.StopRequest() as stop:
            try:
                workers += [self._start() for _ in range(min(self.workers, len(pending)))]
                self._loop(pending, workers, stop)
                graceful = True
            except BrokenPipeError:  # printing progress failed: whoever read it has gone
                raise GradingInterrupted("the output was closed") from None
            finally:
                if graceful:
                    self._shutdown(workers)
                else:
                    self._stop_now(workers)

    def _loop(self, pending: list[Task], workers: list[_Worker], stop: lifeline.StopRequest) -> None:
        ready: list[_Worker] = []
        starting = list(workers)
        self._setup_failures = 0
        while pending or any(w.task for w in workers):
            if stop.check():
                raise GradingInterrupted(stop.reason)
            for worker in ready:
                if pending and worker.task is None:
                    worker.task = pending.pop(0)
                    if self.on_start is not None:
                        self.on_start(*worker.task)
                    worker.started = time.monotonic()
                    worker.conn.send(worker.task)
            ready = []
            wait([w.conn for w in workers] + [w.process.sentinel for w in workers], timeout=0.5)
            for worker in list(workers):
                replace = self._read_messages(worker, ready, starting)
                if not worker.process.is_alive() and not worker.conn.poll():
                    replace = True
                if not replace and self._past_time_limit(worker):
                    replace = True
                if not replace and worker in starting and time.monotonic() - worker.started > SETUP_LIMIT:
                    replace = self._count_setup_failure(f"it did not start within {SETUP_LIMIT:g} s")
                if replace:
                    self._replace(worker, workers, starting, bool(pending))

    def _read_messages(self, worker: _Worker, ready: list[_Worker], starting: list[_Worker]) -> bool:
        """Handle what ``worker`` sent; True when it must be replaced."""
        replace = False
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    starting.remove(worker)
                    ready.append(worker)
                elif message[0] == "setup_failed":
                    replace = self._count_setup_failure(message[1])
                elif message[0] == "done":
                    _, student, result = message
                    task, worker.task = worker.task, None
                    self.on_done(student, task[1] if task else "grade", result)
                    ready.append(worker)
        except (EOFError, OSError):
            replace = True
        return replace

    def _count_setup_failure(self, why: str) -> bool:
        """Count a worker that could not start; the third one ends the run. True: replace it."""
        self._setup_failures += 1
        if self._setup_failures >= 3:
            raise RuntimeError("grading workers cannot start:\n" + why)
        return True

    def _past_time_limit(self, worker: _Worker) -> bool:
        """Stop a worker that has held one submission too long; True when it was stopped."""
        if not worker.task or time.monotonic() - worker.started <= self.time_limit:
            return False
        self._kill(worker)
        student, kind = worker.task
        worker.task = None
        self.on_done(student, kind, {
            "success": False, "stopped": True, "log": "", "error": "",
            "reason": f"grading this submission took longer than {self.time_limit:g} s; it was stopped"})
        return True

    def _replace(self, worker: _Worker, workers: list[_Worker], starting: list[_Worker], more: bool) -> None:
        """Record the worker's task (if any) as crashed, stop it, and start a fresh one if needed."""
        if worker.task:
            student, kind = worker.task
            worker.task = None
            self.on_done(student, kind, {
                "success": False, "crashed": True, "log": "", "error": "",
                "reason": "the grading process crashed while grading this submission"})
        self._kill(worker)
        workers.remove(worker)
        if worker in starting:
            starting.remove(worker)
        if more:
            fresh = self._start()
            workers.append(fresh)
            starting.append(fresh)

    def _shutdown(self, workers: list[_Worker]) -> None:
        """Every task has ended: ask the workers to exit (they stop their spare kernels)."""
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 10
        for worker in workers:
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                self._kill(worker)
            else:
                self._forget(worker)

    def _stop_now(self, workers: list[_Worker]) -> None:
        """Interrupted: SIGTERM every worker (it stops its kernels), SIGKILL what is left."""
        below = {id(w): lifeline.descendants(w.process.pid) for w in workers if w.process.pid}
        for worker in workers:
            if worker.process.pid is not None:
                try:
                    os.killpg(worker.process.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for worker in workers:
            worker.process.join(timeout=max(0.05, deadline - time.monotonic()))
        for worker in workers:
            lifeline.kill_procs(below.get(id(worker), []))
            if worker.process.is_alive():
                self._kill(worker)
            else:
                self._forget(worker)


__all__ = ["GradingInterrupted", "GradingPool", "SETUP_LIMIT", "STOP_GRACE", "Task"]
