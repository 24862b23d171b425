"""Load the course's nbgrader configuration for any course folder.

The grading commands never rely on nbgrader finding a config file in the working
directory: they load ``<course>/nbgrader_config.py`` (or the repository's, when a course
copy has none) and then pin every path to the course folder they were given.

What the config names outside its own folder is honoured: a PostgreSQL ``db_url``, an
exchange root shared by several courses, the course id (``$HCAI_COURSE_ID`` overrides
it). Only defaults that live beside the config file (``gradebook.db``, ``exchange/``)
move with a course copy (:func:`hcai.grading.database.resolve_db_url`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from hcai import paths
from hcai.grading import database, hubcheck

CONFIG_NAME = "nbgrader_config.py"


class CourseError(Exception):
    """The course folder or its configuration cannot be used (exit code 2)."""


def ensure_tool_path() -> None:
    """Put this interpreter's ``bin`` first on PATH.

    nbgrader builds a new gradebook by running the ``alembic`` executable; without the
    venv on PATH the database is left half-built. Kernels started later inherit it too.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if not parts or parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p != bindir]])


def course_root(course_dir: str | os.PathLike | None) -> Path:
    """The absolute course folder (default: the repository's ``assignments/``)."""
    root = Path(course_dir) if course_dir else paths.ASSIGNMENTS_DIR
    root = root.expanduser().resolve()
    if not (root / "source").is_dir():
        raise CourseError(f"{root} is not a course folder (it has no source/ folder).")
    return root


def load_config(course_dir: str | os.PathLike | None = None, *,
                overrides: dict[str, dict[str, Any]] | None = None) -> Config:
    """The course's nbgrader ``Config`` with its root pinned to ``course_dir``.

    ``overrides`` is ``{"Section": {"trait": value}}`` applied last (command-line options).
    """
    ensure_tool_path()
    root = course_root(course_dir)
    config_file = root / CONFIG_NAME
    if not config_file.is_file():
        config_file = paths.ASSIGNMENTS_DIR / CONFIG_NAME
    if not config_file.is_file():
        raise CourseError(f"No {CONFIG_NAME} in {root} or {paths.ASSIGNMENTS_DIR}.")
    try:
        loader = PyFileConfigLoader(config_file.name, path=str(config_file.parent))
        cfg = loader.load_config()
    except Exception as exc:  # a broken config must stop the run, not fall back to defaults
        raise CourseError(f"Could not load {config_file}: {exc}") from exc

    # The config file builds paths from its own location; a course copy (tests, `check`)
    # needs them from the copy's location instead.
    config_dir = config_file.parent.resolve()
    cfg.CourseDirectory.root = str(root)
    configured = cfg.CourseDirectory.db_url if "db_url" in cfg.CourseDirectory else None
    cfg.CourseDirectory.db_url = database.resolve_db_url(configured, config_dir, root)
    if os.environ.get("HCAI_COURSE_ID"):
        cfg.CourseDirectory.course_id = os.environ["HCAI_COURSE_ID"]
    exchange = os.environ.get("HCAI_EXCHANGE") or (cfg.Exchange.root if "root" in cfg.Exchange else "")
    if not exchange or Path(exchange).resolve() == config_dir / "exchange":
        exchange = str(root / "exchange")
    cfg.Exchange.root = exchange
    cfg.NbGraderAPI.log_level = "INFO"
    for section, values in (overrides or {}).items():
        for key, value in values.items():
            cfg[section][key] = value
    return cfg


def make_api(cfg: Config):
    """An ``NbGraderAPI`` bound to ``cfg`` (imported late: nbgrader is slow to import)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    try:  # NbGraderAPI lists the exchange at once, which asks the hub on a hub course
        hubcheck.check_hub(cfg)
    except hubcheck.HubUnavailable as exc:
        raise CourseError(str(exc)) from None
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def ensure_gradebook(cfg: Config) -> None:
    """Create the gradebook (and its schema) if it does not exist yet.

    A database server, or the JupyterHub of a hub course, that does not answer stops the
    command with a plain message (:class:`CourseError`) before anything is read or written.
    """
    from nbgrader.api import Gradebook

    try:
        database.check_reachable(cfg.CourseDirectory.db_url)
    except database.DatabaseUnavailable as exc:
        raise CourseError(str(exc)) from None
    try:
        hubcheck.check_hub(cfg)
    except hubcheck.HubUnavailable as exc:
        raise CourseError(str(exc)) from None

    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id):
        pass


__all__ = ["CONFIG_NAME", "CourseError", "course_root", "ensure_gradebook", "ensure_tool_path",
           "load_config", "make_api"]
