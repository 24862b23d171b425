"""Sphinx extension: self-check questions appended to book pages from YAML files.

A page ``book/02-professional.md`` gets the questions in ``book/selfchecks/02-professional.yml``
(the file is named after the page's file name without its extension), so chapter authors never
edit a page to add or change its questions. The questions go into a section "Check your
understanding", placed before the page's "Practise" section (or at the end of the page).

Three kinds of question, all plain HTML that works offline and without JavaScript:

* ``choice``: one answer out of several, a radio group in a ``<fieldset>`` with a ``<legend>``;
  every option carries its own feedback.
* ``matching``: each item gets a labelled ``<select>`` of the possible answers.
* ``short``: a text box for the reader's own answer, with a model answer to compare.

Every question has a ``<details>`` "Show the answer" reveal, which needs no script. With
JavaScript (``book/_static/hcai-selfcheck.js``), a "Check" button marks the reader's choice and
writes the feedback into a polite ``aria-live`` region, so screen readers announce it. Nothing
is stored or sent anywhere. Each question names the section of the page its answer comes from
(``see:``); the link is resolved against the page's headings, so a renamed heading is a build
warning (``-W`` makes it an error), as is a malformed file. File format: ``book/selfchecks/README.md``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging

log = logging.getLogger(__name__)

SELFCHECK_DIR = "book/selfchecks"
SECTION_TITLE = "Check your understanding"
INTRO = ("These questions are for you alone: nothing is recorded or sent anywhere. Choose or write "
         "an answer, then select the Check button (or press Enter), or open \u201cShow the answer\u201d "
         "to compare. Each answer says where in this page to read more.")
KINDS = ("choice", "matching", "short")


class SelfCheckError(ValueError):
    """A self-check file that does not follow the format; the message says what to fix."""


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The validated questions of one self-check file (raises :class:`SelfCheckError`)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SelfCheckError(f"not valid YAML: {exc}") from None
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list) or not questions:
        raise SelfCheckError("needs a non-empty 'questions:' list")
    seen: set[str] = set()
    for number, q in enumerate(questions, 1):
        where = f"question {number}"
        if not isinstance(q, dict):
            raise SelfCheckError(f"{where} must be a mapping with 'id', 'type' and 'prompt'")
        qid = str(q.get("id", ""))
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", qid) or qid in seen:
            raise SelfCheckError(f"{where}: 'id' must be a unique lower-case slug, got {qid!r}")
        seen.add(qid)
        if q.get("type") not in KINDS:
            raise SelfCheckError(f"{where} ({qid}): 'type' must be one of {', '.join(KINDS)}")
        for key in ("prompt", "see"):
            if not str(q.get(key) or "").strip():
                raise SelfCheckError(f"{where} ({qid}): '{key}' is missing")
        _check_kind(q, f"{where} ({qid})")
    return questions


def _check_kind(q: dict[str, Any], where: str) -> None:
    kind = q["type"]
    if kind == "choice":
        options = q.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise SelfCheckError(f"{where}: a choice question needs at least two 'options'")
        if sum(bool(o.get("correct")) for o in options) != 1:
            raise SelfCheckError(f"{where}: exactly one option must have 'correct: true'")
        if not all(str(o.get("text") or "").strip() and str(o.get("feedback") or "").strip()
                   for o in options):
            raise SelfCheckError(f"{where}: every option needs 'text' and 'feedback'")
    elif kind == "matching":
        pairs = q.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2 or not all(
                str(p.get("item") or "").strip() and str(p.get("answer") or "").strip() for p in pairs):
            raise SelfCheckError(f"{where}: a matching question needs two or more 'pairs' of 'item' and 'answer'")
    elif not str(q.get("answer") or "").strip():
        raise SelfCheckError(f"{where}: a short-answer question needs a model 'answer'")


def _e(text: Any) -> str:
    return html.escape(str(text).strip(), quote=True)


def _reveal(summary: str, body: str, see_html: str) -> str:
    return (f'<details class="hcai-sc-answer"><summary>{summary}</summary>'
            f'<div class="hcai-sc-answer-body">{body}{see_html}</div></details>')


def _status() -> str:
    # Present (empty) from the start: a live region added later is often not announced.
    return '<p class="hcai-sc-feedback" role="status" aria-live="polite"></p>'


def _check_button(label: str) -> str:
    # Hidden until the script runs: without JavaScript the button could do nothing.
    return f'<button type="submit" class="hcai-sc-check" hidden>{label}</button>'


def render_choice(q: dict[str, Any], base: str, number: int, see_html: str) -> str:
    """A radio group with per-option feedback (in data attributes for the script)."""
    rows, notes, right = [], [], ""
    for i, opt in enumerate(q["options"]):
        oid = f"{base}-{i}"
        correct = "true" if opt.get("correct") else "false"
        rows.append(f'<div class="hcai-sc-option"><input type="radio" name="{base}" id="{oid}" value="{i}" '
                    f'data-correct="{correct}" data-feedback="{_e(opt["feedback"])}">'
                    f'<label for="{oid}">{_e(opt["text"])}</label></div>')
        notes.append(f'<li><strong>{_e(opt["text"])}</strong>: {_e(opt["feedback"])}</li>')
        if opt.get("correct"):
            right = _e(opt["text"])
    body = f'<p>The answer is <strong>{right}</strong>.</p><ul>{"".join(notes)}</ul>'
    return (f'<form class="hcai-sc-question hcai-sc-choice" id="{base}" novalidate>'
            f'<fieldset><legend><span class="hcai-sc-num">Question {number}.</span> {_e(q["prompt"])}</legend>'
            f'{"".join(rows)}</fieldset>{_check_button("Check answer")}{_status()}'
            f'{_reveal("Show the answer", body, see_html)}</form>')


def render_matching(q: dict[str, Any], base: str, number: int, see_html: str) -> str:
    """One labelled select per item; the choices are listed alphabetically, not in answer order."""
    choices = sorted({str(p["answer"]).strip() for p in q["pairs"]} |
                     {str(c).strip() for c in q.get("distractors") or []}, key=str.casefold)
    option_html = '<option value="">Choose\u2026</option>' + "".join(
        f'<option value="{_e(c)}">{_e(c)}</option>' for c in choices)
    rows, key = [], []
    for i, pair in enumerate(q["pairs"]):
        sid = f"{base}-{i}"
        rows.append(f'<div class="hcai-sc-pair"><label for="{sid}">{_e(pair["item"])}</label>'
                    f'<select id="{sid}" data-answer="{_e(pair["answer"])}">{option_html}</select></div>')
        key.append(f'<li>{_e(pair["item"])}: <strong>{_e(pair["answer"])}</strong></li>')
    extra = f'<p>{_e(q["feedback"])}</p>' if q.get("feedback") else ""
    return (f'<form class="hcai-sc-question hcai-sc-matching" id="{base}" novalidate>'
            f'<fieldset><legend><span class="hcai-sc-num">Question {number}.</span> {_e(q["prompt"])}</legend>'
            f'{"".join(rows)}</fieldset>{_check_button("Check answers")}{_status()}'
            f'{_reveal("Show the answers", "<ul>" + "".join(key) + "</ul>" + extra, see_html)}</form>')


def render_short(q: dict[str, Any], base: str, number: int, see_html: str) -> str:
    """A private text box and a model answer behind a reveal (no automatic marking)."""
    return (f'<form class="hcai-sc-question hcai-sc-short" id="{base}" novalidate>'
            f'<fieldset><legend><span class="hcai-sc-num">Question {number}.</span> {_e(q["prompt"])}</legend>'
            f'<label for="{base}-text">Your answer (it stays in this page and is not saved)</label>'
            f'<textarea id="{base}-text" rows="3"></textarea></fieldset>'
            f'{_check_button("Compare with a model answer")}{_status()}'
            f'{_reveal("Show a model answer", "<p>" + _e(q["answer"]) + "</p>", see_html)}</form>')


RENDER = {"choice": render_choice, "matching": render_matching, "short": render_short}


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def heading_key(title: str) -> str:
    """How a heading is matched: case and typographic quotes do not matter (MyST curls quotes)."""
    return " ".join(title.translate(_QUOTES).split()).casefold()


def _headings(doctree: nodes.document) -> dict[str, str]:
    """Section title (normalised) -> its HTML id, for every section of the page."""
    found: dict[str, str] = {}
    for section in doctree.findall(nodes.section):
        if section.children and isinstance(section[0], nodes.title) and section["ids"]:
            found.setdefault(heading_key(section[0].astext()), section["ids"][0])
    return found


def build_section(questions: list[dict[str, Any]], stem: str, doctree: nodes.document,
                  warn: Any) -> nodes.section:
    """The "Check your understanding" section for one page."""
    headings = _headings(doctree)
    section = nodes.section(ids=["check-your-understanding"], classes=["hcai-selfcheck"])
    section += nodes.title(text=SECTION_TITLE)
    section += nodes.paragraph(text=INTRO)
    parts = []
    for number, q in enumerate(questions, 1):
        see = str(q["see"]).strip()
        anchor = headings.get(heading_key(see))
        if anchor is None:
            warn(f"self-check {q['id']}: 'see: {see}' names no heading of this page")
            see_html = f'<p class="hcai-sc-see">Read more: {_e(see)}.</p>'
        else:
            see_html = f'<p class="hcai-sc-see">Read more: <a href="#{anchor}">{_e(see)}</a>.</p>'
        parts.append(RENDER[q["type"]](q, f"sc-{stem}-{q['id']}", number, see_html))
    section += nodes.raw("", f'<div class="hcai-sc-list">{"".join(parts)}</div>', format="html")
    return section


def add_selfchecks(app: Any, doctree: nodes.document) -> None:
    """``doctree-read``: append the page's self-check section, if it has a self-check file."""
    docname = app.env.docname
    stem = Path(docname).name
    path = Path(app.srcdir) / SELFCHECK_DIR / f"{stem}.yml"
    if not path.is_file():
        return
    app.env.note_dependency(str(path))
    location = (str(path), None)  # a plain string would be read as a document name
    try:
        questions = load_questions(path)
    except SelfCheckError as exc:
        log.warning(f"self-check file {path.name}: {exc}", location=location)
        return
    section = build_section(questions, stem, doctree,
                            lambda msg: log.warning(msg, location=location))
    top = next(iter(doctree.findall(nodes.section)), None)
    parent = top if top is not None else doctree
    practise = [s for s in parent.children if isinstance(s, nodes.section)
                and s.children and s[0].astext().strip().casefold() in {"practise", "practice"}]
    if practise:
        parent.insert(parent.index(practise[0]), section)
    else:
        parent += section


def report_orphans(app: Any, exception: Exception | None) -> None:
    """``build-finished``: say which self-check files match no page (info, not a warning:
    a file may be written before its chapter is merged)."""
    folder = Path(app.srcdir) / SELFCHECK_DIR
    if exception or not folder.is_dir():
        return
    stems = {Path(d).name for d in app.env.found_docs}
    for path in sorted(folder.glob("*.yml")):
        if path.stem not in stems:
            log.info(f"self-check file {path.name} matches no page of the book; skipped")


def setup(app: Any) -> dict[str, Any]:  # Sphinx's entry point
    # Before Sphinx's own doctree-read collectors (priority 500), so the new section is in the
    # page's table of contents like any other.
    app.connect("doctree-read", add_selfchecks, priority=400)
    app.connect("build-finished", report_orphans)
    app.add_css_file("hcai-selfcheck.css")
    app.add_js_file("hcai-selfcheck.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
