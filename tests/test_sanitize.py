"""``hcai.grading.sanitize``: tampered nbgrader metadata is reset from the gradebook.

The matching rules are checked on small hand-made notebooks; the preprocessor itself runs
with nbgrader's own sanitize steps against a real gradebook (the hostile fixture assignment
generated into a temporary course).
"""

from __future__ import annotations

import copy
import shutil

import nbformat
import pytest

from hcai import paths
from hcai.grading.sanitize import (ReleasedCell, RestoreGradebookMetadata, insert_positions, match_cells,
                                   released_cells, released_of_file)

from fixtures.hostile import attacks

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = pytest.mark.kernel

A = "hostile-fixture"


def _cell(cid: str, source: str, kind: str = "code", **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    cell.id = cid
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                     "locked": False, **nbgrader}
    return cell


RELEASED = [
    ReleasedCell("c-setup", "setup", "code", "x = 1", True),
    ReleasedCell("c-ans", "answer", "code", "# YOUR CODE HERE", False),
    ReleasedCell("c-test", "test", "code", "assert answer == 2", True),
    ReleasedCell("c-tail", "tail", "markdown", "The end.", True),
]
KNOWN = {"setup", "answer", "test", "tail"}


def test_intact_metadata_matches_by_grade_id():
    cells = [_cell("c-setup", "x = 1", grade_id="setup", locked=True),
             _cell("c-ans", "answer = 2", grade_id="answer", solution=True),
             _cell("new", "print(answer)"),
             _cell("c-test", "assert answer == 2", grade_id="test", grade=True, locked=True, points=1)]
    assert match_cells(cells, KNOWN, RELEASED) == {0: "setup", 1: "answer", 3: "test"}


def test_relabelled_and_stripped_cells_are_found_by_their_nbformat_id():
    cells = [_cell("c-setup", "x = 1"),  # metadata stripped
             _cell("c-ans", "answer = 2", grade_id="answer", solution=True),
             _cell("c-test", "pass", grade_id="test", grade=True, solution=True, locked=False, points=1)]
    assert match_cells(cells, KNOWN, RELEASED) == {0: "setup", 1: "answer", 2: "test"}


def test_a_cell_claiming_a_test_id_does_not_take_it_from_the_real_test():
    cells = [_cell("c-ans", "steal()", grade_id="test", grade=True, solution=True, points=1),
             _cell("c-test", "assert answer == 2", grade_id="test", grade=True, locked=True, points=1)]
    assert match_cells(cells, KNOWN, RELEASED) == {0: "answer", 1: "test"}


def test_unknown_and_duplicate_cells_stay_learner_cells():
    cells = [_cell("x1", "assert True", grade_id="my-own-test", grade=True, locked=True, points=99),
             _cell("c-test", "assert answer == 2", grade_id="test", grade=True, locked=True, points=1),
             _cell("x2", "assert answer == 2", grade_id="test", grade=True, locked=True, points=1)]
    assert match_cells(cells, KNOWN, RELEASED) == {1: "test"}


def test_without_metadata_or_ids_locked_cells_are_found_by_their_source():
    cells = [_cell("n1", "x = 1"), _cell("n2", "answer = 2"), _cell("n3", "assert answer == 2"),
             _cell("n4", "The end.", kind="markdown"), _cell("n5", "The end.")]
    # The answer cannot be told from any other learner cell; it still runs as one.
    assert match_cells(cells, KNOWN, RELEASED) == {0: "setup", 2: "test", 3: "tail"}


def test_deleted_cells_go_back_after_the_cell_they_followed():
    order = ["a", "b", "c", "d", "e"]
    # b and c missing in a row; e missing at the end; a missing at the top
    assert insert_positions(order, {"a": 0, "d": 1}, ["b", "c", "e"]) == [(1, "b"), (2, "c"), (4, "e")]
    assert insert_positions(order, {"b": 0}, ["a"]) == [(0, "a")]
    # learner cells in between do not matter: the anchor is the present cell's own index
    assert insert_positions(order, {"a": 0, "b": 3}, ["c"]) == [(4, "c")]


def test_released_cells_reads_ids_and_lock_flags():
    nb = attacks.fixture_notebook()
    cells = released_cells(nb)
    assert [c.grade_id for c in cells][:3] == ["intro", "setup", "q1-answer"]
    assert cells[0].cell_id == nb.cells[0].id and cells[0].locked and not cells[2].locked


# --- against a real gradebook ------------------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from hcai.grading import config as gconfig

    root = tmp_path_factory.mktemp("sanitize") / "course"
    nb = attacks.fixture_notebook()
    # A test cell right after a locked Markdown cell, as in front of the course's written answers.
    q2_tests = next(i for i, c in enumerate(nb.cells) if c.metadata["nbgrader"]["grade_id"] == "q2-tests")
    nb.cells.insert(q2_tests, attacks._cell("markdown", "Now check it.", "md-check", locked=True))
    (root / "source" / A).mkdir(parents=True)
    nbformat.write(nb, str(root / "source" / A / f"{A}.ipynb"))
    shutil.copy(paths.ASSIGNMENTS_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("HCAI_NBGRADER_EXTRA_CONFIG", raising=False)
        mp.delenv("HCAI_EXCHANGE", raising=False)
        cfg = gconfig.load_config(root)
        gconfig.ensure_gradebook(cfg)
        result = gconfig.make_api(cfg).generate_assignment(A, force=True, create=True)
    assert result["success"], result
    release = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    return root, cfg, release


def _sanitize(cfg, nb, steps):
    resources = {"nbgrader": {"db_url": cfg.CourseDirectory.db_url, "notebook": A,
                              "assignment": A, "student": "someone"}}
    for step in steps:
        nb, resources = step(config=cfg).preprocess(nb, resources)
    return nb


def _tampered(release):
    nb = copy.deepcopy(release)
    tests = [c for c in nb.cells if attacks.is_test(c)]
    tests[0].metadata["nbgrader"]["solution"] = True  # relabelled as an answer
    tests[0].metadata["nbgrader"]["points"] = 50
    tests[0].source = "pass"
    del tests[1].metadata["nbgrader"]  # stripped
    tests[1].source = "pass"
    fake = nbformat.v4.new_code_cell("assert True")
    fake.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": False, "locked": True,
                                 "grade_id": "free-points", "points": 10}
    nb.cells.append(fake)
    return nb


def test_nbgrader_alone_rejects_the_tampered_notebook(course):
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, OverwriteCells

    _, cfg, release = course
    # A relabelled test cell fails its checksum even after its source is restored.
    with pytest.raises(RuntimeError, match="Inconsistent checksums"):
        _sanitize(cfg, _tampered(release), [DeduplicateIds, OverwriteCells, CheckCellMetadata])


def test_restored_metadata_is_the_gradebooks_and_nbgrader_accepts_it(course):
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, OverwriteCells

    _, cfg, release = course
    nb = _sanitize(cfg, _tampered(release),
                   [RestoreGradebookMetadata, DeduplicateIds, OverwriteCells, CheckCellMetadata])
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    with Gradebook(cfg.CourseDirectory.db_url) as gb:
        notebook = gb.find_notebook(A, A)
        sources = {c.name: c for c in notebook.source_cells}
        points = {c.name: float(c.max_score) for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
    assert set(by_id) == set(sources)  # the unknown "free-points" cell is no longer graded
    for name, cell in by_id.items():
        meta = cell.metadata["nbgrader"]
        assert meta["grade"] == (name in points) and meta["solution"] == (name in solutions), name
        assert meta["locked"] == sources[name].locked and meta["schema_version"] == 3, name
        if name in points:
            assert meta["points"] == points[name], name
    for name in ("q1-tests", "q2-tests"):  # the relabelled and the stripped test cell
        assert by_id[name].source == sources[name].source  # hidden tests restored for grading
        assert "BEGIN HIDDEN TESTS" in by_id[name].source
    fake = nb.cells[-1]
    assert fake.source == "assert True" and "nbgrader" not in fake.metadata
    assert sum(1 for c in nb.cells if c.source == "pass") == 0


def test_fully_stripped_notebook_is_restored_cell_for_cell(course):
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, OverwriteCells

    _, cfg, release = course
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    nb = _sanitize(cfg, nb, [RestoreGradebookMetadata, DeduplicateIds, OverwriteCells, CheckCellMetadata])
    assert len(nb.cells) == len(release.cells)  # nothing re-added: every cell was recognised
    for got, want in zip(nb.cells, release.cells):
        for key in ("grade_id", "grade", "solution", "locked"):
            assert got.metadata["nbgrader"][key] == want.metadata["nbgrader"][key], (key, want.id)


def test_deleted_graded_cells_are_put_back_where_nbgrader_alone_fails(course):
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, OverwriteCells

    _, cfg, release = course
    gone = {"q2-tests", "q4-tests"}
    nb = copy.deepcopy(release)
    nb.cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] not in gone]
    with pytest.raises(KeyError, match="md-check"):
        _sanitize(cfg, copy.deepcopy(nb), [DeduplicateIds, OverwriteCells, CheckCellMetadata])
    nb = _sanitize(cfg, nb, [RestoreGradebookMetadata, DeduplicateIds, OverwriteCells, CheckCellMetadata])
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
    assert ids == [c.metadata["nbgrader"]["grade_id"] for c in release.cells]
    with Gradebook(cfg.CourseDirectory.db_url) as gb:
        sources = {c.name: c.source for c in gb.find_notebook(A, A).source_cells}
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"] in gone:
            assert cell.metadata["nbgrader"]["grade"] and cell.metadata["nbgrader"]["locked"]
            # the gradebook's whole test (hidden part included), which the grader runs
            assert cell.source == sources[cell.metadata["nbgrader"]["grade_id"]]
    assert "BEGIN HIDDEN TESTS" in sources["q2-tests"]


def test_the_released_notebook_is_read_once_and_again_when_it_changes(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade_id": "q1", "solution": True, "grade": False, "locked": False}})])
    path = tmp_path / "ps1.ipynb"
    nbformat.write(nb, path)
    first = released_of_file(path)
    assert [(c.grade_id, c.source) for c in first] == [("q1", "x = 1")]
    assert released_of_file(path) is first  # the same parse, not a new one
    nb.cells[0].source = "x = 22"
    nbformat.write(nb, path)
    assert [(c.grade_id, c.source) for c in released_of_file(path)] == [("q1", "x = 22")]
