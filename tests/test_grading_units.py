"""The grading workflow's parts: config, static checks, preprocessors, pool, collect, check,
statuses, and exact regrading (what the fingerprint covers)."""

from __future__ import annotations

import copy
import json
import os
import pwd
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.notebooknode import from_dict

from fixtures.grading import fabricate
from hcai import paths
from hcai.grading import cli, config, distribute, fingerprint, notebooks, outcome, preprocessors, report, state
from hcai.grading.pool import GradingPool

A = fabricate.ASSIGNMENT
SOURCE_NB = fabricate.FIXTURES / "source" / A / f"{A}.ipynb"
VENV_BIN = str(Path(sys.executable).parent)

pytestmark = pytest.mark.usefixtures("clean_course_env")


# --- configuration ------------------------------------------------------------------------

SHOW = ("from nbgrader.apps.nbgraderapp import NbGraderApp\n"
        "app = NbGraderApp(); app.initialize([])\n"
        "print(app.coursedir.root); print(app.coursedir.db_url)\n"
        "print(app.config.Autograde.autograde_preprocessors[0])\n")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["", "assignments"])
def test_nbgrader_finds_the_course_from_root_and_assignments(where):
    out = subprocess.run([sys.executable, "-c", SHOW], cwd=paths.ROOT / where, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    assert out[0] == str(paths.ASSIGNMENTS_DIR)
    assert out[1] == f"sqlite:///{paths.ASSIGNMENTS_DIR / 'gradebook.db'}?timeout=30"
    assert out[2] == "hcai.grading.execute.TrustedExecute"


@pytest.mark.slow
def test_nbgrader_cli_makes_no_stray_gradebook(tmp_path):
    # A copy of the repository layout: the root config loads the one in assignments/.
    repo = tmp_path / "repo"
    (repo / "assignments").mkdir(parents=True)
    shutil.copy(paths.ROOT / "nbgrader_config.py", repo / "nbgrader_config.py")
    shutil.copy(paths.ASSIGNMENTS_DIR / "nbgrader_config.py", repo / "assignments" / "nbgrader_config.py")
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", "")}
    for cwd, student in ((repo, "from_root"), (repo / "assignments", "from_assignments")):
        subprocess.run([str(Path(VENV_BIN) / "nbgrader"), "db", "student", "add", student],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=True)
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("gradebook.db")) == ["assignments/gradebook.db"]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{repo / 'assignments' / 'gradebook.db'}") as gb:
        assert sorted(s.id for s in gb.students) == ["from_assignments", "from_root"]


def test_load_config_pins_a_course_copy(tmp_path, fresh_course, monkeypatch):
    course = fresh_course
    cfg = config.load_config(course, overrides={"Execute": {"timeout": 5}})
    assert cfg.CourseDirectory.root == str(course)
    assert cfg.CourseDirectory.db_url == f"sqlite:///{course / 'gradebook.db'}?timeout=30"
    assert cfg.Exchange.root == str(course / "exchange")
    assert cfg.Execute.timeout == 5
    assert cfg.OverwriteCells.add_missing_cells is True
    assert "hcai.grading.execute.TrustedExecute" in cfg.Autograde.autograde_preprocessors
    assert "nbgrader.preprocessors.Execute" not in cfg.Autograde.autograde_preprocessors
    assert os.environ["PATH"].split(os.pathsep)[0] == VENV_BIN  # alembic for new gradebooks
    monkeypatch.setenv("HCAI_EXCHANGE", str(tmp_path / "shared"))
    assert config.load_config(course).Exchange.root == str(tmp_path / "shared")


def test_load_config_refuses_a_folder_that_is_not_a_course(tmp_path):
    with pytest.raises(config.CourseError):
        config.load_config(tmp_path)
    assert cli.main(["grade", A, "--course-dir", str(tmp_path)]) == 2


# --- static checks ------------------------------------------------------------------------

def _raw() -> dict:
    return json.loads(SOURCE_NB.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_fixture_source_passes_static_checks():
    assert notebooks.check_source(SOURCE_NB) == []


def test_static_checks_catch_authoring_mistakes(tmp_path):
    data = _raw()
    data["cells"][2]["id"] = data["cells"][0]["id"]                      # duplicate cell id
    test_cell = next(c for c in data["cells"] if c["id"] == "q2_test")
    del test_cell["metadata"]["nbgrader"]["points"]                       # graded, no points
    q1 = next(c for c in data["cells"] if c["id"] == "q1")
    q1["metadata"] = {}                                                   # solution without metadata
    problems = [str(p) for p in notebooks.check_source(_write(tmp_path, data))]
    assert any("cell id 'intro' is also used" in p for p in problems), problems
    assert any("q2_test" in p and "points" in p for p in problems), problems
    assert any("BEGIN/END SOLUTION" in p and "not marked as a solution" in p for p in problems), problems


def test_release_check_catches_leftover_solutions_and_hidden_tests(tmp_path):
    problems = [str(p) for p in notebooks.check_release(_write(tmp_path, _raw()))]
    assert any("BEGIN SOLUTION" in p for p in problems)
    assert any("BEGIN HIDDEN TESTS" in p for p in problems)


def test_unreadable_notebook_is_explained(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(notebooks.UnreadableNotebook, match="not valid notebook JSON"):
        notebooks.read_raw(bad)


# --- preprocessors ------------------------------------------------------------------------

def _autograded_like() -> nbformat.NotebookNode:
    nb = nbformat.read(SOURCE_NB, as_version=4)
    q1_test = next(c for c in nb.cells if c.get("id") == "q1_test")
    q1_test.outputs = [from_dict({"output_type": "error", "ename": "AssertionError", "evalue": "",
                                  "traceback": ["Traceback", "----> 4 assert total == 31, \"`total` is not the "
                                                "sum of `values`.\"  # HIDDEN-Q1-MARKER",
                                                "AssertionError: "]})]
    q2 = next(c for c in nb.cells if c.get("id") == "q2")
    q2.outputs = [from_dict({"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                             "traceback": ["frame in test:\n    assert above(values, 4) == [5, 6, 9], "
                                           "\"`above` is wrong on the setup data.\"  # HIDDEN-Q2-MARKER\n"
                                           "    return 1 / 0", "ZeroDivisionError: division by zero"]})]
    return nb


def test_hide_test_tracebacks_removes_hidden_lines_from_errors():
    from nbgrader.preprocessors import ClearHiddenTests

    nb = _autograded_like()
    unscrubbed, _ = ClearHiddenTests().preprocess(copy.deepcopy(nb), {})
    assert "HIDDEN-Q1-MARKER" in json.dumps(unscrubbed)  # nbgrader alone leaks it
    nb, _ = preprocessors.HideTestTracebacks().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    text = json.dumps(nb)
    assert "HIDDEN-Q1-MARKER" not in text and "HIDDEN-Q2-MARKER" not in text
    q2 = next(c for c in nb.cells if c.get("id") == "q2")
    assert "return 1 / 0" in q2.outputs[0]["traceback"][0]  # the learner's own line stays


def test_limit_output_size_cuts_one_huge_line():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('x' * 50_000_000)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 50_000_000),
                           nbformat.v4.new_output("execute_result", data={"text/plain": "y" * 100_000},
                                                  execution_count=1)]
    resources: dict = {}
    nb, resources = preprocessors.LimitOutputSize().preprocess(nb, resources)
    assert len(json.dumps(nb)) < 100_000
    assert "output truncated" in nb.cells[0].outputs[0]["text"]
    assert resources[preprocessors.METADATA_KEY]["truncated_cells"]


def test_record_problems_reads_the_sandbox_report_and_outputs():
    nb = _autograded_like()
    q1 = next(c for c in nb.cells if c.get("id") == "q1")
    q1.outputs = [from_dict({"output_type": "error", "ename": "CellTimeoutError", "evalue": "", "traceback": []})]
    setup_index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "setup")
    nb, _ = preprocessors.RecordProblems().preprocess(
        nb, {"hcai": {"timed_out_cells": [setup_index], "kernel_died": True, "errors": ["boom"]}})
    record = nb.metadata[preprocessors.METADATA_KEY]
    assert record["timed_out_cells"] == ["setup", "q1"]
    assert record["kernel_died"] is True


# --- outcomes, statistics -----------------------------------------------------------------

def test_explain_failure_in_plain_words():
    assert outcome.explain_failure("DeadKernelError: Kernel died", "")[0] == "submission"
    kind, reason = outcome.explain_failure("", "Traceback...\nValueError: Invalid timestamp string")
    assert kind == "grader" and "ValueError" in reason
    assert outcome.plain_duration(7265) == "2 h 1 min"
    errors, _ = outcome.describe_problems({"errors": ["the kernel did not start (x)"], "kernel_died": True}, 5)
    assert "grading machine" in errors[0]


def test_item_statistics_discrimination():
    def o(sid, q1, q2):
        return outcome.Outcome(sid, "graded", items={"q1": q1, "q2": q2})
    outcomes = [o("a", 2, 3), o("b", 2, 3), o("c", 0, 0), o("d", 0, 3), o("e", 2, 0), o("f", 0, 0)]
    stats = {s.grade_id: s for s in report.item_statistics(outcomes, [("q1", "autograded", 2),
                                                                       ("q2", "autograded", 3)])}
    assert stats["q1"].mean_fraction == pytest.approx(0.5)
    assert stats["q1"].discrimination == pytest.approx(1 / 3)
    assert stats["q2"].upper_lower == pytest.approx(1.0)
    flat = report.item_statistics([o("a", 2, 1), o("b", 2, 2), o("c", 2, 3)], [("q1", "autograded", 2)])
    assert flat[0].discrimination is None  # no variance: undefined, not 0


# --- the worker pool ----------------------------------------------------------------------

def _pool_setup():
    return "ctx"


def _pool_handler(context, student, kind):
    if student == "crash":
        os._exit(7)
    if student == "hang":
        time.sleep(600)
    return {"success": True, "who": student, "pid": os.getpid()}


def test_pool_survives_crashing_and_hanging_submissions(tmp_path):
    done = {}
    pool = GradingPool(2, _pool_setup, _pool_handler, log_dir=tmp_path, time_limit=3,
                       on_done=lambda s, k, r: done.__setitem__(s, r))
    students = ["a", "crash", "b", "hang", "c", "d"]
    pool.run([(s, "grade") for s in students])
    assert set(done) == set(students)
    assert all(done[s]["success"] for s in "abcd")
    assert done["crash"]["crashed"] and not done["crash"]["success"]
    assert done["hang"]["stopped"] and "took longer than 3 s" in done["hang"]["reason"]
    assert len({done[s]["pid"] for s in "abcd"}) >= 2  # really in parallel, on separate workers


# --- release, collect, check --------------------------------------------------------------

@pytest.fixture(scope="module")
def released(tmp_path_factory, module_course_env):
    course = fabricate.make_course(tmp_path_factory.mktemp("released"))
    distribute.release(A, str(course), due="2026-11-20T18:00+01:00", say=lambda _: None)
    return course


@pytest.mark.slow  # the released course: nbgrader generate_assignment
def test_release_is_idempotent_and_sets_the_due_date(released):
    from nbgrader.api import Gradebook

    first = (released / "lms" / f"{A}.zip").read_bytes()
    distribute.release(A, str(released), say=lambda _: None)
    assert (released / "lms" / f"{A}.zip").read_bytes() == first
    with zipfile.ZipFile(released / "lms" / f"{A}.zip") as zf:
        assert zf.namelist() == [f"{A}/{A}.ipynb"]
    with Gradebook(f"sqlite:///{released / 'gradebook.db'}") as gb:
        assert str(gb.find_assignment(A).duedate) == "2026-11-20 17:00:00"


def test_release_refuses_a_source_that_leaks_answers(fresh_course):
    course = fresh_course
    data = json.loads((course / "source" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    next(c for c in data["cells"] if c["id"] == "q1")["metadata"] = {}
    (course / "source" / A / f"{A}.ipynb").write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["release", A, "--course-dir", str(course)]) == 1
    assert not (course / "release").exists() and not (course / "lms").exists()


@pytest.mark.slow  # the released course: nbgrader generate_assignment
def test_collect_from_an_lms_zip(released, tmp_path):
    (released / "students.csv").write_text("student_id,lms_user_id\nada,1001\nben,1002\n", encoding="utf-8")
    nb_bytes = (released / "release" / A / f"{A}.ipynb").read_bytes()
    zpath = tmp_path / "download.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"submissions/ada/{A}.ipynb", (2026, 11, 20, 10, 0, 0)), nb_bytes)
        zf.writestr(zipfile.ZipInfo(f"lovelaceada_1002_555_{A}-1.ipynb", (2026, 11, 21, 9, 30, 0)), nb_bytes)
        zf.writestr("__MACOSX/._junk.ipynb", b"junk")
        zf.writestr(f"stranger_9999_1_{A}.ipynb", nb_bytes)
    result = distribute.collect(A, str(released), from_zip=str(zpath), say=lambda _: None)
    assert sorted(result.added) == ["ada", "ben"]
    assert result.skipped == [f"stranger_9999_1_{A}.ipynb"]
    assert (released / "submitted" / "ben" / A / f"{A}.ipynb").read_bytes() == nb_bytes
    stamp = (released / "submitted" / "ben" / A / "timestamp.txt").read_text(encoding="utf-8")
    assert stamp.startswith("2026-11-21 09:30:00")
    again = distribute.collect(A, str(released), from_zip=str(zpath), say=lambda _: None)
    assert sorted(again.unchanged) == ["ada", "ben"] and not again.added and not again.updated
    assert not again.archived and not (released / "archive").exists()
    # A later download replaces ada's notebook; the copy it replaces is kept, never lost.
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"submissions/ada/{A}.ipynb", (2026, 11, 22, 8, 0, 0)), nb_bytes + b" ")
    third = distribute.collect(A, str(released), from_zip=str(newer), say=lambda _: None)
    assert third.updated == ["ada"] and len(third.archived) == 1
    kept = Path(third.archived[0])
    assert kept.is_relative_to(released / "archive" / A / "ada")
    assert (kept / f"{A}.ipynb").read_bytes() == nb_bytes
    assert (released / "submitted" / "ada" / A / f"{A}.ipynb").read_bytes() == nb_bytes + b" "


@pytest.mark.slow  # the released course: nbgrader generate_assignment
def test_collect_from_the_exchange(released):
    # named for the account that writes it, as nbgrader's submit names it (collect checks the owner)
    me = pwd.getpwuid(os.geteuid()).pw_name
    inbound = released / "exchange" / "hcai" / "inbound" / f"{me}+{A}+2026-11-20 15:00:00.000000 UTC+x1"
    inbound.mkdir(parents=True)
    shutil.copy(released / "release" / A / f"{A}.ipynb", inbound / f"{A}.ipynb")
    (inbound / "timestamp.txt").write_text("2026-11-20 15:00:00.000000 UTC", encoding="utf-8")
    result = distribute.collect(A, str(released), say=lambda _: None)
    assert me in result.added and not result.refused
    assert (released / "submitted" / me / A / f"{A}.ipynb").is_file()
    assert distribute.collect(A, str(released), say=lambda _: None).unchanged.count(me) == 1


@pytest.mark.kernel
def test_check_passes_for_a_sound_assignment(released, capsys):
    assert cli.main(["check", A, "--course-dir", str(released), "--timeout", "10"]) == 0
    assert "Check passed" in capsys.readouterr().out


@pytest.mark.kernel
def test_check_fails_when_a_test_passes_on_the_blank_release(fresh_course, capsys):
    course = fresh_course
    path = course / "source" / A / f"{A}.ipynb"
    data = json.loads(path.read_text(encoding="utf-8"))
    q2_test = next(c for c in data["cells"] if c["id"] == "q2_test")
    q2_test["source"] = "# Q2 tests (3 points).\nassert True"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["check", A, "--course-dir", str(course), "--timeout", "10"]) == 1
    err = capsys.readouterr().err
    assert "blank release scores 3" in err and "q2_test" in err


def test_grade_stops_before_anything_when_the_sandbox_is_missing(fresh_course, monkeypatch, capsys):
    from hcai.engine import sandbox

    course = fresh_course
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    assert cli.main(["grade", A, "--course-dir", str(course)]) == 2
    assert "--unsandboxed" in capsys.readouterr().err
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()


# --- statuses -----------------------------------------------------------------------------

def test_status_is_one_enum_that_reads_as_its_name():
    assert outcome.Outcome("a", "graded").status is outcome.Status.GRADED
    assert str(outcome.Status.NEEDS_MANUAL_GRADING) == "needs_manual_grading"
    assert outcome.Status.NEEDS_MANUAL_GRADING.label == "needs manual grading"
    with pytest.raises(ValueError):
        outcome.Outcome("a", "done")


def _scores(**kw):
    from hcai.grading.gradebook import SubmissionScores
    return SubmissionScores(**kw)


def test_outcome_for_each_status():
    from hcai.grading.state import Record, Result

    def of(record, sub, submitted=True):
        return outcome.outcome_for("s", record, sub, max_score=5, submitted=submitted, timeout=6)

    assert of(None, None).status == "error" and "not graded yet" in of(None, None).reason
    assert of(None, None, submitted=False).status == "missing"
    ok = Record("h", "f", Result.OK)
    graded = of(ok, _scores(items={"q1": 2.0, "q2": 3.0}, auto=5.0, penalty=1.0))
    assert (graded.status, graded.score, graded.auto_score) == ("graded", 4.0, 5.0)
    waiting = of(ok, _scores(items={"q1": 2.0, "q3": None}, auto=2.0, pending=["q3"], seconds_late=7200))
    assert waiting.status == "needs_manual_grading" and waiting.score is None
    assert "q3" in waiting.reason and "2 h after the due date" in waiting.reason and waiting.late
    slow = Record("h", "f", Result.OK, problems={"timed_out_cells": ["q1"]})
    stopped = of(slow, _scores(items={"q1": 0.0}, auto=0.0))
    assert stopped.status == "error" and "the 6 s limit" in stopped.reason and stopped.score is None
    assert of(ok, None).status == "error"  # the gradebook lost it: never a silent zero


# --- exact regrading: the state file and the fingerprint -----------------------------------

def test_state_records_round_trip_and_survive_damage(tmp_path):
    saved = state.GradingState(tmp_path, A)
    saved.put("ada", state.Record("h", "f", state.Result.ERROR, state.Blame.GRADER, "busy", ["n"]))
    again = state.GradingState(tmp_path, A).get("ada")
    assert again == saved.get("ada") and again.kind is state.Blame.GRADER
    saved.path.write_text('{"students": {"ada": {"result": "weird"}}}', encoding="utf-8")
    assert state.GradingState(tmp_path, A).get("ada").hash == ""  # unreadable record: regrade
    saved.path.write_text("{not json", encoding="utf-8")
    assert state.GradingState(tmp_path, A).students == {}


def test_is_current_decides_what_is_regraded():
    from hcai.grading.workflow import is_current

    rec = state.Record("h", "f", state.Result.OK)
    assert is_current(rec, "h", "f", autograded=True)
    assert not is_current(rec, "h2", "f", autograded=True)     # the submission changed
    assert not is_current(rec, "h", "f2", autograded=True)     # the fingerprint changed
    assert not is_current(rec, "h", "f", autograded=False)     # its output is gone
    assert not is_current(None, "h", "f", autograded=True)
    assert is_current(state.Record("h", "f", state.Result.ERROR), "h", "f", autograded=False)
    grader = state.Record("h", "f", state.Result.ERROR, state.Blame.GRADER)
    assert not is_current(grader, "h", "f", autograded=False)  # the machine failed: retry


@pytest.fixture
def inputs(tmp_path, fresh_course):
    """A course, a copy of the hcai package, of data/ and of a book page: every input to vary."""
    package = tmp_path / "repo" / "hcai"
    shutil.copytree(fingerprint.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "repo" / "data"
    shutil.copytree(paths.DATA_DIR, data)
    book = tmp_path / "repo" / "book"
    shutil.copytree(paths.BOOK_DIR, book)
    course = fresh_course

    def fp(overrides=None):
        return fingerprint.grading_fingerprint(course, course / "source" / A, overrides or {},
                                               package_dir=package, data_dir=data)
    return {"course": course, "package": package, "data": data, "book": book, "fp": fp}


def _touch(path: Path, text: str = "\n# changed\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


@pytest.mark.parametrize("change", [
    "source notebook", "file beside the notebook", "course config", "extra config", "override",
    "data table", "new data file", "engine module", "judge module", "grading module", "checks",
])
def test_each_kind_of_grading_input_changes_the_fingerprint(inputs, change, monkeypatch, tmp_path):
    course, package, fp = inputs["course"], inputs["package"], inputs["fp"]
    before = fp()
    assert fp() == before  # deterministic
    if change == "source notebook":
        _touch(course / "source" / A / f"{A}.ipynb", " ")
    elif change == "file beside the notebook":
        _touch(course / "source" / A / "lookup.csv", "a,b\n")
    elif change == "course config":
        _touch(course / "nbgrader_config.py")
    elif change == "extra config":
        extra = tmp_path / "extra_config.py"
        extra.write_text("c.Execute.timeout = 99\n", encoding="utf-8")
        monkeypatch.setenv("HCAI_NBGRADER_EXTRA_CONFIG", str(extra))
    elif change == "override":
        assert fp({"Execute": {"timeout": 5}}) != before
        return
    elif change == "data table":
        _touch(inputs["data"] / "topics.csv", "\n")
    elif change == "new data file":
        _touch(inputs["data"] / "extra" / "new.csv", "x\n1\n")
    elif change == "engine module":
        _touch(package / "engine" / "kernel.py")       # a package another lane is creating
    elif change == "judge module":
        _touch(package / "judge" / "verdict.py")
    elif change == "grading module":
        _touch(package / "grading" / "execute.py")
    elif change == "checks":
        _touch(package / "checks.py")
    assert fp() != before, change


@pytest.mark.parametrize("change", ["book page", "book extension", "learner command", "report",
                                    "cli", "status logic", "bytecode cache"])
def test_unrelated_changes_leave_the_fingerprint_alone(inputs, change):
    package, fp = inputs["package"], inputs["fp"]
    before = fp()
    target = {"book page": inputs["book"] / "00-intro.md", "book extension": package / "sphinxext.py",
              "learner command": package / "learner.py", "report": package / "grading" / "report.py",
              "cli": package / "grading" / "cli.py", "status logic": package / "grading" / "outcome.py",
              "bytecode cache": package / "grading" / "__pycache__" / "x.cpython-311.pyc"}[change]
    _touch(target)
    assert fp() == before, change


def test_library_versions_are_part_of_the_fingerprint(inputs, monkeypatch):
    before = inputs["fp"]()
    real = fingerprint.metadata.version
    monkeypatch.setattr(fingerprint.metadata, "version",
                        lambda name: "0.0.0" if name == "nbgrader" else real(name))
    assert inputs["fp"]() != before
