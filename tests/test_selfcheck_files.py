"""Self-check files (book/selfchecks/*.yml) follow the format, and the loader's messages say what
to fix. Static checks; the built pages are tested in tests/browser/test_selfcheck.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hcai import selfcheck

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "book" / "selfchecks").glob("*.yml"))
# A file may be written before its chapter is merged; the build skips it, so its headings are
# checked once the page exists.
WITH_PAGES = [p for p in FILES if (ROOT / "book" / f"{p.stem}.md").is_file()]


def _headings(markdown: str) -> set[str]:
    return {selfcheck.heading_key(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", markdown, re.M)}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_loads(path: Path) -> None:
    questions = selfcheck.load_questions(path)
    kinds = {q["type"] for q in questions}
    assert len(questions) >= 3 and len(kinds) >= 2, f"{path.name}: mix the kinds of question"


@pytest.mark.parametrize("path", WITH_PAGES, ids=[p.name for p in WITH_PAGES])
def test_answers_point_at_headings_of_their_page(path: Path) -> None:
    questions = selfcheck.load_questions(path)
    page = ROOT / "book" / f"{path.stem}.md"
    headings = _headings(page.read_text(encoding="utf-8"))
    missing = [q["see"] for q in questions if selfcheck.heading_key(q["see"]) not in headings]
    assert missing == [], f"{path.name}: 'see:' names no heading of {page.name}: {missing}"


@pytest.mark.parametrize("text, message", [
    ("questions: []\n", "non-empty 'questions:'"),
    ("questions:\n  - {id: a, type: essay, prompt: p, see: s}\n", "'type' must be one of"),
    ("questions:\n  - {id: A b, type: short, prompt: p, see: s, answer: x}\n", "lower-case slug"),
    ("questions:\n  - {id: a, type: short, prompt: p, answer: x}\n", "'see' is missing"),
    ("questions:\n  - id: a\n    type: choice\n    prompt: p\n    see: s\n    options:\n"
     "      - {text: x, feedback: f}\n      - {text: y, feedback: g}\n", "exactly one option"),
    ("questions:\n  - id: a\n    type: matching\n    prompt: p\n    see: s\n    pairs:\n"
     "      - {item: x, answer: y}\n", "two or more 'pairs'"),
    ("questions:\n  - {id: a, type: short, prompt: p, see: s}\n", "model 'answer'"),
    ("questions: [\n", "not valid YAML"),
])
def test_malformed_files_are_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(selfcheck.SelfCheckError, match=re.escape(message)):
        selfcheck.load_questions(path)


def test_rendered_html_escapes_text_and_hides_the_button_without_script() -> None:
    q = {"id": "a", "type": "choice", "prompt": "Is <b> bold?", "see": "s",
         "options": [{"text": "yes & no", "correct": True, "feedback": 'say "hi"'},
                     {"text": "no", "feedback": "f"}]}
    out = selfcheck.render_choice(q, "sc-x-a", 1, "")
    assert "<b>" not in out and "&lt;b&gt;" in out and "yes &amp; no" in out
    assert 'data-feedback="say &quot;hi&quot;"' in out
    assert re.search(r'<button[^>]*\bhidden\b', out)
    assert '<fieldset><legend>' in out and 'aria-live="polite"' in out and "<details" in out
