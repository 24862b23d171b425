"""A hub course whose JupyterHub is down: one plain message, nothing changed, re-run later.

The end-to-end version (a real hub stopped while the instructor works) is in
``tests/test_hub_e2e.py``; this one needs no hub: the API URL points at a closed port.
"""

from __future__ import annotations

import pytest

from fixtures.grading import fabricate
from hcai.grading import cli, hubcheck, pgtemp
from hcai.grading.config import load_config

A = fabricate.ASSIGNMENT
HUB_AUTH = "\nfrom nbgrader.auth import JupyterHubAuthPlugin\nc.Authenticator.plugin_class = JupyterHubAuthPlugin\n"


@pytest.fixture
def hub_course(fresh_course, monkeypatch):
    with (fresh_course / "nbgrader_config.py").open("a") as fh:
        fh.write(HUB_AUTH)
    monkeypatch.delenv("HCAI_DB_URL", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "inst")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "not-used")
    monkeypatch.setenv("JUPYTERHUB_API_URL", f"http://127.0.0.1:{pgtemp.free_port()}/hub/api")
    return fresh_course


def test_only_hub_courses_are_checked(fresh_course, hub_course):
    assert hubcheck.uses_jupyterhub(load_config(hub_course))
    with (fresh_course / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.Authenticator.plugin_class = 'nbgrader.auth.NoAuthPlugin'\n")
    assert not hubcheck.uses_jupyterhub(load_config(fresh_course))
    hubcheck.check_hub(load_config(fresh_course))  # no hub needed, no error


def test_hub_down_stops_release_with_a_plain_message(hub_course, capsys):
    assert cli.main(["release", A, "--course-dir", str(hub_course), "--due", "2026-11-20T17:00:00Z"]) == 2
    err = capsys.readouterr().err
    assert "Cannot reach JupyterHub" in err and "re-run" in err and "Traceback" not in err
    assert not (hub_course / "release").exists() and not (hub_course / "gradebook.db").exists()


@pytest.mark.parametrize(("status", "up"), [(200, True), (403, True), (503, False)])
def test_a_hub_that_answers_passes_a_failing_one_does_not(hub_course, monkeypatch, status, up):
    import http.server
    import threading

    class Api(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- http.server's name
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"version": "5"}')

        def log_message(self, *args):  # quiet
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("JUPYTERHUB_API_URL", f"http://127.0.0.1:{server.server_port}/hub/api")
        if up:
            hubcheck.check_hub(load_config(hub_course))
        else:
            with pytest.raises(hubcheck.HubUnavailable, match="HTTP 503"):
                hubcheck.check_hub(load_config(hub_course))
    finally:
        server.shutdown()
        server.server_close()
