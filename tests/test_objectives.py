"""Learning objectives <-> graded items: every objective is assessed, every item exists.

The objectives' ids and wording come from docs/DESIGN.md's table; ``assignments/objectives.yml``
is the one place that lists them per chapter with the graded items (``<assignment>/<grade_id>``)
that assess them; each chapter page shows them with the ``{objectives} NN`` directive.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from hcai import paths, sphinxext

DESIGN = paths.ROOT / "docs" / "DESIGN.md"
OBJECTIVES = paths.ASSIGNMENTS_DIR / "objectives.yml"


def design_objectives() -> dict[str, str]:
    rows = re.findall(r"^\|\s*(LO\d+\.\d+)\s*\|\s*(.+?)\s*\|\s*$", DESIGN.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def objectives() -> dict:
    return yaml.safe_load(OBJECTIVES.read_text(encoding="utf-8"))


def all_objectives() -> dict[str, dict]:
    return {o["id"]: {**o, "chapter": ch} for ch, spec in objectives()["chapters"].items()
            for o in spec["objectives"]}


def graded_cells(aid: str) -> dict[str, float]:
    nb = json.loads((paths.SOURCE_DIR / aid / f"{aid}.ipynb").read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            out[meta["grade_id"]] = float(meta.get("points", 0) or 0)
    return out


def test_design_table_is_read():
    assert len(design_objectives()) >= 10


def test_every_design_objective_is_listed_with_its_wording():
    listed = all_objectives()
    for lo, text in design_objectives().items():
        assert lo in listed, f"{lo} from docs/DESIGN.md is missing from objectives.yml"
        assert listed[lo]["text"].strip() == text.strip(), f"{lo}: wording differs from docs/DESIGN.md"
    assert set(listed) <= set(design_objectives()), "objectives.yml lists an objective DESIGN.md does not"


def test_objectives_sit_in_their_chapter():
    for lo, spec in all_objectives().items():
        assert lo[2:].split(".")[0].zfill(2) == spec["chapter"][:2], f"{lo} is filed under chapter {spec['chapter']}"


@pytest.mark.parametrize("lo", sorted(design_objectives()))
def test_objective_is_assessed_by_a_graded_item(lo):
    spec = all_objectives().get(lo)
    assert spec, f"{lo} is not in objectives.yml"
    items = spec.get("assessed_by") or []
    assert items, f"{lo} is assessed by nothing"
    for item in items:
        aid, _, gid = str(item).partition("/")
        assert (paths.SOURCE_DIR / aid / f"{aid}.ipynb").is_file(), f"{item}: no assignment {aid}"
        cells = graded_cells(aid)
        assert gid in cells, f"{item}: no graded cell {gid} in {aid}"
        assert cells[gid] > 0, f"{item} carries no points"


def test_every_graded_item_assesses_some_objective():
    """The converse: no graded cell is orphaned (so every point counts towards an objective)."""
    named = {str(i) for o in all_objectives().values() for i in o.get("assessed_by") or []}
    for nb in sorted(paths.SOURCE_DIR.glob("*/*.ipynb")):
        aid = nb.stem
        for gid in graded_cells(aid):
            assert f"{aid}/{gid}" in named, f"{aid}/{gid} assesses no objective"


@pytest.mark.parametrize("chapter", sorted({o["chapter"] for o in all_objectives().values()}))
def test_chapter_page_shows_its_objectives(chapter):
    pages = sorted(paths.BOOK_DIR.glob(f"{chapter}-*.md"))
    assert pages, f"no chapter page book/{chapter}-*.md"
    text = pages[0].read_text(encoding="utf-8")
    assert re.search(rf"```\{{objectives\}}\s+{chapter}\s*\n", text), (
        f"{pages[0].name} lacks the ```{{objectives}} {chapter}``` directive")


def test_item_descriptions():
    assert sphinxext.describe_item("q6-written", 3) == "Question 6 (written, graded by hand; 3 points)"
    assert sphinxext.describe_item("q1-tests", 1) == "Question 1 (autograded; 1 point)"
