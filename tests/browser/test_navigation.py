"""Getting around the book without a mouse, and finding things in it: the skip link, the sidebar
by keyboard (with a visible focus ring at every stop), the phone-width navigation drawer, and the
offline search page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from browser_support import PHONE, landing_page

pytestmark = pytest.mark.browser

MAX_TABS = 80
# A term the search must find, and the page it must lead to: book/datasets.md is owned by the
# same work as these tests, so the term cannot vanish under them.
SEARCH_TERM = "provenance"
SEARCH_TARGET = "book/datasets.html"

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const cs = getComputedStyle(e);
    const ring = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2
                 && !/rgba\\([^)]*,\\s*0\\)/.test(cs.outlineColor);
    const r = e.getBoundingClientRect();
    return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.getAttribute('aria-label')
            || '').trim().slice(0, 60), href: e.href || null, ring,
            inSidebar: !!e.closest('.bd-sidebar-primary, #pst-primary-sidebar-modal'),
            inMain: !!e.closest('#main-content'),
            inDialog: !!e.closest('dialog'),
            visible: r.width > 0 && r.height > 0,
            cls: String(e.className || '')};
}"""


def _tab(page, times: int = 1) -> dict | None:
    for _ in range(times):
        page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def test_skip_link_is_first_and_moves_to_content(open_page, site_root: Path) -> None:
    visit = open_page(landing_page(site_root))
    first = _tab(visit.page)
    assert first is not None and first["tag"] == "a", f"first Tab stop is {first}"
    assert "skip to main content" in first["text"].lower(), f"first Tab stop is {first}"
    assert first["visible"] and first["ring"], "the skip link must show when focused"
    visit.page.keyboard.press("Enter")
    assert visit.page.url.endswith("#main-content")
    after = _tab(visit.page)
    assert after is not None and after["inMain"], f"Tab after the skip link went to {after}"


def _tab_to(page, predicate, what: str) -> dict:
    for _ in range(MAX_TABS):
        stop = _tab(page)
        if stop and predicate(stop):
            return stop
    pytest.fail(f"Tab never reached {what}")


def test_sidebar_by_keyboard(open_page, site_root: Path, origin: str) -> None:
    """Every visible sidebar link is reachable with Tab, each stop on the way shows a focus ring,
    a section toggle opens and closes with Enter, and Enter on a link goes to that page."""
    start = landing_page(site_root)
    visit = open_page(start)
    page = visit.page
    start_url = urljoin(origin + "/", start)
    sidebar_links = set(page.evaluate(
        """() => [...document.querySelectorAll('.bd-sidebar-primary nav a[href]')]
              .filter(a => a.checkVisibility()).map(a => a.href)"""
    ))
    assert sidebar_links, "no visible links in the sidebar"
    reached, no_ring, toggles = set(), [], 0
    for _ in range(MAX_TABS):
        stop = _tab(page)
        if stop is None:
            break
        if not stop["ring"]:
            no_ring.append(f"{stop['tag']}.{stop['cls']} {stop['text']!r}")
        if stop["inSidebar"]:
            toggles += stop["tag"] == "summary"
            if stop["href"]:
                reached.add(stop["href"])
        if reached >= sidebar_links:
            break
    assert no_ring == [], f"focused without a visible focus ring: {no_ring}"
    assert sidebar_links <= reached, f"not reachable by Tab: {sorted(sidebar_links - reached)}"

    if toggles:
        page.goto(start_url)
        _tab_to(page, lambda s: s["inSidebar"] and s["tag"] == "summary", "a sidebar toggle")
        is_open = "() => document.activeElement.parentElement.open"
        before = page.evaluate(is_open)
        page.keyboard.press("Enter")
        assert page.evaluate(is_open) != before, "Enter did not open or close a sidebar section"

    target = next(h for h in sorted(sidebar_links) if h.split("#")[0] != start_url)
    page.goto(start_url)
    _tab_to(page, lambda s: s["href"] == target, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == target


def test_phone_navigation_drawer_by_keyboard(open_page, site_root: Path) -> None:
    """At phone width the sidebar is folded away; its toggle opens a drawer that takes focus,
    Escape closes it, and a link in it can be followed with Enter."""
    start = landing_page(site_root)
    visit = open_page(start, viewport=PHONE)
    page = visit.page
    assert not page.locator(".bd-sidebar-primary nav a").first.is_visible(), \
        "sidebar links should be folded away at phone width"

    def open_drawer() -> None:
        page.goto(visit.url)
        _tab_to(page, lambda s: "primary-toggle" in s["cls"], "the navigation toggle")
        page.keyboard.press("Enter")
        page.wait_for_selector("#pst-primary-sidebar-modal[open]")

    open_drawer()
    links = page.locator("#pst-primary-sidebar-modal nav a[href]")
    assert links.count() > 0, "the navigation drawer is empty"
    page.keyboard.press("Escape")
    page.wait_for_selector("#pst-primary-sidebar-modal:not([open])", state="attached")

    open_drawer()
    stop = _tab_to(page, lambda s: s["inDialog"] and s["href"] and not s["href"].endswith(start),
                   "a link inside the navigation drawer")
    assert stop["ring"], "link in the drawer has no visible focus ring"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == stop["href"]


def test_search_by_keyboard_finds_known_term(open_page, site_root: Path, origin: str) -> None:
    """Ctrl+K opens the search box, Enter runs the (offline) search, the results list the page
    the term is on, and nothing is fetched from outside on the way."""
    visit = open_page(landing_page(site_root))
    page = visit.page
    page.keyboard.press("Control+k")
    box = page.locator("#pst-search-dialog input[type=search]")
    box.wait_for(state="visible")
    assert page.evaluate("() => document.activeElement.type") == "search", \
        "Ctrl+K did not put focus in the search box"
    page.keyboard.type(SEARCH_TERM)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "search.html" in page.url
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    hrefs = [urljoin(page.url, h) for h in results.evaluate_all("els => els.map(a => a.href)")]
    assert any(h.split("?")[0].split("#")[0] == f"{origin}/{SEARCH_TARGET}" for h in hrefs), \
        f"searching {SEARCH_TERM!r} did not list {SEARCH_TARGET}: {hrefs}"
    assert visit.external == [] and visit.failed == []
