"""Committed notebooks are clean: valid nbformat 4, no outputs or execution counts (the book build
and the learner produce them), one H1 title in the first cell, no machine-specific absolute
paths, the python3 kernel, and real alt text and a caption on every figure a book notebook draws.

Covers the book's worked notebooks (notebooks/*.ipynb) and the nbgrader instructor sources
(assignments/source/**/*.ipynb). Static checks only: nothing is executed here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
BOOK_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ASSIGNMENT_NOTEBOOKS = sorted((ROOT / "assignments" / "source").glob("**/*.ipynb"))
ALL_NOTEBOOKS = [p for p in BOOK_NOTEBOOKS + ASSIGNMENT_NOTEBOOKS
                 if ".ipynb_checkpoints" not in p.parts]

MIN_TEXT = 20
# A path that only exists on one machine; the lookbehind keeps URLs (".../home/...") out.
ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])(/work/|/home/|/root/|/Users/|/tmp/)"
                           r"|\b[A-Za-z]:\\[\w$]")
# Cells that draw: pyplot/seaborn calls, pandas .plot, a figure object. Setup calls such as
# plt.rcParams.update(...) and sns.set_theme(...) draw nothing.
DRAWS = re.compile(r"\bplt\.(?!rcParams|style|rc\b|rc_context|close|ioff|ion)\w+\("
                   r"|\.plot(\.\w+)?\(|\bsns\.(?!set)\w+\(|^\s*fig\b[\w\s,]*=|\bfig\.\w+\(",
                   re.M)
FILE_NAME = re.compile(r"^[\w./\\-]+\.(png|jpe?g|svg|gif|webp|pdf)$|^[\w-]+$", re.I)
HIDDEN_OUTPUT_TAGS = {"remove-output", "remove-cell", "remove_output", "remove_cell"}

_md = MarkdownIt("commonmark")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _params(paths: list[Path]) -> list:
    # An empty folder is a failure, not a silently empty test.
    return [pytest.param(p, id=_rel(p)) for p in paths] or [pytest.param(None, id="none-found")]


def _load(path: Path | None) -> nbformat.NotebookNode:
    if path is None:
        pytest.fail("no notebooks found where the course keeps them")
    return nbformat.read(path, as_version=4)


def _h1_count(markdown: str) -> int:
    return sum(1 for t in _md.parse(markdown) if t.type == "heading_open" and t.tag == "h1") \
        + len(re.findall(r"<h1[\s>]", markdown, re.I))


def _meaningful(text: object) -> bool:
    return isinstance(text, str) and len(text.strip()) >= MIN_TEXT \
        and not FILE_NAME.match(text.strip())


@pytest.mark.parametrize("path", _params(ALL_NOTEBOOKS))
def test_valid_nbformat_with_python3_kernel(path: Path | None) -> None:
    nb = _load(path)
    nbformat.validate(nb)  # raises ValidationError naming the problem
    assert nb.nbformat == 4
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", \
        f"{_rel(path)}: kernelspec is {nb.metadata.get('kernelspec')}, expected python3"


@pytest.mark.parametrize("path", _params(ALL_NOTEBOOKS))
def test_no_outputs_or_execution_counts(path: Path | None) -> None:
    nb = _load(path)
    dirty = [f"cell {i} (outputs: {len(cell.get('outputs', []))}, "
             f"execution_count: {cell.get('execution_count')})"
             for i, cell in enumerate(nb.cells)
             if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert dirty == [], f"{_rel(path)}: clear outputs before committing: {dirty}"


@pytest.mark.parametrize("path", _params(ALL_NOTEBOOKS))
def test_one_title_in_first_cell(path: Path | None) -> None:
    nb = _load(path)
    assert nb.cells and nb.cells[0].cell_type == "markdown", \
        f"{_rel(path)}: the first cell must be the Markdown title"
    first = _md.parse(nb.cells[0].source)
    headings = [t for t in first if t.type == "heading_open"]
    assert headings and headings[0].tag == "h1", \
        f"{_rel(path)}: the first cell must open with a '# Title'"
    total = sum(_h1_count(c.source) for c in nb.cells if c.cell_type == "markdown")
    assert total == 1, f"{_rel(path)}: {total} H1 headings; a page has exactly one title"


@pytest.mark.parametrize("path", _params(ALL_NOTEBOOKS))
def test_no_absolute_paths(path: Path | None) -> None:
    nb = _load(path)
    found = []
    for i, cell in enumerate(nb.cells):
        text = cell.source + json.dumps(cell.get("metadata", {}))
        found += [f"cell {i}: {m.group(0)!r}" for m in ABSOLUTE_PATH.finditer(text)]
    found += [f"notebook metadata: {m.group(0)!r}"
              for m in ABSOLUTE_PATH.finditer(json.dumps(nb.metadata))]
    assert found == [], f"{_rel(path)}: machine-specific paths (use hcai.paths): {found}"


@pytest.mark.parametrize("path", _params(BOOK_NOTEBOOKS))
def test_book_figures_have_alt_text_and_caption(path: Path | None) -> None:
    """Without ``mystnb.image.alt`` a figure's alt text in the book is its file path."""
    nb = _load(path)
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not DRAWS.search(cell.source):
            continue
        if HIDDEN_OUTPUT_TAGS & set(cell.metadata.get("tags", [])):
            continue
        mystnb = cell.metadata.get("mystnb", {})
        alt = mystnb.get("image", {}).get("alt")
        caption = mystnb.get("figure", {}).get("caption")
        if not _meaningful(alt):
            problems.append(f"cell {i}: mystnb.image.alt missing or not a description ({alt!r})")
        if not _meaningful(caption):
            problems.append(f"cell {i}: mystnb.figure.caption missing or too short ({caption!r})")
    assert problems == [], f"{_rel(path)}: " + "; ".join(problems)
