"""The graded assignments: they generate, the key earns full marks, a blank earns nothing,
wrong answers are caught with friendly messages, and no answer key leaks.

Notebooks run in-process here (fast): setup and answer cells are exec'd in a plain dict
(trusted instructor code), test cells are judged by :mod:`hcai.judge` exactly as the
grader judges them, with learner values crossing through :mod:`hcai.judge.crossing`.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hcai import paths
from hcai.judge import verdict
from hcai.judge.local import LocalChannel
from hcai.judge.namespace import TrustedNamespace

#: Tier (see tests/conftest.py): starts learner kernels.
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

ROOT = paths.ROOT
SOURCE = ROOT / "assignments" / "source"
RUBRICS = ROOT / "assignments" / "rubrics"
WRONG_DIR = Path(__file__).parent / "wrong_answers"
RIGHT_DIR = Path(__file__).parent / "right_answers"
IDS = ["01-credential-landscape", "02-credentials-for-roles", "03a-fda-ai-devices",
       "03b-skills-to-frameworks", "04-portfolio", "05-case-study"]


# ----------------------------------------------------------------------------- harness

def load_nb(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def nbg(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def kind(cell: dict) -> str:
    """nbgrader's cell kinds: tests, answer (autograded), manual, readonly, plain."""
    m = nbg(cell)
    if not m:
        return "plain"
    if m.get("grade") and m.get("solution"):
        return "manual"
    if m.get("grade") and cell["cell_type"] == "code":
        return "tests"
    if m.get("solution"):
        return "answer"
    return "readonly"


@dataclass
class Run:
    namespace: dict
    verdicts: dict[str, verdict.CellVerdict] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    defined: dict[str, list[str]] = field(default_factory=dict)


def run_notebook(nb: dict, replace: dict[str, str] | None = None, stop_after: str | None = None,
                 skip_manual: bool = False) -> Run:
    """Run a notebook's code in order; judge each test cell through the trusted verdict.

    ``replace`` swaps the source of answer cells by grade_id (wrong-answer tests);
    ``stop_after`` ends the run after that test cell; ``skip_manual`` leaves out hand-graded
    code cells (figures), which no autograded test reads.
    """
    import matplotlib.pyplot as plt

    replace = replace or {}
    ns: dict[str, Any] = {"__name__": "__main__"}
    run = Run(ns)
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        gid = nbg(cell).get("grade_id", "")
        code = replace.get(gid, src(cell))
        if kind(cell) == "tests":
            # A fresh trusted namespace per cell, so every test reads the learner's current values.
            tns = TrustedNamespace(LocalChannel(ns))
            with contextlib.redirect_stdout(io.StringIO()):
                run.verdicts[gid] = verdict.run_test_source(code, tns)
            if gid == stop_after:
                break
            continue
        if skip_manual and kind(cell) == "manual":
            continue
        before = set(ns)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"<cell {gid}>", "exec"), ns)
        except Exception as exc:  # noqa: BLE001 -- a learner cell may fail; the tests then judge
            run.errors[gid] = f"{type(exc).__name__}: {exc}"
        run.defined[gid] = sorted(n for n in set(ns) - before if not n.startswith("_"))
    plt.close("all")
    return run


def source_nb(aid: str) -> dict:
    return load_nb(SOURCE / aid / f"{aid}.ipynb")


def cells_of(nb: dict, k: str) -> list[dict]:
    return [c for c in nb["cells"] if kind(c) == k]


def question_tests(nb: dict, answer_gid: str) -> list[str]:
    """The test cells of one answer: ``qN-tests`` or ``qN-tests-<part>`` (partial credit)."""
    stem = answer_gid.replace("-answer", "-tests")
    return [nbg(c)["grade_id"] for c in cells_of(nb, "tests")
            if nbg(c)["grade_id"] == stem or nbg(c)["grade_id"].startswith(stem + "-")]


@pytest.fixture(scope="module", autouse=True)
def cached_tables():
    """Parse each table once per module: test cells call ``data.load`` many times.

    Every call still gets its own copy, so a test cell cannot change another's data.
    """
    from hcai import data

    original = data.load
    cache: dict = {}

    def load(name, *args, **kwargs):
        if args or kwargs:
            return original(name, *args, **kwargs)
        if name not in cache:
            cache[name] = original(name)
        return cache[name].copy()

    data.load = load
    yield
    data.load = original


@pytest.fixture(scope="session")
def releases(tmp_path_factory) -> dict[str, Path]:
    """Student versions of every assignment, made by nbgrader in a temporary course copy."""
    from hcai.learner import generate_student_versions

    return generate_student_versions(tmp_path_factory.mktemp("release"), IDS)


@pytest.fixture(scope="session")
def reference_runs() -> dict[str, Run]:
    return {aid: run_notebook(source_nb(aid)) for aid in IDS}


_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def solution_lines(nb: dict) -> list[str]:
    """Distinctive lines of the answer key: solution regions, hidden tests, manual answers.

    A line that also appears in the public part of the notebook (a visible test repeating a
    loop header, say) is not key material and is left out.
    """
    key: list[str] = []
    public: list[str] = []
    for cell in nb["cells"]:
        text = src(cell)
        if kind(cell) == "manual" and cell["cell_type"] == "markdown":
            key += text.splitlines()
            continue
        key += [ln for m in _REGION.finditer(text) for ln in m.group(2).splitlines()]
        public += _REGION.sub("", text).splitlines()
    public_set = {ln.strip() for ln in public}
    return [ln.strip() for ln in key if len(ln.strip()) >= 25 and ln.strip() not in public_set]


# ----------------------------------------------------------------------------- structure

def test_every_assignment_has_a_source_notebook():
    assert sorted(p.name for p in SOURCE.iterdir() if p.is_dir()) == IDS
    for aid in IDS:
        assert (SOURCE / aid / f"{aid}.md").is_file(), f"{aid} has no text source (.md)"


def test_notebooks_match_their_text_sources():
    """CI fails when a committed .ipynb drifts from the .md it is built from."""
    from hcai import authoring

    assert authoring.assignment_ids() == IDS
    assert authoring.drifted() == [], "run `python -m hcai sources build` (or `sources import`)"


def test_drift_is_detected_and_import_round_trips(tmp_path, monkeypatch):
    """An edit in the notebook (Create Assignment toolbar) is drift until imported into the .md."""
    import shutil

    from hcai import authoring

    aid = IDS[0]
    shutil.copytree(SOURCE / aid, tmp_path / aid)
    monkeypatch.setattr(authoring, "SOURCE_DIR", tmp_path)
    nb = load_nb(tmp_path / aid / f"{aid}.ipynb")
    nb["cells"][0]["source"] += "\n\nAn instructor's edit."
    (tmp_path / aid / f"{aid}.ipynb").write_text(authoring.render(nb), encoding="utf-8")
    assert authoring.drifted([aid]) == [aid]
    authoring.import_notebook(aid)
    assert "An instructor's edit." in (tmp_path / aid / f"{aid}.md").read_text()
    assert authoring.drifted([aid]) == []
    ids = [c["id"] for c in authoring.build_notebook(aid)["cells"]]
    assert ids == [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]], "ids are the grade ids"


@pytest.mark.parametrize("aid", IDS)
def test_source_structure(aid):
    nb = source_nb(aid)
    cells = nb["cells"]
    ids = [c.get("id") for c in cells]
    assert len(ids) == len(set(ids)), "cell ids must be unique"
    gids = [nbg(c).get("grade_id") for c in cells if nbg(c)]
    assert len(gids) == len(set(gids)), "grade ids must be unique"
    assert all(nbg(c) for c in cells), "every cell carries nbgrader metadata"
    # one H1, a locked setup cell first among the code cells
    h1 = [c for c in cells if c["cell_type"] == "markdown" and re.search(r"^# ", src(c), re.M)]
    assert len(h1) == 1
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert nbg(first_code).get("locked") and "from hcai import data" in src(first_code)
    assert "make lab" in src(first_code)
    for c in cells:
        m = nbg(c)
        if m.get("grade"):
            assert m.get("points", 0) > 0, f"{m['grade_id']} has no points"
        if kind(c) == "tests":
            assert m.get("locked"), f"{m['grade_id']} must be locked"
            assert "### BEGIN HIDDEN TESTS" in src(c), f"{m['grade_id']} has no hidden tests"
        if c["cell_type"] == "code":
            assert c.get("outputs") == [] and c.get("execution_count") is None, "commit notebooks without outputs"
    answers = cells_of(nb, "answer")
    tests = cells_of(nb, "tests")
    assert answers and len(answers) <= len(tests)
    for a in answers:
        assert question_tests(nb, nbg(a)["grade_id"]), f"{nbg(a)['grade_id']} has no test cell"
    for t in tests:
        assert any(nbg(t)["grade_id"] in question_tests(nb, nbg(a)["grade_id"]) for a in answers), (
            f"{nbg(t)['grade_id']} belongs to no answer cell")
    assert any(c["cell_type"] == "markdown" for c in cells_of(nb, "manual")), "needs a hand-graded written answer"
    assert (RUBRICS / f"{aid}.md").is_file(), "every assignment has a rubric"
    rubric = (RUBRICS / f"{aid}.md").read_text()
    sections = re.split(r"^## ", rubric, flags=re.M)
    for c in cells_of(nb, "manual"):
        gid = nbg(c)["grade_id"]
        sec = [x for x in sections if x.startswith(gid)]
        assert sec, f"the rubric must have a section headed by {gid}"
        for part in ("**Model answer", "Partial credit", "**Feedback bank**"):
            assert part in sec[0], f"the rubric section for {gid} needs a {part.strip('*')}"
        assert f"({nbg(c)['points']} point" in sec[0].splitlines()[0], f"rubric heading of {gid} gives other points"


@pytest.mark.parametrize("aid", IDS)
def test_visible_tests_do_not_hardcode_answers(aid):
    """A visible test may check form, never compare with a literal answer key."""
    for cell in cells_of(source_nb(aid), "tests"):
        visible = src(cell).split("### BEGIN HIDDEN TESTS")[0]
        assert "check_sorted_list" not in visible and "check_frame_matches" not in visible, nbg(cell)["grade_id"]


@pytest.mark.parametrize("aid", IDS)
def test_hidden_tests_use_messages_that_reach_the_learner(aid):
    """A plain ``assert`` in a hidden region shows only a generic line (hcai.judge); hidden
    checks go through hcai.checks (``checks.require`` for a condition of one's own)."""
    import ast

    for cell in cells_of(source_nb(aid), "tests"):
        text = src(cell)
        for m in _REGION.finditer(text):
            if m.group(1) != "HIDDEN TESTS":
                continue
            found = [n for n in ast.walk(ast.parse(m.group(2))) if isinstance(n, ast.Assert)]
            assert not found, f"{nbg(cell)['grade_id']}: use checks.require(...) instead of assert in hidden tests"
        if "checks." in text:
            assert "from hcai import checks" in text or "import checks" in text, nbg(cell)["grade_id"]


def test_course_date_is_one_parameter():
    """No assignment hard-codes the course's "today"; they read hcai.course.today()."""
    from hcai import course

    today = course.today()
    for aid in IDS:
        text = (SOURCE / aid / f"{aid}.md").read_text(encoding="utf-8")
        assert today not in text, f"{aid} hard-codes the course date {today}; use hcai.course.today()"


# ----------------------------------------------------------------------------- release

@pytest.mark.parametrize("aid", IDS)
def test_release_generates_without_answer_key(aid, releases):
    rel = releases[aid]
    assert rel.is_file()
    text = rel.read_text(encoding="utf-8")
    nb = load_nb(rel)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    for line in solution_lines(source_nb(aid)):
        assert line not in text, f"answer-key line leaked into the release: {line[:60]}"
    assert not any("rubric" in p.name.lower() for p in rel.parent.rglob("*"))
    ids = [c.get("id") for c in nb["cells"]]
    assert len(ids) == len(set(ids))
    for c in nb["cells"]:
        if nbg(c).get("grade"):
            assert nbg(c).get("points", 0) > 0


@pytest.mark.parametrize("aid", IDS)
def test_reference_solution_earns_full_marks(aid, reference_runs):
    run = reference_runs[aid]
    assert not run.errors, f"reference cells raised: {run.errors}"
    failing = {g: v.message for g, v in run.verdicts.items() if not v.passed}
    assert not failing, failing
    assert len(run.verdicts) == len(cells_of(source_nb(aid), "tests"))


@pytest.mark.parametrize("aid", IDS)
def test_blank_release_earns_zero(aid, releases):
    run = run_notebook(load_nb(releases[aid]))
    passing = [g for g, v in run.verdicts.items() if v.passed]
    assert not passing, f"the blank notebook passes {passing}"
    for g, v in run.verdicts.items():
        assert v.message and "Traceback" not in v.message, (g, v.message)


# ----------------------------------------------------------------------------- wrong answers

def _cases(folder: Path, var: str) -> list[tuple[str, str, str, str]]:
    cases = []
    for aid in IDS:
        if not (folder / f"{aid}.py").is_file():  # reported by the count test below
            continue
        module = runpy.run_path(str(folder / f"{aid}.py"))
        for gid, items in module[var].items():
            for label, code in items:
                cases.append((aid, gid, label, code))
    return cases


WRONG_CASES = _cases(WRONG_DIR, "WRONG")
RIGHT_CASES = _cases(RIGHT_DIR, "RIGHT")


@pytest.mark.parametrize("aid", IDS)
def test_every_autograded_question_has_wrong_and_right_alternatives(aid):
    wrong = runpy.run_path(str(WRONG_DIR / f"{aid}.py"))["WRONG"]
    right = runpy.run_path(str(RIGHT_DIR / f"{aid}.py"))["RIGHT"]
    nb = source_nb(aid)
    answer_gids = {nbg(c)["grade_id"] for c in cells_of(nb, "answer")}
    assert set(wrong) <= answer_gids and set(right) <= answer_gids, "cases for answer cells that do not exist"
    for gid in sorted(answer_gids):
        assert len(wrong.get(gid, [])) >= 4, f"{aid}/{gid} needs at least 4 wrong answers"
        assert len(right.get(gid, [])) >= 3, f"{aid}/{gid} needs at least 3 differently written right answers"


def _secrets(run: Run, gid: str) -> list[str]:
    """Printed forms of the reference answer that a failure message must not reveal."""
    out = []
    for name in run.defined.get(gid, []):
        value = run.namespace.get(name)
        if isinstance(value, bool) or callable(value):
            continue
        if isinstance(value, (int, float)) and abs(value) >= 10:
            out.append(str(value))
        elif isinstance(value, float):
            out += [f"{value:.3f}", repr(value)]
        elif isinstance(value, str) and len(value) >= 3:
            out.append(value)
        elif isinstance(value, list) and len(value) >= 2:
            out.append(repr(value))
    return out


@pytest.mark.parametrize("aid,gid,label,code", WRONG_CASES,
                         ids=[f"{a}/{g}/{lbl}" for a, g, lbl, _ in WRONG_CASES])
def test_wrong_answer_is_caught(aid, gid, label, code, reference_runs):
    nb = source_nb(aid)
    own = question_tests(nb, gid)
    run = run_notebook(nb, replace={gid: code}, stop_after=own[-1], skip_manual=True)
    failed = [run.verdicts[t] for t in own if not run.verdicts[t].passed]
    assert failed, f"wrong answer {label!r} passes every test cell of {gid}"
    for v in failed:
        msg = v.message
        assert msg.strip(), "failure message is empty"
        assert msg.strip() not in (verdict.HIDDEN_FAILURE, verdict.GENERIC_FAILURE), (
            f"{label!r} gets only the generic message; say which aspect to revisit")
        assert "Traceback" not in msg and 'File "' not in msg, msg
        assert len(msg) < 600, msg
        assert "``" not in msg, f"nested backticks: {msg}"
        for secret in _secrets(reference_runs[aid], gid):
            assert secret not in msg, f"message gives the answer away: {msg}"


@pytest.mark.parametrize("aid,gid,label,code", RIGHT_CASES,
                         ids=[f"{a}/{g}/{lbl}" for a, g, lbl, _ in RIGHT_CASES])
def test_right_answer_earns_full_marks(aid, gid, label, code):
    """A correct answer written differently from the key passes every test cell of its question."""
    nb = source_nb(aid)
    own = question_tests(nb, gid)
    run = run_notebook(nb, replace={gid: code}, stop_after=own[-1], skip_manual=True)
    failing = {t: run.verdicts[t].message for t in own if not run.verdicts[t].passed}
    assert not failing, f"right answer {label!r} fails: {failing}"


# ----------------------------------------------------------------------------- leaks

def test_no_answer_key_in_data():
    """data/ holds only the documented tables (and their package descriptor)."""
    pkg = json.loads((paths.DATA_DIR / "datapackage.json").read_text())
    documented = {Path(r["path"]).name for r in pkg["resources"]} | {"datapackage.json"}
    extra = [p.name for p in paths.DATA_DIR.iterdir()
             if p.is_file() and p.name not in documented and not p.name.lower().startswith("readme")]
    assert not extra, f"undocumented files in data/: {extra}"
    key = [ln for aid in IDS for ln in solution_lines(source_nb(aid))]
    for p in paths.DATA_DIR.iterdir():
        if p.is_file():
            text = p.read_text(encoding="utf-8", errors="replace")
            assert not any(line in text for line in key), f"answer-key line in {p.name}"


def test_no_answer_key_in_book_sources():
    key = [ln for aid in IDS for ln in solution_lines(source_nb(aid))]
    pages = list((ROOT / "book").rglob("*.md")) + list((ROOT / "notebooks").glob("*.ipynb"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        leaked = [ln for ln in key if ln in text]
        assert not leaked, f"{page.relative_to(ROOT)} contains answer-key code: {leaked[0][:60]}"


def test_no_answer_key_in_built_book():
    """Scans the built book when one exists (``make book``); the source pages are checked above."""
    html = paths.HTML_DIR
    key = [ln for aid in IDS for ln in solution_lines(source_nb(aid))]
    files = list(html.rglob("*.html")) + list(html.rglob("*.ipynb")) if html.is_dir() else []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        import html as _html
        text = _html.unescape(text)
        leaked = [ln for ln in key if ln in text]
        assert not leaked, f"{f} contains answer-key code: {leaked[0][:60]}"


# ----------------------------------------------------------------------------- checks helpers

def _fails(fn, *args, **kwargs) -> str:
    from hcai import checks

    with pytest.raises(checks.CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_checks_never_print_expected_values():
    import pandas as pd

    from hcai import checks

    secret = ["alpha_secret", "beta_secret", "gamma_secret"]
    msg = _fails(checks.check_set, ["alpha_secret"], secret, "x")
    assert "missing" in msg and "beta_secret" not in msg and "gamma_secret" not in msg
    assert not any(ch.isdigit() for ch in msg), "no counts: they let a learner search entry by entry"
    msg = _fails(checks.check_len, [1, 2], 7, "x", "rows")
    assert "too few" in msg and "7" not in msg
    msg = _fails(checks.check_close, 0.42, 0.7345, "share")
    assert "0.73" not in msg
    assert "percentage" in _fails(checks.check_close, 73.45, 0.7345, "share", tol=1e-3)
    assert "case" in _fails(checks.check_equal, "IIA", "IIa", "c")
    assert "case" in _fails(checks.check_set, ["Nurse"], ["nurse"], "x")
    assert "lower-case" not in _fails(checks.check_set, ["ABPM"], ["Abpm"], "x"), "accurate case hint for names"
    assert "``" not in _fails(checks.check_set, [1], [2], "`x`"), "no nested backticks"
    assert "must be there" in _fails(checks.check_accepted, {"a"}, {"a", "b"}, {"c"}, "x")
    assert "do not belong" in _fails(checks.check_accepted, {"a", "b", "z"}, {"a", "b"}, {"c"}, "x")
    msg = _fails(checks.check_one_of, "IV", ["II", "III"], "c")
    assert "II" not in msg.replace("`c`", ""), msg
    checks.check_accepted(["a", "b", "c"], {"a", "b"}, {"c"}, "x")
    checks.check_one_of("III", ["II", "III"], "c")
    assert "sorted" in _fails(checks.check_sorted_list, ["b", "a"], ["a", "b"], "x")
    assert "duplicates" in _fails(checks.check_sorted_list, ["a", "a", "b"], ["a", "b"], "x")
    exp = pd.DataFrame({"role": ["nurse", "physician"], "share": [0.5, 0.25]})
    msg = _fails(checks.check_frame_matches, exp.assign(share=[50.0, 25.0]), exp, "df")
    assert "percentages" in msg
    msg = _fails(checks.check_frame_matches, exp.rename(columns={"share": "Share"}), exp, "df")
    assert "case" in msg
    msg = _fails(checks.check_series_counts, pd.Series({"2019": 3}), pd.Series({2019: 3}), "s")
    assert "type" in msg
    _fails(checks.check_type, True, int, "n")  # True is not a count


def test_checks_accept_right_answers():
    import pandas as pd

    from hcai import checks

    checks.check_set({"a", "b"}, ["b", "a"], "x")
    checks.check_sorted_list(["a", "b"], ["b", "a"], "x")
    checks.check_close(0.3333, 1 / 3, "x", tol=1e-3)
    exp = pd.DataFrame({"role": ["nurse", "physician"], "n": [2, 1]})
    checks.check_frame_matches(exp.iloc[::-1], exp, "df")
    checks.check_series_counts(pd.Series({"a": 2, "b": 1}), pd.Series({"b": 1, "a": 2}), "s")
    checks.check_mapping({"k": ["x", "y"]}, {"k": ["y", "x"]}, "m")
