"""The idiom suite: test-cell idioms of public courses, honest and wrong answers, side by side.

One assignment (one notebook per idiom, students ``honest`` and ``wrong``) is graded once by
plain nbgrader and once by ``hcai grade``. Every graded cell must score the same on both
sides. Each idiom is also checked against plain nbgrader itself, so that a broken idiom
cannot pass as agreement: the honest answer earns full marks there and the wrong answer
less than full.
"""

from __future__ import annotations

import pytest
from harness import Case
from idioms import ASSIGNMENT, IDIOMS, STUDENTS, assignment_files

pytestmark = pytest.mark.slow

_source, _subs = assignment_files(list(IDIOMS.values()))
CASE = Case(name=ASSIGNMENT, source=_source, submissions=_subs)


def _cells() -> list:
    return [pytest.param((student, item.name, gid), id=f"{item.name}/{student}/{gid}")
            for item in IDIOMS.values() for student in STUDENTS for gid, _p, _s in item.tests]


def test_at_least_25_idioms():
    assert len(IDIOMS) >= 25


@pytest.mark.parametrize("key", _cells())
def test_idiom_cell_matches_nbgrader(graded, key):
    result = graded(CASE)
    assert key in result.plain.scores.auto, f"plain nbgrader did not grade {key}"
    assert key in result.hcai.scores.auto, f"hcai did not grade {key}:\n{result.hcai.log[-3000:]}"
    assert result.hcai.scores.auto[key] == result.plain.scores.auto[key], result.explain(key)


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_idiom_is_sound_under_plain_nbgrader(graded, name):
    """The honest answer earns full marks from plain nbgrader, the wrong one less."""
    result = graded(CASE)
    scores = result.plain.scores
    full = sum(p for _g, p, _s in IDIOMS[name].tests)
    honest = scores.notebook_score.get(("honest", name))
    wrong = scores.notebook_score.get(("wrong", name))
    details = [result.explain((s, name, g)) for s in STUDENTS for g, _p, _x in IDIOMS[name].tests]
    assert honest == full, "\n".join(details)
    assert wrong is not None and wrong < full, "\n".join(details)


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_wrong_answer_scores_below_full_on_hcai(graded, name):
    result = graded(CASE)
    full = sum(p for _g, p, _s in IDIOMS[name].tests)
    wrong = result.hcai.scores.notebook_score.get(("wrong", name))
    assert wrong is not None and wrong < full, "\n".join(
        result.explain(("wrong", name, g)) for g, _p, _s in IDIOMS[name].tests)
