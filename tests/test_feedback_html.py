"""The feedback exporter writes what nbconvert's HTMLExporter writes, compiling templates once."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from hcai.grading.feedback_html import TEMPLATE_CACHE, FeedbackHTMLExporter


def _feedback_config() -> Config:
    """nbgrader's feedback template settings, as ``GenerateFeedback`` sets them."""
    import nbgrader.converters.generate_feedback as gf

    here = Path(gf.__file__).resolve().parent.parent / "server_extensions" / "formgrader"
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(here / "templates")]
    c.HTMLExporter.extra_template_paths = [str(here / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    return c


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Feedback"),
                nbformat.v4.new_code_cell("total = sum([1, 2])", outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="3\n")])]
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"  # fixed ids: the pages are compared byte for byte
    return nb


def _resources() -> dict:
    return {"nbgrader": {"score": 1.0, "max_score": 2.0, "late_penalty": 0.0, "notebook": "ps1",
                         "assignment": "ps1", "student": "s1"}}


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the templates Jinja compiles from source while the test runs."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(str(name))
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    TEMPLATE_CACHE.clear()
    return names


def test_pages_are_what_html_exporter_writes(compiles: list[str]) -> None:
    config = _feedback_config()
    plain, _ = HTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    first, _ = FeedbackHTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    second, _ = FeedbackHTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    assert "Feedback" in plain and len(plain) > 1000
    assert first == plain
    assert second == plain


def test_a_new_exporter_reuses_compiled_templates(compiles: list[str]) -> None:
    config = _feedback_config()
    FeedbackHTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    assert compiles, "the first exporter compiles nbgrader's feedback templates"
    compiles.clear()
    FeedbackHTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    assert compiles == [], "a second exporter in the process must not compile them again"
    compiles.clear()
    HTMLExporter(config=config).from_notebook_node(_notebook(), resources=_resources())
    assert compiles, "nbconvert's own exporter compiles them each time (what the cache saves)"


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    template = tmp_path / "page.j2"
    template.write_text("before {{ nb.cells | length }}", encoding="utf-8")

    def render() -> str:
        exporter = FeedbackHTMLExporter(template_file=str(template))
        return exporter.from_notebook_node(_notebook())[0]

    assert render() == "before 2"
    template.write_text("after {{ nb.cells | length }}", encoding="utf-8")
    stat = template.stat()
    os.utime(template, (stat.st_atime, stat.st_mtime + 5))
    assert render() == "after 2"
