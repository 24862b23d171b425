"""A bubblewrap sandbox for learner kernels.

Learner code is untrusted: it runs with no network, sees an allow-list of the file system
(the system's ``/usr`` and ``/etc``, Python, the course's ``.venv``, ``hcai/`` and ``data/``,
all read-only), works in a size-capped tmpfs that holds a copy of its submission, and runs
under resource limits as an unprivileged user. The kernel reaches the grader over the ZeroMQ
``ipc`` transport (Unix sockets in a small run folder), so the sandbox needs no network at all.

Layers, from the outside in:

1. ``bwrap`` (Debian package ``bubblewrap``): new mount, PID, network, IPC and UTS namespaces;
   ``--die-with-parent`` and ``--new-session``; ``--clearenv`` with a short fixed environment.
2. a tiny pre-exec step (:data:`_PRE_EXEC`, run with ``python -I``) that copies the submission
   into the tmpfs working folder and sets ``setrlimit`` limits (CPU seconds, address space,
   file size, processes, open files, no core dumps);
3. when the grader runs as root, ``setpriv`` drops to a fresh, unused uid/gid for this one
   kernel with no capabilities and ``no_new_privs`` -- ``RLIMIT_NPROC`` is never enforced for
   uid 0, so a root kernel could fork without bound, and it counts a uid's processes
   machine-wide, so kernels graded side by side must not share one. As an ordinary user,
   bwrap's own user namespace does the same job
   (``--unshare-user --uid 65534 --disable-userns``).

See ``SECURITY.md`` for what this does and does not defend against.

Size: a little over 400 lines on purpose: the bwrap command line, what it binds, the
environment it passes and the kernel manager that starts it are one security boundary,
and are reviewed together.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager

from hcai.engine import tree

#: uid/gid the kernel runs as inside a user namespace (the conventional ``nobody``).
SANDBOX_UID = 65534
#: When the grader is root, each kernel gets its own unused uid from this range instead:
#: ``RLIMIT_NPROC`` counts every process of a uid machine-wide, so a shared uid would let one
#: submission's fork bomb stop another submission's kernel (graded at the same time) from starting.
SANDBOX_UID_RANGE = (1_000_000, 2_000_000_000)
#: Where the learner's working folder appears inside the sandbox.
SANDBOX_HOME = "/home/learner"
SANDBOX_WORK = f"{SANDBOX_HOME}/work"
#: Where the read-only copy of the submission is mounted for the pre-exec step to copy.
SANDBOX_INPUT = "/run/hcai-input"

UNAVAILABLE_MESSAGE = (
    "bubblewrap (bwrap) is not installed; install the Debian package `bubblewrap`, or pass "
    "--unsandboxed to grade without a sandbox (learner code then runs with your rights)"
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing (or not Linux) and the instructor did not allow unsandboxed runs."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one learner kernel (applied with ``setrlimit`` inside the sandbox).

    ``address_space_mb`` must leave room for pandas + matplotlib + ipykernel: their virtual
    size (threads' stacks, allocator arenas, mapped libraries) is far above what they touch;
    see SECURITY.md for the measurement behind the default.
    """

    cpu_seconds: int = 300
    address_space_mb: int = 2048
    file_size_mb: int = 64
    processes: int = 64
    open_files: int = 256
    tmpfs_mb: int = 512

    def rlimits(self) -> dict[str, int]:
        mb = 1024 * 1024
        return {
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_AS": self.address_space_mb * mb,
            "RLIMIT_FSIZE": self.file_size_mb * mb,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }


def bwrap_path() -> str | None:
    """The bwrap executable, or None where it is missing (and always on non-Linux systems)."""
    if not sys.platform.startswith("linux"):
        return None
    return shutil.which("bwrap")


def available() -> bool:
    return bwrap_path() is not None


def require(allow_unsandboxed: bool = False) -> bool:
    """True when the sandbox can be used; False when the instructor allowed running without it.

    Raises :class:`SandboxUnavailable` otherwise, with instructions.
    """
    if available():
        return True
    if allow_unsandboxed:
        return False
    raise SandboxUnavailable(UNAVAILABLE_MESSAGE)


# Runs inside the sandbox before the kernel (``python -I -c``, standard library only).
# It copies the submission into the tmpfs work folder, hands it to the sandbox user, sets the
# limits, then execs the rest of argv (setpriv ... python -c KERNEL_BOOT ...).
_PRE_EXEC = r"""
import json, os, resource, shutil, sys
cfg = json.loads(sys.argv[1])
src, dst, home, uid = cfg["input"], cfg["work"], cfg["home"], cfg["uid"]
if os.path.isdir(src):
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
for sub in (".ipython", ".config/matplotlib", ".cache"):
    os.makedirs(os.path.join(home, sub), exist_ok=True)
if os.getuid() == 0 and uid is not None:
    for root, dirs, files in os.walk(home):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.lchown(name, uid, uid)
for name, value in cfg["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
argv = cfg["argv"]
os.execv(argv[0], argv)
"""


def _ancestors(path: Path) -> list[Path]:
    return [p for p in reversed(path.parents) if str(p) != "/"]


@dataclass
class SandboxLayout:
    """Host paths the sandbox is built from."""

    run_dir: Path  # host folder bound read-write: connection file and ipc sockets
    input_dir: Path  # host folder bound read-only: the scratch copy of the submission
    repo_root: Path
    readonly: list[Path]  # further host paths bound read-only at the same place
    uid: int = field(default_factory=lambda: fresh_uid())  # used when the grader is root


def fresh_uid() -> int:
    """An unused uid for one kernel (no passwd entry, no files, no other processes)."""
    low, high = SANDBOX_UID_RANGE
    while True:
        uid = low + secrets.randbelow(high - low)
        if not _uid_has_processes(uid):
            return uid


def _uid_has_processes(uid: int) -> bool:
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("Uid:"):
                    if str(uid) in line.split()[1:]:
                        return True
                    break
        except OSError:
            continue
    return False


def default_readonly(repo_root: Path) -> list[Path]:
    """Python, the course's virtualenv, and the repository's ``hcai/`` and ``data/`` only."""
    import hcai

    paths = [
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix).resolve(),
        Path(sys.prefix),
        Path(hcai.__file__).resolve().parent,
        repo_root / "data",
    ]
    # the stdlib and site-packages can live outside the prefixes on some installs
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        found = sysconfig.get_paths().get(key)
        if found:
            paths.append(Path(found).resolve())
    paths += [Path(entry).resolve() for entry in forwarded_pythonpath(repo_root) if _is_site_dir(entry)]
    out: list[Path] = []
    for p in paths:
        if p.exists() and not any(p == q or q in p.parents for q in out):
            out = [q for q in out if p not in q.parents] + [p]
    return out


#: How a grading kernel starts: what ``python -m ipykernel_launcher`` does, without debugpy.
#: ipykernel imports debugpy for its debugger when it can, which is a quarter of a kernel's
#: start-up CPU; nobody debugs a grading kernel, and ipykernel runs without it (its
#: ``kernel_info`` then says ``debugger: false``). The working folder leaves ``sys.path``
#: exactly as the launcher leaves it.
KERNEL_BOOT = ("import sys\n"
               "if sys.path and sys.path[0] == '':\n    del sys.path[0]\n"
               "sys.modules['debugpy'] = None\n"
               "from ipykernel import kernelapp\n"
               "kernelapp.launch_new_instance()\n")


def _system_args() -> list[str]:
    """Read-only /usr and /etc; /bin, /lib... as the host has them (symlinks on merged-/usr)."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            args += ["--ro-bind", top, top]
    return args


def _is_site_dir(entry: str) -> bool:
    return Path(entry).name in ("site-packages", "dist-packages")


def forwarded_pythonpath(repo_root: Path) -> list[str]:
    """The grader's ``PYTHONPATH`` entries the kernel needs too.

    A hub whose learners cannot run the course's virtualenv python starts their servers with
    the system python and the virtualenv's site-packages (and the repository, for the
    editable install) on ``PYTHONPATH`` (``hub/hubsettings.py``). bwrap's ``--clearenv``
    drops it, and the kernel would not find ipykernel. Site-packages folders on it are bound
    read-only (:func:`default_readonly`); the repository root itself never is: inside the
    sandbox it holds only the ``hcai/`` and ``data/`` binds.
    """
    out = []
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and Path(entry).is_dir() and (_is_site_dir(entry) or Path(entry).resolve() == repo_root.resolve()):
            out.append(str(Path(entry).resolve()))
    return out


def sandbox_env(repo_root: Path) -> dict[str, str]:
    """The whole environment the kernel sees (bwrap ``--clearenv`` drops everything else)."""
    venv_bin = str(Path(sys.prefix) / "bin")
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "USER": "learner",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "IPYTHONDIR": f"{SANDBOX_HOME}/.ipython",
        "MPLCONFIGDIR": f"{SANDBOX_HOME}/.config/matplotlib",
        "XDG_CACHE_HOME": f"{SANDBOX_HOME}/.cache",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        # one thread each: threads count against RLIMIT_NPROC and multiply address space
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "HCAI_ROOT": str(repo_root),
        "HCAI_SANDBOX": "1",
        **({"PYTHONPATH": os.pathsep.join(extra)} if (extra := forwarded_pythonpath(repo_root)) else {}),
    }


def bwrap_argv(command: list[str], layout: SandboxLayout, limits: Limits) -> list[str]:
    """Full argv: bwrap, the pre-exec step, (setpriv,) then ``command`` inside the sandbox."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(UNAVAILABLE_MESSAGE)
    as_root = os.geteuid() == 0
    args = [bwrap]
    # As root, bwrap keeps root's capabilities; setpriv below drops to layout.uid first.
    if not as_root:
        args += ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
                 "--disable-userns"]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
             "--unshare-cgroup-try", "--hostname", "sandbox",
             "--die-with-parent", "--new-session", "--clearenv"]
    for key, value in sandbox_env(layout.repo_root).items():
        args += ["--setenv", key, value]
    args += _system_args()
    args += ["--dev", "/dev", "--proc", "/proc"]
    tmpfs_bytes = str(limits.tmpfs_mb * 1024 * 1024)
    args += ["--perms", "1777", "--size", tmpfs_bytes, "--tmpfs", "/tmp"]
    # Every bind target's parents are created world-traversable (bwrap makes them 0700,
    # which the unprivileged kernel could not pass through).
    made: set[str] = {"/", "/usr", "/etc", "/dev", "/proc", "/tmp"}

    def ensure_parents(target: Path) -> None:
        nonlocal args
        for parent in _ancestors(target):
            if str(parent) not in made:
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))

    for path in layout.readonly:
        ensure_parents(path)
        args += ["--ro-bind", str(path), str(path)]
        made.add(str(path))
    ensure_parents(Path(SANDBOX_INPUT))
    args += ["--ro-bind", str(layout.input_dir), SANDBOX_INPUT]
    ensure_parents(layout.run_dir)
    args += ["--bind", str(layout.run_dir), str(layout.run_dir)]
    ensure_parents(Path(SANDBOX_HOME))
    args += ["--perms", "0755", "--size", tmpfs_bytes, "--tmpfs", SANDBOX_HOME,
             "--perms", "0755", "--dir", SANDBOX_WORK, "--chdir", SANDBOX_WORK]
    inner = list(command)
    if as_root:
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        inner = [setpriv, f"--reuid={layout.uid}", f"--regid={layout.uid}", "--clear-groups",
                 "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", *inner]
    cfg = {
        "input": SANDBOX_INPUT,
        "work": SANDBOX_WORK,
        "home": SANDBOX_HOME,
        "uid": layout.uid if as_root else None,
        "rlimits": limits.rlimits(),
        "argv": inner,
    }
    args += ["--", sys.executable, "-I", "-S", "-c", _PRE_EXEC, json.dumps(cfg)]
    return args


def copy_submission(src: Path, dst: Path, *, max_files: int = 2000,
                    max_bytes: int = 200 * 1024 * 1024) -> bool:
    """Copy regular files and folders only: symlinks, devices and sockets are left behind.

    A symlink in a submission could otherwise point the grader's copy at a file it should not
    read; capping files and bytes keeps one submission from filling the grader's disk. The walk
    is :func:`hcai.engine.tree.copy_regular_files`; False when a cap stopped it.
    """
    return tree.copy_regular_files(src, dst, max_files=max_files, max_bytes=max_bytes)


class SandboxKernelManager(KernelManager):
    """A KernelManager whose kernel is a plain ipykernel started inside :func:`bwrap_argv`.

    The notebook's own kernelspec is ignored on purpose: a submission cannot choose what runs.
    """

    def __init__(self, *, layout: SandboxLayout | None, limits: Limits | None = None,
                 extra_kernel_args: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._layout = layout
        self._limits = limits or Limits()
        self._extra_kernel_args = list(extra_kernel_args or [])
        self._kernel_spec = KernelSpec(
            argv=[sys.executable, "-c", KERNEL_BOOT, "-f", "{connection_file}"],
            display_name="Python 3 (hcai sandbox)",
            language="python",
            # bwrap does not forward signals; the kernel interrupts itself on request.
            interrupt_mode="message",
            env={},
            metadata={},
        )

    @property
    def kernel_spec(self) -> KernelSpec | None:
        return self._kernel_spec

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd((extra_arguments or []) + self._extra_kernel_args)
        if self._layout is None:
            return cmd
        return bwrap_argv(cmd, self._layout, self._limits)

    def prepare_connection_file(self) -> None:
        """Write the connection file now and let the sandbox user read it and make sockets."""
        self.write_connection_file()
        if self._layout is not None and os.geteuid() == 0:
            os.chown(self._layout.run_dir, self._layout.uid, self._layout.uid)
            os.chown(self.connection_file, self._layout.uid, self._layout.uid)


def kernel_extra_args() -> list[str]:
    """Kernel flags: no history file, quiet logs."""
    return ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


__all__ = ["KERNEL_BOOT", "Limits", "SandboxKernelManager", "SandboxLayout", "SandboxUnavailable",
           "UNAVAILABLE_MESSAGE", "available", "bwrap_argv", "bwrap_path", "copy_submission",
           "default_readonly", "forwarded_pythonpath", "kernel_extra_args", "require", "sandbox_env", "SANDBOX_UID",
           "SANDBOX_WORK", "SANDBOX_HOME"]

_ = asdict  # dataclass helper kept for callers that log the limits
