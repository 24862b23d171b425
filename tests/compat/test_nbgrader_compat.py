"""nbgrader's documentation course and its own autograde fixtures, graded side by side.

Every graded cell of every student must get the same auto score from ``hcai grade`` as
from plain ``nbgrader autograde``, and the notebook scores nbgrader's own tests assert
(``nbgrader/tests/apps/test_nbgrader_autograde.py``) must hold on both sides.
"""

from __future__ import annotations

import pytest
from harness import nb_grade_cells
from nbgrader_cases import CASES, EXPECTED

pytestmark = pytest.mark.slow


def _cell_params() -> list:
    params = []
    for case in CASES.values():
        notebooks = sorted(rel[:-6] for rel in case.source if rel.endswith(".ipynb"))
        for student in case.students:
            for nb in notebooks:
                for grade_id in nb_grade_cells(case.source[f"{nb}.ipynb"]):
                    params.append(pytest.param(case.name, (student, nb, grade_id),
                                               id=f"{case.name}/{student}/{nb}/{grade_id}"))
    return params


@pytest.mark.parametrize("case_name,key", _cell_params())
def test_cell_score_matches_nbgrader(graded, case_name, key):
    result = graded(CASES[case_name])
    assert key in result.plain.scores.auto, f"plain nbgrader did not grade {key}:\n{result.plain.log[-3000:]}"
    assert key in result.hcai.scores.auto, f"hcai did not grade {key}:\n{result.hcai.log[-3000:]}"
    assert result.hcai.scores.auto[key] == result.plain.scores.auto[key], result.explain(key)


@pytest.mark.parametrize("case_name,student,notebook", sorted(EXPECTED),
                         ids=["/".join(k) for k in sorted(EXPECTED)])
@pytest.mark.parametrize("side", ["plain", "hcai"])
def test_score_nbgrader_asserts(graded, side, case_name, student, notebook):
    result = graded(CASES[case_name])
    scores = getattr(result, side).scores
    got = scores.total(student) if notebook == "*" else scores.notebook_score.get((student, notebook))
    want = EXPECTED[(case_name, student, notebook)]
    cells = {k: v for k, v in scores.auto.items() if k[0] == student}
    assert got == want, (f"{side}: {case_name}/{student}/{notebook} scored {got}, "
                         f"nbgrader's tests say {want}; cells {cells}")


@pytest.mark.parametrize("side", ["plain", "hcai"])
def test_side_effect_file_lands_in_autograded(graded, side):
    """test_side_effects: learner code writes side-effect.txt beside the notebook."""
    case = CASES["side-effects"]
    run = getattr(graded(case), side)
    assert (run.autograded(case.name, "foo") / "side-effect.txt").is_file(), run.log[-2000:]
    assert not (run.course / "submitted" / "foo" / case.name / "side-effect.txt").exists()

