"""The hub's settings file (``hub.toml``) and what follows from it.

Read by ``jupyterhub_config.py`` (the hub) and ``setup.py`` (accounts, groups, exchange,
per-course nbgrader configs), so both always agree on courses, accounts and paths.
"""

from __future__ import annotations

import csv
import os
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@dataclass
class Course:
    id: str
    root: Path
    instructors: list[str]
    roster: Path | None
    formgrader_port: int
    db_url: str = ""

    def learners(self) -> list[str]:
        if not self.roster or not self.roster.is_file():
            return []
        with self.roster.open(newline="", encoding="utf-8-sig") as fh:
            return [(r.get("student_id") or r.get("id") or "").strip() for r in csv.DictReader(fh)
                    if (r.get("student_id") or r.get("id") or "").strip()]


@dataclass
class Settings:
    port: int
    state_dir: Path
    exchange: Path
    courses: list[Course] = field(default_factory=list)

    @property
    def learner_config_dir(self) -> Path:
        """Holds the global nbgrader_config.py every learner's server reads."""
        return self.state_dir / "jupyter"

    @property
    def instructor_config_dir(self) -> Path:
        """The instructors' servers' config dir: the same nbgrader config, every nbgrader tool on."""
        return self.state_dir / "jupyter-instructors"

    def instructors(self) -> set[str]:
        return {u for course in self.courses for u in course.instructors}


def settings_path() -> Path:
    return Path(os.environ.get("HCAI_HUB_SETTINGS") or "/etc/hcai-hub/hub.toml")


def load(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.is_file():
        raise SystemExit(f"No hub settings at {path}: copy hub/hub.example.toml there "
                         "(or set HCAI_HUB_SETTINGS) and edit it.")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    hub = data.get("hub", {})
    courses = [Course(id=c["id"], root=Path(c["root"]), instructors=list(c["instructors"]),
                      roster=Path(c["roster"]) if c.get("roster") else None,
                      formgrader_port=int(c["formgrader_port"]), db_url=c.get("db_url", ""))
               for c in data.get("course", [])]
    ids = [c.id for c in courses]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{path}: two courses share an id")
    return Settings(port=int(hub.get("port", 8000)), state_dir=Path(hub.get("state_dir", "/srv/hcai-hub")),
                    exchange=Path(hub.get("exchange", "/srv/nbgrader/exchange")), courses=courses)


def _world_usable(path: Path) -> bool:
    """Every folder on the way is searchable and the file readable by other users."""
    path = path.resolve()
    for parent in [*reversed(path.parents), path]:
        mode = parent.stat().st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def learner_python() -> tuple[str, dict[str, str]]:
    """``(interpreter, extra environment)`` that learners' own uids can run.

    The course venv's interpreter may link into a folder only root can enter (pyenv under
    /root); then the system python3.11 runs with the venv's packages on its path (same
    Python minor version, same wheels).
    """
    venv_python = Path(sys.executable)
    site = venv_python.parent.parent / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    if _world_usable(venv_python):
        return str(venv_python), {}
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists() or not _world_usable(site):
        raise SystemExit(f"Learners cannot run {venv_python} and {site} is not readable by them: "
                         "install the course where every account can read it (e.g. /opt/hcai).")
    # REPO too: an editable install's .pth finder is not read from PYTHONPATH, and the learners'
    # servers import hcai (the Validate handler, hcai.labvalidate)
    return str(system), {"PYTHONPATH": os.pathsep.join([str(site), str(REPO)]),
                         "PATH": "/usr/local/bin:/usr/bin:/bin"}


__all__ = ["Course", "Settings", "learner_python", "load"]
