"""A throwaway PostgreSQL server: for the tests, the benchmark and the one-machine hub.

``initdb`` builds a cluster in a fresh temporary folder; the server listens on 127.0.0.1
at a free port (never another address) and on a Unix socket inside that folder, with
password authentication (scram-sha-256) for every connection: a learner process on the
same machine can reach the port but not the grades. As root the server runs as the
unprivileged ``postgres`` account (PostgreSQL refuses to run as root).

Every server started here is stopped and its folder removed by :meth:`TempPostgres.close`
(also a context manager), however often it was stopped and started again in between, and
at interpreter exit for any server a caller forgot: ``close`` stops through ``pg_ctl``,
then ends whatever postmaster still runs on this server's data folder (and its backends)
before removing the folder, so nothing is left listening on a deleted cluster.

Debian's ``postgresql`` package provides the binaries (``scripts/system-deps.sh pg``).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Servers started in this process and not closed yet (closed at interpreter exit).
_OPEN: set[TempPostgres] = set()


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def bindir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    found = shutil.which("pg_ctl")
    if found and (Path(found).resolve().parent / "initdb").exists():
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    raise PostgresMissing("PostgreSQL is not installed; run: sudo apt-get install -y postgresql "
                          "(or `bash scripts/system-deps.sh pg`).")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postmasters_of(data: Path) -> list[int]:
    """PIDs of running postmasters whose ``-D`` is ``data`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if b"-D" in argv[:-1] and argv[argv.index(b"-D") + 1] == str(data).encode():
            found.append(int(entry.name))
    return found


def _children_of(pids: list[int]) -> list[int]:
    """Direct children (the backends and helpers) of ``pids``."""
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid in pids:
            kids.append(int(entry.name))
    return kids


@dataclass(eq=False)  # identity: servers are kept in a set until closed
class TempPostgres:
    """One running throwaway server; ``url(db)`` gives a SQLAlchemy URL for a database."""

    folder: Path
    port: int
    user: str = "hcai"
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    run_as: str | None = None
    _dbs: list[str] = field(default_factory=list)

    def _cmd(self, *argv: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *argv]
        return list(argv)

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(self._cmd(*argv), check=check, capture_output=True, text=True,
                              cwd=str(self.folder))

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def __enter__(self) -> TempPostgres:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def processes(self) -> list[int]:
        """PIDs of this server's postmaster(s) and their children still running."""
        masters = _postmasters_of(self.data)
        return masters + _children_of(masters)

    def start(self) -> TempPostgres:
        _OPEN.add(self)  # from here on close() has something to clean up
        bins = bindir()
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self.run_as:
            pw = pwd.getpwnam(self.run_as)
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        pwfile.chmod(0o600)
        result = self._run(str(bins / "initdb"), "-D", str(self.data), "-U", self.user, "--pwfile", str(pwfile),
                           "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions", check=False)
        pwfile.unlink()
        if result.returncode:
            raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                   "-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        result = self._run(str(bins / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                           "-o", options, "-w", "-t", "60", "start", check=False)
        if result.returncode:
            server_log = self.folder / "server.log"
            log = server_log.read_text(errors="replace") if server_log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}\n{result.stderr}\n{log[-2000:]}")
        return self

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which must have no open connection)."""
        from sqlalchemy import create_engine, text
        name = name or f"gb_{secrets.token_hex(4)}"
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                copy = f' TEMPLATE "{template}"' if template else ""
                conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        finally:
            engine.dispose()
        self._dbs.append(name)
        return self.url(name)

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server (``immediate`` is a crash-like stop, for tests of an outage).

        True when ``pg_ctl`` reports it stopped (or it was not running).
        """
        done = self._run(str(bindir() / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop",
                         check=False)
        return done.returncode == 0 or not self.processes()

    def restart(self) -> None:
        self.start_again()

    def start_again(self) -> None:
        """Start the stopped server on the same port and data (after :meth:`stop`)."""
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                   "-c max_connections=200 -c fsync=off")
        self._run(str(bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")

    def wait_down(self, seconds: float = 10) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)):
                    return
            time.sleep(0.1)

    def _end_processes(self, seconds: float = 10) -> None:
        """End what still runs on this data folder: SIGQUIT (immediate shutdown), then SIGKILL."""
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            pids = self.processes()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            end = time.monotonic() + seconds
            while self.processes() and time.monotonic() < end:
                time.sleep(0.1)
            if not self.processes():
                return

    def close(self) -> None:
        """Stop the server, whichever start left it running, and remove its folder. Idempotent."""
        try:
            if self.data.exists():
                self.stop()
            if self.processes():  # pg_ctl failed, or its pid file no longer names the postmaster
                self._end_processes()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            _OPEN.discard(self)


def start(folder: str | os.PathLike | None = None) -> TempPostgres:
    """Start a throwaway server in ``folder`` (default: a new temporary folder)."""
    bindir()  # fail early with the install hint
    base = Path(folder).resolve() if folder else Path(tempfile.mkdtemp(prefix="hcai-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
            run_as = "postgres"
        except KeyError:
            raise PostgresMissing("Running as root needs the `postgres` system account "
                                  "(Debian's postgresql package creates it).") from None
    server = TempPostgres(base, free_port(), run_as=run_as)
    try:
        return server.start()
    except BaseException:
        server.close()  # pg_ctl may have started a postmaster before it gave up waiting
        raise


@atexit.register
def _close_forgotten() -> None:
    """Servers still open when the interpreter exits (a caller that never closed one)."""
    for server in list(_OPEN):
        server.close()


__all__ = ["PostgresMissing", "TempPostgres", "bindir", "free_port", "start"]
