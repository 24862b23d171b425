"""Keep grading workers and their kernels from outliving the ``grade`` command.

Three pieces, used by :mod:`hcai.grading.pool`:

* :func:`die_with_parent` (in a freshly forked worker): ask Linux to send the worker SIGTERM
  when the process that forked it ends (``prctl(PR_SET_PDEATHSIG)``), and exit at once when
  that already happened between the fork and the call. PDEATHSIG fires when the *thread* that
  forked the worker ends, not the whole process: the pool forks its workers from the thread
  that runs :meth:`GradingPool.run` (the command's main thread), which outlives them.
* :func:`stop_tree` / :func:`descendants`: every process below a pid, found in ``/proc``
  (kernels run in their own sessions, so a process group does not reach them), and stopped
  only while each one is still the process that was seen (its start time is checked, so a
  reused pid is never signalled).
* :class:`StopRequest` (in the command): SIGTERM and SIGHUP, and a standard output whose
  reader has gone (the caller was killed), become a request to stop that the pool's loop
  checks, so it stops its workers and keeps every result already saved.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import stat
import sys
import types
from collections.abc import Callable
from pathlib import Path

#: ``prctl`` option: the signal a process gets when its parent (thread) ends.
PR_SET_PDEATHSIG = 1
#: One process as seen in ``/proc``: ``(pid, start time in clock ticks)``.
Proc = tuple[int, int]


def die_with_parent(parent_pid: int, sig: int = signal.SIGTERM) -> bool:
    """Get ``sig`` when the parent ends; exit now if it already has. False where unsupported."""
    ok = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            ok = libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
        except (OSError, AttributeError):
            ok = False
    # The parent may have died between fork and prctl: then nobody would ever signal us.
    if os.getppid() != parent_pid:
        os._exit(0)
    return ok


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces or ')'
    return text[text.rfind(")") + 2:].split()


def _start_time(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[19]) if fields and len(fields) > 19 else None


def descendants(pid: int) -> list[Proc]:
    """Every live process below ``pid`` (children first), with its start time."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else []:
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields and len(fields) > 19:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[Proc] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(0), []):
            started = _start_time(child)
            if started is not None and all(child != p for p, _ in found):
                found.append((child, started))
                todo.append(child)
    return found


def alive(proc: Proc) -> bool:
    """Is this exact process (same pid, same start time) still there, and not a zombie?"""
    fields = _stat_fields(proc[0])
    if fields is None or len(fields) <= 19:
        return False
    return int(fields[19]) == proc[1] and fields[0] != "Z"


def kill_procs(procs: list[Proc], sig: int = signal.SIGKILL) -> None:
    """Signal each process that is still the one that was seen."""
    for proc in procs:
        if alive(proc):
            try:
                os.kill(proc[0], sig)
            except (ProcessLookupError, PermissionError):
                pass


def stop_tree(pid: int | None = None) -> None:
    """SIGKILL every process below ``pid`` (default: this process), e.g. a worker's kernels."""
    kill_procs(descendants(os.getpid() if pid is None else pid))


def stdout_gone(fd: int = 1) -> bool:
    """True when ``fd`` is a pipe or socket whose reader has gone (writing would fail)."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return True
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # POLLERR and POLLHUP are always reported
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


class StopRequest:
    """SIGTERM/SIGHUP (or a vanished stdout) as a flag the pool's loop checks; a context manager.

    Handlers are only installed from the main thread (Python allows no other), and the
    previous ones come back on exit.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.reason = ""
        self._old: dict[int, Callable[..., object] | int | None] = {}

    def _handle(self, signum: int, frame: types.FrameType | None) -> None:
        self.reason = self.reason or f"received {signal.Signals(signum).name}"

    def check(self) -> str:
        """Why the run must stop ('' to go on)."""
        if not self.reason and stdout_gone():
            self.reason = "the output it was writing to was closed"
        return self.reason

    def __enter__(self) -> StopRequest:
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        self._old.clear()


__all__ = ["PR_SET_PDEATHSIG", "Proc", "StopRequest", "alive", "descendants", "die_with_parent",
           "kill_procs", "stdout_gone", "stop_tree"]
