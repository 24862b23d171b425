"""Browser-test fixtures: the built book served on loopback, driven by one headless Chromium.

The book is read from ``_build/html`` (``make test`` builds it first) or from ``HCAI_HTML_DIR``.
A missing build is a failure with instructions, never a skip. Pages are discovered by walking
the built site, so new chapters, notebooks and exercise pages are tested without edits here.

Every request a page makes is routed: requests to the local server go through, anything else
is recorded and aborted, so a test can assert that the book asks nothing of the network.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import (AXE_JS, CHROMIUM, CHROMIUM_ARGS, DESKTOP, EMPTY_GROUP, EMPTY_REASON,
                             Visit, discover_pages, html_dir)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize page tests over the built site; a missing build becomes one failing case."""
    wanted = {"page_path": "pages", "redirect_path": "redirects",
              "notebook_page": "notebooks", "math_page": "math"}
    for argname, group in wanted.items():
        if argname in metafunc.fixturenames:
            found = discover_pages(html_dir())[group]
            metafunc.parametrize(argname, found or [EMPTY_GROUP[group]])


@pytest.fixture(scope="session")
def site_root() -> Path:
    root = html_dir()
    if not (root / "index.html").is_file():
        pytest.fail(f"no built book at {root}: run `make book` first "
                    "(or point HCAI_HTML_DIR at a build)", pytrace=False)
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="session")
def origin(site_root: Path) -> Iterator[str]:
    """``http://127.0.0.1:<free port>`` serving the built book (threaded: Chromium opens many
    connections at once)."""
    handler = functools.partial(_QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole session (never a Playwright browser download)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: run `make system` (installs Debian's chromium)",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(chromium, origin: str) -> Iterator[Callable[..., Visit]]:
    """Open a site-relative path in a fresh context (fresh profile: no stored colour mode)."""
    contexts = []

    def _open(rel: str, viewport: dict[str, int] | None = None,
              wait_until: str = "load") -> Visit:
        if rel in EMPTY_REASON:
            if not (html_dir() / "index.html").is_file():
                rel = EMPTY_GROUP["pages"]
            pytest.fail(EMPTY_REASON[rel], pytrace=False)
        context = chromium.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page=page, url=f"{origin}/{rel}")

        def route(r) -> None:
            url = r.request.url
            if url.startswith(origin + "/") or url.startswith("data:") or url.startswith("blob:"):
                r.continue_()
            else:
                visit.external.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: visit.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: r.url.startswith(origin)
                and visit.failed.append(f"{r.url} ({r.failure})"))

        def on_response(resp) -> None:
            if resp.url.startswith(origin):
                visit.served.append(resp.url)
                if resp.status >= 400:
                    visit.failed.append(f"{resp.url} (HTTP {resp.status})")

        page.on("response", on_response)
        page.goto(visit.url, wait_until=wait_until)
        return visit

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` (make test does it)", pytrace=False)
    return AXE_JS
