"""End to end on a real JupyterHub: accounts, exchange, PostgreSQL gradebook, two courses.

As root only (it creates local accounts; CI runs as root). The fixture writes a hub.toml
for two courses, runs ``hub/setup.py`` (accounts ``hcaie2e-*``, exchange, configs),
starts a throwaway PostgreSQL and the hub on 127.0.0.1 (``hub/jupyterhub_config.py``,
the configuration a real server uses, with an automation token), and removes the
accounts, servers and folders afterwards, also when a test fails.

Learners act as the lab extension does: through their own server behind the hub
(``/user/<name>/assignments``, ``.../fetch``, ``.../validate``, ``.../submit``,
``.../fetch_feedback``, the contents API to save a notebook), each as their own uid.
The instructor runs ``python -m hcai release/collect/grade/release-feedback``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from fixtures.grading import fabricate
from hcai.grading import pgtemp

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "grading"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.geteuid() != 0 and not os.environ.get("CI"),
                                                   reason="creates local accounts: run as root")]
A = fabricate.ASSIGNMENT
C1, C2 = "e2ecourse", "e2eother"
INSTRUCTOR, OTHER_INSTRUCTOR = "hcaie2e-inst", "hcaie2e-inst2"
LEARNERS = {"hcaie2e-right": "right", "hcaie2e-part": "partial", "hcaie2e-blank": "blank"}
OUTSIDER = "hcaie2e-c2"  # a learner of the second course only


def _req(method: str, url: str, token: str, **kw):
    import requests
    headers = {"Authorization": f"token {token}", **kw.pop("headers", {})}
    return requests.request(method, url, headers=headers, timeout=60, **kw)


class Hub:
    def __init__(self, base: Path, port: int, token: str, env: dict[str, str]) -> None:
        self.base, self.port, self.token, self.env = base, port, token, env
        self.url = f"http://127.0.0.1:{port}"
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None

    def launch(self) -> subprocess.Popen:
        """Start the hub (and its proxy) as ``make hub`` does; wait until its API answers."""
        log = open(self.base / "hub.log", "a")  # noqa: SIM115 -- stays open for the hub process
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f",
                                      str(REPO / "hub" / "jupyterhub_config.py")], cwd=self.base / "state",
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if self.api("GET", "/").status_code == 200:
                    return self.proc
            except Exception:  # noqa: BLE001 -- not listening yet
                pass
            if self.proc.poll() is not None:
                raise AssertionError("the hub exited:\n" + (self.base / "hub.log").read_text()[-4000:])
            time.sleep(0.5)
        raise AssertionError("the hub did not answer within 90 s")

    def stop(self) -> None:
        """Stop the hub and its proxy (their process group); the hub stops users' servers."""
        with contextlib.suppress(ProcessLookupError):  # the hub may have exited already
            os.killpg(self.proc.pid, 15)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
            self.proc.wait(timeout=10)
        self.tokens.clear()  # the servers behind them are gone

    def api(self, method: str, path: str, **kw):
        return _req(method, f"{self.url}/hub/api{path}", self.token, **kw)

    def start_server(self, user: str) -> None:
        r = self.api("POST", f"/users/{user}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}").json()
            if model.get("servers", {}).get("", {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"{user}'s server did not start")
        r = self.api("POST", f"/users/{user}/tokens", json={"note": "e2e", "expires_in": 3600})
        assert r.status_code == 201, r.text
        self.tokens[user] = r.json()["token"]

    def user(self, method: str, user: str, path: str, **kw):
        return _req(method, f"{self.url}/user/{user}{path}", self.tokens[user], **kw)


def _instructor(env: dict[str, str], *argv: str, ok=(0,)) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "hcai", *argv], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode in ok, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _as(user: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True, text=True, timeout=60)


def _let_accounts_reach(path: Path) -> list[tuple[Path, int]]:
    """Make every folder above ``path`` searchable by other users; return what to restore.

    A fresh clone may sit in a private temporary folder (``mktemp -d`` is 0700); the learner
    accounts' servers must still reach the course's packages. Only the search bit is added to
    the folders above; the checkout itself also gets the read bit, because it is on the
    learners' ``PYTHONPATH`` (``hcai.labvalidate``) and Python lists a path entry to import
    from it.
    """
    changed = []
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        wanted = stat.S_IXOTH | (stat.S_IROTH if folder == path else 0)
        if folder != Path("/") and (mode & wanted) != wanted:
            folder.chmod(stat.S_IMODE(mode) | wanted)
            changed.append((folder, stat.S_IMODE(mode)))
    return changed


@pytest.fixture(scope="module")
def hub():
    if shutil.which("runuser") is None or shutil.which("useradd") is None:
        pytest.fail("needs runuser and useradd (util-linux, passwd)")
    opened = _let_accounts_reach(REPO)
    base = Path(tempfile.mkdtemp(prefix="hcai-hub-e2e-"))
    base.chmod(0o755)
    server = pgtemp.start()
    port = pgtemp.free_port()
    token = secrets.token_hex(24)
    courses = {}
    for cid, inst in ((C1, INSTRUCTOR), (C2, OTHER_INSTRUCTOR)):
        root = base / "courses" / cid
        (root / "source").mkdir(parents=True)
        shutil.copytree(FIXTURES / "source" / A, root / "source" / A)
        learners = list(LEARNERS) if cid == C1 else [OUTSIDER]
        roster = base / f"{cid}-students.csv"
        roster.write_text("student_id,first_name,last_name\n" + "".join(f"{s},{s},E2E\n" for s in learners))
        courses[cid] = {"root": root, "roster": roster, "db": server.create_database(), "inst": inst}
    settings = base / "hub.toml"
    settings.write_text(
        f'[hub]\nport = {port}\nstate_dir = "{base / "state"}"\nexchange = "{base / "exchange"}"\n'
        + "".join(f'\n[[course]]\nid = "{cid}"\nroot = "{c["root"]}"\ninstructors = ["{c["inst"]}"]\n'
                  f'roster = "{c["roster"]}"\nformgrader_port = {pgtemp.free_port()}\ndb_url = "{c["db"]}"\n'
                  for cid, c in courses.items()))
    env = {**os.environ, "HCAI_HUB_SETTINGS": str(settings), "HCAI_HUB_ADMIN_TOKEN": token,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for name in ("HCAI_EXCHANGE", "HCAI_NBGRADER_EXTRA_CONFIG", "HCAI_DB_URL", "HCAI_COURSE_ID"):
        env.pop(name, None)
    h = None
    try:
        done = subprocess.run([sys.executable, str(REPO / "hub" / "setup.py")], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        for c in courses.values():  # the roster the grading commands read
            shutil.copy(c["roster"], c["root"] / "students.csv")
        h = Hub(base, port, token, env)
        h.courses, h.server = courses, server
        h.launch()
        yield h
    finally:
        if h is not None and h.proc is not None:
            h.stop()  # the hub the tests left running (a test may have restarted it)
        for folder, mode in opened:
            folder.chmod(mode)
        if os.environ.get("HCAI_E2E_KEEP"):
            print("hub log:", base / "hub.log")
        subprocess.run([sys.executable, str(REPO / "hub" / "setup.py"), "--remove-accounts"], env=env,
                       capture_output=True, timeout=120)
        server.close()
        if not os.environ.get("HCAI_E2E_KEEP"):
            shutil.rmtree(base, ignore_errors=True)


def _course_env(hub: Hub, cid: str) -> dict[str, str]:
    return {**hub.env, "HCAI_NBGRADER_EXTRA_CONFIG": ""}


def _answer(nb: dict, kind: str) -> dict:
    import nbformat
    node = nbformat.from_dict(nb)
    if kind == "right":
        node = fabricate.correct(node)
    elif kind == "partial":
        node = fabricate.correct(node)
        fabricate._answer(node, "q2", fabricate.Q2_WRONG)
    return json.loads(nbformat.writes(node))


def _rows(course: Path) -> dict[str, dict[str, str]]:
    with (course / "exports" / f"{A}-grades.csv").open(newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


def _terminal(hub: Hub, instructor: str) -> dict[str, str]:
    """What an instructor's terminal on the hub has: nbgrader's JupyterHubAuthPlugin asks the
    hub which learners are in the course with these."""
    if instructor not in hub.tokens:
        hub.start_server(instructor)
    return {**hub.env, "JUPYTERHUB_USER": instructor, "JUPYTERHUB_API_TOKEN": hub.tokens[instructor],
            "JUPYTERHUB_API_URL": f"{hub.url}/hub/api"}


def test_release_submit_grade_feedback_round_trip(hub):
    c1, c2 = hub.courses[C1], hub.courses[C2]
    for c in (c1, c2):
        _instructor(_terminal(hub, c["inst"]), "release", A, "--course-dir", str(c["root"]),
                    "--due", "2099-01-01T00:00Z")
    nb_path = f"{C1}/{A}/{A}.ipynb"
    for learner, kind in LEARNERS.items():
        hub.start_server(learner)
        listed = hub.user("GET", learner, "/assignments", params={"course_id": C1}).json()
        assert listed["success"], listed
        assert [a["assignment_id"] for a in listed["value"] if a["status"] == "released"] == [A]
        r = hub.user("POST", learner, "/assignments/fetch", data={"course_id": C1, "assignment_id": A})
        assert r.json()["success"], r.text
        model = hub.user("GET", learner, f"/api/contents/{nb_path}", params={"content": 1}).json()
        answered = _answer(model["content"], kind)
        r = hub.user("PUT", learner, f"/api/contents/{nb_path}",
                     json={"type": "notebook", "format": "json", "content": answered})
        assert r.status_code in (200, 201), r.text
        home = Path(f"/home/{learner}")
        assert (home / nb_path).stat().st_uid == os.stat(home).st_uid  # written as the learner
        v = hub.user("POST", learner, "/assignments/validate", data={"path": nb_path}).json()
        assert v["success"], v
        # The Validate button's route is answered by the grader's engine (hcai.labvalidate),
        # and its kernel started as this learner: the verdicts follow the answer.
        assert v["value"]["checked_by"] == "hcai", v
        failed = v["value"].get("failed") or []
        assert "did not start" not in json.dumps(failed), failed
        assert bool(failed) == (kind != "right"), (kind, failed)
        r = hub.user("POST", learner, "/assignments/submit", data={"course_id": C1, "assignment_id": A})
        assert r.json()["success"], r.text

    # The learner of the other course sees nothing of this one.
    hub.start_server(OUTSIDER)
    other = hub.user("GET", OUTSIDER, "/assignments", params={"course_id": C1}).json()
    assert not [a for a in other.get("value", []) if a.get("course_id") == C1], other
    mine = hub.user("GET", OUTSIDER, "/assignments", params={"course_id": C2}).json()
    assert [a["assignment_id"] for a in mine["value"]] == [A]

    root = c1["root"]
    term = _terminal(hub, INSTRUCTOR)
    _instructor(term, "collect", A, "--course-dir", str(root))
    assert sorted(p.name for p in (root / "submitted").iterdir()) == sorted(LEARNERS)
    _instructor(term, "grade", A, "--course-dir", str(root), "--workers", "2", ok=(0, 1))
    assert not (root / "gradebook.db").exists()  # the PostgreSQL gradebook was used
    rows = _rows(root)
    from nbgrader.api import Gradebook

    from hcai.grading.gradebook import autograded_points
    with Gradebook(c1["db"], C1) as gb:
        full = sum(autograded_points(gb, A).values())
    auto = {s: float(rows[s]["auto_score"]) for s in LEARNERS}
    assert auto["hcaie2e-right"] == full and auto["hcaie2e-blank"] == 0
    assert 0 < auto["hcaie2e-part"] < full
    _instructor(term, "release-feedback", A, "--course-dir", str(root))
    for learner in LEARNERS:
        r = hub.user("POST", learner, "/assignments/fetch_feedback", data={"course_id": C1, "assignment_id": A})
        assert r.json()["success"], r.text
        feedback = list(Path(f"/home/{learner}/{C1}/{A}/feedback").rglob("*.html"))
        assert feedback, learner

    # --- isolation, checked as each learner's own uid -----------------------------------------
    exchange = hub.base / "exchange"
    sys.path.insert(0, str(REPO / "hub"))
    import hubsettings
    learner_py, learner_env = hubsettings.learner_python()
    for learner in LEARNERS:
        others = [o for o in LEARNERS if o != learner]
        assert _as(learner, "ls", str(exchange / C1 / "inbound")).returncode != 0
        for o in others:
            assert _as(learner, "cat", *[str(p) for p in Path(f"/home/{o}").rglob("*.ipynb")]).returncode != 0
            assert _as(learner, "ls", f"/home/{o}").returncode != 0
        assert _as(learner, "ls", str(exchange / C1 / "feedback")).returncode != 0
        assert _as(learner, "ls", str(root)).returncode != 0  # course folder, submissions, config
        # the gradebook: the port answers, but not without the password only the course config holds
        probe = _as(learner, "env", *[f"{k}={v}" for k, v in learner_env.items()], learner_py, "-c",
                    f"import psycopg2; psycopg2.connect(host='127.0.0.1', port={hub.server.port}, "
                    "user='hcai', dbname='postgres', connect_timeout=5)")
        assert probe.returncode != 0 and "password" in probe.stderr.lower()

    # --- then bad input, on the same course (it needs the state above) ----------------------
    _bad_input_is_explained_and_loses_nothing(hub)
    # --- a learner plants entries in the shared inbound folder --------------------------------
    _planted_inbound_entries_are_left_out(hub)
    # --- and the hub going away while the instructor works ------------------------------------
    _hub_down_mid_run_then_rerun_finishes(hub)


def _inbound(hub: Hub, learner: str) -> list[Path]:
    return sorted(p for p in (hub.base / "exchange" / C1 / "inbound").iterdir() if p.name.startswith(learner + "+"))


def _bad_input_is_explained_and_loses_nothing(hub):
    """After the round trip: a late resubmission, a corrupt notebook, an outsider's submit."""
    root, term = hub.courses[C1]["root"], _terminal(hub, INSTRUCTOR)
    nb_path = f"{C1}/{A}/{A}.ipynb"
    # the due date passes: what comes in now is late
    _instructor(term, "release", A, "--course-dir", str(root), "--due", "2020-01-01T00:00Z")
    # a resubmission: the partly right learner fixes q2 and submits again
    part = "hcaie2e-part"
    model = hub.user("GET", part, f"/api/contents/{nb_path}", params={"content": 1}).json()
    hub.user("PUT", part, f"/api/contents/{nb_path}",
             json={"type": "notebook", "format": "json", "content": _answer(model["content"], "right")})
    assert hub.user("POST", part, "/assignments/submit", data={"course_id": C1, "assignment_id": A}).json()["success"]
    assert len(_inbound(hub, part)) == 2  # the earlier submission is kept in the exchange
    # a corrupt notebook from the blank learner
    blank = "hcaie2e-blank"
    r = hub.user("PUT", blank, f"/api/contents/{nb_path}",
                 json={"type": "file", "format": "text", "content": '{"cells": [ not json'})
    assert r.status_code in (200, 201), r.text
    assert hub.user("POST", blank, "/assignments/submit", data={"course_id": C1, "assignment_id": A}).json()["success"]
    # a learner of the other course, not on this roster, cannot submit here
    out = hub.user("POST", OUTSIDER, "/assignments/submit", data={"course_id": C1, "assignment_id": A}).json()
    assert not out.get("success") and not _inbound(hub, OUTSIDER)

    _instructor(term, "collect", A, "--course-dir", str(root))
    done = _instructor(term, "grade", A, "--course-dir", str(root), "--workers", "2", ok=(1,))
    rows = _rows(root)
    assert rows["hcaie2e-right"]["status"] in ("graded", "needs_manual_grading")
    assert rows[part]["late"] == "yes" and "after the due date" in rows[part]["reason"]
    assert rows[part]["auto_score"] == rows["hcaie2e-right"]["auto_score"]  # the newest was graded
    # years late: the course's penalty (10 % of the maximum per started day) takes it all,
    # capped by nbgrader at the points the notebook has
    from nbgrader.api import Gradebook
    with Gradebook(hub.courses[C1]["db"], C1) as gb:
        penalty = gb.find_submission(A, part).late_submission_penalty
        on_time = gb.find_submission(A, "hcaie2e-right").late_submission_penalty
    assert penalty == float(rows[part]["auto_score"]) > 0 and not on_time
    assert rows[blank]["status"] == "error" and "not valid notebook JSON" in rows[blank]["reason"]
    assert OUTSIDER not in rows and "Traceback" not in done.stdout


def test_formgrader_service_only_for_the_course_instructors(hub):
    """formgrader runs as a hub-managed service; only formgrade-<id> may open it."""
    import requests
    _terminal(hub, INSTRUCTOR)
    url = f"{hub.url}/services/formgrader-{C1}/formgrader"  # with a slash it redirects before auth
    deadline = time.monotonic() + 60
    while True:
        r = requests.get(url, headers={"Authorization": f"token {hub.tokens[INSTRUCTOR]}"}, timeout=30,
                         allow_redirects=False)
        if r.status_code not in (502, 503) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert r.status_code in (200, 302), (r.status_code, r.text[:500])
    learner = next(iter(LEARNERS))
    if learner not in hub.tokens:
        hub.start_server(learner)
    r = requests.get(url, headers={"Authorization": f"token {hub.tokens[learner]}"}, timeout=30,
                     allow_redirects=False)
    assert r.status_code == 403, (r.status_code, r.headers.get("location"))


def _lab_disabled(hub: Hub, user: str) -> set[str]:
    """The lab extensions the user's server tells JupyterLab to leave off (its page config)."""
    import re
    r = hub.user("GET", user, "/lab")
    assert r.status_code == 200, (r.status_code, r.text[:300])
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', r.text, re.S)
    assert found, r.text[:500]
    disabled = json.loads(found.group(1)).get("disabledExtensions", [])
    return {k for k, v in disabled.items() if v} if isinstance(disabled, dict) else set(disabled)


def test_learners_lab_has_no_instructor_tools_instructors_lab_has(hub):
    tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
    learner = next(iter(LEARNERS))
    if learner not in hub.tokens:
        hub.start_server(learner)
    _terminal(hub, INSTRUCTOR)
    assert tools <= _lab_disabled(hub, learner)
    assert "@jupyter/nbgrader:assignment-list" not in _lab_disabled(hub, learner)
    assert not tools & _lab_disabled(hub, INSTRUCTOR)
    # and the formgrader server extension: not loaded in a learner's server, loaded in the instructor's
    assert hub.user("GET", learner, "/formgrader", allow_redirects=False).status_code == 404
    assert hub.user("GET", INSTRUCTOR, "/formgrader", allow_redirects=False).status_code != 404


def _planted_inbound_entries_are_left_out(hub):
    """As their own uid, a learner writes into inbound what nbgrader's collect would believe:
    a later entry in another learner's name, and one of their own linking the course config
    (it holds the gradebook's password). The instructor's collect leaves the first out and
    copies no byte of the linked file; the other learner's submission stays theirs."""
    root, term = hub.courses[C1]["root"], _terminal(hub, INSTRUCTOR)
    victim, attacker = "hcaie2e-right", "hcaie2e-blank"
    theirs = (root / "submitted" / victim / A / f"{A}.ipynb").read_bytes()
    inbound = hub.base / "exchange" / C1 / "inbound"
    mine = f"/home/{attacker}/{C1}/{A}/{A}.ipynb"
    stamp = "2099-01-01 00:00:00.000000 UTC"
    forged, linked = inbound / f"{victim}+{A}+{stamp}+f0f0", inbound / f"{attacker}+{A}+{stamp}+a1a1"
    config = root / "nbgrader_config.py"
    script = (f'mkdir "{forged}" "{linked}" && cp "{mine}" "{forged}/{A}.ipynb" && cp "{mine}" "{linked}/{A}.ipynb"'
              f' && printf "{stamp}" > "{forged}/timestamp.txt" && printf "{stamp}" > "{linked}/timestamp.txt"'
              f' && ln -s "{config}" "{linked}/settings.py"')
    planted = _as(attacker, "sh", "-c", script)
    assert planted.returncode == 0, planted.stderr  # nbgrader's exchange lets any learner do this
    # the other course's learner writes an entry of their own here, past the submit that refused them
    outsider = inbound / f"{OUTSIDER}+{A}+{stamp}+b2b2"
    planted = _as(OUTSIDER, "sh", "-c", f'mkdir "{outsider}" && printf "{stamp}" > "{outsider}/timestamp.txt"')
    assert planted.returncode == 0, planted.stderr
    assert _as(attacker, "cat", str(config)).returncode != 0  # the link's target is not theirs to read
    password = hub.courses[C1]["db"].split(":")[2].split("@")[0]
    assert password and password.encode() in config.read_bytes()

    done = _instructor(term, "collect", A, "--course-dir", str(root))
    assert f"named for {victim} but belongs to {attacker}" in done.stdout, done.stdout
    assert f"{OUTSIDER} is not a learner of course {C1}" in done.stdout, done.stdout
    assert not (root / "submitted" / OUTSIDER).exists()
    assert (root / "submitted" / victim / A / f"{A}.ipynb").read_bytes() == theirs
    got = root / "submitted" / attacker / A
    assert "settings.py" not in {p.name for p in got.iterdir()}
    assert not any(password.encode() in p.read_bytes() for p in got.rglob("*") if p.is_file())


def _tree_hashes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hub_down_mid_run_then_rerun_finishes(hub):
    """The hub (and proxy) stop while the instructor grades: plain messages, nothing lost;
    once it is back, re-running finishes the job and learners fetch their feedback.

    A step of the round trip (it needs that course's submissions); tests run in random order."""
    root = hub.courses[C1]["root"]
    term = _terminal(hub, INSTRUCTOR)
    submitted = _tree_hashes(root / "submitted")
    inbound = sorted(p.name for p in (hub.base / "exchange" / C1 / "inbound").iterdir())
    cmd = [sys.executable, "-m", "hcai", "grade", A, "--course-dir", str(root), "--workers", "2", "--force"]
    proc = subprocess.Popen(cmd, env=term, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("[1/"):
            break
    hub.stop()  # mid-run: the workers are grading
    out, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1, 2) and "Traceback" not in out + err, out[-2000:] + err[-2000:]
    # with the hub down, the commands that need it say so and change nothing
    for argv in (["collect", A], ["release-feedback", A], ["grade", A, "--workers", "2"]):
        done = _instructor(term, *argv, "--course-dir", str(root), ok=(2,))
        text = done.stdout + done.stderr
        assert "Cannot reach JupyterHub" in text and "re-run" in text and "Traceback" not in text, text[-2000:]
    assert _tree_hashes(root / "submitted") == submitted
    assert sorted(p.name for p in (hub.base / "exchange" / C1 / "inbound").iterdir()) == inbound

    hub.launch()
    term = _terminal(hub, INSTRUCTOR)
    _instructor(term, "grade", A, "--course-dir", str(root), "--workers", "2", ok=(1,))  # blank's corrupt notebook
    rows = _rows(root)
    assert rows["hcaie2e-right"]["status"] in ("graded", "needs_manual_grading")
    assert float(rows["hcaie2e-right"]["auto_score"]) > 0 and rows["hcaie2e-blank"]["status"] == "error"
    _instructor(term, "release-feedback", A, "--course-dir", str(root))
    for learner in ("hcaie2e-right", "hcaie2e-part"):
        hub.start_server(learner)
        r = hub.user("POST", learner, "/assignments/fetch_feedback", data={"course_id": C1, "assignment_id": A})
        assert r.json()["success"], r.text
        assert list(Path(f"/home/{learner}/{C1}/{A}/feedback").rglob("*.html")), learner
