"""Parallel grading workers that survive whatever a submission does.

Each worker is one long-lived process with nbgrader imported once (starting kernels, not
Python, is the per-submission cost). The parent hands out one submission at a time over a
private pipe, so a slow submission never holds up a queue of others, and it watches every
worker: a worker that dies, or holds one submission past its time limit, is killed with
its process group, the submission is recorded as an error, and a fresh worker takes over.
"""

from __future__ import annotations

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

#: ``(student, kind)``: kind is "grade" (autograde then feedback) or "feedback".
Task = tuple[str, str]
Handler = Callable[[Any, str, str], dict[str, Any]]


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    task: Task | None = None
    started: float = 0.0


def _worker_main(conn: Connection, setup: Callable[[], Any], handler: Handler, log_path: str) -> None:
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
        conn.send(("done", student, result))


class GradingPool:
    """Run tasks on ``workers`` processes; ``on_done(student, kind, result)`` as each ends."""

    def __init__(self, workers: int, setup: Callable[[], Any], handler: Handler, *,
                 log_dir: Path, time_limit: float,
                 on_done: Callable[[str, str, dict[str, Any]], None]) -> None:
        self.workers = max(1, workers)
        self.setup = setup
        self.handler = handler
        self.log_dir = log_dir
        self.time_limit = time_limit
        self.on_done = on_done
        # fork: workers inherit the already-imported nbgrader, so they start in milliseconds.
        fork = "fork" in multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        self._count = 0
        self._setup_failures = 0

    def _start(self) -> _Worker:
        self._count += 1
        parent, child = self._ctx.Pipe()
        log_path = str(self.log_dir / f"worker-{self._count}.log")
        process = self._ctx.Process(target=_worker_main, args=(child, self.setup, self.handler, log_path),
                                    daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    @staticmethod
    def _kill(worker: _Worker) -> None:
        try:
            if worker.process.pid is None:  # never started
                raise ProcessLookupError
            os.killpg(worker.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            # killed before it made its own process group: stop the process itself
            if worker.process.is_alive():
                worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()

    def run(self, tasks: list[Task]) -> None:
        """Run every task; returns when each has ended (done, crashed or stopped)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        pending = list(tasks)
        workers = [self._start() for _ in range(min(self.workers, len(pending)))]
        ready: list[_Worker] = []
        starting = list(workers)
        self._setup_failures = 0
        try:
            while pending or any(w.task for w in workers):
                for worker in ready:
                    if pending and worker.task is None:
                        worker.task = pending.pop(0)
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
                    if replace:
                        self._replace(worker, workers, starting, bool(pending))
        finally:
            self._shutdown(workers)

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
                    self._setup_failures += 1
                    if self._setup_failures >= 3:
                        raise RuntimeError("grading workers cannot start:\n" + message[1])
                    replace = True
                elif message[0] == "done":
                    _, student, result = message
                    task, worker.task = worker.task, None
                    self.on_done(student, task[1] if task else "grade", result)
                    ready.append(worker)
        except (EOFError, OSError):
            replace = True
        return replace

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


__all__ = ["GradingPool", "Task"]
