"""Self-check questions in the built book (hcai/selfcheck.py, book/selfchecks/*.yml): every file
reaches its page, each kind of question can be answered with the keyboard alone and announces
its feedback, the answers are reachable without JavaScript, and axe finds nothing serious; and,
for the same no-code path, the worked notebooks' code is folded with a keyboard-operable toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from browser_support import DESKTOP, ROOT, html_dir
from test_pages import axe_violations

pytestmark = pytest.mark.browser

SELFCHECKS = ROOT / "book" / "selfchecks"
PAGE = "book/02-professional.html"


def _files_with_pages() -> list[tuple[Path, str]]:
    pairs = []
    for path in sorted(SELFCHECKS.glob("*.yml")):
        page = f"book/{path.stem}.html"
        if (html_dir() / page).is_file():
            pairs.append((path, page))
    return pairs


def _questions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def _feedback(form) -> str:
    box = form.locator(".hcai-sc-feedback")
    assert box.get_attribute("aria-live") == "polite" and box.get_attribute("role") == "status"
    box.filter(has_text=".").wait_for(state="visible", timeout=5000)
    return box.inner_text().strip()


def _press_check(page, form) -> None:
    """Move focus from the last answered control to the form's Check button with Tab, press Enter."""
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "hcai-sc-check" in focused, f"Tab did not reach the Check button (focus on {focused!r})"
    page.keyboard.press("Enter")


def test_every_selfcheck_file_reaches_its_page(site_root: Path) -> None:
    pairs = _files_with_pages()
    chapters = {p.stem for p in SELFCHECKS.glob("*.yml")}
    assert {"00-intro", "01-academic", "02-professional", "04-foundations"} <= chapters
    assert len(pairs) >= 5, f"too few self-check files match a built page: {pairs}"
    for path, page in pairs:
        built = (site_root / page).read_text(encoding="utf-8")
        assert 'id="check-your-understanding"' in built, f"{page}: no self-check section"
        for q in _questions(path):
            assert f'id="sc-{path.stem}-{q["id"]}"' in built, f"{page}: question {q['id']} missing"


def test_choice_question_by_keyboard(open_page) -> None:
    page = open_page(PAGE).page
    form = page.locator("form.hcai-sc-choice").first
    radios = form.locator("input[type=radio]")
    # Check with no answer: the reader is told what to do, not marked wrong.
    radios.first.focus()
    _press_check(page, form)
    assert _feedback(form).startswith("Choose one")
    # Choose with the keyboard: Space checks the focused option, arrows move within the group.
    radios.first.focus()
    page.keyboard.press("Space")
    wrong = radios.first.get_attribute("data-correct") != "true"
    _press_check(page, form)
    text = _feedback(form)
    assert text.startswith("Not quite." if wrong else "Correct."), text
    assert radios.first.get_attribute("data-feedback") in text
    # Walk to the right answer with the arrow keys; its feedback replaces the first.
    radios.first.focus()
    for _ in range(radios.count()):
        if page.evaluate("document.activeElement.dataset.correct") == "true":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.checked")
    _press_check(page, form)
    form.locator(".hcai-sc-feedback").filter(has_text="Correct.").wait_for(timeout=5000)


def test_matching_question_by_keyboard(open_page) -> None:
    page = open_page(PAGE).page
    form = page.locator("form.hcai-sc-matching").first
    selects = form.locator("select")
    for i in range(selects.count()):
        select = selects.nth(i)
        answer = select.get_attribute("data-answer")
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        select.focus()
        for _ in range(values.index(answer)):  # a closed select steps through its options
            page.keyboard.press("ArrowDown")
        assert select.input_value() == answer
        if i == 0:  # one right answer so far: partial feedback names the items still wrong
            form.locator(".hcai-sc-check").focus()
            page.keyboard.press("Enter")
            assert f"1 of {selects.count()} matched" in _feedback(form)
    selects.last.focus()
    _press_check(page, form)
    form.locator(".hcai-sc-feedback").filter(has_text="Correct: all").wait_for(timeout=5000)


def test_short_answer_reveals_a_model_answer(open_page) -> None:
    page = open_page(PAGE).page
    form = page.locator("form.hcai-sc-short").first
    form.locator("textarea").focus()
    page.keyboard.type("The accreditor and the standard.")
    _press_check(page, form)
    assert "model answer" in _feedback(form)
    assert form.locator("details").evaluate("d => d.open")
    assert form.locator("details .hcai-sc-answer-body").is_visible()


def test_answers_reachable_without_javascript(chromium, origin: str) -> None:
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{origin}/{PAGE}")
        form = page.locator("form.hcai-sc-choice").first
        assert not form.locator(".hcai-sc-check").is_visible(), "a Check button that cannot work"
        summary = form.locator("details > summary")
        summary.focus()
        page.keyboard.press("Enter")
        body = form.locator(".hcai-sc-answer-body")
        assert body.is_visible() and "The answer is" in body.inner_text()
        assert body.locator("a[href^='#']").count() == 1, "the answer should link to its section"
    finally:
        context.close()


def test_axe_clean_with_feedback_and_answers_open(open_page, axe_source: Path) -> None:
    page = open_page(PAGE).page
    for form in page.locator("form.hcai-sc-question").all():
        form.locator(".hcai-sc-check").click()
        form.locator("details").evaluate("d => { d.open = true; }")
    page.wait_for_timeout(200)
    blocking = axe_violations(page, axe_source)
    assert blocking == [], f"{PAGE}: axe violations:\n  " + "\n  ".join(blocking)


def test_notebook_code_is_folded_and_opens_by_keyboard(open_page, notebook_page: str) -> None:
    """The no-code path through the worked notebooks: every code cell's source is folded on load
    (its outputs and figures stay visible), and its toggle, named by its visible text, opens with
    Enter."""
    page = open_page(notebook_page).page
    cells = page.locator("div.cell")
    folded = page.locator("div.cell.tag_hide-input > details.hide")
    assert cells.count() > 0 and folded.count() == cells.count(), \
        f"{notebook_page}: {folded.count()} of {cells.count()} code cells folded"
    assert not page.locator("div.cell .cell_input").first.is_visible()
    figures = page.locator("div.cell .cell_output img")
    assert all(figures.nth(i).is_visible() for i in range(figures.count()))
    summary = folded.first.locator("summary")
    visible = summary.inner_text().strip()
    assert visible == "Show code cell source", visible
    label = summary.get_attribute("aria-label")
    assert label is None or visible.lower() in label.lower(), f"name {label!r} hides {visible!r}"
    summary.focus()
    page.keyboard.press("Enter")
    assert folded.first.evaluate("d => d.open")
    assert page.locator("div.cell .cell_input").first.is_visible()
    assert summary.inner_text().strip() == "Hide code cell source"
