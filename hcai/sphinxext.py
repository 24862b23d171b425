"""Sphinx extension: ``{objectives}`` renders a chapter's learning objectives (stub; see docs/DESIGN.md)."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class ObjectivesDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        return [nodes.paragraph(text=f"Learning objectives for chapter {self.arguments[0]}.")]


def setup(app):  # noqa: ANN001, ANN201 -- Sphinx's signature
    app.add_directive("objectives", ObjectivesDirective)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
