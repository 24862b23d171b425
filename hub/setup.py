"""Prepare a machine for ``hub/jupyterhub_config.py``: accounts, exchange, nbgrader configs.

    sudo .venv/bin/python hub/setup.py            # reads $HCAI_HUB_SETTINGS or /etc/hcai-hub/hub.toml
    sudo .venv/bin/python hub/setup.py --remove-accounts   # undo the accounts (tests, trials)

Idempotent. As root it creates the local accounts (``useradd -m``) for every instructor
and every learner in the courses' rosters; otherwise it says which are missing.
The exchange gets the permissions nbgrader documents (a world-writable root so learners
can submit; nbgrader then makes ``inbound`` write-only and ``feedback`` unlistable), each
course folder belongs to its first instructor and is closed to everyone else (the
gradebook, sources and submissions inside it stay private).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hubsettings  # noqa: E402

#: The lab's Validate button, as ``make lab`` sets it (scripts/lab-config/jupyter_server_config.json).
LEARNER_VALIDATE = json.loads((hubsettings.REPO / "scripts" / "lab-config" / "jupyter_server_config.json")
                              .read_text(encoding="utf-8"))["ServerApp"]["jpserver_extensions"]

LEARNER_NBGRADER_CONFIG = '''\
# Written by hub/setup.py: what every server on this hub shares.
from nbgrader.auth import JupyterHubAuthPlugin
c = get_config()
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = JupyterHubAuthPlugin
'''

COURSE_CONFIG = '''\
# Written by hub/setup.py for course {id!r}: the course's own settings, then this hub's.
from pathlib import Path
load_subconfig({base!r})  # the course package's nbgrader settings
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {id!r}
c.CourseDirectory.db_url = {db_url!r} or "sqlite:///" + str(Path({root!r}) / "gradebook.db") + "?timeout=30"
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
from nbgrader.auth import JupyterHubAuthPlugin
c.Authenticator.plugin_class = JupyterHubAuthPlugin
'''


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_accounts(names: list[str]) -> list[str]:
    missing = [n for n in names if not account_exists(n)]
    if missing and os.geteuid() != 0:
        print("Missing local accounts (run this as root to create them): " + ", ".join(missing))
        return missing
    for name in missing:
        # a private home: learners must not read each other's notebooks or fetched feedback
        subprocess.run(["useradd", "-m", "-K", "HOME_MODE=0700", "-s", "/bin/bash", name], check=True)
        Path(pwd.getpwnam(name).pw_dir).chmod(0o700)
        print(f"created account {name}")
    for name in names:
        home = Path(pwd.getpwnam(name).pw_dir)
        if home.is_dir() and home.stat().st_mode & 0o077:
            print(f"warning: {home} is open to other accounts (mode {home.stat().st_mode & 0o777:o}); "
                  f"`chmod 700 {home}` keeps {name}'s work private")
    return []


def remove_accounts(names: list[str]) -> None:
    for name in names:
        if account_exists(name):
            subprocess.run(["pkill", "-KILL", "-u", name], check=False)
            subprocess.run(["userdel", "-r", name], check=False, capture_output=True)
            print(f"removed account {name}")


def write_learner_config(settings: hubsettings.Settings) -> None:
    folder = settings.learner_config_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(LEARNER_NBGRADER_CONFIG.format(exchange=str(settings.exchange)))
    # Learners get the assignment list and validate; the instructor tools stay off for them
    # (the formgrader service has its own server). Validate is answered by the grader's engine
    # (hcai.labvalidate) in place of nbgrader's own handler for the same route.
    (folder / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": True,
        **LEARNER_VALIDATE}}}, indent=1))
    for path in [settings.state_dir, folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)


#: nbgrader's lab plugins only instructors use (nbgrader docs, "Installation": each can be
#: disabled by name). The Nbgrader menu drops their entries when their commands are missing.
INSTRUCTOR_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list")


def write_lab_page_configs(settings: hubsettings.Settings) -> None:
    """``labconfig/page_config.json`` per config dir: the instructor plugins off for learners.

    JupyterLab merges ``labconfig/page_config.json`` from every Jupyter config dir, the first
    on ``JUPYTER_CONFIG_PATH`` winning; the spawner puts the learners' dir first for learners
    and the instructors' dir for instructors (``jupyterhub_config.py``).
    """
    learner = settings.learner_config_dir / "labconfig"
    learner.mkdir(parents=True, exist_ok=True)
    (learner / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_PLUGINS}}, indent=1))
    inst = settings.instructor_config_dir
    (inst / "labconfig").mkdir(parents=True, exist_ok=True)
    (inst / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: False for name in INSTRUCTOR_LAB_PLUGINS}}, indent=1))
    shutil.copy(settings.learner_config_dir / "nbgrader_config.py", inst / "nbgrader_config.py")
    # Instructors keep every nbgrader tool, and their Validate button gives the grader's
    # verdicts too, as the learners' does.
    (inst / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": True,
        "nbgrader.server_extensions.course_list": True,
        "nbgrader.server_extensions.assignment_list": True,
        **LEARNER_VALIDATE}}}, indent=1))
    for path in [learner, *learner.iterdir(), inst, *inst.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def prepare_exchange(settings: hubsettings.Settings) -> None:
    root = settings.exchange
    root.mkdir(parents=True, exist_ok=True)
    for parent in root.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o555)  # searchable on the way down
    root.chmod(0o1777)  # nbgrader: learners create their submissions in it; sticky keeps them theirs


def prepare_course(course: hubsettings.Course, settings: hubsettings.Settings) -> None:
    course.root.mkdir(parents=True, exist_ok=True)
    base = hubsettings.REPO / "assignments" / "nbgrader_config.py"
    config = course.root / "nbgrader_config.py"
    config.write_text(COURSE_CONFIG.format(id=course.id, base=str(base), root=str(course.root),
                                           db_url=course.db_url, exchange=str(settings.exchange)))
    src = course.root / "source"
    if not src.exists():
        shutil.copytree(hubsettings.REPO / "assignments" / "source", src)
    if os.geteuid() == 0 and account_exists(course.instructors[0]):
        owner = pwd.getpwnam(course.instructors[0])
        for path in [course.root, *course.root.rglob("*")]:
            os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    course.root.chmod(0o700)  # gradebook, solutions and submissions: the instructor's only
    config.chmod(0o600)       # it may hold the database password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remove-accounts", action="store_true")
    args = parser.parse_args(argv)
    settings = hubsettings.load()
    names = sorted({u for c in settings.courses for u in [*c.instructors, *c.learners()]})
    if args.remove_accounts:
        remove_accounts(names)
        return 0
    missing = ensure_accounts(names)
    write_learner_config(settings)
    write_lab_page_configs(settings)
    prepare_exchange(settings)
    for course in settings.courses:
        prepare_course(course, settings)
    print(f"Hub ready: {len(settings.courses)} course(s), {len(names)} account(s), exchange {settings.exchange}.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
