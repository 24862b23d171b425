"""hcai.cells: one vocabulary for cells, in agreement with nbgrader's own helpers."""

from __future__ import annotations

import itertools
import subprocess
import sys

import nbformat
import pytest
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config

from hcai import cells


def _cell(cell_type: str, flags: dict, src: str = "x = 1") -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(src)
    if flags is not None:
        cell.metadata["nbgrader"] = dict(flags, grade_id="c1", points=2)
    return cell


FLAG_SETS = [None] + [dict(zip(("grade", "solution", "locked", "task"), bits, strict=True))
                      for bits in itertools.product([False, True], repeat=4)]


@pytest.mark.parametrize("cell_type", ["code", "markdown"])
@pytest.mark.parametrize("flags", FLAG_SETS)
def test_predicates_agree_with_nbgrader_utils(cell_type, flags):
    cell = _cell(cell_type, flags)
    assert cells.is_grade(cell) == bool(utils.is_grade(cell))
    assert cells.is_solution(cell) == bool(utils.is_solution(cell))
    assert cells.is_task(cell) == bool(utils.is_task(cell))
    assert cells.is_locked(cell) == bool(utils.is_locked(cell))
    # nbgrader's autograder tests: a code grade cell that is not a solution
    expected_test = cell_type == "code" and bool(utils.is_grade(cell)) and not utils.is_solution(cell)
    assert cells.is_test(cell) == expected_test


def test_kinds_and_gradebook_ids():
    test = _cell("code", {"grade": True, "solution": False})
    answer = _cell("code", {"grade": False, "solution": True})
    manual = _cell("markdown", {"grade": True, "solution": True})
    locked = _cell("markdown", {"grade": False, "solution": False, "locked": True})
    assert [cells.kind(c) for c in (test, answer, manual, locked, _cell("code", None))] == [
        cells.Kind.TEST, cells.Kind.ANSWER, cells.Kind.MANUAL, cells.Kind.LOCKED, cells.Kind.PLAIN]
    assert cells.grade_id(test) == "c1" and cells.points(test) == 2.0
    # the gradebook's ids decide, whatever the metadata claims
    assert cells.is_test(answer, {"c1"}) and not cells.is_test(test, set())


def test_tampered_metadata_is_plain():
    cell = nbformat.v4.new_code_cell("x")
    cell.metadata["nbgrader"] = "grade"
    assert cells.nbgrader_meta(cell) == {} and cells.kind(cell) is cells.Kind.PLAIN
    cell.metadata["nbgrader"] = {"grade": True, "points": "lots"}
    assert cells.points(cell) == 0.0


SOURCES = [
    "assert x == 1\n### BEGIN HIDDEN TESTS\nassert x == 2, 'secret'\n### END HIDDEN TESTS",
    "assert x\n## BEGIN HIDDEN TESTS\nassert y == 3\n## END HIDDEN TESTS\nassert z",
    "# BEGIN HIDDEN TESTS (part a)\nassert a\n#END HIDDEN TESTS\n",
    "print(1)  # BEGIN HIDDEN TESTS\nassert b\n    END HIDDEN TESTS here\nassert c",
    "no hidden region at all\nassert d",
]


@pytest.mark.parametrize("src", SOURCES)
def test_visible_source_is_what_nbgrader_releases(src):
    cell = _cell("code", {"grade": True, "solution": False}, src)
    released, _ = ClearHiddenTests().preprocess_cell(cell, {}, 0)
    assert cells.visible_source(src, cells.Delimiters()) == released.source
    assert cells.has_hidden(src, cells.Delimiters()) == (released.source != src)


def test_configured_delimiters_are_read_from_nbgrader_config(tmp_path):
    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "SECRET START"
    config.ClearHiddenTests.end_test_delimeter = "SECRET STOP"
    d = cells.delimiters_from(config)
    src = "assert x\n# SECRET START\nassert y\n# SECRET STOP"
    assert cells.hidden_line_numbers(src, d) == {2, 3, 4}
    released, _ = ClearHiddenTests(config=config).preprocess_cell(
        _cell("code", {"grade": True, "solution": False}, src), {}, 0)
    assert cells.visible_source(src, d) == released.source == "assert x"
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ClearHiddenTests.begin_test_delimeter = 'SECRET START'\n")
    assert cells.course_delimiters(tmp_path / "nbgrader_config.py").begin_hidden == "SECRET START"


def test_the_course_uses_nbgraders_default_delimiters():
    assert cells.course_delimiters() == cells.Delimiters()


def test_cells_imports_no_nbgrader():
    code = "import sys, hcai.cells; print('nbgrader' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
