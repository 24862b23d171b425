"""Structure and reference checks for the book's chapters (book/0*.md), glossary and references.bib.

Fast, source-level checks (no Sphinx build): they catch a dangling citation key, a bibliography
entry that no chapter cites, an undefined glossary term, and a chapter missing a required section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hcai.paths import BOOK_DIR as BOOK, NOTEBOOKS_DIR, ROOT

# Chapter pages: 01-05 plus lettered chapters such as 03b; 03c (case studies) is a section page.
CHAPTERS = sorted(p for p in BOOK.glob("0[1-5]*-*.md") if re.fullmatch(r"0[1-5]b?", p.name.split("-")[0]))
PAGES = sorted(BOOK.glob("0*-*.md"))
CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")


def _bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


def _cited(paths: list[Path]) -> set[str]:
    keys: set[str] = set()
    for path in paths:
        for match in CITE.finditer(path.read_text(encoding="utf-8")):
            keys |= {k.strip() for k in match.group(1).split(",")}
    return keys


def _glossary_terms() -> set[str]:
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    # A term is an unindented, non-option line inside the directive.
    return {line.strip().lower() for line in body.splitlines()
            if line and not line.startswith((" ", ":"))}


def test_five_chapters_exist() -> None:
    assert [p.name.split("-")[0] for p in CHAPTERS] == ["01", "02", "03", "03b", "04", "05"]


def test_every_citation_key_is_in_references_bib() -> None:
    pages = list(BOOK.glob("*.md")) + list(BOOK.glob("exercises/*.md"))
    missing = _cited(pages) - _bib_keys()
    assert not missing, f"cited but not in references.bib: {sorted(missing)}"


def test_every_bib_entry_is_cited_in_a_chapter() -> None:
    uncited = _bib_keys() - _cited(PAGES)
    assert not uncited, f"in references.bib but cited by no chapter: {sorted(uncited)}"


def test_the_article_and_its_corrections_are_in_the_bibliography() -> None:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert "10.5281/zenodo.17997722" in text
    gazquez = text.split("@article{gazquez2025", 1)[1].split("\n}", 1)[0]
    assert gazquez.count(" and ") == 2, "Gazquez-Garcia et al. 2025 has three authors"
    ratwani = text.split("@article{ratwani2024", 1)[1].split("\n}", 1)[0]
    assert "pages" not in ratwani and "volume" not in ratwani, "JAMA 332(1):15-16 is unverified"


def test_every_term_reference_is_defined_in_the_glossary() -> None:
    terms = _glossary_terms()
    for path in [*PAGES, BOOK / "glossary.md"]:
        for match in TERM.finditer(path.read_text(encoding="utf-8")):
            target = re.search(r"<([^>]+)>\s*$", match.group(1))
            name = " ".join((target.group(1) if target else match.group(1)).split()).lower()
            assert name in terms, f"{path.name}: {{term}} `{name}` is not in the glossary"


def test_glossary_size() -> None:
    assert 25 <= len(_glossary_terms()) <= 80


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_structure(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^(#+) (.+)$", text, flags=re.M)
    assert sum(1 for level, _ in headings if level == "#") == 1, "exactly one H1"
    titles = [t for _, t in headings]
    assert titles[1] == "Learning objectives", "objectives come right after the opening"
    assert f"```{{objectives}} {path.name.split('-')[0]}\n```" in text
    assert titles[-1] == "Practise"
    assert "```{admonition} Key takeaways" in text
    practise = text.rsplit("## Practise", 1)[1]
    assert "{doc}`" in practise


def test_every_exercise_and_worked_notebook_is_linked_from_a_chapter() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in PAGES)
    for page in sorted((BOOK / "exercises").glob("0*.md")):
        assert f"{{doc}}`../book/exercises/{page.stem}`" in text, page.stem
    for nb in sorted(NOTEBOOKS_DIR.glob("0*.ipynb")):
        assert f"{{doc}}`/notebooks/{nb.stem}`" in text, nb.stem
