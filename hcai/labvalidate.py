"""The Validate button of nbgrader's lab extension, answered by the grader's engine.

nbgrader 0.9.6's lab extension POSTs ``assignments/validate?path=<notebook>`` (after a GET of
``nbgrader_version?version=<its version>``) and shows a dialog from the JSON reply
``{"success": bool, "value": ...}``. nbgrader's own server extension
(``nbgrader.server_extensions.validate_assignment``) answers with ``nbgrader.validator.Validator``,
which runs nbgrader's ``Execute`` in the learner's kernel; ``Validator.preprocessors`` is not a
config trait, so config alone cannot make it judge as this course's grader does. This Jupyter
server extension serves the same two routes with the same reply shapes, and decides the test
cells' verdicts with :func:`hcai.learner.run_for_validate` -- the code path of
``python -m hcai validate`` (learner cells in a kernel, sandboxed where bubblewrap is
installed, test cells judged outside it) -- so the button, the command and the grader agree.

Kept from nbgrader's reply, so the lab shows its usual dialogs:

* ``value.type_changed`` (a graded cell's type was changed) and ``value.changed`` (a read-only
  cell was edited; the grader restores it from the gradebook, so its verdict now would not be
  the graded one): both found from the notebook alone, before anything runs;
* ``value.failed``: ``[{source, error (HTML), raw_error}]`` for each failing test cell, and for
  each hand-graded answer left as released ("You did not provide a response.");
* ``{}``: every check passes; ``success: false`` with a message when the notebook cannot be
  checked (not a notebook, no graded cells, an unexpected error).

Where bubblewrap is missing the notebook still runs, without the sandbox, as
``python -m hcai validate`` does on a learner's own machine; failed entries then say so, and
``value.sandboxed`` is False. Enable it with ``ServerApp.jpserver_extensions``:
``{"hcai.labvalidate": true, "nbgrader.server_extensions.validate_assignment": false}``
(``make lab`` and ``hub/setup.py`` do). Extra reply field: ``value.checked_by = "hcai"``.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import traceback
from importlib import metadata
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from hcai import cells

#: The module name jupyter server enables (``ServerApp.jpserver_extensions``).
EXTENSION = "hcai.labvalidate"
#: nbgrader's own extension serving the same routes; it must be disabled where this one runs.
NBGRADER_VALIDATE = "nbgrader.server_extensions.validate_assignment"
#: Marks replies from this extension (the lab ignores unknown fields).
CHECKED_BY = "hcai"

NO_SANDBOX_NOTE = (
    "Note: bubblewrap is not installed on this computer, so your code ran without the sandbox "
    "the grader uses (no network, read-only course files). The checks are the same; code that "
    "reaches the network or writes outside its folder may behave differently when graded.")
NO_RESPONSE = "You did not provide a response."
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def static_problems(nb: Any) -> dict[str, list[dict[str, str]]]:
    """nbgrader's ``type_changed`` or ``changed`` entries for ``nb``, or ``{}`` (nothing runs).

    The same tests as ``Validator._get_type_changed_cells``/``_get_changed_cells``, through
    nbgrader's public ``compute_checksum``.
    """
    from nbgrader.utils import compute_checksum

    type_changed = [{"source": cells.source(c).strip(), "old_type": c.cell_type,
                     "new_type": cells.nbgrader_meta(c)["cell_type"]}
                    for c in nb.cells
                    if (cells.is_grade(c) or cells.is_solution(c) or cells.is_locked(c))
                    and cells.nbgrader_meta(c).get("cell_type") not in (None, "", c.cell_type)]
    if type_changed:
        return {"type_changed": type_changed}
    changed = [{"source": cells.source(c).strip()} for c in nb.cells
               if cells.is_locked(c) and "checksum" in cells.nbgrader_meta(c)
               and cells.nbgrader_meta(c)["checksum"] != compute_checksum(c)]
    return {"changed": changed} if changed else {}


def unanswered(nb: Any) -> list[int]:
    """Indexes of hand-graded answers still as released (nbgrader's ``determine_grade`` gives 0)."""
    from nbgrader.utils import compute_checksum

    return [i for i, c in enumerate(nb.cells)
            if cells.is_grade(c) and cells.is_solution(c) and "checksum" in cells.nbgrader_meta(c)
            and cells.nbgrader_meta(c)["checksum"] == compute_checksum(c)]


def failed_entry(source: str, message: str) -> dict[str, str]:
    """One ``value.failed`` item; ``error`` is set as HTML by the lab, so it is escaped."""
    raw = _ANSI.sub("", message).strip() or "This check did not pass."
    return {"source": source.strip(), "error": html.escape(raw), "raw_error": raw}


def verdicts(path: Path) -> dict[str, Any]:
    """The ``value`` of a successful reply for the notebook at ``path`` (see the module docstring)."""
    import nbformat

    from hcai.engine import sandbox
    from hcai.learner import run_for_validate

    value: dict[str, Any] = {"checked_by": CHECKED_BY, "sandboxed": sandbox.available()}
    static = static_problems(nbformat.read(str(path), as_version=4))
    if static:
        return {**value, **static}
    nb, results = run_for_validate(path)
    failing = {r.index: str(r.message or "This check did not pass.") for r in results
               if r.kind == "test" and not r.passed}
    failing.update({i: NO_RESPONSE for i in unanswered(nb)})
    failed = [failed_entry(cells.source(nb.cells[i]), failing[i]) for i in sorted(failing)]
    if failed and not value["sandboxed"]:
        failed[-1] = failed_entry(failed[-1]["source"], f"{failed[-1]['raw_error']}\n\n{NO_SANDBOX_NOTE}")
    if failed:
        value["failed"] = failed
    return value


def validate_reply(root: Path, relpath: str) -> dict[str, Any]:
    """The whole JSON reply for ``relpath`` under the server's ``root`` (403 outside it)."""
    from hcai.learner import LearnerError

    root = root.resolve()
    target = (root / relpath).resolve()
    if not target.is_relative_to(root):
        raise web.HTTPError(403, "Access denied: path outside allowed directory")
    try:
        return {"success": True, "value": verdicts(target)}
    except LearnerError as exc:
        return {"success": False, "value": str(exc), "checked_by": CHECKED_BY}
    except Exception:  # noqa: BLE001 -- nbgrader's reply: the dialog shows what went wrong
        return {"success": False, "value": traceback.format_exc(), "checked_by": CHECKED_BY}


class ValidateHandler(JupyterHandler):
    """``POST assignments/validate`` with ``path`` as a query argument or in a JSON body."""

    @web.authenticated
    async def post(self) -> None:
        relpath = self.get_argument("path", None)
        if relpath is None:
            relpath = (self.get_json_body() or {}).get("path")
        if not relpath:
            raise web.HTTPError(400, "Missing argument: path")
        self.log.info("Validating %s with the grader's engine", relpath)
        # The run takes seconds: a worker thread keeps the server answering meanwhile.
        reply = await asyncio.get_running_loop().run_in_executor(
            None, validate_reply, Path(self.settings["hcai_validate_root"]), relpath)
        self.finish(json.dumps(reply))


class VersionHandler(JupyterHandler):
    """``GET nbgrader_version?version=V``: the lab extension's check, answered as nbgrader does."""

    @web.authenticated
    def get(self) -> None:
        ui_version = self.get_argument("version")
        server_version = metadata.version("nbgrader")
        if ui_version == server_version:
            self.finish(json.dumps({"success": True}))
            return
        msg = (f"The version of the Validate labextension does not match the server extension; "
               f"the labextension version is {ui_version} while the server version is "
               f"{server_version}. Reinstall the course (`make setup`) so both come from one "
               "nbgrader.")
        self.log.error(msg)
        self.finish(json.dumps({"success": False, "message": msg}))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    web_app.settings["hcai_validate_root"] = serverapp.root_dir
    if serverapp.jpserver_extensions.get(NBGRADER_VALIDATE):
        # Tornado answers with the first handler added; extensions load in name order, so
        # this one still wins, but the two should not both be enabled.
        serverapp.log.warning("%s is enabled too: disable it (ServerApp.jpserver_extensions) "
                              "so that only the grader's engine answers Validate", NBGRADER_VALIDATE)
    web_app.add_handlers(".*$", [(url_path_join(base_url, "assignments/validate"), ValidateHandler),
                                 (url_path_join(base_url, "nbgrader_version"), VersionHandler)])
    serverapp.log.info("hcai: Validate is answered by the grader's engine (%s)", EXTENSION)


__all__ = ["EXTENSION", "NBGRADER_VALIDATE", "static_problems", "unanswered", "verdicts",
           "validate_reply", "ValidateHandler", "VersionHandler"]
