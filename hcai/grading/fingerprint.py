"""The grading fingerprint: everything besides a submission that can change its autograde.

A submission is regraded when its own bytes or this fingerprint change, and only then
(:mod:`hcai.grading.workflow`). The fingerprint covers:

* the assignment's source folder (its notebooks, test cells and files beside them);
* the course config: ``<course>/nbgrader_config.py``, the file named by
  ``HCAI_NBGRADER_EXTRA_CONFIG``, and the command's overrides (``--timeout`` ...);
* all of ``data/``. Which tables a notebook reads cannot be known before running it
  (learner code may read any file the sandbox shows, and it shows all of ``data/``;
  ``hcai.data.load`` checks foreign keys against other tables), so a change to any data
  file regrades every assignment. Data changes are rare; a stale grade is worse;
* every Python file of the ``hcai`` package except :data:`NOT_GRADING_CODE`, the modules
  that never run while a submission is autograded (the book extension, learner commands,
  reports, exports, release and collect) or only read its results afresh on every run
  (statuses, gradebook reads). A new module counts until it is listed there,
  so a new engine or judge file can only cause a regrade too many, never a stale grade;
* the versions of Python and of the libraries that execute and score notebooks.

A book page, a worked notebook, a README or a test changes none of these.
"""

from __future__ import annotations

import hashlib
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from hcai import paths
from hcai.grading.config import CONFIG_NAME
from hcai.grading.state import hash_settings, hash_tree

#: The ``hcai`` package folder (the grading code is hashed from here).
PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: Package-relative modules that cannot change an autograded result.
NOT_GRADING_CODE = frozenset({
    "__main__.py", "sphinxext.py", "learner.py", "labvalidate.py",
    "grading/cli.py", "grading/report.py", "grading/export.py", "grading/distribute.py",
    "grading/preflight.py", "grading/console.py",
    # read after autograding, on every run: a change shows at once without regrading
    "grading/outcome.py",
})

#: Libraries whose version can change how a notebook runs or scores.
LIBRARIES = ("nbgrader", "nbclient", "nbconvert", "nbformat", "jupyter_client", "ipykernel",
             "ipython", "pandas", "numpy")


def code_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the grading code: every ``*.py`` under the package but :data:`NOT_GRADING_CODE`."""
    files = sorted(p for p in package_dir.rglob("*.py")
                   if "__pycache__" not in p.parts
                   and p.relative_to(package_dir).as_posix() not in NOT_GRADING_CODE)
    return hash_settings([(p.relative_to(package_dir).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
                          for p in files])


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def _text(path: Path | None) -> str:
    return path.read_text(encoding="utf-8") if path and path.is_file() else ""


def grading_fingerprint(course_root: Path, source: Path, overrides: dict[str, Any], *,
                        package_dir: Path | None = None, data_dir: Path | None = None) -> str:
    """The fingerprint of one assignment's grading (see the module docstring)."""
    extra = os.environ.get("HCAI_NBGRADER_EXTRA_CONFIG")
    return hash_settings(
        {"source": hash_tree(source),
         "config": _text(course_root / CONFIG_NAME),
         "extra_config": _text(Path(extra) if extra else None),
         "overrides": overrides,
         "data": hash_tree(data_dir or paths.DATA_DIR),
         "code": code_hash(package_dir or PACKAGE_DIR),
         "libraries": library_versions()})


__all__ = ["LIBRARIES", "NOT_GRADING_CODE", "PACKAGE_DIR", "code_hash", "grading_fingerprint",
           "library_versions"]
