"""JupyterHub for the course: one machine, local accounts, several nbgrader courses.

The shape is the one The Littlest JupyterHub gives a real server: local system accounts,
``LocalProcessSpawner`` (each learner's server runs as their own uid), the hub and its
proxy on 127.0.0.1, nbgrader's lab extensions for learners (Validate answered by the grader's
engine, ``hcai.labvalidate``; see ``hub/setup.py``), and per course a formgrader
run by the hub as a managed service that only that course's ``formgrade-<id>`` group can
open. Courses, accounts and paths come from ``hub.toml`` (``hub/hubsettings.py``);
``hub/setup.py`` creates the accounts, groups, exchange and per-course configs first.

Left to the site, on purpose:
* TLS: the hub listens on 127.0.0.1 only; put a TLS-terminating reverse proxy (nginx,
  Caddy, TLJH's traefik) in front, or set ``c.JupyterHub.ssl_cert``/``ssl_key``.
* The authenticator: PAM (local passwords) by default; a university sets its SSO here
  (``c.JupyterHub.authenticator_class``), keeping login names equal to roster ids.

Run: ``make hub`` (or ``jupyterhub -f hub/jupyterhub_config.py`` as root).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hubsettings  # noqa: E402

c = get_config()  # noqa: F821
settings = hubsettings.load()
python, learner_env = hubsettings.learner_python()
_venv = Path(sys.executable).parent.parent
# nbgrader's server and lab extensions are registered in the venv's etc/ and share/;
# the hub's learner config comes first so it wins (formgrader off for learners).
learner_env.update({
    "JUPYTER_CONFIG_PATH": f"{settings.learner_config_dir}:{_venv / 'etc' / 'jupyter'}",
    "JUPYTER_PATH": str(_venv / "share" / "jupyter"),
})

# --- network: loopback only --------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 1}"
_chp = hubsettings.REPO / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(_chp) if _chp.exists() else "configurable-http-proxy"]

# --- state --------------------------------------------------------------------------------
settings.state_dir.mkdir(parents=True, exist_ok=True)
c.JupyterHub.db_url = f"sqlite:///{settings.state_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(settings.state_dir / "jupyterhub.pid")

# --- who may log in -------------------------------------------------------------------------
c.JupyterHub.authenticator_class = os.environ.get("HCAI_HUB_AUTHENTICATOR", "pam")
instructors = sorted({u for course in settings.courses for u in course.instructors})
learners = sorted({u for course in settings.courses for u in course.learners()})
c.Authenticator.allowed_users = set(instructors) | set(learners)
c.Authenticator.admin_users = set()  # instructors need no hub admin rights
# Groups decide what nbgrader shows (JupyterHubAuthPlugin): nbgrader-<id> learners,
# formgrade-<id> instructors of that course.
groups = {}
for course in settings.courses:
    groups[f"formgrade-{course.id}"] = list(course.instructors)
    groups[f"nbgrader-{course.id}"] = course.learners()
c.JupyterHub.load_groups = groups

# --- each user's server, as their own uid -----------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [python, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = dict(learner_env)  # + the global nbgrader config (exchange, plugin)
c.Spawner.start_timeout = 60


def _instructor_tools(spawner):
    """Instructors' own servers read the instructors' config dir instead of the learners':
    formgrader, create-assignment and course-list stay on in their lab (hub/setup.py)."""
    if spawner.user.name in settings.instructors():
        spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH":
                               f"{settings.instructor_config_dir}:{_venv / 'etc' / 'jupyter'}"}


c.Spawner.pre_spawn_hook = _instructor_tools
c.Spawner.http_timeout = 60

# --- formgrader per course: a hub-managed service for that course's instructors ---------------
roles = [{"name": "server", "scopes": ["inherit"]}]  # nbgrader asks the hub for the user's groups
services = []
for course in settings.courses:
    name = f"formgrader-{course.id}"
    services.append({
        "name": name,
        "url": f"http://127.0.0.1:{course.formgrader_port}",
        "command": [python, "-m", "jupyterhub.singleuser", f"--group=formgrade-{course.id}",
                    f"--ServerApp.root_dir={course.root}"],
        "user": course.instructors[0],
        "cwd": str(course.root),
        # not the learners' config dir (it turns formgrader off); nbgrader reads the
        # course's own nbgrader_config.py from cwd (exchange, course id, auth plugin)
        "environment": {**learner_env, "HCAI_COURSE_ID": course.id,
                        "JUPYTER_CONFIG_PATH": str(_venv / "etc" / "jupyter")},
        "oauth_no_confirm": True,
    })
    roles.append({"name": f"formgrader-{course.id}-access", "groups": [f"formgrade-{course.id}"],
                  "scopes": [f"access:services!service={name}"]})
    # the formgrader, and the instructors' own commands (python -m hcai ... in a hub
    # terminal), add learners to nbgrader-<id> when students are added to the gradebook
    roles.append({"name": f"formgrader-{course.id}-groups", "services": [name],
                  "groups": [f"formgrade-{course.id}"],
                  "scopes": ["read:users", "read:groups", f"groups!group=nbgrader-{course.id}",
                             f"groups!group=formgrade-{course.id}"]})

# A token for automation (tests, provisioning scripts), only when the site sets one.
if os.environ.get("HCAI_HUB_ADMIN_TOKEN"):
    services.append({"name": "hcai-admin", "api_token": os.environ["HCAI_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "hcai-admin", "services": ["hcai-admin"], "scopes": ["admin:users", "admin:servers",
                  "tokens", "read:groups", "access:servers", "admin-ui"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
c.JupyterHub.cleanup_servers = True
