"""Learner commands: ``python -m hcai validate NOTEBOOK`` and ``python -m hcai workspace``.

* ``workspace`` writes the **student versions** of every assignment (nbgrader's
  ``generate_assignment``, run in a temporary copy of the course so the tracked sources and
  the instructors' gradebook are never touched) into ``workspace/<id>/<id>.ipynb``. A
  notebook the learner already has is never overwritten.
* ``validate`` runs a notebook top to bottom with the grader's own engine
  (:func:`hcai.engine.run.run_notebook`: learner cells in a kernel, sandboxed where
  bubblewrap is installed, test cells judged outside it, hidden regions found with the
  course's nbgrader delimiters) and prints a checklist of the visible test cells, then the
  total of visible-test points. Exit code 1 when a check fails. It imports no nbgrader.

:func:`generate_student_versions` is also what the book's Sphinx extension uses to offer the
student notebook for download, so there is one way of making a student version.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

from hcai import cells, paths

CONFIG_NAME = "nbgrader_config.py"

#: Used when the course has no nbgrader_config.py yet; must match the course's stubs.
_MINIMAL_CONFIG = '''\
from pathlib import Path
c = get_config()  # noqa: F821
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.db_url = f"sqlite:///{Path(__file__).resolve().parent / 'gradebook.db'}"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
'''


class LearnerError(Exception):
    """A problem the learner can fix (bad path, not a notebook); exit code 2."""


def assignment_ids(source_dir: Path | None = None) -> list[str]:
    """Every assignment id: the folders of ``assignments/source`` holding ``<id>.ipynb``."""
    src = Path(source_dir or paths.SOURCE_DIR)
    return sorted(p.name for p in src.iterdir() if (p / f"{p.name}.ipynb").is_file()) if src.is_dir() else []


def _tool_path() -> None:
    # nbgrader builds its gradebook with the `alembic` executable, found on PATH.
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [bindir]:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])


def generate_student_versions(dest: Path, ids: Iterable[str] | None = None,
                              source_dir: Path | None = None) -> dict[str, Path]:
    """Run ``nbgrader generate_assignment`` for ``ids`` in a temporary course copy.

    Writes ``dest/<id>/`` (the whole release folder of each assignment) and returns
    ``{id: dest/<id>/<id>.ipynb}``. Raises :class:`RuntimeError` with nbgrader's log when an
    assignment does not generate.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    src = Path(source_dir or paths.SOURCE_DIR).resolve()
    wanted = list(ids) if ids is not None else assignment_ids(src)
    dest = Path(dest)
    _tool_path()
    out: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="hcai-release-") as tmp:
        course = Path(tmp)
        for aid in wanted:
            if not (src / aid).is_dir():
                raise LearnerError(f"There is no assignment {aid!r} in {src}.")
            shutil.copytree(src / aid, course / "source" / aid,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config_file = src.parent / CONFIG_NAME
        (course / CONFIG_NAME).write_text(config_file.read_text() if config_file.is_file() else _MINIMAL_CONFIG)
        config = PyFileConfigLoader(CONFIG_NAME, path=str(course)).load_config()
        # The course config pins its root to its own folder; pin it again in case it does not.
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
        config.Exchange.root = str(course / "exchange")
        cwd = os.getcwd()
        os.chdir(course)  # nbgrader resolves some relative paths against the working directory
        try:
            api = NbGraderAPI(CourseDirectory(config=config), config=config)
            for aid in wanted:
                result = api.generate_assignment(aid, force=True, create=True)
                if not result.get("success"):
                    raise RuntimeError(f"nbgrader could not generate {aid}:\n{result.get('error') or result.get('log')}")
        finally:
            os.chdir(cwd)
        for aid in wanted:
            target = dest / aid
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / aid, target)
            out[aid] = target / f"{aid}.ipynb"
    return out


# ----------------------------------------------------------------------------- workspace

def make_workspace(target: Path, ids: Iterable[str] | None = None, out=print) -> dict[str, str]:
    """Put a student version of each assignment in ``target/<id>/``; never overwrite one.

    Returns ``{id: "created" | "kept"}``.
    """
    target = Path(target).resolve()
    if paths.SOURCE_DIR.resolve() in [target, *target.parents]:
        raise LearnerError("The workspace cannot live inside assignments/source (the tracked sources).")
    target.mkdir(parents=True, exist_ok=True)
    status: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="hcai-student-") as tmp:
        made = generate_student_versions(Path(tmp), ids)
        for aid, nb in made.items():
            folder = target / aid
            status[aid] = "kept" if (folder / nb.name).exists() else "created"
            folder.mkdir(parents=True, exist_ok=True)
            for item in nb.parent.iterdir():
                dest = folder / item.name
                if not dest.exists():  # the learner's files always win
                    (shutil.copytree if item.is_dir() else shutil.copy2)(item, dest)
    for aid, what in status.items():
        rel = os.path.relpath(target / aid / f"{aid}.ipynb")
        if what == "kept":
            out(f"  kept     {rel}  (your own work is never overwritten; rename it to get a fresh copy)")
        else:
            out(f"  created  {rel}")
    return status


def _cmd_workspace(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    print(f"Learner workspace: {target.resolve()}")
    try:
        make_workspace(target, args.assignment or None)
    except LearnerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print("Open it with `make lab`; check a notebook with `python -m hcai validate <notebook>`.")
    return 0


# ----------------------------------------------------------------------------- validate

def _read_notebook(path: Path) -> Any:
    """The notebook at ``path`` (any nbformat 4.x; missing cell ids added), or LearnerError."""
    import nbformat

    if not path.is_file():
        raise LearnerError(f"No notebook at {path}.")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 -- any unreadable file is the same problem for a learner
        raise LearnerError(f"{path} is not a readable notebook ({type(exc).__name__}).") from None
    if not any(cells.is_grade(c) for c in nb.cells):
        raise LearnerError(f"{path.name} has no graded cells: is it a course assignment "
                           "(and were its cell metadata kept)?")
    return nb


def run_for_validate(path: Path) -> tuple[Any, list[Any]]:
    """Run the notebook at ``path`` as the grader does; ``(notebook, cell results)``."""
    from hcai.engine import sandbox
    from hcai.engine.run import RunSettings, run_notebook

    nb = _read_notebook(path)
    with tempfile.TemporaryDirectory(prefix="hcai-validate-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        # The notebook's own folder may hold files it reads; copy those (not sub-folders, which
        # could be a whole home directory). Course data is found through hcai.paths anyway.
        for item in path.parent.iterdir():
            if item.is_file() and item.stat().st_size < 50_000_000:
                shutil.copy2(item, work / item.name)
        settings = RunSettings(sandbox=sandbox.available(), allow_unsandboxed=True)
        nb, results, _info = run_notebook(nb, work, settings)
    return nb, results


def validate_notebook(path: Path, out=print) -> int:
    """Run ``path`` and print a checklist of its visible test cells. Returns the exit code."""
    from hcai.engine import sandbox

    nb, results = run_for_validate(Path(path))
    tests = [r for r in results if r.kind == "test"]
    out(f"Checking {Path(path).name}: {len(tests)} visible test cell(s)")
    if not sandbox.available():
        out("  (bubblewrap is not installed here, so your code ran without the grader's sandbox. "
            "The verdicts are the same; when graded it also runs offline and under time and "
            "memory limits.)")
    for r in results:
        if r.kind != "test" and r.passed is False:
            out(f"  ! {r.grade_id or f'cell {r.index + 1}'} {r.message or 'raised an error'}")
    earned = possible = 0.0
    failed = 0
    for r in tests:
        # A failed test's result carries the points awarded (0); what it is worth is in the cell.
        pts = cells.points(nb.cells[r.index])
        possible += pts
        label = f"{pts:g} point{'s' if pts != 1 else ''}"
        if r.passed:
            earned += pts
            out(f"  \u2713 {r.grade_id} ({label})")
            continue
        failed += 1
        message = str(r.message or "did not pass").strip().splitlines()
        out(f"  \u2717 {r.grade_id} ({label}): {message[0] if message else 'did not pass'}")
        for extra in message[1:3]:
            out(f"      {extra}")
    out(f"Visible tests: {earned:g} of {possible:g} points. Hidden tests and hand-graded answers "
        "are checked when your work is graded.")
    if failed:
        out(f"{failed} check(s) to fix: re-read the question above each one, fix the answer cell, "
            "then run the notebook again.")
        return 1
    out("All visible checks pass.")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    try:
        return validate_notebook(Path(args.notebook))
    except LearnerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def register(subparsers: Any) -> None:
    """Add ``validate`` and ``workspace`` to ``python -m hcai``."""
    p = subparsers.add_parser("validate", help="run a notebook and check its visible tests",
                              description="Run NOTEBOOK top to bottom and say which visible checks pass "
                                          "and what to fix. Exit code 1 when a check fails.")
    p.add_argument("notebook", help="path to your assignment notebook (.ipynb)")
    p.set_defaults(func=_cmd_validate)
    w = subparsers.add_parser("workspace", help="put student copies of the assignments in a workspace",
                              description="Generate the student version of each assignment into "
                                          "DIR/<assignment>/ (never overwriting your own notebooks).")
    w.add_argument("--dir", default=str(paths.WORKSPACE_DIR), help="workspace folder (default: workspace/)")
    w.add_argument("assignment", nargs="*", help="only these assignments (default: all)")
    w.set_defaults(func=_cmd_workspace)


__all__ = ["LearnerError", "assignment_ids", "generate_student_versions", "make_workspace",
           "validate_notebook", "register"]
