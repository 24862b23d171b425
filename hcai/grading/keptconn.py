"""Kept gradebook connections: a grading worker reuses its PostgreSQL connections.

nbgrader opens a new :class:`nbgrader.api.Gradebook` for each step that reads or writes
grades (about a dozen per submission: five in ``autograde``'s ``init_assignment`` alone), and
each one builds a SQLAlchemy engine that it disposes on ``close()``. On SQLite that is a file
open. On PostgreSQL each session is then a new server connection: TCP, SCRAM
authentication and a fresh server backend, about half of a session's 25-30 ms
(benchmarks/README.md), paid a dozen times per submission.

This module keeps those connections, through the two extension points meant for it and
without changing nbgrader's code:

- a SQLAlchemy :class:`~sqlalchemy.engine.CreateEnginePlugin` named in the URL
  (``?plugin=hcai_kept``; :func:`kept_url` adds it) hands every engine created from that
  URL in this process a connection from the process's idle ones (SQLAlchemy's
  ``do_connect`` event, which may return a connection to use instead of opening one);
- psycopg2's ``connection_factory`` makes those connections :class:`KeptConnection`, whose
  ``close()`` resets the session (``RESET ALL``, transaction rolled back) and puts it back
  among the idle ones instead of ending it.

SQLAlchemy still sees a new connection for each engine, so the dialect's start-up checks
run on it as usual. A kept connection is checked with ``SELECT 1`` before it is handed
out: after a server restart it is dropped and a new one opened, so "database down mid-run,
re-run the command" behaves as before. At most :data:`MAX_IDLE` are kept per URL.

Scope: the grading workers use it (:func:`hcai.grading.worker.make_context`), for
PostgreSQL through psycopg2 (the installed driver); any other URL is left as it is. Kept
connections belong to the process that opened them: a forked child never uses or closes
its parent's (``os.register_at_fork``), and they are closed at exit by their owner only.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import plugins
from sqlalchemy.engine import URL, CreateEnginePlugin, make_url

#: The plugin's name in a database URL (``?plugin=hcai_kept``).
PLUGIN = "hcai_kept"
#: Idle connections kept per database URL; a worker rarely holds more than two at once.
MAX_IDLE = 4

_idle: dict[str, list[Any]] = {}
_owner = os.getpid()
_lock = threading.Lock()


def kept_url(url: str) -> str:
    """``url`` with the plugin named, for a PostgreSQL URL through psycopg2; else unchanged."""
    try:
        parsed = make_url(url)
    except Exception:  # not a URL SQLAlchemy reads: leave it to nbgrader's own error
        return url
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() != "psycopg2":
        return url
    named = parsed.query.get("plugin", ())
    if PLUGIN in ((named,) if isinstance(named, str) else named):
        return url
    return parsed.update_query_pairs([("plugin", PLUGIN)], append=True).render_as_string(hide_password=False)


def idle_count(url: str | None = None) -> int:
    """How many connections this process keeps idle (for ``url`` alone when given)."""
    with _lock:
        if url is not None:
            return len(_idle.get(_key(make_url(url).difference_update_query(["plugin", "plugins"])), []))
        return sum(len(v) for v in _idle.values())


def close_idle() -> None:
    """End every idle connection this process keeps (at exit, and in tests)."""
    if os.getpid() != _owner:
        return
    with _lock:
        conns = [c for v in _idle.values() for c in v]
        _idle.clear()
    for conn in conns:
        conn.close_for_good()


def _key(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _keep(key: str, conn: Any) -> bool:
    """Put ``conn`` among the idle ones; False when there is no room (the caller ends it)."""
    if os.getpid() != _owner:
        return False
    with _lock:
        room = _idle.setdefault(key, [])
        if len(room) >= MAX_IDLE:
            return False
        room.append(conn)
        return True


def _take(key: str) -> Any | None:
    """A live idle connection for ``key``, or None; dead ones are ended on the way."""
    while True:
        with _lock:
            room = _idle.get(key)
            conn = room.pop() if room else None
        if conn is None:
            return None
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
            conn.rollback()
            return conn
        except Exception:  # the server went away or restarted: this one is gone
            conn.close_for_good()


@functools.cache
def connection_class() -> type:
    """:class:`KeptConnection` (built on first use: psycopg2 is imported late)."""
    import psycopg2.extensions

    class KeptConnection(psycopg2.extensions.connection):
        """A psycopg2 connection whose ``close()`` keeps it for the next engine of this process."""

        def __init__(self, dsn: str, *args: Any, kept_key: str, **kwargs: Any) -> None:
            super().__init__(dsn, *args, **kwargs)
            self.kept_key = kept_key

        def close(self) -> None:
            if not self.closed:
                try:
                    # back to a new session's state: no transaction, default settings
                    self.reset()
                    if _keep(self.kept_key, self):
                        return
                except Exception:
                    pass
            self.close_for_good()

        def close_for_good(self) -> None:
            super().close()

    return KeptConnection


class KeptConnectionsPlugin(CreateEnginePlugin):
    """SQLAlchemy's plugin hook: every engine of this URL reuses the process's idle connections."""

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        super().__init__(url, kwargs)
        self.key = _key(url.difference_update_query(["plugin", "plugins"]))
        connect_args = dict(kwargs.get("connect_args") or {})
        connect_args["connection_factory"] = functools.partial(connection_class(), kept_key=self.key)
        kwargs["connect_args"] = connect_args

    def update_url(self, url: URL) -> URL:
        return url

    def engine_created(self, engine: Any) -> None:
        key = self.key

        @event.listens_for(engine, "do_connect")
        def reuse(dialect: Any, conn_rec: Any, cargs: Any, cparams: Any) -> Any:
            return _take(key)  # None: SQLAlchemy opens a new one (a KeptConnection too)


def _after_fork_in_child() -> None:
    # The parent's idle connections share their sockets with us: never touch them (closing
    # one would end the parent's session too). Keep the objects alive so they are not
    # collected and closed either; this process starts with none of its own.
    global _owner, _lock
    _lock = threading.Lock()  # another thread of the parent may have held the old one
    _inherited.append(dict(_idle))
    _idle.clear()
    _owner = os.getpid()


_inherited: list[dict[str, list[Any]]] = []
plugins.register(PLUGIN, __name__, "KeptConnectionsPlugin")
os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(close_idle)

__all__ = ["MAX_IDLE", "PLUGIN", "KeptConnectionsPlugin", "close_idle", "connection_class",
           "idle_count", "kept_url"]
