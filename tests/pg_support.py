"""Gradebook backends for the tests: SQLite, and a throwaway PostgreSQL server.

``tests/conftest.py`` loads this module as a plugin, so any test can ask for
``gradebook_backend`` (runs it on both backends) or ``postgres_server``. The server is started once per test
session on 127.0.0.1 at a free port (``hcai.grading.pgtemp``) and removed at the end, even
when tests fail. In CI (``CI`` set) a missing PostgreSQL fails the tests instead of
skipping them; ``scripts/system-deps.sh test`` installs it.
"""

from __future__ import annotations

import os

import pytest

from hcai.grading import pgtemp
from hcai.grading.database import ENV_DB_URL

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """One running throwaway PostgreSQL for the whole session."""
    try:
        pgtemp.bindir()
    except pgtemp.PostgresMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with pgtemp.start() as server:  # stopped and removed whatever the tests did to it
        yield server


@pytest.fixture(scope="module", params=BACKENDS)
def gradebook_backend(request):
    """``(name, db_url)``: db_url is None for SQLite (the course's own gradebook.db) or a
    fresh PostgreSQL database, which ``$HCAI_DB_URL`` hands to every grading command."""
    with pytest.MonkeyPatch.context() as mp:
        if request.param == "sqlite":
            mp.delenv(ENV_DB_URL, raising=False)
            yield "sqlite", None
        else:
            server = request.getfixturevalue("postgres_server")
            url = server.create_database()
            mp.setenv(ENV_DB_URL, url)
            yield "postgresql", url
