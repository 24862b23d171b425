"""What a reader expects beyond the text: each notebook page can be downloaded and launched on
Binder or a JupyterHub, and the datasets page lists every table with its provenance and a
working download."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from browser_support import ROOT

pytestmark = pytest.mark.browser

DATAPACKAGE = ROOT / "data" / "datapackage.json"
DATASETS_PAGE = "book/datasets.html"


def test_notebook_page_has_download_and_launch_buttons(open_page, notebook_page: str) -> None:
    visit = open_page(notebook_page)
    page = visit.page
    stem = notebook_page.removesuffix(".html")

    download = page.locator(".dropdown-download-buttons a[href$='.ipynb']")
    assert download.count() == 1, f"{notebook_page} has no .ipynb download button"
    href = download.evaluate("a => a.href")
    assert urlsplit(href).path == f"/_sources/{stem}.ipynb"
    # The menu opens from the keyboard and shows the link.
    page.locator(".dropdown-download-buttons button.dropdown-toggle").focus()
    page.keyboard.press("Enter")
    download.wait_for(state="visible")
    response = page.request.get(href)
    assert response.status == 200, f"{href}: HTTP {response.status}"
    notebook = json.loads(response.body())
    assert notebook.get("nbformat") == 4 and notebook.get("cells"), \
        f"{href} is not a notebook"

    # Launch links are only links: they are checked, never followed (no network here).
    launch = page.locator(".dropdown-launch-buttons a").evaluate_all("els => els.map(a => a.href)")
    binder = [u for u in launch if u.startswith("https://mybinder.org/v2/gh/")]
    hub = [u for u in launch if "/hub/user-redirect/git-pull?" in u]
    assert len(binder) == 1, f"{notebook_page}: Binder launch link missing: {launch}"
    assert len(hub) == 1, f"{notebook_page}: JupyterHub launch link missing: {launch}"
    assert unquote(binder[0]).endswith(f"{stem}.ipynb")
    pulled = parse_qs(urlsplit(hub[0]).query)
    assert pulled["repo"] and pulled["urlpath"][0].endswith(f"{stem}.ipynb")
    assert visit.external == [], f"{notebook_page} requested outside the machine: {visit.external}"


def test_notebook_figures_reach_the_page(open_page, site_root: Path,
                                         notebook_page: str) -> None:
    """Each figure a notebook describes (``mystnb.image.alt``) is on its page, drawn, with that
    alt text. A figure lost in the build (say, a kernel started with a non-inline matplotlib
    backend) would otherwise leave its alt text checked nowhere."""
    source = site_root / "_sources" / notebook_page.replace(".html", ".ipynb")
    notebook = json.loads(source.read_text(encoding="utf-8"))
    hidden = {"remove-output", "remove-cell", "remove_output", "remove_cell"}
    described = [
        cell["metadata"]["mystnb"]["image"]["alt"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        and not hidden & set(cell["metadata"].get("tags", []))
    ]
    visit = open_page(notebook_page)
    drawn = visit.page.evaluate(
        """() => [...document.querySelectorAll('.bd-article img')]
              .filter(img => img.complete && img.naturalWidth > 0)
              .map(img => img.getAttribute('alt'))"""
    )
    missing = [alt[:70] + "..." for alt in described if alt not in drawn]
    assert missing == [], f"{notebook_page}: figures described but not on the page: {missing}"


def _record_count(path: Path) -> int:
    # csv, not line counting: one FDA record holds a line break inside quotes.
    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def test_datasets_page_lists_every_table(open_page) -> None:
    """Every table in data/datapackage.json is on the page with its real row count and a
    download link that works."""
    assert DATAPACKAGE.is_file(), f"{DATAPACKAGE} missing"
    resources = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]
    visit = open_page(DATASETS_PAGE)
    page = visit.page
    stated = dict(page.evaluate(
        """() => [...document.querySelectorAll('main table tbody tr')]
              .map(tr => [...tr.cells].map(td => td.innerText.trim()))
              .filter(cells => cells.length > 1 && cells[0].endsWith('.csv'))
              .map(cells => [cells[0], cells[1]])"""
    ))
    downloads = page.evaluate(
        "() => [...document.querySelectorAll('main a.download')].map(a => a.href)"
    )
    problems = []
    for resource in resources:
        name = resource["path"]
        actual = _record_count(ROOT / "data" / name)
        if name not in stated:
            problems.append(f"{name}: not in the table at the top of the page")
        elif int(stated[name].replace(",", "")) != actual:
            problems.append(f"{name}: page says {stated[name]} rows, the file has {actual}")
        links = [u for u in downloads if urlsplit(u).path.endswith(f"/{name}")]
        if not links:
            problems.append(f"{name}: no download link")
        elif (status := page.request.get(links[0]).status) != 200:
            problems.append(f"{name}: download link gives HTTP {status}")
    extra = set(stated) - {r["path"] for r in resources}
    assert problems == [] and not extra, "; ".join(problems) + (f"; not in datapackage: {extra}"
                                                               if extra else "")
