"""Maths renders with the MathJax copy vendored in ``_vendor/mathjax`` (served from
``_static/mathjax``), never from a CDN, fonts included."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

MATHJAX = "_static/mathjax/es5/tex-chtml.js"
FONTS = "_static/mathjax/es5/output/chtml/fonts/woff-v2/"
TYPESET = "() => window.MathJax && MathJax.startup && MathJax.startup.promise"


def test_math_pages_render_offline(open_page, origin: str, math_page: str) -> None:
    visit = open_page(math_page)
    page = visit.page
    sources = page.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    mathjax = [s for s in sources if "mathjax" in s.lower() or "tex-" in s]
    assert f"/{MATHJAX}" in [urlsplit(s).path for s in mathjax] and all(
        s.startswith(f"{origin}/_static/mathjax/") for s in mathjax), \
        f"{math_page} loads MathJax from {mathjax}, not the vendored copy"
    page.wait_for_function(TYPESET)
    page.evaluate(f"async () => {{ await ({TYPESET})(); }}")
    page.wait_for_load_state("networkidle")
    state = page.evaluate(
        """() => ({
            math: document.querySelectorAll('.math').length,
            unrendered: [...document.querySelectorAll('.math')]
                .filter(el => !el.querySelector('mjx-container'))
                .map(el => el.textContent.trim().slice(0, 60)),
            errors: [...document.querySelectorAll('mjx-merror')]
                .map(el => el.getAttribute('data-mjx-error') || el.textContent),
        })"""
    )
    assert state["math"] > 0
    assert state["unrendered"] == [], f"{math_page}: not typeset: {state['unrendered']}"
    assert state["errors"] == [], f"{math_page}: TeX errors: {state['errors']}"
    assert any(FONTS in url for url in visit.served), "MathJax fonts were not loaded locally"
    assert visit.external == [], f"{math_page} requested outside the machine: {visit.external}"
    assert visit.failed == [], f"{math_page}: local requests failed: {visit.failed}"


def test_vendored_mathjax_typesets_a_formula(open_page, site_root: Path) -> None:
    """The vendored copy works on its own, whatever the chapters contain today: load it into a
    page without maths and typeset a formula with it."""
    assert (site_root / "_static" / "mathjax" / "LICENSE").is_file(), \
        "MathJax's licence must ship with it"
    visit = open_page("genindex.html")
    page = visit.page
    page.evaluate(
        r"""() => {
            const p = document.createElement('p');
            p.id = 'probe';
            p.textContent = '\\(g = \\frac{n_t - n_{t-1}}{n_{t-1}}\\)';
            document.querySelector('main').appendChild(p);
        }"""
    )
    page.add_script_tag(url=MATHJAX)  # genindex.html sits at the site root
    page.wait_for_function(TYPESET)
    page.evaluate(f"async () => {{ await ({TYPESET})(); }}")
    page.wait_for_selector("#probe mjx-container")
    page.wait_for_load_state("networkidle")
    assert page.locator("#probe mjx-merror").count() == 0
    assert any(FONTS in url for url in visit.served), "MathJax fonts were not loaded locally"
    assert visit.external == [] and visit.failed == []
