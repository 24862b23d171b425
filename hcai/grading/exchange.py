"""nbgrader's collect, refusing what one learner can plant in the shared inbound folder.

In nbgrader's filesystem exchange every learner may create entries in a course's
``inbound`` folder (write and search rights, no reading), named
``<student>+<assignment>+<timestamp>+<random>``. nbgrader's own collect trusts the name:
with ``check_owner`` it only logs "cheating attempt?" and then collects the entry as that
student's newest submission, and it copies the entry following symbolic links, as the
instructor. So one learner could:

- replace another learner's submission with their own entry carrying a later timestamp;
- put a link to a file only the instructor can read (the course config with the database
  password, the SQLite gradebook, another learner's submission) into their entry: the copy
  in ``submitted/`` holds that file's bytes, where the learner's code reads it at grading
  time and can print it into its own feedback.

:class:`CheckedCollect` is nbgrader's collect (an exchange plugin:
``c.ExchangeFactory.collect``) with two changes:

- with ``check_owner`` (nbgrader's option, on by default) an entry not owned by the
  account named in it, or named for an account that may not submit to the course (the
  authenticator's ``has_access``, which nbgrader checks only in the learner's own submit),
  is left out before the newest submission is chosen, so it neither
  counts nor hides the student's real ones; so is an entry that is not a folder, whose name
  does not parse, or that is larger than ``max_dir_size`` (nbgrader's collect would stop at
  such an entry, for every student after it). The log
  says which, in lines starting :data:`REFUSED`, which ``python -m hcai collect`` repeats;
- an entry is first copied into a private staging folder through the grader's one folder
  walk (:func:`hcai.engine.tree.copy_regular_files`: regular files only, no symlink
  followed even if swapped in during the copy, under nbgrader's ``max_dir_size``), and
  nbgrader's own copy (ignore and include patterns, file sizes) then runs from that copy.

Collect also notes when the exchange received each entry (the newest change time in it,
which its owner cannot move back): a submission whose own timestamp says "before the due
date" but that reached the exchange after it gets a note in the grades
(:mod:`hcai.grading.arrivals`), never a different score.

A hub whose learners all share one uid (a Kubernetes hub's default) cannot tell them apart
by owner: there, use an exchange service instead of a shared folder (docs/DEPLOY.md) or set
``ExchangeCollect.check_owner = False`` knowingly.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import stat
import tempfile
from datetime import UTC, datetime
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode, parse_utc

from hcai.engine.tree import copy_regular_files
from hcai.grading.arrivals import record_arrival

#: How the log names an entry that was left out (``hcai collect`` repeats these lines).
REFUSED = "Refused submission"
#: Files per submission the staging copy takes at most (nbgrader caps bytes, not files).
MAX_FILES = 10_000


def parse_entry(name: str) -> dict[str, Any]:
    """nbgrader's record of an inbound entry name (``student+assignment+time+random``), as its
    collect reads it (a student id may hold a "+"); ValueError or IndexError for other names."""
    parts = name.rsplit("+", 3)
    return {"username": parts[0], "filename": name, "timestamp": parse_utc(parts[2])}


def tree_facts(path: str) -> tuple[int, datetime]:
    """``(bytes, last change)`` of a folder: the size of its regular files, and the newest
    status-change time (ctime) of anything in it, as naive UTC. No symlink is followed.

    The kernel sets a ctime on every write, rename or permission change, and nobody but root
    can set it back: an entry's owner can make it later, never earlier.
    """
    total, newest = 0, os.lstat(path).st_ctime
    for _root, dirs, files, root_fd in os.fwalk(path, follow_symlinks=False):
        for name in (*dirs, *files):
            try:
                info = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
            except OSError:
                continue
            newest = max(newest, info.st_ctime)
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
    return total, datetime.fromtimestamp(newest, tz=UTC).replace(tzinfo=None)


def owner_of(path: str) -> str:
    """The account owning ``path`` itself (a symlink's own owner, not its target's)."""
    uid = os.lstat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect without trusting names or links that learners control."""

    def init_src(self) -> None:
        # nbgrader's init_src with the checks above; its own would also stop the whole collect
        # at the first entry whose name does not parse, which any learner can create
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student}+{self.coursedir.assignment_id}+*")
        self.access: dict[str, bool] = {}  # in_course, asked once per student
        records = [r for r in (self.record_of(path) for path in sorted(glob.glob(pattern))) if r]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = self.choose(records)

    def record_of(self, path: str) -> dict | None:
        """nbgrader's record of one inbound entry, or None (logged) for one to leave out."""
        name = os.path.basename(path)
        try:
            record = parse_entry(name)
        except Exception:  # a name nbgrader's submit never writes
            self.log.warning("%s %s: not a submission name nbgrader writes; left out.", REFUSED, name)
            return None
        if os.path.islink(path) or not os.path.isdir(path):
            self.log.warning("%s %s: not a folder; left out.", REFUSED, name)
            return None
        owner = owner_of(path)
        if self.check_owner and owner != record["username"]:
            self.log.warning("%s %s: it is named for %s but belongs to %s; left out.",
                             REFUSED, name, record["username"], owner)
            return None
        if not self.in_course(record["username"]):
            self.log.warning("%s %s: %s is not a learner of course %s; left out.",
                             REFUSED, name, record["username"], self.coursedir.course_id)
            return None
        size, limit = tree_facts(path)[0], 1000 * self.coursedir.max_dir_size
        if size > limit:
            # nbgrader would raise here and stop the collect for every student after this one
            self.log.warning("%s %s: %d bytes, more than the course's max_dir_size (%d); left out.",
                             REFUSED, name, size, limit)
            return None
        return record

    def in_course(self, student: str) -> bool:
        """May ``student`` submit to this course? The check nbgrader's submit makes on the
        learner's side (``Authenticator.has_access``: the hub's ``nbgrader-<course>`` group
        with ``JupyterHubAuthPlugin``; everyone without an authenticator plugin), made again
        here because an entry can be written without submit."""
        if student not in self.access:
            try:
                self.access[student] = bool(self.authenticator.has_access(student, self.coursedir.course_id))
            except Exception:  # the hub does not know this account
                self.access[student] = False
        return self.access[student]

    def choose(self, records: list[dict]) -> list[dict]:
        """Each student's submission to collect, by nbgrader's rule (its ``init_src``).

        The newest; with ``before_duedate``, the newest made before the due date if there
        is one.
        """
        by_student: dict[str, list[dict]] = {}
        for record in records:
            by_student.setdefault(record["username"], []).append(record)
        chosen = []
        for items in by_student.values():
            items = self._sort_by_timestamp(items)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in items if r["timestamp"] <= self.duedate]
                chosen.append(on_time[0] if on_time else items[0])
            else:
                chosen.append(items[0])
        return chosen

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        if os.path.islink(src):
            raise RuntimeError(f"{src} is a symbolic link, not a submission folder")
        parent = os.path.dirname(dest)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".collect-", dir=parent)  # mode 0700, the grader's
        try:
            copy = os.path.join(staging, "copy")
            limit = 1000 * self.coursedir.max_dir_size
            if not copy_regular_files(src, copy, max_files=MAX_FILES, max_bytes=limit):
                # it grew after init_src measured it: only this student's entry is skipped
                self.log.warning("%s %s: more than %d bytes or %d files; left out.",
                                 REFUSED, os.path.basename(src), limit, MAX_FILES)
                return
            super().do_copy(copy, dest, log)
            record = parse_entry(os.path.basename(src))  # init_src parsed it already
            record_arrival(self.coursedir.root, self.coursedir.assignment_id, record["username"],
                           record["filename"], record["timestamp"], tree_facts(src)[1])
        finally:
            shutil.rmtree(staging, ignore_errors=True)


__all__ = ["MAX_FILES", "REFUSED", "CheckedCollect", "owner_of", "parse_entry", "tree_facts"]
