"""The gradebook database: which one a course uses, whether it answers, and moving it.

SQLite (one file in the course folder) is the default for one instructor. A course with
several graders, or one graded by parallel workers on a hub, sets a PostgreSQL
``CourseDirectory.db_url`` in its nbgrader config (nbgrader's FAQ advises a server
database when several people grade); the grading commands then use it unchanged.

``python -m hcai.grading.database migrate --from URL --to URL`` copies an existing
gradebook (tables in dependency order, rows unchanged: nbgrader's keys are UUID strings,
so there are no sequences to reset) into a new, empty database.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: An environment override for the whole database URL (tests, one-off runs, a hub's
#: instructor environment); it wins over the course config.
ENV_DB_URL = "HCAI_DB_URL"
SQLITE_TIMEOUT = "timeout=30"


class DatabaseUnavailable(Exception):
    """The gradebook database cannot be reached; the message says which one and why."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for an in-memory one)."""
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    rest = rest.split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def with_sqlite_timeout(url: str) -> str:
    """SQLite waits for a held write lock instead of failing the run after 5 s."""
    if not is_sqlite(url) or "timeout=" in url:
        return url
    return url + ("&" if "?" in url else "?") + SQLITE_TIMEOUT


def with_driver(url: str) -> str:
    """``postgresql://`` names psycopg 3 in SQLAlchemy 2.1; use psycopg2 when that is what is here."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            import importlib.util
            if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2"):
                return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def resolve_db_url(configured: str | None, config_dir: Path, root: Path) -> str:
    """The gradebook URL a course run uses.

    - ``$HCAI_DB_URL`` when set;
    - a server database (PostgreSQL, ...) from the config, unchanged;
    - a SQLite file next to the config file (the course's own default) moves with the
      course: it becomes ``<root>/gradebook.db`` for a course copy (tests, ``check``);
    - any other SQLite file named in the config is used where it is.
    """
    url = os.environ.get(ENV_DB_URL) or configured or ""
    if os.environ.get(ENV_DB_URL):
        return with_driver(with_sqlite_timeout(url))
    if url and not is_sqlite(url):
        return with_driver(url)
    path = sqlite_path(url) if url else None
    if path is None or not path.is_absolute() or path.parent.resolve() == config_dir.resolve():
        return with_sqlite_timeout(f"sqlite:///{root / 'gradebook.db'}")
    return with_sqlite_timeout(url)


def redact(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_reachable(url: str, timeout: int = 10) -> None:
    """Connect once; raise :class:`DatabaseUnavailable` with a plain reason if that fails."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None and not path.parent.is_dir():
            raise DatabaseUnavailable(f"The gradebook folder {path.parent} does not exist.")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    args = {"connect_timeout": timeout} if url.startswith("postgresql") else {}
    try:
        engine = create_engine(url, connect_args=args)
    except (SQLAlchemyError, ImportError) as exc:
        raise DatabaseUnavailable(f"Cannot use the gradebook database {redact(url)}: {exc}") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(
            f"Cannot reach the gradebook database {redact(url)} ({first}). Is the database "
            "server running? Nothing was changed; re-run the command when it is.") from None
    finally:
        engine.dispose()


def lost_connection(exc: BaseException) -> str | None:
    """A plain message when ``exc`` is the gradebook database going away mid-command."""
    try:
        from sqlalchemy.exc import DBAPIError, OperationalError
    except ImportError:
        return None
    if not isinstance(exc, OperationalError) and not (isinstance(exc, DBAPIError)
                                                      and exc.connection_invalidated):
        return None
    first = str(getattr(exc, "orig", exc)).strip().splitlines()
    return ("the gradebook database stopped answering during the command"
            + (f" ({first[0]})" if first else "") + ". What was finished is kept: start the "
            "database again and re-run the same command to finish the job.")


def migrate(source: str, target: str, say: Callable[[str], Any] = print) -> dict[str, int]:
    """Copy every gradebook row from ``source`` into the empty database ``target``.

    Returns ``{table: rows}``. Refuses a target that already holds grading data, so a
    second run never duplicates or overwrites anything.
    """
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, func, select

    check_reachable(source)
    check_reachable(target)
    src = create_engine(source)
    with Gradebook(target, "hcai-migrate"):  # builds nbgrader's schema and alembic stamp
        pass
    dst = create_engine(target)
    counts: dict[str, int] = {}
    try:
        with src.connect() as sconn, dst.begin() as dconn:
            for table in Base.metadata.sorted_tables:
                if table.name != "course" and dconn.execute(select(func.count()).select_from(table)).scalar():
                    raise DatabaseUnavailable(f"{redact(target)} already has rows in {table.name}; "
                                              "migrate only into an empty database.")
            # the placeholder course row above is not the course's own
            dconn.execute(Base.metadata.tables["course"].delete())
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in sconn.execute(select(table))]
                if rows:
                    dconn.execute(table.insert(), rows)
                counts[table.name] = len(rows)
                say(f"  {table.name:<22} {len(rows):>6} row(s)")
    finally:
        src.dispose()
        dst.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hcai.grading.database",
                                     description="Gradebook database tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="copy a gradebook (e.g. SQLite) into a new, empty database")
    p.add_argument("--from", dest="source", required=True, metavar="URL",
                   help="e.g. sqlite:////srv/course/gradebook.db")
    p.add_argument("--to", dest="target", required=True, metavar="URL",
                   help="e.g. postgresql://grader:PASSWORD@127.0.0.1:5432/hcai")
    p = sub.add_parser("check", help="say whether a database URL answers")
    p.add_argument("url")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            check_reachable(args.url)
            print(f"{redact(args.url)}: reachable")
            return 0
        print(f"Copying {redact(args.source)} -> {redact(args.target)}")
        counts = migrate(args.source, args.target)
        print(f"Done: {sum(counts.values())} row(s). Now set CourseDirectory.db_url to the new URL.")
        return 0
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["DatabaseUnavailable", "ENV_DB_URL", "check_reachable", "is_sqlite", "lost_connection", "migrate", "redact",
           "resolve_db_url", "with_sqlite_timeout"]
