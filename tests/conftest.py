"""Fixtures and test tiers shared by every test module.

Tiers (markers registered in pyproject.toml):

* ``kernel``  -- starts a Jupyter kernel (sandboxed or not), nbgrader's autograde or a grading run;
* ``slow``    -- takes more than ~10 s on its own (whole grading runs, every assignment);
* ``browser`` -- drives the built book in headless Chromium (needs ``make book`` first).

``make test-fast`` runs ``-m "not kernel and not slow and not browser"``. So that the fast tier
stays honest, a test without the ``kernel`` marker that starts a kernel (in a fixture of any
scope too) fails at once (:func:`_refuse_unmarked_kernels`).

Test helpers live in ``tests/fixtures/`` (a package: ``from fixtures.grading import fabricate``;
``tests/`` is on ``sys.path`` through pytest's ``pythonpath`` setting), never behind
``sys.path`` edits in a test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.grading import fabricate

#: Gradebook backends (SQLite and a throwaway PostgreSQL) as fixtures for every module.
pytest_plugins = ["pg_support"]

#: Environment variables that point grading at another course's exchange or config.
COURSE_ENV = ("HCAI_EXCHANGE", "HCAI_NBGRADER_EXTRA_CONFIG")


#: The test being set up or run, when it is not marked ``kernel`` (kernels are refused).
_unmarked: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    _refuse_unmarked_kernels()


def _refuse_unmarked_kernels() -> None:
    """Fail a test that launches a kernel without the ``kernel`` marker (the fast tier has none).

    Every kernel jupyter_client starts in this process, or in a worker forked from it, goes
    through its provisioner's ``launch_kernel``; kernels started by a subprocess are not seen.
    The check is installed once and consults :data:`_unmarked`, which
    :func:`pytest_runtest_setup` sets before any fixture (of any scope) of the test runs.
    """
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    launch = LocalProvisioner.launch_kernel

    async def guarded(self: LocalProvisioner, cmd: list[str], **kwargs: Any) -> Any:
        if _unmarked:
            raise AssertionError(f"{_unmarked[0]} starts a kernel: mark it `kernel` (the fast tier runs none)")
        return await launch(self, cmd, **kwargs)
    LocalProvisioner.launch_kernel = guarded  # type: ignore[method-assign]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _unmarked.clear()
    if not item.get_closest_marker("kernel"):
        _unmarked.append(item.nodeid)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _unmarked.clear()  # module fixtures finishing after the last unmarked test may stop kernels


@pytest.fixture
def clean_course_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No exchange or extra config from the developer's shell leaks into a course under test."""
    for name in COURSE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def module_course_env() -> Iterator[pytest.MonkeyPatch]:
    """:func:`clean_course_env` for module-scoped fixtures (a course graded once per module)."""
    with pytest.MonkeyPatch.context() as mp:
        for name in COURSE_ENV:
            mp.delenv(name, raising=False)
        yield mp


@pytest.fixture
def fresh_course(tmp_path: Path, clean_course_env: None) -> Path:
    """A new course folder with the fixture assignment and the course's real nbgrader config."""
    return fabricate.make_course(tmp_path)
