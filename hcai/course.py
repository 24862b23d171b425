"""Course parameters (``hcai/course.yml``), read by notebooks and their hidden tests.

One home for values an instructor sets once per run of the course, such as the date the
questions call "today", so no notebook hard-codes it.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path

# Inside the package: the sandboxed learner kernel sees hcai/ but not assignments/.
COURSE_FILE = Path(__file__).resolve().parent / "course.yml"


@lru_cache(maxsize=1)
def parameters() -> dict:
    """The parsed course file (a dict); an empty dict when the file is absent."""
    import yaml

    if not COURSE_FILE.is_file():
        return {}
    return dict(yaml.safe_load(COURSE_FILE.read_text(encoding="utf-8")) or {})


def today() -> str:
    """The course's "today" as an ISO date string (``YYYY-MM-DD``); validated on read."""
    value = str(parameters().get("today", "")).strip()
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"{COURSE_FILE.name}: `today` must be a date written YYYY-MM-DD, not {value!r}") from exc
