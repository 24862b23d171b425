"""Write the source notebooks in ``assignments/source/`` from the cell lists below.

The ``.ipynb`` files are the source of truth that nbgrader reads; this script only keeps
their metadata consistent (nbgrader schema 3, unique cell ids, points on every graded cell,
no outputs). Run it after editing a question:

    .venv/bin/python assignments/build_sources.py

Cell kinds (nbgrader's own vocabulary):
* ``md``      read-only instructions (locked)
* ``setup``   the read-only first code cell
* ``given``   read-only code the learner runs (loads a table)
* ``answer``  an autograded answer cell: ``solution`` only, the code between the markers is the key
* ``tests``   an autograded test cell: ``grade``, locked, points
* ``manual``  a manually graded answer (markdown or code): ``solution`` and ``grade``, points
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"

SETUP = '''\
# Setup: run this cell first. It is read-only.
try:
    import pandas as pd
    import matplotlib.pyplot as plt
    from hcai import data, paths
except ImportError:
    print("The course package `hcai` is not available in this Python.\\n"
          "Open the exercises with `make lab` from the course folder; see the Exercises page of the book.")
else:
    print(f"Ready: pandas {pd.__version__}; course data in {paths.DATA_DIR}")
'''

ASSIGNMENTS: dict[str, dict] = {}


def _d(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


def md(text: str) -> dict:
    return {"kind": "md", "source": _d(text)}


def given(text: str) -> dict:
    return {"kind": "given", "source": _d(text)}


def answer(gid: str, text: str) -> dict:
    return {"kind": "answer", "gid": gid, "source": _d(text)}


def tests(gid: str, points: int, text: str) -> dict:
    return {"kind": "tests", "gid": gid, "points": points, "source": _d(text)}


def manual(gid: str, points: int, text: str, code: bool = False) -> dict:
    return {"kind": "manual", "gid": gid, "points": points, "source": _d(text), "code": code}


# --------------------------------------------------------------------------------------------
# 01 -- the credential landscape
# --------------------------------------------------------------------------------------------
ASSIGNMENTS["01-credential-landscape"] = dict(
    title="Assignment 01: The credential landscape",
    cells=[
        md("""
        # Assignment 01: The credential landscape

        There is no single "healthcare AI certification" (Dinc 2022, doi:10.5281/zenodo.17997722).
        What exists is a mix of degree tracks, graduate certificates, certifications and short
        courses. In this assignment you describe that mix with the course's table of credentials.

        **How this works.** Run the setup cell first. Write your code where it says
        `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). The cell after each
        answer holds *visible tests*: run it to check the form of your answer. Hidden tests check
        correctness when your work is graded. Check the whole notebook with
        `python -m hcai validate 01-credential-landscape.ipynb`.

        The table's columns are described on the book's *Datasets* page. Multi-valued cells
        (like `audience`) separate values with `;`. Ids and categories are lower-case.
        """),
        {"kind": "setup", "source": SETUP},
        given("""
        credentials = data.load("credentials")
        credentials.head()
        """),
        md("""
        ## Question 1 (1 point)

        Make `academic_ids`: a **sorted list** of the `credential_id` of every programme whose
        `category` is academic.
        """),
        answer("q1-answer", """
        ### BEGIN SOLUTION
        academic_ids = sorted(credentials.loc[credentials["category"] == "academic", "credential_id"])
        ### END SOLUTION
        """),
        tests("q1-tests", 1, """
        from hcai import checks, data
        checks.check_type(academic_ids, list, "academic_ids")
        assert len(academic_ids) > 0, "`academic_ids` is empty: check the value you compare `category` with (lower case)."
        assert all(isinstance(x, str) for x in academic_ids), "`academic_ids` should hold credential ids (strings)."
        ### BEGIN HIDDEN TESTS
        _c = data.load("credentials")
        checks.check_sorted_list(academic_ids, sorted(_c.loc[_c["category"] == "academic", "credential_id"]),
                                 "academic_ids", "credential ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 2 (2 points)

        Make `professional_by_type`: a pandas **Series** giving, for the **professional**
        programmes only, the number of programmes of each `credential_type`, indexed by the
        type, **largest first**, leaving out types with no professional programme.

        *Hint:* `credential_type` is a categorical column. What does `value_counts()` report for
        a category that never occurs in your selection?
        """),
        answer("q2-answer", """
        ### BEGIN SOLUTION
        _prof = credentials[credentials["category"] == "professional"]
        professional_by_type = _prof["credential_type"].value_counts()
        professional_by_type = professional_by_type[professional_by_type > 0].sort_values(ascending=False)
        ### END SOLUTION
        """),
        tests("q2-tests", 2, """
        import pandas as pd
        from hcai import checks, data
        checks.check_type(professional_by_type, pd.Series, "professional_by_type")
        assert (professional_by_type > 0).all(), "`professional_by_type` has types with no programme; leave those out."
        assert list(professional_by_type) == sorted(professional_by_type, reverse=True), (
            "`professional_by_type` should be sorted largest first.")
        _types = set(data.load("credentials")["credential_type"].cat.categories)
        assert set(map(str, professional_by_type.index)) <= _types, (
            "The index of `professional_by_type` should be credential types (the `credential_type` column).")
        ### BEGIN HIDDEN TESTS
        _c = data.load("credentials")
        _c = _c[_c["category"] == "professional"]
        _exp = _c.groupby(_c["credential_type"].astype(str)).size()
        checks.check_series_counts(pd.Series({str(k): v for k, v in professional_by_type.items()}),
                                   _exp, "professional_by_type", "types")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 3 (2 points)

        Nurses can take a programme whose `audience` lists `nurse` **or**
        `any_health_professional`. Make `for_nurses`: a **sorted list** of the `credential_id`
        of those programmes.

        *Hint:* `audience` can hold several values separated by `;`, and it is empty when
        the source does not say.
        """),
        answer("q3-answer", """
        ### BEGIN SOLUTION
        _aud = credentials["audience"].fillna("").str.split(";")
        for_nurses = sorted(
            credentials.loc[_aud.apply(lambda xs: bool({"nurse", "any_health_professional"} & {x.strip() for x in xs})),
                            "credential_id"]
        )
        ### END SOLUTION
        """),
        tests("q3-tests", 2, """
        from hcai import checks, data
        checks.check_type(for_nurses, list, "for_nurses")
        assert len(for_nurses) > 0, "`for_nurses` is empty: check how you search the `audience` text."
        _ids = set(data.load("credentials")["credential_id"])
        assert set(for_nurses) <= _ids, "`for_nurses` should hold values of the `credential_id` column."
        ### BEGIN HIDDEN TESTS
        _c = data.load("credentials")
        _sets = _c["audience"].fillna("").str.split(";").apply(lambda xs: {x.strip() for x in xs})
        _exp = sorted(_c.loc[_sets.apply(lambda s: bool(s & {"nurse", "any_health_professional"})), "credential_id"])
        checks.check_sorted_list(for_nurses, _exp, "for_nurses", "credential ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 4 (2 points)

        How well documented is each kind of programme? Make `status_table`: a DataFrame of
        **counts** with one row per `category` (academic, professional) and one column per
        `verification` status (`primary`, `secondary`, `unverified`), like
        `pd.crosstab(...)` gives. Use the category and status values as the row and column labels.
        """),
        answer("q4-answer", """
        ### BEGIN SOLUTION
        status_table = pd.crosstab(credentials["category"].astype(str), credentials["verification"].astype(str))
        ### END SOLUTION
        """),
        tests("q4-tests", 2, """
        import pandas as pd
        from hcai import checks
        checks.check_type(status_table, pd.DataFrame, "status_table")
        _rows = set(map(str, status_table.index))
        _cols = set(map(str, status_table.columns))
        assert _rows <= {"academic", "professional"}, "The rows of `status_table` should be the categories (academic, professional)."
        assert _cols <= {"primary", "secondary", "unverified"}, "The columns of `status_table` should be verification statuses."
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _c = data.load("credentials")
        _exp = _c.groupby([_c["category"].astype(str), _c["verification"].astype(str)]).size()
        _have = {(str(r), str(c)): status_table.loc[r, c] for r in status_table.index for c in status_table.columns}
        for (_r, _s), _n in _exp.items():
            assert (_r, _s) in _have, f"`status_table` has no cell for category {_r!r} and status {_s!r}."
            assert abs(float(_have[(_r, _s)]) - _n) < 1e-9, (
                f"The count for category {_r!r} and status {_s!r} is not right (counts, not shares; rows are categories).")
        assert sum(float(v) for v in _have.values()) == len(_c), "`status_table` should count every programme exactly once."
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 5 (2 points, graded by hand)

        Draw a horizontal bar chart of the number of programmes of each credential type, **all**
        programmes this time, so academic and professional types can be compared. Give it a
        **title** and **label both axes** (what is counted, and the credential type). Keep the
        default colours or choose ones that stay readable in greyscale.
        """),
        manual("q5-figure", 2, """
        ### BEGIN SOLUTION
        fig, ax = plt.subplots(figsize=(7, 4))
        credentials["credential_type"].value_counts().sort_values().plot.barh(ax=ax)
        ax.set_title("Healthcare AI credentials in the course table, by type")
        ax.set_xlabel("Number of programmes")
        ax.set_ylabel("Credential type")
        fig.tight_layout()
        ### END SOLUTION
        """, code=True),
        md("""
        ## Question 6 (3 points, graded by hand)

        In 120–200 words: compare a **degree track** with a **short course** (or online
        specialisation) from the table. What commitment does each ask of a working clinician,
        and what evidence does each leave behind that an employer could check? Name the
        programmes (by `credential_id`) you use as examples.
        """),
        manual("q6-written", 3, """
        A degree track such as a PhD track in biomedical informatics asks for years of full-time
        study and leaves a transcript and a thesis... (model answer: see the rubric).
        """),
    ],
)

# --------------------------------------------------------------------------------------------
# 02 -- credentials for roles
# --------------------------------------------------------------------------------------------
ASSIGNMENTS["02-credentials-for-roles"] = dict(
    title="Assignment 02: Credentials for roles",
    cells=[
        md("""
        # Assignment 02: Credentials for roles

        Physicians, nurses, informaticists and data scientists need different things from a
        credential. The course's tables link credentials to skills (`credential_skills`) and
        roles to the skills they need (`role_skills`, with `priority` core or useful). Here you
        find which programmes cover which skills for each role, and where the gaps are.

        Run the setup cell first, answer in the `# YOUR CODE HERE` cells, and run the visible
        tests after each answer. `python -m hcai validate 02-credentials-for-roles.ipynb` checks
        the whole notebook.
        """),
        {"kind": "setup", "source": SETUP},
        given("""
        credentials = data.load("credentials")
        skills = data.load("skills")
        credential_skills = data.load("credential_skills")
        role_skills = data.load("role_skills")
        role_skills.head()
        """),
        md("""
        ## Question 1 (2 points)

        Make `core_skills`: a **dict** whose keys are the four roles (`physician`, `nurse`,
        `informaticist`, `data_scientist`) and whose values are **sorted lists** of the
        `skill_id`s that role needs with priority **core**.
        """),
        answer("q1-answer", """
        ### BEGIN SOLUTION
        _core = role_skills[role_skills["priority"] == "core"]
        core_skills = {str(role): sorted(group["skill_id"]) for role, group in _core.groupby("role", observed=True)}
        ### END SOLUTION
        """),
        tests("q1-tests", 2, """
        from hcai import checks
        checks.check_type(core_skills, dict, "core_skills")
        checks.check_set(core_skills.keys(), ["physician", "nurse", "informaticist", "data_scientist"],
                         "core_skills.keys()", "roles")
        for _role, _ids in core_skills.items():
            checks.check_type(_ids, list, f"core_skills[{_role!r}]")
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _rs = data.load("role_skills")
        for _role in ["physician", "nurse", "informaticist", "data_scientist"]:
            _exp = sorted(_rs.loc[(_rs["role"] == _role) & (_rs["priority"] == "core"), "skill_id"])
            checks.check_sorted_list(core_skills[_role], _exp, f"core_skills[{_role!r}]", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 2 (2 points)

        Write a function `skills_covered(credential_ids)` that takes a list of `credential_id`s
        and returns a **sorted list** (no duplicates) of every `skill_id` that **at least one**
        of those credentials covers, according to `credential_skills` (any `basis`). An empty
        list of credentials covers no skills.
        """),
        answer("q2-answer", """
        def skills_covered(credential_ids):
            ### BEGIN SOLUTION
            rows = credential_skills[credential_skills["credential_id"].isin(list(credential_ids))]
            return sorted(set(rows["skill_id"]))
            ### END SOLUTION
        """),
        tests("q2-tests", 2, """
        from hcai import checks, data
        _cs = data.load("credential_skills")
        _one = str(_cs["credential_id"].iloc[0])
        _got = skills_covered([_one])
        checks.check_type(_got, list, f"skills_covered([{_one!r}])")
        assert len(_got) > 0, f"`skills_covered([{_one!r}])` is empty, but that credential covers skills."
        checks.check_type(skills_covered([]), list, "skills_covered([])")
        assert skills_covered([]) == [], "`skills_covered([])` should be an empty list."
        ### BEGIN HIDDEN TESTS
        _ids = sorted(set(_cs["credential_id"]))
        for _sel in ([_one], _ids[:2], _ids[-3:], _ids):
            _exp = sorted(set(_cs.loc[_cs["credential_id"].isin(_sel), "skill_id"]))
            checks.check_sorted_list(skills_covered(list(_sel)), _exp,
                                     f"skills_covered(<{len(_sel)} credential ids>)", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 3 (3 points)

        Make `role_coverage`: a DataFrame with **one row per role** and the columns

        * `role`
        * `core`: how many core skills the role has,
        * `covered`: how many of those core skills at least one credential in the table covers,
        * `share`: `covered / core`, a number between 0 and 1.

        *Careful:* a skill covered by three credentials still counts once.
        """),
        answer("q3-answer", """
        ### BEGIN SOLUTION
        _all_covered = set(credential_skills["skill_id"])
        _rows = []
        for _role, _ids in core_skills.items():
            _n = len(_ids)
            _k = sum(1 for s in _ids if s in _all_covered)
            _rows.append({"role": _role, "core": _n, "covered": _k, "share": _k / _n})
        role_coverage = pd.DataFrame(_rows)
        ### END SOLUTION
        """),
        tests("q3-tests", 3, """
        from hcai import checks
        checks.check_columns(role_coverage, ["role", "core", "covered", "share"], "role_coverage")
        checks.check_len(role_coverage, 4, "role_coverage", "rows (one per role)")
        assert ((role_coverage["share"] >= 0) & (role_coverage["share"] <= 1)).all(), (
            "`share` should be between 0 and 1 (a share, not a percentage).")
        ### BEGIN HIDDEN TESTS
        import pandas as pd
        from hcai import data
        _rs = data.load("role_skills")
        _cov = set(data.load("credential_skills")["skill_id"])
        _core = _rs[_rs["priority"] == "core"]
        _exp = pd.DataFrame([{"role": str(r), "core": len(g), "covered": int(g["skill_id"].isin(_cov).sum()),
                              "share": g["skill_id"].isin(_cov).mean()} for r, g in _core.groupby("role", observed=True)])
        checks.check_frame_matches(role_coverage[["role", "core", "covered", "share"]].astype({"role": str}),
                                   _exp, "role_coverage")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 4 (2 points)

        Which core skills does **no** credential in the table cover (any `basis`)? Make `gaps`:
        a **dict** from **each** of the four roles to the **sorted list** of its core
        `skill_id`s that no credential covers -- an empty list for a role with no gap.
        """),
        answer("q4-answer", """
        ### BEGIN SOLUTION
        _covered_any = set(credential_skills["skill_id"])
        gaps = {role: sorted(s for s in ids if s not in _covered_any) for role, ids in core_skills.items()}
        ### END SOLUTION
        """),
        tests("q4-tests", 2, """
        from hcai import checks
        checks.check_type(gaps, dict, "gaps")
        checks.check_set(gaps.keys(), ["physician", "nurse", "informaticist", "data_scientist"], "gaps.keys()", "roles")
        for _role, _ids in gaps.items():
            checks.check_type(_ids, list, f"gaps[{_role!r}]")
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _rs = data.load("role_skills")
        _covered_any = set(data.load("credential_skills")["skill_id"])
        for _role in ["physician", "nurse", "informaticist", "data_scientist"]:
            _core = _rs.loc[(_rs["role"] == _role) & (_rs["priority"] == "core"), "skill_id"]
            _exp = sorted(s for s in _core if s not in _covered_any)
            if _exp:
                checks.check_sorted_list(gaps[_role], _exp, f"gaps[{_role!r}]", "skill ids")
            else:
                assert gaps[_role] == [], f"`gaps[{_role!r}]` should be empty: every core skill of that role is covered."
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 5 (2 points)

        Write `best_for(role)`: the `credential_id` of the programme that covers **the most** of
        that role's core skills (any `basis`). Break ties by taking the `credential_id` that comes
        first alphabetically. Return a string.
        """),
        answer("q5-answer", """
        def best_for(role):
            ### BEGIN SOLUTION
            core = set(role_skills.loc[(role_skills["role"] == role) & (role_skills["priority"] == "core"), "skill_id"])
            links = credential_skills[credential_skills["skill_id"].isin(core)]
            counts = links.groupby("credential_id").size()
            return str(sorted(k for k, v in counts.items() if v == counts.max())[0])
            ### END SOLUTION
        """),
        tests("q5-tests", 2, """
        from hcai import checks, data
        _ids = set(data.load("credentials")["credential_id"])
        _got = best_for("nurse")
        checks.check_type(_got, str, 'best_for("nurse")')
        assert _got in _ids, '`best_for("nurse")` should return one `credential_id` from the table.'
        ### BEGIN HIDDEN TESTS
        _rs = data.load("role_skills")
        _cs = data.load("credential_skills")
        for _role in ["physician", "nurse", "informaticist", "data_scientist"]:
            _core = set(_rs.loc[(_rs["role"] == _role) & (_rs["priority"] == "core"), "skill_id"])
            _n = _cs[_cs["skill_id"].isin(_core)].groupby("credential_id").size()
            _exp = sorted(k for k, v in _n.items() if v == _n.max())[0]
            checks.check_equal(best_for(_role), str(_exp), f"best_for({_role!r})",
                               "Count each credential's core skills for that role, then break ties alphabetically.")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 6 (2 points)

        Who awards what? Make `awarded_by`: a **dict** whose keys are the four non-academic
        credential types `board_certification`, `professional_certification`,
        `educational_certification` and `executive_education`, and whose values are **sorted
        lists** of the distinct `provider`s offering programmes of that type (an empty list if
        none). Keep the provider names exactly as the table writes them.
        """),
        answer("q6-answer", """
        ### BEGIN SOLUTION
        _types = ["board_certification", "professional_certification", "educational_certification", "executive_education"]
        awarded_by = {t: sorted(set(credentials.loc[credentials["credential_type"] == t, "provider"])) for t in _types}
        ### END SOLUTION
        """),
        tests("q6-tests", 2, """
        from hcai import checks
        _types = ["board_certification", "professional_certification", "educational_certification", "executive_education"]
        checks.check_type(awarded_by, dict, "awarded_by")
        checks.check_set(awarded_by.keys(), _types, "awarded_by.keys()", "credential types")
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _c = data.load("credentials")
        for _t in _types:
            checks.check_sorted_list(awarded_by[_t], sorted(set(_c.loc[_c["credential_type"] == _t, "provider"])),
                                     f"awarded_by[{_t!r}]", "providers")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 7 (3 points, graded by hand)

        A nurse manager asks you whether a board certification, a professional certification or
        an educational certification would best show that her team can work safely with AI
        tools. In 150–250 words, explain how the three differ (who awards each, what it
        certifies, what is checked), then use `gaps` and `role_coverage` to say what none of the
        credentials would show for a nurse.
        """),
        manual("q7-written", 3, """
        Board certification is awarded by a medical specialty board to physicians... (model answer: see the rubric).
        """),
    ],
)

# --------------------------------------------------------------------------------------------
# 03a -- the FDA AI-enabled device list
# --------------------------------------------------------------------------------------------
ASSIGNMENTS["03a-fda-ai-devices"] = dict(
    title="Assignment 03a: FDA's AI-enabled device list",
    cells=[
        md("""
        # Assignment 03a: FDA's AI-enabled device list

        FDA publishes a list of AI-enabled medical devices it has authorised. The course keeps
        the file exactly as FDA publishes it (`data/fda_ai_enabled_devices.csv`), quirks
        included: dates written month/day/year, a pathway you must read from the submission
        number, and a misspelt panel name. In this assignment you clean it and describe the
        trends.

        Run the setup cell first. `python -m hcai validate 03a-fda-ai-devices.ipynb` checks the
        whole notebook.
        """),
        {"kind": "setup", "source": SETUP},
        given("""
        # The raw file, as FDA publishes it: every column is text.
        raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        raw.head()
        """),
        md("""
        ## Question 1 (2 points)

        Make `devices`: a copy of `raw` with two new columns,

        * `decision_date`: the `Date of Final Decision` as a pandas datetime (the file writes
          month/day/year),
        * `year`: the year of that date as a whole number.

        Keep every row.
        """),
        answer("q1-answer", """
        ### BEGIN SOLUTION
        devices = raw.copy()
        devices["decision_date"] = pd.to_datetime(devices["Date of Final Decision"], format="%m/%d/%Y")
        devices["year"] = devices["decision_date"].dt.year.astype(int)
        ### END SOLUTION
        """),
        tests("q1-tests", 2, """
        import pandas as pd
        from hcai import checks, paths
        checks.check_columns(devices, ["Submission Number", "decision_date", "year"], "devices")
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        checks.check_len(devices, len(_raw), "devices", "rows")
        assert pd.api.types.is_datetime64_any_dtype(devices["decision_date"]), (
            "`decision_date` should be a datetime column (see `pd.to_datetime`).")
        assert pd.api.types.is_integer_dtype(devices["year"]), "`year` should hold whole numbers, not text."
        ### BEGIN HIDDEN TESTS
        _exp = pd.to_datetime(_raw["Date of Final Decision"], format="%m/%d/%Y")
        _got = devices.set_index("Submission Number")["decision_date"]
        _want = pd.Series(_exp.values, index=_raw["Submission Number"])
        assert _got.notna().all(), "Some `decision_date` values are missing: check the date format (month first)."
        assert (_got.reindex(_want.index) == _want).all(), (
            "Some `decision_date` values are wrong: the file writes month/day/year.")
        assert (devices["year"].astype(int).values == devices["decision_date"].dt.year.values).all(), (
            "`year` does not match `decision_date`.")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 2 (2 points)

        The submission number tells you the premarket pathway: `K…` is a **510(k)**, `DEN…` is
        a **De Novo** request, and `P…` is a **PMA** (an original approval like `P123456`, or a
        PMA supplement like `P123456/S005`, which also counts as PMA).

        Write `pathway(number)` that returns exactly one of the strings `"510(k)"`,
        `"De Novo"` or `"PMA"`.
        """),
        answer("q2-answer", """
        def pathway(number):
            ### BEGIN SOLUTION
            number = str(number).strip().upper()
            if number.startswith("DEN"):
                return "De Novo"
            if number.startswith("K"):
                return "510(k)"
            if number.startswith("P"):
                return "PMA"
            raise ValueError(f"unknown submission number {number!r}")
            ### END SOLUTION
        """),
        tests("q2-tests", 2, """
        from hcai import checks
        _got = pathway("K000000")
        checks.check_type(_got, str, 'pathway("K000000")')
        assert _got in {"510(k)", "De Novo", "PMA"}, (
            'pathway(...) should return exactly "510(k)", "De Novo" or "PMA" (same spelling and case).')
        ### BEGIN HIDDEN TESTS
        import pandas as pd
        from hcai import paths
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        def _want(n):
            return "De Novo" if n.startswith("DEN") else ("510(k)" if n.startswith("K") else "PMA")
        _samples = {"510(k)": [], "De Novo": [], "PMA": []}
        for _n in _raw["Submission Number"]:
            _samples[_want(_n)].append(_n)
        _probe = _samples["De Novo"][:3] + _samples["PMA"][:3] + [n for n in _samples["PMA"] if "/S" in n][:2] + _samples["510(k)"][:3]
        for _n in _probe:
            checks.check_equal(pathway(_n), _want(_n), f"pathway({_n!r})",
                               "Look at how the submission number starts (K, DEN or P).")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 3 (1 point)

        Add a column `pathway` to `devices` (use your function) and make `by_pathway`: a
        **Series** with the number of devices per pathway, indexed by the pathway names.
        """),
        answer("q3-answer", """
        ### BEGIN SOLUTION
        devices["pathway"] = devices["Submission Number"].map(pathway)
        by_pathway = devices["pathway"].value_counts()
        ### END SOLUTION
        """),
        tests("q3-tests", 1, """
        import pandas as pd
        from hcai import checks
        checks.check_type(by_pathway, pd.Series, "by_pathway")
        assert set(map(str, by_pathway.index)) <= {"510(k)", "De Novo", "PMA"}, (
            'The index of `by_pathway` should be the pathway names "510(k)", "De Novo" and "PMA".')
        ### BEGIN HIDDEN TESTS
        from hcai import paths
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        _p = _raw["Submission Number"].map(lambda n: "De Novo" if n.startswith("DEN") else ("510(k)" if n.startswith("K") else "PMA"))
        checks.check_series_counts(by_pathway, _p.value_counts(), "by_pathway", "pathways")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 4 (2 points)

        Make `per_year`: a **Series** indexed by year (whole numbers, ascending) with the number
        of devices decided in each year from **2015 to 2025 inclusive**. (2026 is left out
        because the file stops part-way through the year.)
        """),
        answer("q4-answer", """
        ### BEGIN SOLUTION
        _sel = devices[(devices["year"] >= 2015) & (devices["year"] <= 2025)]
        per_year = _sel.groupby("year").size().sort_index()
        ### END SOLUTION
        """),
        tests("q4-tests", 2, """
        import pandas as pd
        from hcai import checks
        checks.check_type(per_year, pd.Series, "per_year")
        assert all(isinstance(y, int) for y in per_year.index), "The index of `per_year` should be years as whole numbers."
        assert list(per_year.index) == sorted(per_year.index), "`per_year` should be in ascending order of year."
        ### BEGIN HIDDEN TESTS
        from hcai import paths
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        _y = pd.to_datetime(_raw["Date of Final Decision"], format="%m/%d/%Y").dt.year
        _exp = _y[(_y >= 2015) & (_y <= 2025)].value_counts().sort_index()
        checks.check_set(per_year.index, _exp.index, "the years in `per_year`", "years")
        checks.check_series_counts(per_year, _exp, "per_year", "years")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 5 (1 point)

        Make `radiology_share_2025`: the **share** (a number between 0 and 1) of the devices
        decided in 2025 whose lead panel is Radiology.
        """),
        answer("q5-answer", """
        ### BEGIN SOLUTION
        _d25 = devices[devices["year"] == 2025]
        radiology_share_2025 = float((_d25["Panel (Lead)"] == "Radiology").mean())
        ### END SOLUTION
        """),
        tests("q5-tests", 1, """
        from hcai import checks
        checks.check_type(radiology_share_2025, float, "radiology_share_2025")
        assert 0 <= radiology_share_2025 <= 1, "`radiology_share_2025` should be a share between 0 and 1, not a percentage."
        ### BEGIN HIDDEN TESTS
        import pandas as pd
        from hcai import paths
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        _y = pd.to_datetime(_raw["Date of Final Decision"], format="%m/%d/%Y").dt.year
        _exp = float((_raw.loc[_y == 2025, "Panel (Lead)"] == "Radiology").mean())
        checks.check_close(radiology_share_2025, _exp, "radiology_share_2025", tol=1e-3)
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 6 (2 points)

        One lead-panel name in the file is misspelt (look at the distinct values of
        `Panel (Lead)`). Make `panels`: a **Series** with the number of devices per lead panel,
        indexed by panel name, with the misspelling corrected to the right spelling (keep FDA's
        capitalisation style, e.g. `Clinical Chemistry`).
        """),
        answer("q6-answer", """
        ### BEGIN SOLUTION
        panels = devices["Panel (Lead)"].replace({"Clinical Toxcicology": "Clinical Toxicology"}).value_counts()
        ### END SOLUTION
        """),
        tests("q6-tests", 2, """
        import pandas as pd
        from hcai import checks
        checks.check_type(panels, pd.Series, "panels")
        assert not any("cic" in str(p) for p in panels.index), "`panels` still has a misspelt panel name."
        ### BEGIN HIDDEN TESTS
        from hcai import paths
        _raw = pd.read_csv(paths.data_file("fda_ai_enabled_devices"), dtype=str)
        _exp = _raw["Panel (Lead)"].str.replace("Toxcicology", "Toxicology", regex=False).value_counts()
        checks.check_series_counts(panels, _exp, "panels", "panel names")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 7 (2 points, graded by hand)

        Plot the number of devices per year (2015–2025) **by pathway**: one line (or stacked
        bar) per pathway. Give the figure a title, label both axes, and add a legend.
        """),
        manual("q7-figure", 2, """
        ### BEGIN SOLUTION
        _t = devices[(devices["year"] >= 2015) & (devices["year"] <= 2025)]
        _t = _t.groupby(["year", "pathway"]).size().unstack(fill_value=0)
        fig, ax = plt.subplots(figsize=(7, 4))
        _t.plot(ax=ax, marker="o")
        ax.set_title("FDA AI-enabled device decisions per year, by pathway")
        ax.set_xlabel("Year of final decision")
        ax.set_ylabel("Number of devices")
        ax.legend(title="Pathway")
        fig.tight_layout()
        ### END SOLUTION
        """, code=True),
        md("""
        ## Question 8 (3 points, graded by hand)

        In 120–200 words: what can this list tell a hospital about AI devices on the US market,
        and what can it not? Mention at least two of the data's limits (how the list is
        compiled, what a 510(k) does and does not show, the dominance of one panel).
        """),
        manual("q8-written", 3, """
        The list shows which AI-enabled devices FDA authorised and through which pathway... (model answer: see the rubric).
        """),
    ],
)

# --------------------------------------------------------------------------------------------
# 03b -- skills to frameworks (the core)
# --------------------------------------------------------------------------------------------
_AI_ACT_DATES = '''\
# Dates you need (sources on the book's "Evolving" chapter; the Digital Omnibus dates are as
# adopted by Parliament and Council in June 2026 -- check the Official Journal text on EUR-Lex).
AI_LITERACY_FROM = "2025-02-02"            # Article 4 applies to providers and deployers
ANNEX_I_HIGH_RISK_ORIGINAL = "2027-08-02"  # Article 6(1) high-risk rules, original Article 113
ANNEX_I_HIGH_RISK_OMNIBUS = "2028-08-02"   # the same rules after the 2026 Digital Omnibus
HIGH_RISK_ARTICLES = ["Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17"]
'''

ASSIGNMENTS["03b-skills-to-frameworks"] = dict(
    title="Assignment 03b: From skills to regulatory frameworks",
    cells=[
        md("""
        # Assignment 03b: From skills to regulatory frameworks

        This is the core assignment of the course. Regulation is one reason a universal AI
        credential is hard to build (Dinc 2022): what a professional must know depends on how
        the software is classified and which rules apply when. You will

        1. classify software with the **IMDRF SaMD** risk matrix and **EU MDR Rule 11**;
        2. decide when the **EU AI Act** treats an AI medical device as high-risk and which
           obligations apply on a given date, before and after the 2026 Digital Omnibus;
        3. map the course's skills to the requirements of the frameworks (AI Act, GMLP,
           IEC 62304, ISO 14971, HIPAA, GDPR, ...) through their shared **topics**, and
           summarise the mapping in a heatmap;
        4. date the changes of 2026 and say which are final, draft or proposed.

        Run the setup cell first. `python -m hcai validate 03b-skills-to-frameworks.ipynb`
        checks the whole notebook.
        """),
        {"kind": "setup", "source": SETUP},
        given("""
        skills = data.load("skills")
        frameworks = data.load("frameworks")
        requirements = data.load("framework_requirements")
        imdrf = data.load("imdrf_samd_categories")
        timeline = data.load("regulatory_timeline")
        imdrf
        """),
        md("""
        ## Part A: classifying software

        ### Question 1 (3 points)

        Write `imdrf_category(situation, significance, lay_user=False)` that returns the IMDRF
        SaMD category (`"I"`, `"II"`, `"III"` or `"IV"`) for a `situation` (`critical`,
        `serious`, `non_serious`) and a `significance` (`treat_or_diagnose`,
        `drive_clinical_management`, `inform_clinical_management`). Look the answer up in the
        `imdrf` table.

        IMDRF N12 adds one rule: software used by **lay users** (no clinician involved) in a
        **serious** situation is treated as if the situation were **critical**. Apply it when
        `lay_user` is true.
        """),
        answer("q1-answer", """
        def imdrf_category(situation, significance, lay_user=False):
            ### BEGIN SOLUTION
            if lay_user and situation == "serious":
                situation = "critical"
            row = imdrf[(imdrf["situation"] == situation) & (imdrf["significance"] == significance)]
            return str(row["category"].iloc[0])
            ### END SOLUTION
        """),
        tests("q1-tests", 3, """
        from hcai import checks
        _got = imdrf_category("critical", "treat_or_diagnose")
        checks.check_type(_got, str, 'imdrf_category("critical", "treat_or_diagnose")')
        assert _got in {"I", "II", "III", "IV"}, 'imdrf_category(...) should return "I", "II", "III" or "IV" (Roman numerals, upper case).'
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _t = data.load("imdrf_samd_categories")
        for _r in _t.itertuples():
            checks.check_equal(imdrf_category(str(_r.situation), str(_r.significance)), str(_r.category),
                               f"imdrf_category({str(_r.situation)!r}, {str(_r.significance)!r})",
                               "Check which factor is the row (situation) and which the column (significance).")
        def _cat(sit, sig):
            return str(_t.loc[(_t["situation"] == sit) & (_t["significance"] == sig), "category"].iloc[0])
        for _sig in ["treat_or_diagnose", "drive_clinical_management", "inform_clinical_management"]:
            checks.check_equal(imdrf_category("serious", _sig, lay_user=True), _cat("critical", _sig),
                               f"imdrf_category('serious', {_sig!r}, lay_user=True)",
                               "Re-read the lay-user rule: which situation does it change?")
            for _sit in ["critical", "non_serious"]:
                checks.check_equal(imdrf_category(_sit, _sig, lay_user=True), _cat(_sit, _sig),
                                   f"imdrf_category({_sit!r}, {_sig!r}, lay_user=True)",
                                   "The lay-user rule only changes one situation.")
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 2 (3 points)

        EU MDR Annex VIII **Rule 11** classifies software. Write `rule11_class(purpose, consequence)`
        returning `"I"`, `"IIa"`, `"IIb"` or `"III"`:

        * `purpose == "diagnosis_or_therapy"` (information used to take diagnostic or therapeutic
          decisions): class IIa, but **III** if `consequence == "death_or_irreversible"` and
          **IIb** if `consequence == "serious_or_surgery"`;
        * `purpose == "monitoring"` (monitors physiological processes): class IIa, but **IIb** if
          `consequence == "vital_immediate_danger"` (vital parameters whose variation could mean
          immediate danger);
        * any other purpose: class **I**.

        Any other `consequence` value means "none of the above".
        """),
        answer("q2-answer", """
        def rule11_class(purpose, consequence):
            ### BEGIN SOLUTION
            if purpose == "diagnosis_or_therapy":
                return {"death_or_irreversible": "III", "serious_or_surgery": "IIb"}.get(consequence, "IIa")
            if purpose == "monitoring":
                return "IIb" if consequence == "vital_immediate_danger" else "IIa"
            return "I"
            ### END SOLUTION
        """),
        tests("q2-tests", 3, """
        from hcai import checks
        _got = rule11_class("other", "none")
        checks.check_type(_got, str, 'rule11_class("other", "none")')
        assert _got in {"I", "IIa", "IIb", "III"}, 'rule11_class(...) should return "I", "IIa", "IIb" or "III" (mind the case: "IIa").'
        ### BEGIN HIDDEN TESTS
        def _want(p, c):
            if p == "diagnosis_or_therapy":
                return {"death_or_irreversible": "III", "serious_or_surgery": "IIb"}.get(c, "IIa")
            if p == "monitoring":
                return "IIb" if c == "vital_immediate_danger" else "IIa"
            return "I"
        for _p in ["diagnosis_or_therapy", "monitoring", "scheduling", "other"]:
            for _c in ["death_or_irreversible", "serious_or_surgery", "vital_immediate_danger", "none"]:
                checks.check_equal(rule11_class(_p, _c), _want(_p, _c), f"rule11_class({_p!r}, {_c!r})",
                                   "Re-read the branch of Rule 11 for this purpose.")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Part B: the EU AI Act and medical devices

        Under Article 6(1) of the AI Act, an AI system that is (or is a safety component of) a
        product covered by the legislation in Annex I -- which lists the MDR and the IVDR -- is
        **high-risk** when that product needs a **third-party conformity assessment**. For MDR
        software the usual reading is: class IIa, IIb or III need a notified body; class I does
        not (ignore the special class I cases here).

        The cell below gives the dates you need. Run it.
        """),
        given(_AI_ACT_DATES),
        md("""
        ### Question 3 (1 point)

        Write `ai_act_high_risk(mdr_class)` returning `True` when an AI medical device of that
        MDR class (`"I"`, `"IIa"`, `"IIb"`, `"III"`) is high-risk under Article 6(1), else `False`.
        """),
        answer("q3-answer", """
        def ai_act_high_risk(mdr_class):
            ### BEGIN SOLUTION
            return mdr_class in {"IIa", "IIb", "III"}
            ### END SOLUTION
        """),
        tests("q3-tests", 1, """
        from hcai import checks
        checks.check_type(ai_act_high_risk("III"), bool, 'ai_act_high_risk("III")')
        ### BEGIN HIDDEN TESTS
        for _c, _w in [("I", False), ("IIa", True), ("IIb", True), ("III", True)]:
            checks.check_equal(ai_act_high_risk(_c), _w, f"ai_act_high_risk({_c!r})",
                               "Which MDR classes need a notified body?")
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 4 (3 points)

        Write `obligations_on(date, mdr_class, omnibus=True)` that returns the **sorted list** of
        AI Act articles (strings like `"Art. 4"`, `"Art. 9"`, as in `HIGH_RISK_ARTICLES`) that
        apply to the **provider** of an AI medical device of that MDR class on `date` (an ISO
        date string such as `"2026-11-25"`):

        * `"Art. 4"` (AI literacy) from `AI_LITERACY_FROM`, whatever the class;
        * the `HIGH_RISK_ARTICLES`, only if the device is high-risk (question 3), from
          `ANNEX_I_HIGH_RISK_OMNIBUS` when `omnibus` is true, else from
          `ANNEX_I_HIGH_RISK_ORIGINAL`.

        An obligation applies **on** its start date. Sort with `sorted(..., key=article_number)`,
        using the helper given in the answer cell, so that `"Art. 9"` comes before `"Art. 10"`.
        """),
        answer("q4-answer", """
        def article_number(ref):
            return int(ref.split()[-1])


        def obligations_on(date, mdr_class, omnibus=True):
            ### BEGIN SOLUTION
            out = []
            if date >= AI_LITERACY_FROM:
                out.append("Art. 4")
            start = ANNEX_I_HIGH_RISK_OMNIBUS if omnibus else ANNEX_I_HIGH_RISK_ORIGINAL
            if ai_act_high_risk(mdr_class) and date >= start:
                out.extend(HIGH_RISK_ARTICLES)
            return sorted(out, key=article_number)
            ### END SOLUTION
        """),
        tests("q4-tests", 3, """
        from hcai import checks
        _got = obligations_on("2026-11-25", "IIb")
        checks.check_type(_got, list, 'obligations_on("2026-11-25", "IIb")')
        assert all(isinstance(a, str) and a.startswith("Art. ") for a in _got), (
            'obligations_on(...) should return article strings like "Art. 4".')
        ### BEGIN HIDDEN TESTS
        _hr = ["Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17"]
        def _want(d, c, omnibus=True):
            out = ["Art. 4"] if d >= "2025-02-02" else []
            if c in {"IIa", "IIb", "III"} and d >= ("2028-08-02" if omnibus else "2027-08-02"):
                out += _hr
            return out
        for _d in ["2025-02-01", "2025-02-02", "2026-08-02", "2026-11-25", "2027-08-01", "2027-08-02",
                   "2027-12-02", "2028-08-01", "2028-08-02", "2029-01-01"]:
            for _c in ["I", "IIa", "III"]:
                for _o in (True, False):
                    _w = _want(_d, _c, _o)
                    _g = obligations_on(_d, _c, omnibus=_o)
                    checks.check_type(_g, list, f"obligations_on({_d!r}, {_c!r}, omnibus={_o})")
                    checks.check_set(_g, _w, f"obligations_on({_d!r}, {_c!r}, omnibus={_o})", "articles")
                    assert list(_g) == _w, f"obligations_on({_d!r}, {_c!r}, omnibus={_o}) is not sorted by article number."
        ### END HIDDEN TESTS
        """),
        md("""
        ## Part C: mapping skills to requirements

        Skills (`skills`) and framework requirements (`requirements`) share a vocabulary of
        **topics**. A skill *maps to* a requirement when both have the same `topic`.

        ### Question 5 (3 points)

        Make `mapping`: a DataFrame with the columns `skill_id`, `requirement_id` and
        `framework_id`, one row for **every** (skill, requirement) pair with the same topic, and
        no other rows.
        """),
        answer("q5-answer", """
        ### BEGIN SOLUTION
        mapping = (skills[["skill_id", "topic"]]
                   .merge(requirements[["requirement_id", "framework_id", "topic"]], on="topic", how="inner")
                   [["skill_id", "requirement_id", "framework_id"]])
        ### END SOLUTION
        """),
        tests("q5-tests", 3, """
        from hcai import checks, data
        checks.check_columns(mapping, ["skill_id", "requirement_id", "framework_id"], "mapping")
        assert len(mapping) > 0, "`mapping` is empty: which column do skills and requirements share?"
        assert mapping[["skill_id", "requirement_id", "framework_id"]].notna().all().all(), (
            "`mapping` has empty cells: keep only pairs that match (think about the kind of join).")
        ### BEGIN HIDDEN TESTS
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        _exp = _s[["skill_id", "topic"]].merge(_r[["requirement_id", "framework_id", "topic"]], on="topic")
        _exp = _exp[["skill_id", "requirement_id", "framework_id"]].astype(str)
        checks.check_frame_matches(mapping[["skill_id", "requirement_id", "framework_id"]].astype(str), _exp, "mapping")
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 6 (2 points)

        Summarise the mapping. Make `coverage`: a DataFrame of counts with one **row per skill
        `domain`** and one **column per `framework_id`**; each cell is the number of rows of
        `mapping` for that domain and framework (0 where there are none). Use the domain and
        framework ids as labels.
        """),
        answer("q6-answer", """
        ### BEGIN SOLUTION
        _m = mapping.merge(skills[["skill_id", "domain"]], on="skill_id")
        coverage = pd.crosstab(_m["domain"].astype(str), _m["framework_id"].astype(str))
        ### END SOLUTION
        """),
        tests("q6-tests", 2, """
        import pandas as pd
        from hcai import checks, data
        checks.check_type(coverage, pd.DataFrame, "coverage")
        _domains = set(map(str, data.load("skills")["domain"].cat.categories))
        assert set(map(str, coverage.index)) <= _domains, "The rows of `coverage` should be skill domains."
        _fw = set(data.load("frameworks")["framework_id"])
        assert set(map(str, coverage.columns)) <= _fw, "The columns of `coverage` should be framework ids."
        ### BEGIN HIDDEN TESTS
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        _m = _s[["skill_id", "topic", "domain"]].merge(_r[["requirement_id", "framework_id", "topic"]], on="topic")
        _exp = _m.groupby([_m["domain"].astype(str), _m["framework_id"].astype(str)]).size()
        _have = {(str(i), str(c)): float(coverage.loc[i, c]) for i in coverage.index for c in coverage.columns}
        for (_d, _f), _n in _exp.items():
            assert (_d, _f) in _have, f"`coverage` has no cell for domain {_d!r} and framework {_f!r}."
            assert _have[(_d, _f)] == _n, f"The count for domain {_d!r} and framework {_f!r} is not right."
        assert sum(_have.values()) == len(_m), "`coverage` should add up to the number of rows of `mapping`."
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 7 (2 points)

        Which skills does **no** framework ask for? Make `unasked`: the **sorted list** of the
        `skill_id`s whose topic is the topic of no requirement in `requirements`.
        """),
        answer("q7-answer", """
        ### BEGIN SOLUTION
        unasked = sorted(skills.loc[~skills["topic"].isin(requirements["topic"]), "skill_id"])
        ### END SOLUTION
        """),
        tests("q7-tests", 2, """
        from hcai import checks, data
        checks.check_type(unasked, list, "unasked")
        assert set(unasked) <= set(data.load("skills")["skill_id"]), "`unasked` should hold values of the `skill_id` column."
        ### BEGIN HIDDEN TESTS
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        checks.check_sorted_list(unasked, sorted(_s.loc[~_s["topic"].isin(set(_r["topic"])), "skill_id"]),
                                 "unasked", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 8 (2 points, graded by hand)

        Draw `coverage` as a **heatmap** (`ax.imshow` or `ax.pcolormesh`, with a colour bar).
        Label the ticks with the domain and framework names, give the figure a title and label
        both axes. Choose a sequential colour map (for example `"Blues"` or `"viridis"`).
        """),
        manual("q8-heatmap", 2, """
        ### BEGIN SOLUTION
        fig, ax = plt.subplots(figsize=(9, 5))
        im = ax.imshow(coverage.values, cmap="Blues", aspect="auto")
        ax.set_xticks(range(coverage.shape[1]), labels=list(coverage.columns), rotation=45, ha="right")
        ax.set_yticks(range(coverage.shape[0]), labels=list(coverage.index))
        ax.set_title("Skill domains mapped to framework requirements")
        ax.set_xlabel("Framework")
        ax.set_ylabel("Skill domain")
        fig.colorbar(im, ax=ax, label="Skill-requirement pairs")
        fig.tight_layout()
        ### END SOLUTION
        """, code=True),
        md("""
        ## Part D: what changed in 2026

        ### Question 9 (2 points)

        Make `events_2026`: the **list** of `event_id`s of the timeline events dated in **2026**
        (1 January to 31 December inclusive), in date order (ties by `event_id`).
        """),
        answer("q9-answer", """
        ### BEGIN SOLUTION
        _e = timeline[(timeline["date"] >= "2026-01-01") & (timeline["date"] <= "2026-12-31")]
        events_2026 = list(_e.sort_values(["date", "event_id"])["event_id"])
        ### END SOLUTION
        """),
        tests("q9-tests", 2, """
        from hcai import checks, data
        checks.check_type(events_2026, list, "events_2026")
        assert len(events_2026) > 0, "`events_2026` is empty: check the date range you select."
        ### BEGIN HIDDEN TESTS
        _t = data.load("regulatory_timeline")
        _e = _t[_t["date"].dt.year == 2026].sort_values(["date", "event_id"])
        checks.check_set(events_2026, list(_e["event_id"]), "events_2026", "events")
        assert list(events_2026) == list(_e["event_id"]), "`events_2026` has the right events but not in date order."
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 10 (1 point)

        Not every framework in the table is final. Make `not_final`: the **sorted list** of
        `framework_id`s whose `status` is `draft` or `proposed`.
        """),
        answer("q10-answer", """
        ### BEGIN SOLUTION
        not_final = sorted(frameworks.loc[frameworks["status"].isin(["draft", "proposed"]), "framework_id"])
        ### END SOLUTION
        """),
        tests("q10-tests", 1, """
        from hcai import checks, data
        checks.check_type(not_final, list, "not_final")
        assert set(not_final) <= set(data.load("frameworks")["framework_id"]), "`not_final` should hold framework ids."
        ### BEGIN HIDDEN TESTS
        _f = data.load("frameworks")
        checks.check_sorted_list(not_final, sorted(_f.loc[_f["status"].isin(["draft", "proposed"]), "framework_id"]),
                                 "not_final", "framework ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ### Question 11 (4 points, graded by hand)

        A start-up sells AI software that reads ECGs and flags atrial fibrillation for a
        cardiologist to confirm. In 200–300 words: classify it (IMDRF category and MDR Rule 11
        class, saying which facts you assumed), say whether the AI Act treats it as high-risk,
        and list which AI Act obligations apply to its provider **today (25 November 2026)** and
        from when the others apply. Say which of the dates you use are final law and which rest
        on changes that are adopted but should be checked in the Official Journal. End with two
        sentences on what this one example shows about why a single, universal healthcare-AI
        credential is hard to build.
        """),
        manual("q11-written", 4, """
        The software informs a diagnosis of a serious condition... (model answer: see the rubric).
        """),
    ],
)

# --------------------------------------------------------------------------------------------
# 04 -- personal portfolio
# --------------------------------------------------------------------------------------------
ASSIGNMENTS["04-portfolio"] = dict(
    title="Assignment 04: A personal credential portfolio",
    cells=[
        md("""
        # Assignment 04: A personal credential portfolio

        No single exam makes someone a healthcare AI expert; what counts is a verifiable
        portfolio of knowledge and experience (Dinc 2022). Here you build the tools to plan one:
        from a person's current skills and the frameworks they must work under, find the gaps,
        then choose a small set of credentials that closes them.

        Run the setup cell first. `python -m hcai validate 04-portfolio.ipynb` checks the whole
        notebook.
        """),
        {"kind": "setup", "source": SETUP},
        given("""
        skills = data.load("skills")
        requirements = data.load("framework_requirements")
        credential_skills = data.load("credential_skills")
        role_skills = data.load("role_skills")

        # The person you plan for: a nurse who already has the core skills of the nurse role,
        # and who joins a team building an AI medical device: the EU AI Act and FDA/Health
        # Canada/MHRA's Good Machine Learning Practice principles apply to the team's work.
        current_skills = sorted(role_skills.loc[(role_skills["role"] == "nurse") & (role_skills["priority"] == "core"), "skill_id"])
        targets = ["eu_ai_act", "gmlp_2021"]
        print(len(current_skills), "current skills; targets:", targets)
        """),
        md("""
        ## Question 1 (2 points)

        Write `needed_skills(framework_ids)`: the **sorted list** (no duplicates) of the
        `skill_id`s whose `topic` is the topic of at least one requirement of the given
        frameworks.
        """),
        answer("q1-answer", """
        def needed_skills(framework_ids):
            ### BEGIN SOLUTION
            topics = set(requirements.loc[requirements["framework_id"].isin(list(framework_ids)), "topic"])
            return sorted(set(skills.loc[skills["topic"].isin(topics), "skill_id"]))
            ### END SOLUTION
        """),
        tests("q1-tests", 2, """
        from hcai import checks, data
        _got = needed_skills(["eu_ai_act"])
        checks.check_type(_got, list, 'needed_skills(["eu_ai_act"])')
        assert len(_got) > 0, '`needed_skills(["eu_ai_act"])` is empty: link requirements to skills through `topic`.'
        assert needed_skills([]) == [], "`needed_skills([])` should be an empty list."
        ### BEGIN HIDDEN TESTS
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        _all = sorted(set(_r["framework_id"]))
        for _sel in (["eu_ai_act"], ["gdpr"], ["eu_ai_act", "gdpr"], _all[:3], _all):
            _topics = set(_r.loc[_r["framework_id"].isin(_sel), "topic"])
            checks.check_sorted_list(needed_skills(list(_sel)), sorted(set(_s.loc[_s["topic"].isin(_topics), "skill_id"])),
                                     f"needed_skills(<{len(_sel)} frameworks>)", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 2 (1 point)

        Write `gap_skills(current, framework_ids)`: the **sorted list** of needed skills (question
        1) that are **not** in `current`.
        """),
        answer("q2-answer", """
        def gap_skills(current, framework_ids):
            ### BEGIN SOLUTION
            have = set(current)
            return [s for s in needed_skills(framework_ids) if s not in have]
            ### END SOLUTION
        """),
        tests("q2-tests", 1, """
        from hcai import checks
        checks.check_type(gap_skills([], ["gdpr"]), list, 'gap_skills([], ["gdpr"])')
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        def _need(fw):
            t = set(_r.loc[_r["framework_id"].isin(fw), "topic"])
            return sorted(set(_s.loc[_s["topic"].isin(t), "skill_id"]))
        _need_both = _need(["eu_ai_act", "gdpr"])
        for _cur in ([], _need_both[:2], _need_both[::2], _need_both):
            checks.check_sorted_list(gap_skills(list(_cur), ["eu_ai_act", "gdpr"]),
                                     [x for x in _need_both if x not in set(_cur)],
                                     f"gap_skills(<{len(_cur)} current skills>, ['eu_ai_act', 'gdpr'])", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 3 (3 points)

        Write `pick_credentials(gaps, max_n=3)`: choose credentials **greedily**. At each step
        take the credential that covers the **most still-uncovered** skills in `gaps` (any
        `basis`); break ties by the `credential_id` that comes first alphabetically. Stop when
        every gap skill is covered, when no credential covers any remaining gap skill, or when
        you have `max_n` credentials. Return the **list** of chosen `credential_id`s in the
        order you picked them.
        """),
        answer("q3-answer", """
        def pick_credentials(gaps, max_n=3):
            ### BEGIN SOLUTION
            offers = credential_skills.groupby("credential_id")["skill_id"].apply(set).to_dict()
            left = set(gaps)
            chosen = []
            while left and len(chosen) < max_n:
                best = min(offers, key=lambda c: (-len(offers[c] & left), c))
                if not offers[best] & left:
                    break
                chosen.append(str(best))
                left -= offers[best]
            return chosen
            ### END SOLUTION
        """),
        tests("q3-tests", 3, """
        from hcai import checks, data
        _cs = data.load("credential_skills")
        _got = pick_credentials(sorted(set(_cs["skill_id"]))[:3])
        checks.check_type(_got, list, "pick_credentials(...)")
        assert 0 < len(_got) <= 3, "pick_credentials(...) should pick between 1 and `max_n` credentials here."
        assert pick_credentials([]) == [], "pick_credentials([]) should be an empty list: nothing to cover."
        ### BEGIN HIDDEN TESTS
        _offers = {str(k): set(v) for k, v in _cs.groupby("credential_id")["skill_id"]}
        def _greedy(gaps, max_n=3):
            left, out = set(gaps), []
            while left and len(out) < max_n:
                best = min(_offers, key=lambda c: (-len(_offers[c] & left), c))
                if not _offers[best] & left:
                    break
                out.append(best)
                left -= _offers[best]
            return out
        _sk = sorted(set(_cs["skill_id"]))
        for _gaps, _n in ((_sk, 3), (_sk, 1), (_sk[::3], 2), (_sk[1::2], 5), (_sk + ["no_such_skill"], 50)):
            _w = _greedy(_gaps, _n)
            _g = pick_credentials(list(_gaps), max_n=_n)
            checks.check_type(_g, list, f"pick_credentials(<{len(_gaps)} skills>, max_n={_n})")
            assert len(_g) == len(_w), (f"pick_credentials(<{len(_gaps)} skills>, max_n={_n}) picked {len(_g)} "
                                        "credentials; check when you stop.")
            assert list(_g) == _w, (f"pick_credentials(<{len(_gaps)} skills>, max_n={_n}) picked different credentials: "
                                    "count only still-uncovered skills at each step, and break ties alphabetically.")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 4 (2 points)

        Plan for the nurse above. Make `my_gaps` (her gap skills for `targets`), `my_plan`
        (`pick_credentials(my_gaps)`) and `left_over`: the **sorted list** of gap skills that no
        credential in `my_plan` covers.
        """),
        answer("q4-answer", """
        ### BEGIN SOLUTION
        my_gaps = gap_skills(current_skills, targets)
        my_plan = pick_credentials(my_gaps)
        left_over = sorted(set(my_gaps) - set(credential_skills.loc[credential_skills["credential_id"].isin(my_plan), "skill_id"]))
        ### END SOLUTION
        """),
        tests("q4-tests", 2, """
        from hcai import checks
        checks.check_type(my_gaps, list, "my_gaps")
        checks.check_type(my_plan, list, "my_plan")
        checks.check_type(left_over, list, "left_over")
        assert set(left_over) <= set(my_gaps), "`left_over` should only hold skills from `my_gaps`."
        ### BEGIN HIDDEN TESTS
        from hcai import data
        _s = data.load("skills")
        _r = data.load("framework_requirements")
        _rs = data.load("role_skills")
        _cs = data.load("credential_skills")
        _cur = set(_rs.loc[(_rs["role"] == "nurse") & (_rs["priority"] == "core"), "skill_id"])
        _t = set(_r.loc[_r["framework_id"].isin(["eu_ai_act", "gmlp_2021"]), "topic"])
        _gaps = sorted(set(_s.loc[_s["topic"].isin(_t), "skill_id"]) - _cur)
        checks.check_sorted_list(my_gaps, _gaps, "my_gaps", "skill ids")
        _offers = {str(k): set(v) for k, v in _cs.groupby("credential_id")["skill_id"]}
        _left, _plan = set(_gaps), []
        while _left and len(_plan) < 3:
            _best = min(_offers, key=lambda c: (-len(_offers[c] & _left), c))
            if not _offers[_best] & _left:
                break
            _plan.append(_best)
            _left -= _offers[_best]
        assert list(my_plan) == _plan, "`my_plan` is not the greedy choice for `my_gaps` (use `pick_credentials`)."
        _covered = set(_cs.loc[_cs["credential_id"].isin(list(my_plan)), "skill_id"])
        checks.check_sorted_list(left_over, sorted(set(_gaps) - _covered), "left_over", "skill ids")
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 5 (2 points)

        Which skill areas do the roles put first? Make `top_domains`: the **list** of the three
        skill `domain`s that appear most often among the **core** entries of `role_skills` (all
        four roles together), most frequent first, ties broken alphabetically.
        """),
        answer("q5-answer", """
        ### BEGIN SOLUTION
        _core = role_skills[role_skills["priority"] == "core"].merge(skills[["skill_id", "domain"]], on="skill_id")
        _n = _core["domain"].astype(str).value_counts()
        top_domains = sorted(_n.index, key=lambda d: (-_n[d], d))[:3]
        ### END SOLUTION
        """),
        tests("q5-tests", 2, """
        from hcai import checks, data
        checks.check_type(top_domains, list, "top_domains")
        checks.check_len(top_domains, 3, "top_domains", "domains")
        assert set(top_domains) <= set(map(str, data.load("skills")["domain"].cat.categories)), (
            "`top_domains` should hold skill domains (the `domain` column of `skills`).")
        ### BEGIN HIDDEN TESTS
        _s = data.load("skills")
        _rs = data.load("role_skills")
        _core = _rs[_rs["priority"] == "core"].merge(_s[["skill_id", "domain"]], on="skill_id")
        _n = _core["domain"].astype(str).value_counts()
        _exp = sorted(_n.index, key=lambda d: (-_n[d], d))[:3]
        checks.check_set(top_domains, _exp, "top_domains", "domains")
        assert list(top_domains) == _exp, "`top_domains` has the right domains in the wrong order (most frequent first, ties alphabetical)."
        ### END HIDDEN TESTS
        """),
        md("""
        ## Question 6 (4 points, graded by hand)

        Now plan **your own** portfolio. In 200–300 words: state your role and the frameworks
        you will work under, list your gap skills (you may run your functions on your own
        `current` list in a new cell), name the credentials you would take and why, and say
        what evidence each leaves that someone else could verify. Say which gaps no credential
        closes and how you would close them instead (supervised practice, a project, a
        publication...).
        """),
        manual("q6-written", 4, """
        I am an ICU nurse moving into a clinical AI project... (model answer: see the rubric).
        """),
    ],
)


# --------------------------------------------------------------------------------------------
def _cell_id(aid: str, i: int, cell: dict) -> str:
    return cell.get("gid") or f"{cell['kind']}-{i:02d}"


def build_notebook(aid: str, spec: dict) -> dict:
    """The nbformat-4.5 notebook for one assignment, with nbgrader metadata on every cell."""
    cells = []
    for i, c in enumerate(spec["cells"]):
        kind = c["kind"]
        cid = _cell_id(aid, i, c)
        meta_nb = {"schema_version": 3, "grade_id": cid, "task": False}
        if kind == "md":
            cell = {"cell_type": "markdown", "source": c["source"]}
            meta_nb.update(grade=False, solution=False, locked=True)
        elif kind in ("setup", "given"):
            cell = {"cell_type": "code", "source": c["source"], "outputs": [], "execution_count": None}
            meta_nb.update(grade=False, solution=False, locked=True)
        elif kind == "answer":
            cell = {"cell_type": "code", "source": c["source"], "outputs": [], "execution_count": None}
            meta_nb.update(grade=False, solution=True, locked=False)
        elif kind == "tests":
            cell = {"cell_type": "code", "source": c["source"], "outputs": [], "execution_count": None}
            meta_nb.update(grade=True, solution=False, locked=True, points=c["points"])
        elif kind == "manual":
            if c["code"]:
                cell = {"cell_type": "code", "source": c["source"], "outputs": [], "execution_count": None}
            else:
                cell = {"cell_type": "markdown", "source": c["source"]}
            meta_nb.update(grade=True, solution=True, locked=False, points=c["points"])
        else:  # pragma: no cover - an authoring mistake
            raise ValueError(kind)
        cell["id"] = cid
        cell["metadata"] = {"nbgrader": meta_nb, "editable": kind in ("answer", "manual"),
                            "deletable": False}
        cell["source"] = cell["source"].rstrip("\n")
        cells.append(cell)
    ids = [c["id"] for c in cells]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{aid}: duplicate cell ids")
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11"},
            "title": spec["title"],
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def main(argv: list[str]) -> int:
    for aid, spec in ASSIGNMENTS.items():
        out = SOURCE / aid / f"{aid}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nb = build_notebook(aid, spec)
        out.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
