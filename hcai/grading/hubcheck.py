"""Is the JupyterHub the course's nbgrader config relies on answering?

A course on a hub sets ``c.Authenticator.plugin_class = JupyterHubAuthPlugin``: nbgrader
then asks the hub's REST API which courses a user belongs to whenever it lists the
exchange (``NbGraderAPI`` does on creation, so every grading command and every worker) and
tells the hub about students added to the gradebook. With the hub down that ends in a
``requests`` traceback from deep inside nbgrader; this check turns it into one plain
message before anything is read or written, and the command can simply be re-run.
"""

from __future__ import annotations

from typing import Any

TIMEOUT = 5.0  # seconds; the hub's API root answers at once when it is up


class HubUnavailable(Exception):
    """The hub's API does not answer (the message says what to do)."""


def uses_jupyterhub(cfg: Any) -> bool:
    """True when the config's nbgrader auth plugin is (a subclass of) ``JupyterHubAuthPlugin``."""
    if "plugin_class" not in cfg.Authenticator:
        return False
    plugin = cfg.Authenticator.plugin_class
    if isinstance(plugin, str):
        return plugin.rsplit(".", 1)[-1] == "JupyterHubAuthPlugin"
    from nbgrader.auth import JupyterHubAuthPlugin
    return isinstance(plugin, type) and issubclass(plugin, JupyterHubAuthPlugin)


def check_hub(cfg: Any) -> None:
    """Raise :class:`HubUnavailable` when the course uses the hub and its API does not answer."""
    if not uses_jupyterhub(cfg):
        return
    import requests
    from nbgrader.auth.jupyterhub import get_jupyterhub_api_url

    url = get_jupyterhub_api_url()  # $JUPYTERHUB_API_URL, as nbgrader itself reads it
    try:
        answer = requests.get(url.rstrip("/") + "/", timeout=TIMEOUT)
    except requests.RequestException as exc:
        reason = type(exc).__name__
    else:
        if answer.status_code < 500:
            return
        reason = f"HTTP {answer.status_code}"
    raise HubUnavailable(
        f"Cannot reach JupyterHub at {url} ({reason}). This course's nbgrader config uses "
        "JupyterHubAuthPlugin, which asks the hub who is in the course. Nothing was changed: "
        "start the hub again (or wait until it is back) and re-run the command.")


__all__ = ["HubUnavailable", "check_hub", "uses_jupyterhub"]
