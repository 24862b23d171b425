"""What one grading worker does for one submission: nbgrader's autograde, then feedback.

Runs inside a :class:`~hcai.grading.pool.GradingPool` worker process. The result crosses
back to the parent as a plain dict (it is pickled over a pipe);
:meth:`TaskResult.from_dict` reads it on the other side.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hcai.grading import config as gconfig
from hcai.grading import execute, keptconn
from hcai.grading.console import tail
from hcai.grading.outcome import grader_side
from hcai.grading.preprocessors import METADATA_KEY

#: How much of a failed submission's log the parent keeps to explain it.
LOG_KEEP = 20_000


@dataclass
class WorkerContext:
    """Built once per worker process: nbgrader's API for the course, and where logs go."""

    api: Any
    course_root: Path
    assignment: str
    feedback: bool
    logs: Path


def make_context(course_root: Path, overrides: dict[str, dict[str, Any]], assignment: str,
                 feedback: bool, logs: Path) -> WorkerContext:
    cfg = gconfig.load_config(course_root, overrides=overrides)
    # nbgrader opens a dozen gradebook sessions per submission: on a database server they
    # share this process's connections instead of opening one each
    cfg.CourseDirectory.db_url = keptconn.kept_url(cfg.CourseDirectory.db_url)
    api = gconfig.make_api(cfg)
    # The first submission's kernel starts now, while the pool hands out the work.
    if any("TrustedExecute" in str(step) for step in cfg.Autograde.get("autograde_preprocessors", [])):
        execute.prepare_spare_kernel(cfg)
    return WorkerContext(api, Path(cfg.CourseDirectory.root), assignment, feedback, logs)


@dataclass
class TaskResult:
    """What a worker (or the pool, for a crashed or stopped worker) says about one task."""

    success: bool
    log: str = ""
    error: str = ""
    reason: str = ""       # set by the pool: crashed, or ran past the submission time limit
    problems: dict[str, Any] = field(default_factory=dict)
    retried: int = 0
    feedback_ok: bool | None = None
    feedback_error: str = ""
    seconds: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskResult:
        return cls(success=bool(data.get("success")), log=data.get("log") or "",
                   error=data.get("error") or "", reason=data.get("reason") or "",
                   problems=data.get("problems") or {}, retried=int(data.get("retried") or 0),
                   feedback_ok=data.get("feedback_ok"), feedback_error=data.get("feedback_error") or "",
                   seconds=data.get("seconds"))


def read_problems(folder: Path) -> dict[str, Any]:
    """The grading problems :class:`RecordProblems` wrote into each autograded notebook, merged."""
    problems: dict[str, Any] = {}
    for path in sorted(folder.glob("*.ipynb")):
        # nbgrader has just written (and validated) this notebook: read its metadata only
        record = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get(METADATA_KEY, {})
        for key, value in record.items():
            if isinstance(value, list):
                problems.setdefault(key, []).extend(value)
            elif value:
                problems[key] = value
    return problems


def _autograde(ctx: WorkerContext, student: str, out: dict[str, Any]) -> None:
    for attempt in range(2):
        result = ctx.api.autograde(ctx.assignment, student, force=True, create=True)
        out.update(success=bool(result["success"]), log=result.get("log") or "",
                   error=result.get("error") or "")
        folder = ctx.course_root / "autograded" / student / ctx.assignment
        out["problems"] = read_problems(folder) if out["success"] else {}
        # A kernel that failed to start says nothing about the submission: try once more.
        if not grader_side(out["problems"]):
            break
        out["retried"] = attempt + 1
    (ctx.logs / f"{student}.log").write_text(out["log"] + ("\n" + out["error"] if out["error"] else ""),
                                             encoding="utf-8")


def run_task(ctx: WorkerContext, student: str, kind: str) -> dict[str, Any]:
    """Autograde (``kind == "grade"``) and/or generate feedback for one student."""
    out: dict[str, Any] = {"success": True, "log": "", "error": ""}
    started = time.monotonic()
    if kind == "grade":
        _autograde(ctx, student, out)
    if ctx.feedback and out["success"]:
        result = ctx.api.generate_feedback(ctx.assignment, student, force=True)
        out["feedback_ok"] = bool(result["success"])
        if not result["success"]:
            out["feedback_error"] = tail(result, 5)
    out["seconds"] = round(time.monotonic() - started, 2)
    # The log can be large; the parent only needs it to explain failures.
    if out["success"]:
        out["log"] = ""
    else:
        out["log"], out["error"] = out["log"][-LOG_KEEP:], out["error"][-LOG_KEEP:]
    return out


__all__ = ["LOG_KEEP", "TaskResult", "WorkerContext", "make_context", "read_problems", "run_task"]
