"""One learner kernel: start it (sandboxed), run a cell under caps and a timeout, stop it.

Built on jupyter_client's public API only. Why not nbclient's ``NotebookClient`` loop: the
grader must (1) never send a test cell to the kernel, (2) cap output by characters as each
message arrives, (3) kill the kernel when an interrupted cell has not stopped after
:data:`INTERRUPT_GRACE` seconds (nbclient waits for the reply of a cell that ignores SIGINT),
and (4) skip, not fail on, a message that a learner forged or that ``MAXMSGSIZE`` cut off
(nbclient raises on an invalid signature). Those are each a few lines here.

* Sockets refuse any single ZeroMQ message over :data:`MAX_MESSAGE_BYTES` and retry
  connecting every :data:`RECONNECT_MS` ms: both are *default socket options of the ZeroMQ
  context* the client is given (``zmq.Context.setsockopt``), so no private client method is
  overridden.
* The ready wait is jupyter_client's ``wait_for_ready`` protocol (``kernel_info`` until a
  reply and one IOPub message arrive) without its fixed 0.2 s IOPub flush: every reader here
  matches messages to its own request's ``msg_id``, so stale messages need no flushing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.session import Session

from hcai import paths
from hcai.engine import sandbox
from hcai.engine.outputs import OutputCollector
from hcai.judge.channel import KernelGone

log = logging.getLogger(__name__)

#: Largest ZeroMQ message the grader accepts from a kernel; a bigger one drops the message.
MAX_MESSAGE_BYTES = 96 * 1024 * 1024
#: How long an interrupted cell has to stop before the kernel is killed.
INTERRUPT_GRACE = 3.0
#: How long a fresh kernel has to answer.
STARTUP_TIMEOUT = 60.0
#: Milliseconds between attempts to reach a kernel's sockets that do not exist yet.
RECONNECT_MS = 10
#: Largest submission folder copied into the sandbox.
MAX_SUBMISSION_BYTES = 100 * 1024 * 1024
_POLL = 0.02


class TolerantKernelClient(BlockingKernelClient):
    """A client that drops, instead of raising on, a message that is not a valid Jupyter message.

    A learner can write to the kernel's sockets, and an oversized message is cut off by
    ``MAXMSGSIZE``: such a message must be skipped like any message that is not the awaited
    reply, never stop the grading run.
    """

    def get_shell_msg(self, *args: Any, **kwargs: Any) -> dict:
        return _or_dropped(super().get_shell_msg, *args, **kwargs)

    def get_iopub_msg(self, *args: Any, **kwargs: Any) -> dict:
        return _or_dropped(super().get_iopub_msg, *args, **kwargs)


def _or_dropped(receive: Any, *args: Any, **kwargs: Any) -> dict:
    try:
        return receive(*args, **kwargs)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        log.debug("dropped an invalid kernel message", exc_info=True)
        return {}


def capped_context() -> zmq.Context:
    """A ZeroMQ context whose new sockets refuse huge messages and reconnect quickly."""
    context = zmq.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    context.setsockopt(zmq.LINGER, 1000)
    return context


def wait_for_ready(kc: BlockingKernelClient, alive: Any, timeout: float) -> None:
    """Return once the kernel answered ``kernel_info`` and IOPub delivers; raise otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        resend = min(deadline, time.monotonic() + 1.0)
        reply = None
        while reply is None and time.monotonic() < resend:
            try:
                msg = kc.get_shell_msg(timeout=_POLL * 5)
            except queue.Empty:
                if not alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                reply = msg
        if reply is not None:
            try:
                kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                pass  # IOPub not connected yet: ask again, as jupyter_client does
            else:
                _adapt_protocol(kc.session, reply)
                return
        if not alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def _adapt_protocol(session: Session, reply: dict) -> None:
    """What jupyter_client does with a kernel_info reply: talk the kernel's protocol version."""
    version = str((reply.get("content") or {}).get("protocol_version", "5"))
    with contextlib.suppress(ValueError):
        major = int(version.split(".")[0])
        if major != 5:
            session.adapt_version = major


def merge_kernel_args(defaults: list[str], extra: list[str]) -> list[str]:
    """``defaults`` then ``extra``; a ``--Name.trait=`` given twice keeps ``extra``'s value.

    traitlets refuses a kernel command line that sets one trait twice (the kernel exits).
    """
    def key(arg: str) -> str:
        return arg.split("=", 1)[0] if arg.startswith("--") and "=" in arg else arg

    overridden = {key(a) for a in extra}
    return [a for a in defaults if key(a) not in overridden] + list(extra)


def kill_now(km: sandbox.SandboxKernelManager) -> None:
    """SIGKILL the kernel's process group and reap it without jupyter_client's 0.1 s polls."""
    process = getattr(km.provisioner, "process", None)
    if process is None:
        return
    pgid = getattr(km.provisioner, "pgid", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        # never our own group (the grading worker's): then the kernel process alone
        if pgid and pgid != os.getpgid(0):
            os.killpg(pgid, signal.SIGKILL)
        else:
            process.kill()
    with contextlib.suppress(Exception):
        process.wait(timeout=5)


class LearnerKernel:
    """One learner kernel with a scratch working folder; sandboxed unless told otherwise.

    :meth:`start` may run before the submission is known (a spare kernel, see
    :mod:`hcai.engine.pool`): :meth:`load` then copies the submission's files into the
    kernel's working folder. Passing ``workdir`` to the constructor loads it at start.
    """

    def __init__(self, workdir: Path | None = None, *, sandboxed: bool,
                 limits: sandbox.Limits | None = None, repo_root: Path | None = None,
                 extra_arguments: list[str] | None = None,
                 startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self.workdir = Path(workdir) if workdir is not None else None
        self.sandboxed = sandboxed
        self.limits = limits or sandbox.Limits()
        self.repo_root = repo_root or paths.ROOT
        self.extra_arguments = list(extra_arguments or [])
        self.startup_timeout = float(startup_timeout)
        self.scratch = Path(tempfile.mkdtemp(prefix="hcai-grade-"))
        self.input_dir = self.scratch / "in"
        self.run_dir = self.scratch / "run"
        self.km: sandbox.SandboxKernelManager | None = None
        self.kc: BlockingKernelClient | None = None
        self.context: zmq.Context | None = None
        self.dead = False
        self.death_reason = ""
        self.loaded = False

    # lifecycle ------------------------------------------------------------------------------
    def _manager(self) -> tuple[sandbox.SandboxKernelManager, str, dict[str, str]]:
        extra = merge_kernel_args(sandbox.kernel_extra_args(), self.extra_arguments)
        if self.sandboxed:
            layout = sandbox.SandboxLayout(
                run_dir=self.run_dir, input_dir=self.input_dir, repo_root=self.repo_root,
                readonly=sandbox.default_readonly(self.repo_root))
            km = sandbox.SandboxKernelManager(
                layout=layout, limits=self.limits, transport="ipc", ip=str(self.run_dir / "k"),
                connection_file=str(self.run_dir / "kernel.json"), extra_kernel_args=extra)
            return km, str(self.run_dir), {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        km = sandbox.SandboxKernelManager(
            layout=None, connection_file=str(self.run_dir / "kernel.json"), extra_kernel_args=extra)
        env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}
        return km, str(self.input_dir), env

    def start(self) -> None:
        """Start the kernel and wait until it answers; a failure marks it dead, never raises."""
        self.run_dir.mkdir(exist_ok=True)
        self.input_dir.mkdir(exist_ok=True)
        if self.workdir is not None:
            self._copy_in(self.workdir)
        km, cwd, env = self._manager()
        km.client_class = "hcai.engine.kernel.TolerantKernelClient"
        km.autorestart = False
        km.prepare_connection_file()
        self.km = km
        try:
            with open(os.devnull, "wb") as out, open(os.devnull, "wb") as err:
                km.start_kernel(cwd=cwd, env=env, stdout=out, stderr=err)
            self.context = capped_context()
            kc = km.client(context=self.context)
            kc.start_channels()
            self.kc = kc
            wait_for_ready(kc, km.is_alive, self.startup_timeout)
        except Exception as exc:  # noqa: BLE001 -- e.g. a submission too big for the tmpfs
            self._mark_dead(f"the kernel did not start ({type(exc).__name__}: {exc})")
        self.loaded = self.workdir is not None

    def _copy_in(self, workdir: Path) -> None:
        if workdir.is_dir():
            sandbox.copy_submission(workdir, self.input_dir, max_bytes=MAX_SUBMISSION_BYTES)

    def load(self, workdir: Path, timeout: float = 30.0) -> None:
        """Give a kernel started without a submission the files of ``workdir``.

        The input folder is bound read-only into the sandbox, so files copied there now are
        visible inside it; the kernel copies them into its working folder, as the sandbox's
        pre-exec step does for a kernel started with its submission.
        """
        if self.loaded:
            return
        self.workdir = Path(workdir)
        self._copy_in(self.workdir)
        self.loaded = True
        if not self.sandboxed:
            return  # the kernel's working folder is the input folder itself
        code = (f"import shutil as _s; _s.copytree({sandbox.SANDBOX_INPUT!r}, '.', symlinks=True, "
                "dirs_exist_ok=True); del _s")
        collector = OutputCollector(10_000, [10_000])
        status, _ = self.run_cell(code, timeout, collector, silent=True)
        if status != "ok":
            self._mark_dead("the submission's files could not be copied into the sandbox")

    def close(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                kill_now(self.km)
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 -- cleanup must not hide the grade
            log.debug("kernel shutdown failed", exc_info=True)
        finally:
            if self.km is not None:
                with contextlib.suppress(Exception):
                    self.km.cleanup_resources()
            if self.context is not None:
                with contextlib.suppress(Exception):
                    self.context.destroy(linger=0)
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _mark_dead(self, reason: str) -> None:
        self.dead = True
        self.death_reason = self.death_reason or reason
        if self.km is not None:
            with contextlib.suppress(Exception):
                self.km.shutdown_kernel(now=True)

    def alive(self) -> bool:
        if self.dead or self.km is None:
            return False
        try:
            ok = self.km.is_alive()
        except Exception:  # noqa: BLE001
            ok = False
        if not ok:
            self._mark_dead("the kernel stopped (it may have run out of memory or been exited)")
        return ok

    def interrupt_or_kill(self, msg_id: str, wait_reply: bool) -> bool:
        """Interrupt; True if the kernel went idle within the grace period, else kill it."""
        assert self.km is not None and self.kc is not None
        with contextlib.suppress(Exception):
            self.km.interrupt_kernel()
        end = time.monotonic() + INTERRUPT_GRACE
        while time.monotonic() < end:
            try:
                msg = (self.kc.get_shell_msg(timeout=0.2) if wait_reply
                       else self.kc.get_iopub_msg(timeout=0.2))
            except queue.Empty:
                if not self.alive():
                    return False
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if wait_reply and msg.get("msg_type") == "execute_reply":
                return True
            if (not wait_reply and msg.get("msg_type") == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return True
        self._mark_dead("the kernel did not stop when interrupted, so it was stopped")
        return False

    # learner cells -------------------------------------------------------------------------
    def run_cell(self, code: str, timeout: float, outputs: OutputCollector,
                 silent: bool = False, interrupt: bool = True) -> tuple[str, int | None]:
        """Run one learner cell; returns (status, execution_count), status ok|error|timeout|dead.

        On timeout the kernel is interrupted (then killed if it does not stop), or killed at
        once when ``interrupt`` is False (nbgrader's ``Execute.interrupt_on_timeout``).
        """
        if not self.alive():
            return "dead", None
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=silent, store_history=not silent,
                                 allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        count = None
        status = "ok"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                outputs.error_output("CellTimeoutError",
                                     f"This cell took longer than {timeout:g} seconds and was stopped.",
                                     [])
                if interrupt:
                    self.interrupt_or_kill(msg_id, wait_reply=False)
                else:
                    self._mark_dead("a cell ran too long, so the kernel was stopped")
                return "timeout", count
            try:
                msg = self.kc.get_iopub_msg(timeout=min(0.5, remaining))
            except queue.Empty:
                if not self.alive():
                    return "dead", count
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg.get("msg_type")
            content = msg.get("content") or {}
            if kind == "status" and content.get("execution_state") == "idle":
                return status, count
            if kind == "execute_input":
                count = content.get("execution_count")
            elif kind == "error":
                status = "error"
            if kind != "execute_input":
                outputs.handle(str(kind), content)


__all__ = ["INTERRUPT_GRACE", "KernelGone", "LearnerKernel", "MAX_MESSAGE_BYTES", "RECONNECT_MS",
           "STARTUP_TIMEOUT", "TolerantKernelClient", "capped_context", "kill_now", "merge_kernel_args",
           "wait_for_ready"]
