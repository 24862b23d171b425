"""Every page of the built book: it loads cleanly and offline, images carry real alt text, links
and anchors resolve, axe finds no serious WCAG 2.1 AA problem (one load, one subtest each), and
the layout holds at phone width."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser_support import PHONE, anchors_in

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"critical", "serious"}
# Alt text that names the file or the kind of thing instead of saying what it shows.
FILE_LIKE = re.compile(r"(\.(png|jpe?g|gif|svg|webp)\b)|(^|/)_images/|^[\w.-]+/[\w./-]+$", re.I)
GENERIC = {"image", "img", "figure", "fig", "plot", "chart", "graph", "picture", "png", "output"}
MIN_CONTENT_ALT = 20  # same bar as the notebook hygiene test


def test_page(open_page, site_root: Path, origin: str, axe_source: Path, page_path: str,
              subtests) -> None:
    """One load of the page at desktop width in a fresh profile; each concern is a subtest, so a
    failure names it and the others still run."""
    visit = open_page(page_path)
    # Late requests (fonts, lazily loaded scripts) count too.
    visit.page.wait_for_load_state("networkidle")
    with subtests.test("offline"):
        assert visit.external == [], f"{page_path} requested outside the machine: {visit.external}"
        assert visit.failed == [], f"{page_path}: local requests failed: {visit.failed}"
    with subtests.test("console"):
        assert visit.console_errors() == [], f"{page_path}: console: {visit.console_errors()}"
    with subtests.test("alt text"):
        problems = alt_text_problems(visit.page)
        assert problems == [], f"{page_path}: " + "; ".join(problems)
    with subtests.test("links"):
        broken = broken_links(visit.page, site_root, origin, page_path)
        assert broken == [], f"{page_path}: broken links:\n  " + "\n  ".join(broken)
    with subtests.test("axe"):
        blocking = axe_violations(visit.page, axe_source)
        assert blocking == [], f"{page_path}: axe violations:\n  " + "\n  ".join(blocking)


def alt_text_problems(page) -> list[str]:
    """Images without a text alternative that says what they show."""
    images = page.evaluate(
        """() => [...document.querySelectorAll('img, svg[role="img"], [role="img"]')]
              .filter(el => !el.closest('[aria-hidden="true"]'))
              .map(el => ({
                  tag: el.tagName.toLowerCase(),
                  src: el.getAttribute('src') || '',
                  hasAlt: el.hasAttribute('alt'),
                  name: (el.getAttribute('alt') ?? el.getAttribute('aria-label')
                         ?? el.querySelector('title')?.textContent ?? '').trim(),
                  content: !!el.closest('.bd-article'),
              }))"""
    )
    problems = []
    for img in images:
        where = f"<{img['tag']} src={img['src']!r}>"
        name = img["name"]
        if img["tag"] == "img" and not img["hasAlt"]:
            problems.append(f"{where}: no alt attribute")
        elif not name:
            problems.append(f"{where}: empty text alternative")
        elif FILE_LIKE.search(name) or name.lower().strip(" .") in GENERIC:
            problems.append(f"{where}: alt {name!r} names a file or a kind, not what it shows")
        elif img["content"] and len(name) < MIN_CONTENT_ALT:
            problems.append(f"{where}: alt {name!r} is too short to describe a figure")
    return problems


def broken_links(page, site_root: Path, origin: str, page_path: str) -> list[str]:
    """Links to this site whose file is missing, or whose fragment names no id in the target."""
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    live_ids = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
    broken = set()
    for href in links:
        if not href.startswith(origin + "/"):
            continue  # external and mailto: links are not followed offline
        parts = urlsplit(href)
        rel = unquote(parts.path).lstrip("/")
        target = site_root / rel
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.add(f"{href}: no file {rel or '/'}")
            continue
        frag = unquote(parts.fragment)
        if not frag or target.suffix != ".html":
            continue
        # Ids added by scripts count on the page itself; other pages are checked as built.
        same_page = target.resolve() == (site_root / page_path).resolve()
        if frag not in anchors_in(target) | (live_ids if same_page else set()):
            broken.add(f"{href}: no element with id {frag!r}")
    return sorted(broken)


def axe_violations(page, axe_source: Path) -> list[str]:
    """Critical and serious axe-core violations of WCAG 2.0/2.1 A and AA rules."""
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:8])
        for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS
    ]


def test_layout_holds_at_phone_width(open_page, page_path: str) -> None:
    """At 375 px (a phone), and at 320 px (WCAG 1.4.10 reflow), nothing makes the page scroll
    sideways: wide tables, code and maths scroll inside their own boxes, long words wrap, and
    the main text uses the width."""
    visit = open_page(page_path, viewport=PHONE)
    for width in (PHONE["width"], 320):
        visit.page.set_viewport_size({"width": width, "height": PHONE["height"]})
        metrics = visit.page.evaluate(REFLOW)
        assert metrics["scrollWidth"] <= width, (
            f"{page_path} scrolls sideways at {width} px "
            f"(content {metrics['scrollWidth']} px wide): {metrics['offenders']}")
        assert metrics["offenders"] == [], f"{page_path}: past the right edge at {width} px"
        assert metrics["mainLeft"] >= 0 and metrics["mainWidth"] >= 0.8 * width, (
            f"{page_path}: main content is {metrics['mainWidth']:.0f} px wide at {width} px")


REFLOW = """() => {
    const main = document.querySelector('#main-content') || document.body;
    const box = main.getBoundingClientRect();
    const offenders = [...document.querySelectorAll('.bd-article *')]
      .filter(el => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.right > window.innerWidth + 1
              && !el.closest('.pst-scrollable-table-container, .highlight, .output, '
                             + '.math, mjx-container, .table-wrapper, pre, .cell_output');
      })
      .slice(0, 5)
      .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
                                              .trim().split(/\\s+/).join('.') : ''));
    return {scrollWidth: document.documentElement.scrollWidth, mainLeft: box.left,
            mainWidth: box.width, offenders};
}"""


def test_redirect_lands_on_a_page(open_page, redirect_path: str, site_root: Path) -> None:
    """``index.html`` is a meta-refresh stub: it must lead to a real page."""
    visit = open_page(redirect_path)
    visit.page.wait_for_function(f"() => location.href !== {visit.url!r}")
    visit.page.wait_for_load_state("load")
    landed = urlsplit(visit.page.url).path.lstrip("/")
    assert (site_root / landed).is_file(), f"{redirect_path} redirects to missing {landed}"
    assert visit.page.locator("main h1").count() >= 1
