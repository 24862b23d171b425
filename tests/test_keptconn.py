"""Kept gradebook connections (``hcai.grading.keptconn``) against a throwaway PostgreSQL.

Each test reads the server's own view (``pg_backend_pid()``, ``pg_stat_activity``) to tell a
kept connection from a new one, so none of them can pass by the client's say-so alone.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from hcai.grading import keptconn


@pytest.fixture
def url(postgres_server):
    keptconn.close_idle()
    yield postgres_server.create_database()
    keptconn.close_idle()


def _backend_pid(db_url: str, statement: str | None = None) -> int:
    """One engine, one session, as nbgrader's Gradebook has them: created, used, disposed."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            if statement:
                conn.execute(text(statement))
            return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    finally:
        engine.dispose()


def _open_sessions(db_url: str) -> int:
    engine = create_engine(db_url)  # a plain one: its own session is subtracted
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()")).scalar_one()
    finally:
        engine.dispose()


def test_kept_url_names_the_plugin_only_for_postgresql_through_psycopg2():
    pg = "postgresql+psycopg2://u:p%40ss@127.0.0.1:5432/grades?connect_timeout=5"
    kept = keptconn.kept_url(pg)
    assert kept.endswith("plugin=hcai_kept") and "connect_timeout=5" in kept and "p%40ss@" in kept
    assert keptconn.kept_url(kept) == kept  # named once however often it is applied
    for other in ("sqlite:////tmp/gradebook.db?timeout=30", "mysql+pymysql://u:p@h/db", "not a url"):
        assert keptconn.kept_url(other) == other


def test_engines_of_a_kept_url_share_one_server_connection(url):
    plain = [_backend_pid(url) for _ in range(3)]
    assert len(set(plain)) == 3  # nbgrader's way: a new backend for every session
    kept = keptconn.kept_url(url)
    pids = [_backend_pid(kept) for _ in range(5)]
    assert len(set(pids)) == 1 and keptconn.idle_count(kept) == 1


def test_the_gradebook_sessions_of_nbgrader_reuse_it(url):
    from nbgrader.api import Gradebook

    kept = keptconn.kept_url(url)
    with Gradebook(kept, "hcai") as gb:
        gb.add_student("s1", first_name="Ada")
    first = _backend_pid(kept)
    with Gradebook(kept, "hcai") as gb:
        assert gb.find_student("s1").first_name == "Ada"
    assert _backend_pid(kept) == first and keptconn.idle_count(kept) == 1


def test_a_kept_connection_starts_each_engine_with_a_fresh_session(url):
    kept = keptconn.kept_url(url)
    engine = create_engine(kept)
    with engine.connect() as conn:
        conn.execute(text("SET statement_timeout = 4321"))
        conn.commit()  # a committed SET lasts as long as the server session does
    engine.dispose()
    engine = create_engine(kept)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "0"
    finally:
        engine.dispose()


def test_after_a_server_restart_a_dead_connection_is_replaced(url, postgres_server):
    kept = keptconn.kept_url(url)
    before = _backend_pid(kept)
    assert keptconn.idle_count(kept) == 1
    postgres_server.stop("immediate")
    postgres_server.start_again()
    after = _backend_pid(kept)  # no error: the dead one failed its check and was dropped
    assert after != before and keptconn.idle_count(kept) == 1


def test_no_more_than_max_idle_are_kept_and_the_rest_are_closed(url):
    kept = keptconn.kept_url(url)
    engines = [create_engine(kept) for _ in range(keptconn.MAX_IDLE + 2)]
    conns = [e.connect() for e in engines]
    assert _open_sessions(url) == keptconn.MAX_IDLE + 2
    for conn, engine in zip(conns, engines, strict=True):
        conn.close()
        engine.dispose()
    assert keptconn.idle_count(kept) == keptconn.MAX_IDLE
    assert _open_sessions(url) == keptconn.MAX_IDLE
    keptconn.close_idle()
    assert _open_sessions(url) == 0


def test_a_forked_child_never_uses_or_closes_the_parents_connections(url):
    kept = keptconn.kept_url(url)
    parent = _backend_pid(kept)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: none kept, and closing "all" must leave the parent's alone
        try:
            ok = keptconn.idle_count() == 0
            keptconn.close_idle()
            child = _backend_pid(kept)
            os.write(write, f"{int(ok)} {child}".encode())
        finally:
            os._exit(0)
    os.close(write)
    ok, child = os.read(read, 100).decode().split()
    os.waitpid(pid, 0)
    os.close(read)
    assert ok == "1" and int(child) != parent
    assert _backend_pid(kept) == parent  # still alive, still ours
