"""The compatibility cases, built from files that ship inside the installed nbgrader.

Nothing is vendored or downloaded: every notebook is copied at test time from
``nbgrader/docs/source/user_guide/`` (the documentation course: ps1, bitdiddle, hacker)
and ``nbgrader/tests/apps/files/`` (the fixtures of nbgrader's own autograde tests).
Each case mirrors one test of ``nbgrader/tests/apps/test_nbgrader_autograde.py`` (or the
docs' walk-through), with the same file names, students and config; ``EXPECTED`` holds
the notebook scores that test asserts.
"""

from __future__ import annotations

import csv

from harness import NBGRADER_DOCS as D
from harness import NBGRADER_FILES as F
from harness import Case

# test_hidden_tests_single_notebook and test_hidden_tests_autotest append this to their config.
PLAIN_STUB = 'c.ClearSolutions.code_stub = dict(python="# YOUR CODE HERE")'


def _docs_ps1() -> Case:
    """The docs walk-through: ``generate_assignment ps1 --IncludeHeaderFooter.header=...``."""
    src = D / "source" / "ps1"
    subs = {s: {p.name: p for p in (D / "submitted" / s / "ps1").iterdir() if p.is_file()}
            for s in ("bitdiddle", "hacker")}
    return Case(
        name="ps1",
        source={p.name: p for p in src.iterdir() if p.is_file()},
        submissions=subs,
        course_files={"source/header.ipynb": D / "source" / "header.ipynb"},
        generate_args=["--IncludeHeaderFooter.header=source/header.ipynb"])


def _one_notebook(name: str, source: str, students: dict[str, str], **kw) -> Case:
    """nbgrader's pattern: one fixture as source ``p1.ipynb``, one fixture per student."""
    return Case(name=name, source={"p1.ipynb": F / source},
                submissions={s: {"p1.ipynb": F / f} for s, f in students.items()}, **kw)


AUTOTESTS = {"autotests.yml": F / "autotests.yml"}  # in the course root, as nbgrader's tests put it

CASES: dict[str, Case] = {c.name: c for c in [
    _docs_ps1(),
    # test_grade and test_showtraceback_exploit
    _one_notebook("submitted", "submitted-unchanged.ipynb", {
        "foo": "submitted-unchanged.ipynb", "bar": "submitted-changed.ipynb",
        "spam": "submitted-cheat-attempt.ipynb", "eggs": "submitted-cheat-attempt-alternative.ipynb"}),
    # test_grade_autotest, test_grade_hashed_autotest, test_grade_complex_autotest
    _one_notebook("autotest-simple", "autotest-simple.ipynb", {
        "foo": "autotest-simple-unchanged.ipynb", "bar": "autotest-simple-changed.ipynb"},
        course_files=AUTOTESTS),
    _one_notebook("autotest-hashed", "autotest-hashed.ipynb", {
        "foo": "autotest-hashed-unchanged.ipynb", "bar": "autotest-hashed-changed.ipynb"},
        course_files=AUTOTESTS),
    _one_notebook("autotest-multi", "autotest-multi.ipynb", {
        "foo": "autotest-multi-unchanged.ipynb", "bar": "autotest-multi-changed.ipynb"},
        course_files=AUTOTESTS),
    # test_hidden_tests_autotest
    _one_notebook("autotest-hidden", "autotest-hidden.ipynb", {
        "foo": "autotest-hidden-unchanged.ipynb", "bar": "autotest-hidden-changed-wrong.ipynb",
        "baz": "autotest-hidden-changed-right.ipynb"},
        course_files=AUTOTESTS, plain_config=PLAIN_STUB),
    # test_hidden_tests_single_notebook: foo hands in the released notebook untouched
    Case(name="hidden-tests", source={"p1.ipynb": F / "test-hidden-tests.ipynb"}, submissions={},
         release_submissions={"foo": ["p1"]}, plain_config=PLAIN_STUB),
    # open_relative_file.ipynb (test_nbgrader_validate): a test cell reads data.txt beside the
    # notebook. bar hands in a changed data.txt: autograde puts the source version back.
    Case(name="relative-file",
         source={"p1.ipynb": F / "open_relative_file.ipynb", "data.txt": F / "data.txt"},
         submissions={"foo": {"p1.ipynb": F / "open_relative_file.ipynb", "data.txt": F / "data.txt"},
                      "bar": {"p1.ipynb": F / "open_relative_file.ipynb", "data.txt": "one line\n"}}),
    # test_side_effects: a file written by learner code lands in autograded/, not submitted/
    _one_notebook("side-effects", "side-effects.ipynb", {"foo": "side-effects.ipynb"}),
]}


def _docs_totals() -> dict[str, float]:
    """The docs course's shipped ``grades.csv`` (the scores nbgrader's docs show for ps1)."""
    with (D / "grades.csv").open(newline="", encoding="utf-8") as fh:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(fh)
                if row["assignment"] == "ps1"}


# (case, student, notebook) -> the notebook score nbgrader's own tests (or docs) assert
EXPECTED: dict[tuple[str, str, str], float] = {
    **{("ps1", s, "*"): v for s, v in _docs_totals().items()},
    ("submitted", "foo", "p1"): 1, ("submitted", "bar", "p1"): 2,
    ("submitted", "spam", "p1"): 1, ("submitted", "eggs", "p1"): 1,
    ("autotest-simple", "foo", "p1"): 0, ("autotest-simple", "bar", "p1"): 1,
    ("autotest-hashed", "foo", "p1"): 0, ("autotest-hashed", "bar", "p1"): 1,
    ("autotest-multi", "foo", "p1"): 0, ("autotest-multi", "bar", "p1"): 3,
    ("autotest-hidden", "foo", "p1"): 0, ("autotest-hidden", "bar", "p1"): 0,
    ("autotest-hidden", "baz", "p1"): 1,
    ("hidden-tests", "foo", "p1"): 1.5,
    # not asserted by nbgrader's autograde tests; the cell passes under `nbgrader validate`
    ("relative-file", "foo", "p1"): 10, ("relative-file", "bar", "p1"): 10,
}

__all__ = ["CASES", "EXPECTED"]
