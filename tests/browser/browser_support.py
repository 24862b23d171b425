"""Shared pieces of the browser tests: where the book and the tools are, page discovery,
the record of one page visit, and anchor lookup in built HTML files."""

from __future__ import annotations

import functools
import html.parser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("HCAI_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags from TOOLCHAIN-NOTES: no sandbox (we run as root), and no background traffic, which this
# machine's closed network would refuse anyway.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# Stand-ins for an empty page group, so that the tests fail (with this message) instead of
# silently collecting nothing.
EMPTY_GROUP = {
    "pages": "<no built book>",
    "redirects": "<no redirect page>",
    "notebooks": "<no notebook page>",
    "math": "<no page with math>",
}
EMPTY_REASON = {
    "<no built book>": "no built book: run `make book` first",
    "<no redirect page>": "the built book has no index.html redirect to its first page",
    "<no notebook page>": "no page of the built book comes from a notebook (.ipynb)",
    "<no page with math>": "no page of the built book contains maths ($...$), so the vendored "
                           "MathJax is never exercised by a real page",
}

# Console messages tolerated on a page: (pattern, why). Every entry must say why it is harmless;
# ACCESSIBILITY.md repeats the list. Errors not matched here fail test_page_loads_cleanly.
CONSOLE_ALLOW: list[tuple[re.Pattern[str], str]] = []


def html_dir() -> Path:
    """Folder of the built HTML book (``HCAI_HTML_DIR`` overrides ``_build/html``)."""
    override = os.environ.get("HCAI_HTML_DIR")
    return Path(override).resolve() if override else ROOT / "_build" / "html"


def _is_redirect(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head


@functools.lru_cache(maxsize=4)
def discover_pages(root: Path) -> dict[str, list[str]]:
    """Site-relative paths of the built pages, grouped by what tests need them.

    ``pages``: every content page (chapters, notebooks, exercises, genindex, search...);
    folders starting with ``_`` hold assets, not pages. ``redirects``: meta-refresh stubs
    (``index.html``). ``notebooks``: pages built from a ``.ipynb``. ``math``: pages with maths.
    """
    groups: dict[str, list[str]] = {"pages": [], "redirects": [], "notebooks": [], "math": []}
    if not (root / "index.html").is_file():
        return groups
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if any(part.startswith("_") for part in rel.parts[:-1]):
            continue
        key = rel.as_posix()
        if _is_redirect(path):
            groups["redirects"].append(key)
            continue
        groups["pages"].append(key)
        if (root / "_sources" / rel.with_suffix(".ipynb")).is_file():
            groups["notebooks"].append(key)
        if 'class="math notranslate' in path.read_text(encoding="utf-8", errors="replace"):
            groups["math"].append(key)
    return groups


@dataclass
class Visit:
    """One page opened in a fresh browser context, with everything it did on the way."""

    page: object
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        """Console errors and warnings not on the allow-list, plus uncaught exceptions."""
        bad = [f"{kind}: {text}" for kind, text in self.console
               if kind in ("error", "warning")
               and not any(p.search(text) for p, _ in CONSOLE_ALLOW)]
        return bad + [f"uncaught: {e}" for e in self.page_errors]


class _IdCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def anchors_in(path: Path) -> frozenset[str]:
    """Ids (and ``<a name>``) in a built HTML file, as a fragment can target them."""
    parser = _IdCollector()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


_REFRESH_URL = re.compile(r'http-equiv="refresh"[^>]*content="\d+;\s*url=([^"]+)"', re.I)


def landing_page(root: Path) -> str:
    """Site-relative path of the page ``index.html`` redirects to (the book's first page)."""
    index = root / "index.html"
    match = _REFRESH_URL.search(index.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else "index.html"
