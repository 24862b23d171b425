"""Reset a submission's nbgrader cell metadata from the gradebook before nbgrader reads it.

A submission's cell metadata is learner-controlled. nbgrader 0.9.6 trusts it in its sanitize
step, and two kinds of tampering make ``OverwriteCells`` raise, so the whole submission ends
as an error with no score instead of an ordinary grade:

* a test cell relabelled as an answer (``solution: true``): its checksum no longer matches
  and the restored source still fails the check ("Inconsistent checksums");
* all nbgrader metadata stripped: ``add_missing_cells`` re-adds every graded cell after the
  "previous" graded cell, which it cannot find (``KeyError``).

:class:`RestoreGradebookMetadata` runs first in ``Autograde.sanitize_preprocessors``. It
decides which submitted cell is which gradebook cell and writes the gradebook's metadata
onto it; every other cell loses its nbgrader metadata and is an ordinary learner cell.
It also puts back graded cells the submission deleted, next to the cell they followed in
the released notebook. (nbgrader's own ``add_missing_cells`` puts a deleted cell after the
graded or answer cell before it and raises ``KeyError`` when the cell before it is, say, a
locked Markdown cell -- as in front of every written answer of this course.) After it,
``OverwriteCells`` sees a notebook whose flags, points and ids are the instructor's and
that lacks no graded cell, and restores locked sources as usual.

How cells are matched (each gradebook cell goes to at most one submitted cell):

1. the cell's own ``metadata.nbgrader.grade_id`` is a cell the gradebook knows, and the
   cell's nbformat ``id`` does not say it is a different released cell;
2. the cell's nbformat ``id`` is the id of a released cell (read from the trusted
   ``release/`` copy, or the source notebook when there is no release). Jupyter keeps cell
   ids across edits, so this finds cells whose nbgrader metadata was removed or changed;
3. the claimed ``grade_id`` when the nbformat id pointed elsewhere but is already taken;
4. exact source of a *locked* released cell (what a learner cannot usefully change),
   for notebooks whose metadata and ids were both lost.

Ties go to the earlier cell. Nothing here can raise a score: test cells' sources, points
and flags come from the gradebook either way, and ``hcai.grading.execute.TrustedExecute``
decides which cells are tests from the gradebook. A learner answer left unmatched still
runs as a learner cell, so the tests still read its values; only a manually graded answer
that cannot be found is re-added empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Sequence

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from hcai import cells as nbcells
from hcai.grading.gradebook import SCHEMA_VERSION, cell_metadata

#: Kept under its older name for callers.
gradebook_metadata = cell_metadata


@dataclass(frozen=True)
class ReleasedCell:
    """What the trusted released notebook says about one nbgrader cell."""

    cell_id: str | None
    grade_id: str
    cell_type: str
    source: str
    locked: bool


def released_cells(nb: Any) -> list[ReleasedCell]:
    """The nbgrader cells of a trusted (released or source) notebook, in order."""
    cells = []
    for cell in nb.get("cells", []):
        meta = nbcells.nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if isinstance(grade_id, str) and grade_id:
            cid = cell.get("id")
            cells.append(ReleasedCell(cid if isinstance(cid, str) else None, grade_id,
                                      str(cell.get("cell_type")), nbcells.source(cell), bool(meta.get("locked"))))
    return cells


def match_cells(cells: Sequence[Any], known: Iterable[str],
                released: Sequence[ReleasedCell] = ()) -> dict[int, str]:
    """``{cell index: grade_id}`` for the submitted ``cells`` (see the module docstring)."""
    known = set(known)
    by_cell_id = {r.cell_id: r.grade_id for r in released if r.cell_id and r.grade_id in known}
    claimed: list[str | None] = []
    by_id: list[str | None] = []
    for cell in cells:
        gid = nbcells.nbgrader_meta(cell).get("grade_id")
        claimed.append(gid if isinstance(gid, str) and gid in known else None)
        cid = cell.get("id")
        by_id.append(by_cell_id.get(cid) if isinstance(cid, str) else None)

    result: dict[int, str] = {}
    taken: set[str] = set()

    def take(index: int, grade_id: str | None) -> None:
        if grade_id and index not in result and grade_id not in taken:
            result[index] = grade_id
            taken.add(grade_id)

    for i, gid in enumerate(claimed):  # 1: metadata and nbformat id agree (or no id evidence)
        if gid and by_id[i] in (None, gid):
            take(i, gid)
    for i, gid in enumerate(by_id):  # 2: the nbformat id of a released cell
        take(i, gid)
    for i, gid in enumerate(claimed):  # 3: a claim the id contradicted, if still free
        take(i, gid)
    free_locked = [r for r in released if r.locked and r.grade_id in known]
    for i, cell in enumerate(cells):  # 4: untouched source of a locked released cell
        if i in result:
            continue
        text, kind = nbcells.source(cell), cell.get("cell_type")
        for r in free_locked:
            if r.grade_id not in taken and r.cell_type == kind and r.source == text:
                take(i, r.grade_id)
                break
    return result


def insert_positions(order: Sequence[str], present: dict[str, int], missing: Iterable[str]) -> list[tuple[int, str]]:
    """Where to put back each ``missing`` cell: ``[(index, grade_id)]``, to insert in that order.

    ``order`` is the released notebook's order of grade_ids and ``present`` maps the cells
    found in the submission to their index. A missing cell goes right after the nearest
    earlier released cell that is present (cells missing in a row keep their order), or at
    the top when none is.
    """
    missing = set(missing)
    present = dict(present)
    plan: list[tuple[int, str]] = []
    for pos, grade_id in enumerate(order):
        if grade_id not in missing:
            continue
        before = [present[g] for g in order[:pos] if g in present]
        index = max(before) + 1 if before else 0
        plan.append((index, grade_id))
        # later cells shift down by one; the inserted cell now anchors what follows it
        present = {g: i + 1 if i >= index else i for g, i in present.items()}
        present[grade_id] = index
    return plan


#: ``released_cells`` of a file, by the file's identity and version: every submission of an
#: assignment is matched against the same released notebook, which need not be parsed (and
#: validated) again for each. A changed file has a new mtime or size, and is read again.
_RELEASED: dict[tuple[str, int, int, int], tuple[ReleasedCell, ...]] = {}


def released_of_file(path: Path) -> tuple[ReleasedCell, ...]:
    info = path.stat()
    key = (str(path.resolve()), info.st_ino, info.st_mtime_ns, info.st_size)
    if key not in _RELEASED:
        if len(_RELEASED) > 256:
            _RELEASED.clear()
        _RELEASED[key] = tuple(released_cells(nbformat.read(str(path), as_version=4)))
    return _RELEASED[key]


class RestoreGradebookMetadata(NbGraderPreprocessor):
    """Give every recognised cell the gradebook's nbgrader metadata; strip it from the rest."""

    def _released(self, assignment_id: str, notebook_id: str) -> tuple[ReleasedCell, ...]:
        """The released notebook's (else the source one's) nbgrader cells: trusted ids and sources."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(parent=self)
        for step in (coursedir.release_directory, coursedir.source_directory):
            path = Path(coursedir.format_path(step, ".", assignment_id)) / f"{notebook_id}.ipynb"
            if path.is_file():
                try:
                    return released_of_file(path)
                except Exception as exc:  # noqa: BLE001 -- fall back to metadata alone
                    self.log.warning("Could not read %s (%s); matching cells by grade_id only", path, exc)
        return ()

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        from nbgrader.api import Gradebook, MissingEntry

        nbg = resources.get("nbgrader") or {}
        db_url, notebook_id, assignment_id = nbg.get("db_url"), nbg.get("notebook"), nbg.get("assignment")
        if not (db_url and notebook_id and assignment_id):
            return nb, resources
        try:
            with Gradebook(db_url) as gb:
                known = cell_metadata(gb, notebook_id, assignment_id)
                notebook = gb.find_notebook(notebook_id, assignment_id)
                # plain copies: the session closes before they are used
                originals = {c.name: SimpleNamespace(name=c.name, cell_type=c.cell_type, locked=c.locked,
                                                     checksum=c.checksum, source=c.source)
                             for c in notebook.source_cells}
                gradebook_order = [c.name for c in notebook.source_cells]
        except MissingEntry:
            # Not in the gradebook: nbgrader's own steps report that; nothing to restore from.
            return nb, resources
        released = self._released(assignment_id, notebook_id)
        matched = match_cells(nb.cells, known, released)
        for index, cell in enumerate(nb.cells):
            before = nbcells.nbgrader_meta(cell)
            if index in matched:
                meta = dict(known[matched[index]])
                if before != meta:
                    changed = sorted(k for k in set(before) | set(meta)
                                     if k != "checksum" and before.get(k) != meta.get(k))
                    if changed:
                        self.log.warning("Cell %d: nbgrader metadata restored from the gradebook as %r "
                                         "(changed: %s)", index, meta["grade_id"], ", ".join(changed))
                cell.metadata["nbgrader"] = meta
            elif "nbgrader" in cell.get("metadata", {}):
                if before.get("grade") or before.get("solution") or before.get("locked") or before.get("task"):
                    self.log.warning("Cell %d: nbgrader metadata (%r) not in the gradebook; graded as an "
                                     "ordinary learner cell", index, before.get("grade_id"))
                del cell.metadata["nbgrader"]
        order = [r.grade_id for r in released] or gradebook_order
        self._put_back_deleted(nb, known, originals, order, matched)
        return nb, resources

    def _put_back_deleted(self, nb: NotebookNode, known: dict[str, dict[str, Any]],
                          originals: dict[str, Any], order: list[str], matched: dict[int, str]) -> None:
        """Re-insert graded and task cells the submission lacks, as nbgrader would, but placed
        by the released order so it never depends on which kind of cell came before."""
        from nbgrader.preprocessors import OverwriteCells

        graded = [g for g in order if g in known and (known[g]["grade"] or known[g]["task"])]
        graded += [g for g in known if (known[g]["grade"] or known[g]["task"]) and g not in graded]
        missing = [g for g in graded if g not in matched.values()]
        if not missing:
            return
        present = {g: i for i, g in matched.items()}
        full_order = list(order) + [g for g in graded if g not in order]
        transform = OverwriteCells(parent=self).missing_cell_transform
        ids = {c.get("id") for c in nb.cells}
        for index, grade_id in insert_positions(full_order, present, missing):
            meta = known[grade_id]
            self.log.warning("Graded cell %r is missing from the submission; restored from the gradebook",
                             grade_id)
            cell = nbformat.from_dict(transform(originals[grade_id], meta["points"],
                                                is_solution=meta["solution"], is_task=meta["task"]))
            cell.metadata.nbgrader.setdefault("task", meta["task"])
            if nb.get("nbformat_minor", 0) >= 5 or any("id" in c for c in nb.cells):
                new_id = f"restored-{grade_id}"[:64]
                cell["id"] = new_id if new_id not in ids else nbformat.v4.new_code_cell().id
                ids.add(cell["id"])
            nb.cells.insert(index, cell)


__all__ = ["ReleasedCell", "RestoreGradebookMetadata", "gradebook_metadata", "insert_positions",
           "match_cells", "released_cells", "released_of_file", "SCHEMA_VERSION"]
