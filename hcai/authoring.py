"""One text source per assignment: ``assignments/source/<id>/<id>.md`` builds ``<id>.ipynb``.

The source is a MyST Markdown notebook (jupytext's ``md:myst`` format) in which every cell
carries its nbgrader metadata, exactly as nbgrader's *Create Assignment* toolbar writes it.
Instructors edit either file:

* the ``.md`` in any text editor (or in JupyterLab with jupytext), then
  ``python -m hcai sources build``;
* the ``.ipynb`` in Jupyter with the Create Assignment toolbar, then
  ``python -m hcai sources import <id>`` writes the edit back into the ``.md``.

``python -m hcai sources check`` (and ``tests/test_assignments.py``) fails when a committed
``.ipynb`` differs from what its ``.md`` builds, so the two never drift.

Cell ids are the cells' nbgrader ``grade_id``s, written in the source, so inserting a question
changes no other cell's id (nbgrader and the gradebook key cells by these ids).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hcai import paths

SOURCE_DIR = paths.ROOT / "assignments" / "source"
FORMAT = "md:myst"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class SourceError(ValueError):
    """An assignment source is malformed (a cell without nbgrader metadata, a duplicate id)."""


def assignment_ids() -> list[str]:
    """Every assignment that has a text source, in file-name order."""
    return sorted(p.parent.name for p in SOURCE_DIR.glob("*/*.md") if p.stem == p.parent.name)


def source_path(aid: str) -> Path:
    return SOURCE_DIR / aid / f"{aid}.md"


def notebook_path(aid: str) -> Path:
    return SOURCE_DIR / aid / f"{aid}.ipynb"


def _normalise_cell(cell: dict, aid: str, seen: set[str]) -> None:
    """Give a cell its stable id, lock flags nbgrader-consistent UI metadata, drop outputs."""
    meta = cell.get("metadata", {})
    nbg = meta.get("nbgrader")
    if not nbg or not nbg.get("grade_id"):
        raise SourceError(f"{aid}: a {cell.get('cell_type')} cell has no nbgrader grade_id "
                          f"(starts {str(cell.get('source', ''))[:40]!r})")
    gid = str(nbg["grade_id"])
    if gid in seen:
        raise SourceError(f"{aid}: duplicate grade_id {gid!r}")
    seen.add(gid)
    nbg.setdefault("schema_version", 3)
    nbg.setdefault("task", False)
    editable = bool(nbg.get("solution")) and not nbg.get("locked")
    cell["metadata"] = {"nbgrader": dict(sorted(nbg.items())), "editable": editable, "deletable": False}
    for key, value in meta.items():
        if key not in {"nbgrader", "editable", "deletable"}:
            cell["metadata"][key] = value
    cell["id"] = gid
    cell["source"] = str(cell.get("source", "")).rstrip("\n")
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None


def build_notebook(aid: str) -> dict:
    """The nbformat-4.5 notebook nbgrader reads, built from the assignment's ``.md``."""
    import jupytext

    nb = jupytext.read(source_path(aid), fmt=FORMAT)
    seen: set[str] = set()
    for cell in nb.cells:
        _normalise_cell(cell, aid, seen)
    title = next((line[2:].strip() for c in nb.cells if c.cell_type == "markdown"
                  for line in c.source.splitlines() if line.startswith("# ")), aid)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python", "version": "3.11"},
                   "title": title}
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def render(nb: dict) -> str:
    """The committed text of a notebook: stable JSON, one space indent, a final newline."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def build(ids: list[str] | None = None) -> list[Path]:
    """Write every (or each given) assignment's ``.ipynb`` from its ``.md``."""
    written = []
    for aid in ids or assignment_ids():
        out = notebook_path(aid)
        out.write_text(render(build_notebook(aid)), encoding="utf-8")
        written.append(out)
    return written


def drifted(ids: list[str] | None = None) -> list[str]:
    """Assignments whose committed ``.ipynb`` is not what their ``.md`` builds."""
    out = []
    for aid in ids or assignment_ids():
        path = notebook_path(aid)
        if not path.is_file() or path.read_text(encoding="utf-8") != render(build_notebook(aid)):
            out.append(aid)
    return out


def import_notebook(aid: str) -> Path:
    """Write an ``.ipynb`` edited in Jupyter (Create Assignment toolbar) back into the ``.md``."""
    import jupytext
    import nbformat

    nb = nbformat.read(notebook_path(aid), as_version=4)
    for cell in nb.cells:
        cell.pop("id", None)
        cell.metadata.pop("editable", None)
        cell.metadata.pop("deletable", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata = {"kernelspec": KERNELSPEC}
    path = source_path(aid)
    path.write_text(jupytext.writes(nb, fmt=FORMAT), encoding="utf-8")
    return path


def _run(args: argparse.Namespace) -> int:
    ids = args.ids or None
    if args.action == "build":
        for p in build(ids):
            print(f"wrote {p.relative_to(paths.ROOT)}")
        return 0
    if args.action == "import":
        for aid in ids or []:
            print(f"wrote {import_notebook(aid).relative_to(paths.ROOT)}")
        return 0 if ids else 2
    bad = drifted(ids)
    for aid in bad:
        print(f"{aid}: {notebook_path(aid).name} differs from {source_path(aid).name}; "
              "run `python -m hcai sources build` (or `sources import` if you edited the notebook).")
    if not bad:
        print("every assignment notebook matches its source")
    return 1 if bad else 0


def register(sub: Any) -> None:
    """The ``sources`` subcommand of ``python -m hcai``."""
    p = sub.add_parser("sources", help="build or check assignment notebooks from their .md sources")
    p.add_argument("action", choices=["build", "check", "import"])
    p.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(func=_run)


if __name__ == "__main__":  # pragma: no cover
    import sys

    parser = argparse.ArgumentParser(prog="python -m hcai.authoring")
    register(parser.add_subparsers(dest="command"))
    sys.exit(_run(parser.parse_args(["sources", *sys.argv[1:]])))
