"""When the exchange received each collected submission, against the time it claims.

nbgrader takes a submission's time from its exchange entry's name and ``timestamp.txt``,
both written by the learner's own server, so a learner can claim any time. The entry's
change times (ctime) are set by the kernel on every write, rename or permission change, and
only root can set them back: the entry's owner can make them later, never earlier. So the
newest change time in an entry (:func:`hcai.grading.exchange.tree_facts`), read when collect
copies it, is a time the submission cannot have been finished before.

:class:`hcai.grading.exchange.CheckedCollect` records both times per student; ``grade``
adds a note to the grades (:func:`arrival_note`) when the claim is before the due date and
the arrival is after it. Scores are never changed for it: a restored backup or an
administrator's ``chmod -R`` also moves change times later, so the instructor decides.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from hcai.grading.outcome import plain_duration
from hcai.grading.state import state_dir

#: How much later than its timestamp a submission may reach the exchange before the grades
#: say so: the copy into the exchange, and clocks that differ a little.
ARRIVAL_SLACK = timedelta(minutes=10)


def arrivals_file(course_root: str | os.PathLike, assignment: str) -> Path:
    """Where collect keeps, per student, when the exchange received the collected entry."""
    return state_dir(Path(course_root)) / "arrivals" / f"{assignment}.json"


def record_arrival(course_root: str | os.PathLike, assignment: str, student: str, entry: str,
                   claimed: datetime, received: datetime) -> None:
    path = arrivals_file(course_root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[student] = {"entry": entry, "claimed": claimed.isoformat(), "received": received.isoformat()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def arrival_note(course_root: str | os.PathLike, assignment: str, student: str,
                 duedate: datetime | None) -> str | None:
    """A note for the grades when a submission claims a time before the due date that the
    exchange contradicts; None otherwise (and for anything not collected from the exchange).

    Scores are never changed for it: the instructor decides (a restored backup also moves
    change times later). :data:`ARRIVAL_SLACK` allows for the copy and for clocks.
    """
    from nbgrader.utils import parse_utc  # late: nbgrader is slow to import

    path = arrivals_file(course_root, assignment)
    stamp = Path(course_root) / "submitted" / student / assignment / "timestamp.txt"
    if duedate is None or not path.is_file() or not stamp.is_file():
        return None
    try:
        seen = json.loads(path.read_text(encoding="utf-8")).get(student)
        submitted = parse_utc(stamp.read_text(encoding="utf-8").strip())
        claimed, received = (datetime.fromisoformat(seen[k]) for k in ("claimed", "received"))
    except Exception:  # no record for this student, or not one collect wrote
        return None
    if submitted != claimed or not claimed <= duedate < received - ARRIVAL_SLACK:
        return None
    return (f"its timestamp says {claimed:%Y-%m-%d %H:%M} UTC, before the due date, but the exchange "
            f"received it at {received:%Y-%m-%d %H:%M} UTC ({plain_duration((received - duedate).total_seconds())} "
            "after the due date): check it before accepting it as on time")


__all__ = ["ARRIVAL_SLACK", "arrival_note", "arrivals_file", "record_arrival"]
