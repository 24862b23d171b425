"""Run a submission: learner cells in a (sandboxed) kernel, test cells in this process.

:func:`execute_notebook` is the whole story; :class:`TrustedExecute` wraps it as the execute
step of nbgrader's autograde (``Autograde.autograde_preprocessors``), so grades still land in
the gradebook through nbgrader's own ``SaveAutoGrades``.

* Learner cells (solution cells, read-only setup cells, anything not a test) run in a fresh
  kernel whose working folder is a scratch copy of the submission folder. With
  ``sandbox=True`` that kernel runs under bubblewrap (:mod:`hcai.sandbox`) and talks over the
  ``ipc`` transport. Each cell has a wall-clock timeout (interrupt, then kill) and an output cap
  in characters; a dead kernel leaves the remaining cells unrun, never the grader stuck.
* Test cells (nbgrader ``grade: true, solution: false`` code cells) never reach the kernel.
  They run here through :func:`hcai.verdict.run_test_source`; every learner name they read is
  fetched as plain data (:mod:`hcai.crossing`), and learner functions are called in the kernel
  with JSON arguments. A failing test gets one ``error`` output with a friendly message, which
  ``SaveAutoGrades`` scores as 0.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import queue
import re
import secrets
import shutil
import signal
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.blocking.client import BlockingKernelClient
from nbformat import NotebookNode
from traitlets import Bool, Integer

from hcai import crossing, paths, sandbox, verdict

log = logging.getLogger(__name__)

#: Characters of output one learner cell may leave in the notebook.
MAX_CELL_OUTPUT_CHARS = 100_000
#: Characters of output one notebook may hold in all.
MAX_NOTEBOOK_OUTPUT_CHARS = 1_000_000
#: Largest ZeroMQ message the grader accepts from a kernel; a bigger one drops the connection.
MAX_MESSAGE_BYTES = 96 * 1024 * 1024
#: Largest reply (characters of base64) accepted for one fetched value.
MAX_REPLY_CHARS = crossing.MAX_JSON_CHARS * 4 // 3 + 16
#: How long an interrupted cell has to stop before the kernel is killed.
INTERRUPT_GRACE = 3.0
#: How long a fresh kernel has to answer.
STARTUP_TIMEOUT = 60.0
#: Milliseconds between attempts to reach a kernel's sockets that do not exist yet.
RECONNECT_MS = 10
#: Polling step while waiting for a kernel to start or to exit (seconds).
_POLL = 0.02

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"

_B64 = re.compile(r"^'([A-Za-z0-9+/=]*)'$")


@dataclass
class CellResult:
    """What happened to one code cell.

    ``kind`` is ``"test"`` (run in the grader) or ``"code"`` (run in the learner's kernel).
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


class CappedKernelClient(BlockingKernelClient):
    """A client whose sockets drop any single message larger than :data:`MAX_MESSAGE_BYTES`."""

    def _create_connected_socket(self, channel: str, identity: bytes | None = None):
        import zmq
        from jupyter_client.connect import channel_socket_types

        url = self._make_url(channel)
        sock = self.context.socket(channel_socket_types[channel])
        sock.linger = 1000
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        # The client connects before the kernel has made its sockets; zmq's default 100 ms
        # between connection attempts would be pure waiting on every kernel start.
        sock.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        if identity:
            sock.identity = identity
        sock.connect(url)
        return sock

    # A message that fails its signature check or cannot be parsed (a learner can write to the
    # kernel's sockets; an oversized message is cut off by MAXMSGSIZE) is dropped like any other
    # message that is not the reply being waited for: it must never stop the grading run.
    def get_shell_msg(self, *args: Any, **kwargs: Any) -> dict:
        return _or_dropped(super().get_shell_msg, *args, **kwargs)

    def get_iopub_msg(self, *args: Any, **kwargs: Any) -> dict:
        return _or_dropped(super().get_iopub_msg, *args, **kwargs)


def _or_dropped(receive: Any, *args: Any, **kwargs: Any) -> dict:
    """``receive()``, or an empty message when what arrived was not a valid Jupyter message."""
    try:
        return receive(*args, **kwargs)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        log.debug("dropped an invalid kernel message", exc_info=True)
        return {}


# --------------------------------------------------------------------------------------------
# outputs


class _Outputs:
    """Collect one cell's outputs under a character cap shared with the whole notebook."""

    def __init__(self, cell_cap: int, budget: list[int]) -> None:
        self.items: list[NotebookNode] = []
        self.cap = cell_cap
        self.used = 0
        self.budget = budget  # one-element list: characters left for the notebook
        self.truncated = False
        self._clear_pending = False
        self.error: tuple[str, str] | None = None

    def _room(self) -> int:
        return max(0, min(self.cap - self.used, self.budget[0]))

    def _spend(self, n: int) -> None:
        self.used += n
        self.budget[0] -= n

    def _note_truncated(self) -> None:
        if not self.truncated:
            self.truncated = True
            self.items.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n[output truncated: a cell may show at most {self.cap:,} characters]\n"))

    def _maybe_clear(self) -> None:
        if self._clear_pending:
            self.items = [o for o in self.items if o.get("output_type") == "error"]
            self._clear_pending = False

    def stream(self, name: str, text: str) -> None:
        self._maybe_clear()
        if self.truncated:
            return
        name = "stderr" if name == "stderr" else "stdout"
        room = self._room()
        piece = text[:room]
        if piece:
            last = self.items[-1] if self.items else None
            if last is not None and last.output_type == "stream" and last.name == name:
                last.text += piece
            else:
                self.items.append(nbformat.v4.new_output("stream", name=name, text=piece))
            self._spend(len(piece))
        if len(piece) < len(text):
            self._note_truncated()

    def data(self, kind: str, content: dict) -> None:
        self._maybe_clear()
        if self.truncated:
            return
        data = content.get("data") or {}
        if not isinstance(data, dict):
            return
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
        if size > self._room():
            self._note_truncated()
            return
        self._spend(size)
        if kind == "execute_result":
            out = nbformat.v4.new_output("execute_result", data=data,
                                         metadata=content.get("metadata") or {},
                                         execution_count=content.get("execution_count"))
        else:
            out = nbformat.v4.new_output("display_data", data=data,
                                         metadata=content.get("metadata") or {})
        self.items.append(out)

    def error_output(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._maybe_clear()
        ename, evalue = str(ename)[:200], str(evalue)[:2000]
        lines: list[str] = []
        room = min(20_000, max(2_000, self._room()))
        for line in traceback or []:
            line = str(line)
            if len(line) > room:
                lines.append(line[:room] + " [...]")
                break
            lines.append(line)
            room -= len(line)
        self.error = (ename, evalue)
        self.items.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                 traceback=lines or [f"{ename}: {evalue}"]))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_pending = True
        else:
            self._clear_pending = True
            self._maybe_clear()


# --------------------------------------------------------------------------------------------
# the learner's kernel


def _wait_for_ready(kc: BlockingKernelClient, km: sandbox.SandboxKernelManager,
                    timeout: float) -> None:
    """Like ``kc.wait_for_ready``, minus its fixed sleeps.

    jupyter_client ends every start with a 0.2 s silence on IOPub; here IOPub counts as
    connected once any message arrives after the ``kernel_info_reply`` (the kernel's busy/idle
    status for that request), and stale messages need no flushing: every reader below
    matches replies and outputs to its own request's ``msg_id``.
    """
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        resend = min(deadline, time.monotonic() + 1.0)
        reply = None
        while reply is None and time.monotonic() < resend:
            try:
                msg = kc.get_shell_msg(timeout=_POLL * 5)
            except queue.Empty:
                if not km.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
                continue
            if msg.get("msg_type") == "kernel_info_reply":
                reply = msg
        if reply is not None:
            try:
                kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                pass  # IOPub not connected yet: ask again, as jupyter_client does
            else:
                kc._handle_kernel_info_reply(reply)
                return
        if not km.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def _kill_now(km: sandbox.SandboxKernelManager) -> None:
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


class KernelGone(RuntimeError):
    """The learner's kernel died or was killed."""


class LearnerKernel:
    """One learner kernel with a scratch working folder; sandboxed unless told otherwise."""

    def __init__(self, workdir: Path, *, sandboxed: bool, limits: sandbox.Limits,
                 repo_root: Path | None = None) -> None:
        self.workdir = Path(workdir)
        self.sandboxed = sandboxed
        self.limits = limits
        self.repo_root = repo_root or paths.ROOT
        self.scratch = Path(tempfile.mkdtemp(prefix="hcai-grade-"))
        self.km: sandbox.SandboxKernelManager | None = None
        self.kc: BlockingKernelClient | None = None
        self.dead = False
        self.death_reason = ""
        self._helper = f"_hcai_{secrets.token_hex(8)}"
        self._helper_defined = False

    # lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        scratch = self.scratch
        input_dir = scratch / "in"
        run_dir = scratch / "run"
        run_dir.mkdir()
        if self.workdir.is_dir():
            sandbox.copy_submission(self.workdir, input_dir, max_bytes=100 * 1024 * 1024)
        else:
            input_dir.mkdir()
        if self.sandboxed:
            layout = sandbox.SandboxLayout(
                run_dir=run_dir, input_dir=input_dir, repo_root=self.repo_root,
                readonly=sandbox.default_readonly(self.repo_root))
            km = sandbox.SandboxKernelManager(
                layout=layout, limits=self.limits, transport="ipc", ip=str(run_dir / "k"),
                connection_file=str(run_dir / "kernel.json"),
                extra_kernel_args=sandbox.kernel_extra_args())
            cwd = str(run_dir)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            km = sandbox.SandboxKernelManager(
                layout=None, connection_file=str(run_dir / "kernel.json"),
                extra_kernel_args=sandbox.kernel_extra_args())
            cwd = str(input_dir)
            env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}
        km.client_class = "hcai.grading.execute.CappedKernelClient"
        km.autorestart = False
        km.prepare_connection_file()
        self.km = km
        try:
            km.start_kernel(cwd=cwd, env=env, stdout=open(os.devnull, "wb"),
                            stderr=open(os.devnull, "wb"))
            kc = km.client()
            kc.start_channels()
            self.kc = kc
            _wait_for_ready(kc, km, STARTUP_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 -- e.g. a submission too big for the tmpfs
            self._mark_dead(f"the kernel did not start ({type(exc).__name__}: {exc})")

    def close(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                _kill_now(self.km)
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 -- cleanup must not hide the grade
            log.debug("kernel shutdown failed", exc_info=True)
        finally:
            if self.km is not None:
                with contextlib.suppress(Exception):
                    self.km.cleanup_resources()
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

    def _interrupt_or_kill(self, msg_id: str, wait_reply: bool) -> bool:
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
    def run_cell(self, source: str, timeout: float, outputs: _Outputs) -> tuple[str, int | None]:
        """Run one learner cell; returns (status, execution_count), status ok|error|timeout|dead."""
        if not self.alive():
            return "dead", None
        assert self.kc is not None
        msg_id = self.kc.execute(source, silent=False, store_history=True, allow_stdin=False,
                                 stop_on_error=False)
        deadline = time.monotonic() + timeout
        count = None
        status = "ok"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                outputs.error_output("CellTimeoutError",
                                     f"This cell took longer than {timeout:g} seconds and was stopped.",
                                     [])
                self._interrupt_or_kill(msg_id, wait_reply=False)
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
            elif kind == "stream":
                outputs.stream(str(content.get("name")), str(content.get("text", "")))
            elif kind in ("display_data", "execute_result"):
                outputs.data(kind, content)
            elif kind == "error":
                status = "error"
                outputs.error_output(content.get("ename", "Error"), content.get("evalue", ""),
                                     content.get("traceback") or [])
            elif kind == "clear_output":
                outputs.clear(bool(content.get("wait")))

    # plain-data requests -------------------------------------------------------------------
    def _request(self, code: str, expression: str, timeout: float) -> str:
        """Run ``code`` silently, then evaluate ``expression``; return its base64 text."""
        if not self.alive():
            raise KernelGone(self.death_reason)
        assert self.kc is not None
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 stop_on_error=False, user_expressions={"r": expression})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._interrupt_or_kill(msg_id, wait_reply=True)
                raise TimeoutError(f"no answer within {timeout:g} seconds")
            try:
                msg = self.kc.get_shell_msg(timeout=min(0.5, remaining))
            except queue.Empty:
                if not self.alive():
                    raise KernelGone(self.death_reason) from None
                continue
            # Only the reply to this very request counts; anything else is skipped.
            if (msg.get("parent_header", {}).get("msg_id") != msg_id
                    or msg.get("msg_type") != "execute_reply"):
                continue
            content = msg.get("content") or {}
            if content.get("status") != "ok":
                raise RuntimeError("the kernel could not run the check")
            result = (content.get("user_expressions") or {}).get("r") or {}
            if not isinstance(result, dict):
                raise RuntimeError("unexpected reply")
            if result.get("status") != "ok":
                ename = str(result.get("ename", "Error"))[:100]
                evalue = str(result.get("evalue", ""))[:300]
                raise _LearnerSideError(ename, evalue)
            text = (result.get("data") or {}).get("text/plain")
            if not isinstance(text, str):
                raise RuntimeError("unexpected reply")
            if len(text) > MAX_REPLY_CHARS:
                raise _TooLarge()
            match = _B64.match(text)
            if match is None:
                raise RuntimeError("unexpected reply")
            return match.group(1)

    def _setup_code(self) -> str:
        # Defined afresh for every request, in a private dict under an unpredictable name,
        # so earlier learner cells cannot have replaced it.
        return f"{self._helper} = {{}}\nexec({_KERNEL_HELPERS!r}, {self._helper})\n"

    def fetch(self, name: str, timeout: float) -> Any:
        if not name.isidentifier():
            raise verdict.AnswerMissing(name)
        try:
            b64 = self._request(self._setup_code(), f"{self._helper}['_hcai_reply']({name})",
                                timeout)
        except _LearnerSideError as exc:
            if exc.ename == "NameError":
                raise verdict.AnswerMissing(name) from None
            raise ValueError(f"reading `{name}` raised {exc.ename}") from None
        except _TooLarge:
            return crossing.Unsupported("value too large to check")
        return crossing.loads(base64.b64decode(b64).decode("utf-8"))

    def call(self, name: str, args: tuple, kwargs: dict, timeout: float) -> Any:
        if not name.isidentifier():
            raise verdict.AnswerMissing(name)
        payload = base64.b64encode(crossing.dumps([list(args), dict(kwargs)]).encode()).decode()
        try:
            b64 = self._request(self._setup_code(),
                                f"{self._helper}['_hcai_call']({name}, {payload!r})", timeout)
        except _LearnerSideError as exc:
            if exc.ename == "NameError" and name in exc.evalue:
                raise verdict.AnswerMissing(name) from None
            raise LearnerCallError(f"Your function `{name}` raised {exc.ename} ({exc.evalue}) "
                                   "when the tests called it.") from None
        except _TooLarge:
            return crossing.Unsupported("value too large to check")
        return crossing.loads(base64.b64decode(b64).decode("utf-8"))


class _LearnerSideError(Exception):
    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class _TooLarge(Exception):
    pass


class LearnerCallError(verdict.LearnerError):
    """The learner's function raised (or could not be reached) when a test called it."""


_KERNEL_HELPERS = crossing.ENCODER_SOURCE + r'''

def _hcai_reply(value):
    import base64 as _b, json as _j
    return _b.b64encode(_j.dumps(_hcai_encode(value), allow_nan=False).encode("utf-8")).decode("ascii")


def _hcai_call(func, payload):
    import base64 as _b
    from hcai.crossing import loads as _loads
    args, kwargs = _loads(_b.b64decode(payload).decode("utf-8"))
    return _hcai_reply(func(*args, **kwargs))
'''


class KernelFetcher:
    """:class:`hcai.verdict.Fetcher` that reads values out of a :class:`LearnerKernel`."""

    def __init__(self, kernel: LearnerKernel, timeout: float) -> None:
        self.kernel = kernel
        self.timeout = timeout

    def _gone(self) -> LearnerCallError:
        return LearnerCallError("Your notebook stopped running before this check "
                                f"({self.kernel.death_reason or 'the kernel stopped'}), "
                                "so it could not be checked.")

    def fetch(self, name: str) -> Any:
        try:
            return self.kernel.fetch(name, self.timeout)
        except KernelGone:
            raise self._gone() from None
        except TimeoutError:
            raise LearnerCallError(f"Reading `{name}` took too long, so it could not be "
                                   "checked.") from None

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            return self.kernel.call(name, args, kwargs, self.timeout)
        except KernelGone:
            raise self._gone() from None
        except TimeoutError:
            raise LearnerCallError(f"Your function `{name}` took longer than "
                                   f"{self.timeout:g} seconds when the tests called it.") from None


# --------------------------------------------------------------------------------------------
# the notebook


def _nbgrader(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell: NotebookNode, test_cell_ids: set[str] | None = None) -> bool:
    """A test cell: an nbgrader grade cell without a solution (or an id the gradebook knows)."""
    if cell.get("cell_type") != "code":
        return False
    meta = _nbgrader(cell)
    if test_cell_ids is not None:
        return meta.get("grade_id") in test_cell_ids
    return bool(meta.get("grade")) and not bool(meta.get("solution"))


def _source(cell: NotebookNode) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def execute_notebook(nb: NotebookNode, workdir: Path, *, sandbox: bool, timeout: int = 30,
                     allow_unsandboxed: bool = False, limits: sandbox.Limits | None = None,
                     test_cell_ids: set[str] | None = None,
                     max_cell_output: int = MAX_CELL_OUTPUT_CHARS,
                     max_notebook_output: int = MAX_NOTEBOOK_OUTPUT_CHARS,
                     total_timeout: float | None = None,
                     ) -> tuple[NotebookNode, list[CellResult], dict]:
    """Run ``nb`` as the grader does; see the module docstring.

    ``test_cell_ids`` (from the gradebook) overrides the cells' own metadata in deciding which
    cells are tests. ``total_timeout`` (default 20 x ``timeout``) bounds the whole notebook.
    Raises :class:`hcai.sandbox.SandboxUnavailable` when ``sandbox`` is asked for, bwrap is
    missing and ``allow_unsandboxed`` is False.
    """
    info: dict[str, Any] = {"kernel_died": False, "timed_out_cells": [],
                            "output_truncated": False, "errors": [], "sandboxed": False}
    use_sandbox = False
    if sandbox:
        use_sandbox = _sandbox_module().require(allow_unsandboxed)
        if not use_sandbox:
            msg = ("bubblewrap is not available: learner code ran WITHOUT a sandbox, "
                   "with the grader's rights (allowed by --unsandboxed)")
            log.warning(msg)
            info["errors"].append(msg)
    info["sandboxed"] = use_sandbox
    limits = limits or _sandbox_module().Limits()
    total = float(total_timeout if total_timeout is not None else 20 * timeout)
    started = time.monotonic()
    budget = [max_notebook_output]
    results: list[CellResult] = []

    kernel = LearnerKernel(Path(workdir), sandboxed=use_sandbox, limits=limits)
    fetcher = KernelFetcher(kernel, timeout=float(timeout))
    namespace = verdict.TrustedNamespace(fetcher)
    try:
        kernel.start()
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") != "code":
                continue
            meta = _nbgrader(cell)
            grade_id = meta.get("grade_id")
            source = _source(cell)
            cell.outputs = []
            outputs = _Outputs(max_cell_output, budget)
            if is_test_cell(cell, test_cell_ids):
                points = float(meta.get("points", 0) or 0)
                result = _run_test(source, namespace, outputs, index, grade_id, points)
                cell.execution_count = None
            elif HIDDEN_BEGIN in source:
                # Hidden tests must never reach the learner's kernel, whatever the metadata says.
                outputs.error_output("NotRun", "This cell holds hidden tests but is not marked "
                                     "as a test cell, so it was not run.", [])
                result = CellResult(index, grade_id, "code", False, "hidden tests outside a test "
                                    "cell: not run", None)
            elif time.monotonic() - started > total:
                outputs.error_output("NotRun", f"The notebook took longer than {total:g} seconds "
                                     "in all; this cell was not run.", [])
                result = CellResult(index, grade_id, "code", False, "not run: notebook time limit",
                                    None)
            else:
                status, count = kernel.run_cell(source, float(timeout), outputs)
                cell.execution_count = count
                namespace.forget_learner_values()
                if status == "timeout":
                    info["timed_out_cells"].append(index)
                if status == "dead":
                    outputs.error_output("DeadKernelError", "This cell could not run: "
                                         f"{kernel.death_reason or 'the kernel stopped'}.", [])
                message = {"ok": "", "error": "raised an error", "timeout": "timed out",
                           "dead": "not run: " + (kernel.death_reason or "kernel stopped")}[status]
                if status == "error" and outputs.error:
                    message = f"raised {outputs.error[0]}"
                result = CellResult(index, grade_id, "code", status == "ok", message, None)
            cell.outputs = outputs.items
            info["output_truncated"] = info["output_truncated"] or outputs.truncated
            results.append(result)
    finally:
        info["kernel_died"] = kernel.dead
        if kernel.dead and kernel.death_reason:
            info["errors"].append(kernel.death_reason)
        kernel.close()
    return nb, results, info


def _sandbox_module():
    # the `sandbox` keyword shadows the module name inside execute_notebook
    return sandbox


def _run_test(source: str, namespace: verdict.TrustedNamespace, outputs: _Outputs, index: int,
              grade_id: str | None, points: float) -> CellResult:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = verdict.run_test_source(source, namespace)
    printed = buf.getvalue()
    if printed and HIDDEN_BEGIN not in source:
        outputs.stream("stdout", printed)
    if result.passed:
        return CellResult(index, grade_id, "test", True, "", points)
    out = result.as_output()
    if out is not None:
        outputs.error_output(out["ename"], out["evalue"], out["traceback"])
    return CellResult(index, grade_id, "test", False, result.message, 0.0)


# --------------------------------------------------------------------------------------------
# nbgrader


def _gradebook_tests(resources: dict) -> tuple[set[str] | None, dict[str, str], dict[str, float]]:
    """Test-cell ids, their true sources and points, from the gradebook (None without one)."""
    nbg = resources.get("nbgrader") or {}
    db_url, notebook_id, assignment_id = nbg.get("db_url"), nbg.get("notebook"), nbg.get("assignment")
    if not (db_url and notebook_id and assignment_id):
        return None, {}, {}
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(db_url) as gb:
            notebook = gb.find_notebook(notebook_id, assignment_id)
            solution_ids = {c.name for c in notebook.solution_cells}
            grade_cells = {c.name: c for c in notebook.grade_cells if c.cell_type == "code"}
            test_ids = set(grade_cells) - solution_ids
            sources = {c.name: c.source for c in notebook.source_cells if c.name in test_ids}
            points = {name: float(grade_cells[name].max_score) for name in test_ids}
    except MissingEntry:
        return None, {}, {}
    return test_ids, sources, points


try:  # nbgrader is only needed for TrustedExecute; learners' validate works without it
    from nbgrader.preprocessors import Execute as _NbgraderExecute
except Exception:  # pragma: no cover  # noqa: BLE001
    _NbgraderExecute = object  # type: ignore[misc,assignment]


class TrustedExecute(_NbgraderExecute):  # type: ignore[misc,valid-type]
    """nbgrader's execute step, with learner code sandboxed and verdicts decided here."""

    sandbox = Bool(True, help="Run learner kernels under bubblewrap.").tag(config=True)
    allow_unsandboxed = Bool(
        False, help="Where bubblewrap is missing, run learner code unsandboxed anyway "
                    "(it then runs with the grader's rights).").tag(config=True)
    cpu_seconds = Integer(300, help="CPU seconds for one learner kernel.").tag(config=True)
    memory_mb = Integer(2048, help="Address-space limit of the learner kernel (MB).").tag(config=True)
    max_processes = Integer(64, help="Processes/threads the sandbox user may run.").tag(config=True)
    file_size_mb = Integer(64, help="Largest file the learner kernel may write (MB).").tag(config=True)
    open_files = Integer(256, help="Open files for the learner kernel.").tag(config=True)
    max_cell_output = Integer(MAX_CELL_OUTPUT_CHARS, help="Characters of output per cell.").tag(config=True)
    max_notebook_output = Integer(MAX_NOTEBOOK_OUTPUT_CHARS,
                                  help="Characters of output per notebook.").tag(config=True)

    def limits(self) -> sandbox.Limits:
        return sandbox.Limits(cpu_seconds=self.cpu_seconds, address_space_mb=self.memory_mb,
                              file_size_mb=self.file_size_mb, processes=self.max_processes,
                              open_files=self.open_files)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        path = Path((resources.get("metadata") or {}).get("path") or ".")
        test_ids, sources, points = _gradebook_tests(resources)
        if test_ids is not None:
            # The gradebook, not the submission, says which cells are tests and what they hold.
            for cell in nb.cells:
                grade_id = _nbgrader(cell).get("grade_id")
                if cell.get("cell_type") == "code" and grade_id in test_ids:
                    meta = cell.metadata.setdefault("nbgrader", {})
                    meta["grade"], meta["solution"] = True, False
                    meta["points"] = points[grade_id]
                    if grade_id in sources:
                        cell.source = sources[grade_id]
        nb, results, info = execute_notebook(
            nb, path, sandbox=self.sandbox, timeout=int(self.timeout or 30),
            allow_unsandboxed=self.allow_unsandboxed, limits=self.limits(),
            test_cell_ids=test_ids, max_cell_output=self.max_cell_output,
            max_notebook_output=self.max_notebook_output)
        resources["hcai"] = {**info, "results": [asdict(r) for r in results]}
        if info["kernel_died"] or info["timed_out_cells"] or info["output_truncated"]:
            self.log.warning("%s: kernel_died=%s timed_out_cells=%s output_truncated=%s %s",
                             path, info["kernel_died"], info["timed_out_cells"],
                             info["output_truncated"], "; ".join(info["errors"]))
        return nb, resources


__all__ = ["CellResult", "KernelFetcher", "LearnerKernel", "TrustedExecute", "execute_notebook",
           "is_test_cell"]
_ = field
