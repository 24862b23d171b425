"""Fixtures for the side-by-side suites: each course is graded once per session, lazily.

``graded(case)`` returns the :class:`harness.SideBySide` of a case, grading it (one plain
nbgrader run and one ``hcai grade`` run) the first time any test asks for it. A course
that one side cannot grade at all fails every test that needs it, with the command output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def graded(tmp_path_factory) -> Callable[[harness.Case], harness.SideBySide]:
    done: dict[str, harness.SideBySide | harness.GradingFailed] = {}

    def get(case: harness.Case) -> harness.SideBySide:
        if case.name not in done:
            scratch = tmp_path_factory.mktemp(f"compat-{case.name}")
            try:
                done[case.name] = harness.grade_side_by_side(case, scratch)
            except harness.GradingFailed as exc:
                done[case.name] = exc
        result = done[case.name]
        if isinstance(result, harness.GradingFailed):
            pytest.fail(f"{case.name}: {result}", pytrace=False)
        return result
    return get
