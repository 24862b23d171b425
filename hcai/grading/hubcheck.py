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
    import urllib.error
    import urllib.request

    from nbgrader.auth.jupyterhub import get_jupyterhub_api_url

    url = get_jupyterhub_api_url()  # $JUPYTERHUB_API_URL, as nbgrader itself reads it
    try:  # the API root needs no token and answers with the hub's version
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=TIMEOUT):  # noqa: S310 -- the course's own hub URL
            return
    except urllib.error.HTTPError as exc:
        if exc.code < 500:
            return  # it answers (a proxy in front may ask for a login)
        reason = f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, timed out, no route, bad URL
        reason = type(getattr(exc, "reason", exc)).__name__
    raise HubUnavailable(
        f"Cannot reach JupyterHub at {url} ({reason}). This course's nbgrader config uses "
        "JupyterHubAuthPlugin, which asks the hub who is in the course. Nothing was changed: "
        "start the hub again (or wait until it is back) and re-run the command.")


__all__ = ["HubUnavailable", "check_hub", "uses_jupyterhub"]
