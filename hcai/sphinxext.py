"""Sphinx extension for the course book.

* ``{objectives} 03`` renders chapter 3's learning objectives from
  ``assignments/objectives.yml`` and, under each, the graded items that assess it, each
  linking to its exercise page (``book/exercises/<assignment>``).
* ``{student-notebook} 03b-skills-to-frameworks`` renders a download link to the **student
  version** of an assignment. Student versions are made by nbgrader at build time
  (:func:`hcai.learner.generate_student_versions`), cached by the content of the source
  notebook, and copied into ``<html>/_downloads/student/``. The tracked source, which holds
  the answer key, is never copied into the book.

An unknown chapter, an objective with no graded item, or an item that names no graded cell
is a build warning, so ``-W`` turns it into an error.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from hcai import cells as nbcells
from hcai import paths

log = logging.getLogger(__name__)

OBJECTIVES_FILE = paths.ASSIGNMENTS_DIR / "objectives.yml"
EXERCISE_DOC = "book/exercises/{aid}"
DOWNLOAD_DIR = "_downloads/student"
_KINDS = {"tests": "autograded", "written": "written, graded by hand",
          "figure": "figure, graded by hand", "heatmap": "figure, graded by hand"}


@lru_cache(maxsize=4)
def _objectives(path: str, mtime: float) -> dict:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def load_objectives(path: Path = OBJECTIVES_FILE) -> dict:
    """The parsed ``objectives.yml`` (cached on the file's modification time)."""
    return _objectives(str(path), path.stat().st_mtime)


@lru_cache(maxsize=16)
def _read_cells(nb_path: str, mtime: float) -> tuple[str, dict[str, float], frozenset[str]]:
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    graded = {nbcells.grade_id(c) or "": nbcells.points(c) for c in nb.get("cells", [])
              if nbcells.is_grade(c)}
    tests = frozenset(nbcells.grade_id(c) or "" for c in nb.get("cells", []) if nbcells.is_test(c))
    return str(nb.get("metadata", {}).get("title") or Path(nb_path).stem), graded, tests


def _graded_cells(nb_path: str, mtime: float) -> tuple[str, dict[str, float]]:
    title, graded, _tests = _read_cells(nb_path, mtime)
    return title, graded


def autograded_ids(aid: str) -> frozenset[str]:
    """grade_ids of the assignment's autograder test cells (:mod:`hcai.cells` decides)."""
    nb = paths.SOURCE_DIR / aid / f"{aid}.ipynb"
    return _read_cells(str(nb), nb.stat().st_mtime)[2] if nb.is_file() else frozenset()


def assignment_info(aid: str) -> tuple[str, dict[str, float]] | None:
    """``(title, {grade_id: points})`` of a source assignment, or None if there is none."""
    nb = paths.SOURCE_DIR / aid / f"{aid}.ipynb"
    if not nb.is_file():
        return None
    return _graded_cells(str(nb), nb.stat().st_mtime)


def describe_item(grade_id: str, points: float) -> str:
    """``q6-written`` -> ``Question 6 (written, graded by hand; 3 points)``."""
    m = re.match(r"q(\d+)-(\w+)", grade_id)
    number = m.group(1) if m else grade_id
    kind = _KINDS.get(m.group(2) if m else "", "graded")
    return f"Question {number} ({kind}; {points:g} point{'s' if points != 1 else ''})"


class ObjectivesDirective(SphinxDirective):
    """``{objectives} NN``: the chapter's objectives and the graded items that assess them."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        chapter = self.arguments[0].strip().zfill(2)
        self.env.note_dependency(str(OBJECTIVES_FILE))
        try:
            spec = load_objectives().get("chapters", {}).get(chapter)
        except (OSError, ValueError) as exc:
            log.warning("objectives: cannot read %s (%s)", OBJECTIVES_FILE, exc, location=self.get_location())
            return []
        if not spec or not spec.get("objectives"):
            log.warning("objectives: chapter %s has no objectives in %s", chapter, OBJECTIVES_FILE.name,
                        location=self.get_location())
            return []
        container = nodes.container(classes=["hcai-objectives"])
        outer = nodes.bullet_list()
        for obj in spec["objectives"]:
            item = nodes.list_item(ids=[nodes.make_id(f"objective-{obj['id']}")])
            para = nodes.paragraph()
            para += nodes.strong(text=obj["id"])
            para += nodes.Text(f" {obj['text']}")
            item += para
            graded = obj.get("assessed_by") or []
            if not graded:
                log.warning("objectives: %s is assessed by no graded item", obj["id"], location=self.get_location())
            sub = nodes.bullet_list(classes=["hcai-assessed-by"])
            for ref in graded:
                sub += self._item(str(ref))
            if graded:
                label = nodes.paragraph(text="Assessed by:", classes=["hcai-assessed-label"])
                item += label
                item += sub
            outer += item
        container += outer
        return [container]

    def _item(self, ref: str) -> nodes.list_item:
        aid, _, gid = ref.partition("/")
        info = assignment_info(aid)
        li = nodes.list_item()
        para = nodes.paragraph()
        if info is None or gid not in info[1]:
            log.warning("objectives: %s names no graded cell of a source assignment", ref,
                        location=self.get_location())
            para += nodes.Text(ref)
            li += para
            return li
        title, cells = info
        self.env.note_dependency(str(paths.SOURCE_DIR / aid / f"{aid}.ipynb"))
        xref = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                     reftarget="/" + EXERCISE_DOC.format(aid=aid),
                                     refexplicit=True, refwarn=True, refdoc=self.env.docname)
        xref += nodes.inline(text=title, classes=["xref", "std", "std-doc"])
        para += xref
        para += nodes.Text(f", {describe_item(gid, cells[gid])}")
        li += para
        return li


class StudentNotebookDirective(SphinxDirective):
    """``{student-notebook} <assignment>``: a download link to the generated student version."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        aid = self.arguments[0].strip()
        nb = paths.SOURCE_DIR / aid / f"{aid}.ipynb"
        if not nb.is_file():
            log.warning("student-notebook: no assignment %r", aid, location=self.get_location())
            return []
        self.env.note_dependency(str(nb))
        builder = self.env.app.builder
        try:
            here = builder.get_target_uri(self.env.docname)
        except Exception:  # noqa: BLE001 -- non-HTML builders have no page URIs
            here = self.env.docname + ".html"
        uri = relative_uri(here, f"{DOWNLOAD_DIR}/{aid}.ipynb")
        para = nodes.paragraph(classes=["hcai-download"])
        para += nodes.Text("Download the student notebook: ")
        para += nodes.reference("", f"{aid}.ipynb", refuri=uri, classes=["download"])
        para += nodes.Text(" (or get every assignment at once with ")
        para += nodes.literal(text="make lab")
        para += nodes.Text(").")
        return [para]


class ExerciseObjectivesDirective(SphinxDirective):
    """``{exercise-objectives} <assignment>``: the objectives this assignment assesses, and its points."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        aid = self.arguments[0].strip()
        self.env.note_dependency(str(OBJECTIVES_FILE))
        info = assignment_info(aid)
        if info is None:
            log.warning("exercise-objectives: no assignment %r", aid, location=self.get_location())
            return []
        _title, cells = info
        self.env.note_dependency(str(paths.SOURCE_DIR / aid / f"{aid}.ipynb"))
        blist = nodes.bullet_list(classes=["hcai-objectives"])
        for chapter, spec in sorted(load_objectives().get("chapters", {}).items()):
            for obj in spec.get("objectives", []):
                mine = [str(r).partition("/")[2] for r in obj.get("assessed_by") or []
                        if str(r).partition("/")[0] == aid]
                if not mine:
                    continue
                para = nodes.paragraph()
                para += nodes.strong(text=obj["id"])
                para += nodes.Text(f" {obj['text']} ")
                para += nodes.emphasis(text="(" + ", ".join(describe_item(g, cells.get(g, 0)).split(" (")[0]
                                                            for g in mine) + ")")
                blist += nodes.list_item("", para)
        if not len(blist):
            log.warning("exercise-objectives: %s assesses no objective", aid, location=self.get_location())
        tests = autograded_ids(aid)
        auto = sum(p for g, p in cells.items() if g in tests)
        manual = sum(p for g, p in cells.items() if g not in tests)
        summary = nodes.paragraph(text=f"Points: {auto + manual:g} in all, {auto:g} checked automatically "
                                       f"and {manual:g} graded by hand with a rubric.")
        return [blist, summary]


# ----------------------------------------------------------------------------- student files

def _cache_dir(app: Any) -> Path:
    return Path(app.outdir).parent / ".hcai-student"


def _fingerprint(aid: str) -> str:
    h = hashlib.sha256()
    for f in sorted((paths.SOURCE_DIR / aid).rglob("*")):
        if f.is_file() and ".ipynb_checkpoints" not in f.parts:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    config = paths.ASSIGNMENTS_DIR / "nbgrader_config.py"
    if config.is_file():
        h.update(config.read_bytes())
    return h.hexdigest()


def make_student_versions(app: Any) -> None:
    """Generate (or reuse) the student version of every assignment before reading pages."""
    if app.builder.format != "html":
        return
    from hcai.learner import assignment_ids, generate_student_versions

    cache = _cache_dir(app)
    stale = []
    for aid in assignment_ids():
        stamp = cache / aid / ".source-sha256"
        if not (stamp.is_file() and stamp.read_text() == _fingerprint(aid)
                and (cache / aid / f"{aid}.ipynb").is_file()):
            stale.append(aid)
    if not stale:
        return
    log.info("hcai: generating student notebooks for %s", ", ".join(stale))
    try:
        made = generate_student_versions(cache, stale)
    except Exception as exc:  # noqa: BLE001 -- report as a build warning, not a crash
        log.warning("hcai: could not generate student notebooks: %s", exc)
        return
    for aid in made:
        (cache / aid / ".source-sha256").write_text(_fingerprint(aid))


def copy_student_versions(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / DOWNLOAD_DIR
    target.mkdir(parents=True, exist_ok=True)
    from hcai.learner import assignment_ids

    for aid in assignment_ids():
        nb = _cache_dir(app) / aid / f"{aid}.ipynb"
        if nb.is_file():
            shutil.copy2(nb, target / nb.name)
        else:
            log.warning("hcai: no student notebook for %s to offer for download", aid)


def setup(app):  # noqa: ANN001, ANN201 -- Sphinx's signature
    app.add_directive("objectives", ObjectivesDirective)
    app.add_directive("student-notebook", StudentNotebookDirective)
    app.add_directive("exercise-objectives", ExerciseObjectivesDirective)
    app.connect("builder-inited", make_student_versions)
    app.connect("build-finished", copy_student_versions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
