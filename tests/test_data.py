"""Tests for the data layer: data/*.csv, data/datapackage.json and hcai.data.

Three groups: the shipped tables are valid and typed; the course's content rules hold
(sources, verification, topic links, dates the book relies on); and broken copies of
every table are rejected with a message that names the file, column and problem.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from hcai import data, paths

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TABLES = [r["name"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]]
FDA = "fda_ai_enabled_devices"
#: From /work/shared/data/PROVENANCE.md (the copy as obtained from onlyjazz/pattern-factory).
FDA_SHA256 = "4da0d15a1dcc7b6a7d45364f243e85aa4407ba3b63b6922a16fdbf96fea0d41d"


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the course's data folder inside a fake course root."""
    root = tmp_path / "course"
    shutil.copytree(DATA, root / "data")
    for f in (root / "data").iterdir():
        f.chmod(0o644)  # the FDA file is read-only in the repository
    return root


def _read_raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _write_raw(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def _fields(name: str) -> list[dict]:
    return data.schema(name)["schema"]["fields"]


# ----------------------------------------------------------------------------- shipped tables

def test_every_table_validates() -> None:
    results = data.validate_all()
    assert set(results) == set(TABLES)
    assert {k: v for k, v in results.items() if v} == {}


def test_package_describes_exactly_the_csv_files() -> None:
    on_disk = {p.stem for p in DATA.glob("*.csv")}
    assert set(data.list_tables()) == on_disk
    for name in data.list_tables():
        res = data.schema(name)
        assert res["path"] == f"{name}.csv"
        assert res["licenses"], name
        assert res["sources"], name
        names = [f["name"] for f in res["schema"]["fields"]]
        assert list(_read_raw(DATA / res["path"]).columns) == names, name


@pytest.mark.parametrize("name", TABLES)
def test_load_types_follow_the_schema(name: str) -> None:
    frame = data.load(name)
    assert len(frame) > 0
    for field in _fields(name):
        col, kind = frame[field["name"]], field["type"]
        required = field.get("constraints", {}).get("required", False)
        if kind == "date":
            assert pd.api.types.is_datetime64_any_dtype(col), field["name"]
        elif kind == "integer":
            assert str(col.dtype) == ("int64" if required else "Int64"), field["name"]
        elif kind == "boolean":
            assert col.dtype == bool, field["name"]
        elif "enum" in field.get("constraints", {}) and not field.get("x-list-separator"):
            assert isinstance(col.dtype, pd.CategoricalDtype), field["name"]
            assert list(col.cat.categories) == field["constraints"]["enum"], field["name"]
            assert col.cat.ordered == bool(field.get("x-ordered")), field["name"]
        elif field.get("x-categorical"):
            assert isinstance(col.dtype, pd.CategoricalDtype), field["name"]
        else:
            assert col.dtype == "str", field["name"]
            if not required:
                assert not (col == "").any(), f"{field['name']}: empty cells must load as missing"


def test_specific_dtypes() -> None:
    creds = data.load("credentials")
    assert str(creds["renewal_years"].dtype) == "Int64"
    assert creds.loc[creds.credential_id == "himss_cpdhts", "renewal_years"].item() == 2
    assert creds["renewal_years"].isna().any()
    assert creds["cited_in_article"].dtype == bool
    assert creds["date_checked"].dt.year.eq(2026).all()
    imdrf = data.load("imdrf_samd_categories")
    assert imdrf["category"].cat.ordered and imdrf["category"].max() == "IV"
    assert list(imdrf["impact"].cat.categories) == ["low", "medium", "high", "very_high"]


def test_load_accepts_csv_suffix_and_rejects_unknown_names() -> None:
    assert len(data.load("topics.csv")) == len(data.load("topics"))
    with pytest.raises(data.DataError, match=r"no table named 'nope'.*credentials"):
        data.load("nope")
    assert "no table named" in data.validate("nope")[0]


# ----------------------------------------------------------------------------- FDA table

def test_fda_file_is_the_published_copy() -> None:
    raw = (DATA / f"{FDA}.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == FDA_SHA256
    assert data.schema(FDA)["hash"] == f"sha256:{FDA_SHA256}"
    assert FDA_SHA256 in (DATA / "README.md").read_text()
    assert raw.count(b"\r\n") >= 1525  # CRLF kept: header + 1,524 records


def test_fda_rows_columns_and_dates() -> None:
    fda = data.load(FDA)
    assert len(fda) == 1524
    assert list(fda.columns) == ["Date of Final Decision", "Submission Number", "Device", "Company",
                                 "Panel (Lead)", "Primary Product Code"]
    assert fda["Date of Final Decision"].min() == pd.Timestamp("1995-09-29")
    assert fda["Date of Final Decision"].max() == pd.Timestamp("2026-03-30")
    assert isinstance(fda["Panel (Lead)"].dtype, pd.CategoricalDtype)
    assert "Clinical Toxcicology" in fda["Panel (Lead)"].cat.categories
    assert fda["Submission Number"].is_unique


def test_fda_counts_by_submission_prefix() -> None:
    prefix = data.load(FDA)["Submission Number"].str.extract(r"^(DEN|K|P)")[0]
    assert prefix.value_counts().to_dict() == {"K": 1466, "DEN": 39, "P": 19}


def test_fda_reading_survives_a_byte_order_mark(course_copy: Path) -> None:
    path = course_copy / "data" / f"{FDA}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    problems = data.validate(FDA, data_dir=course_copy / "data")
    # Only the pinned hash notices the added BOM: the header and rows still parse.
    assert len(problems) == 1 and "sha256" in problems[0]


# ----------------------------------------------------------------------------- where files are found

def test_load_works_from_another_cwd(tmp_path: Path) -> None:
    code = "from hcai import data; print(len(data.load('credentials')), len(data.load('fda_ai_enabled_devices')))"
    env = {k: v for k, v in os.environ.items() if k != "HCAI_ROOT"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(len(data.load("credentials"))), "1524"]


def test_hcai_root_is_honoured_at_call_time(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    topics = course_copy / "data" / "topics.csv"
    frame = _read_raw(topics)
    _write_raw(frame.iloc[:3], topics)
    monkeypatch.setenv("HCAI_ROOT", str(course_copy))
    assert len(data.load("topics")) == 3
    monkeypatch.delenv("HCAI_ROOT")
    assert len(data.load("topics")) == len(frame)
    assert paths.DATA_DIR == DATA


def test_missing_file_and_missing_package(course_copy: Path) -> None:
    folder = course_copy / "data"
    (folder / "skills.csv").unlink()
    with pytest.raises(data.DataError, match=r"data/skills\.csv: file not found"):
        data.load("skills", data_dir=folder)
    # credential_skills points at skills, so its foreign-key check names the missing file too
    assert any("skills.csv: file not found" in p for p in data.validate("credential_skills", data_dir=folder))
    (folder / "datapackage.json").unlink()
    with pytest.raises(data.DataError, match="datapackage.json: file not found"):
        data.list_tables(folder)


# ----------------------------------------------------------------------------- broken copies

def _breakages(name: str) -> list[tuple[str, str]]:
    """(kind, column) pairs that apply to table ``name``."""
    res = data.schema(name)
    fields = res["schema"]["fields"]
    out = [("missing_column", fields[-1]["name"])]
    enum = [f for f in fields if "enum" in f.get("constraints", {})]
    if enum:
        out.append(("bad_enum", enum[0]["name"]))
    pk = res["schema"]["primaryKey"]
    out.append(("duplicate_key", pk if isinstance(pk, str) else pk[0]))
    if res["schema"]["foreignKeys"]:
        fk = res["schema"]["foreignKeys"][0]["fields"]
        out.append(("broken_foreign_key", fk if isinstance(fk, str) else fk[0]))
    required = [f for f in fields if f.get("constraints", {}).get("required") and f["type"] == "string"]
    out.append(("empty_required", required[-1]["name"]))
    dates = [f for f in fields if f["type"] == "date"]
    if dates:
        out.append(("unparsable_date", dates[0]["name"]))
    return out


CASES = [(name, kind, col) for name in TABLES for kind, col in _breakages(name)]
EXPECTED = {
    "missing_column": "column is missing",
    "bad_enum": "'not_a_value' is not one of",
    "duplicate_key": "unique",
    "broken_foreign_key": "'no_such_id' is not a",
    "empty_required": "a value is required but the cell is empty",
    "unparsable_date": "'2024-02-30' is not a date",
}


def test_every_kind_of_breakage_is_exercised_and_every_table_is_broken() -> None:
    assert {kind for _, kind, _ in CASES} == set(EXPECTED)
    assert {name for name, _, _ in CASES} == set(TABLES)


@pytest.mark.parametrize(("name", "kind", "column"), CASES, ids=[f"{n}-{k}" for n, k, _ in CASES])
def test_broken_copy_is_rejected(course_copy: Path, name: str, kind: str, column: str) -> None:
    folder = course_copy / "data"
    path = folder / f"{name}.csv"
    frame = _read_raw(path)
    if kind == "missing_column":
        frame = frame.drop(columns=[column])
    elif kind == "duplicate_key":
        frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    else:
        value = {"bad_enum": "not_a_value", "broken_foreign_key": "no_such_id", "empty_required": "",
                 "unparsable_date": "2024-02-30"}[kind]
        frame.loc[0, column] = value
    _write_raw(frame, path)

    problems = data.validate(name, data_dir=folder)
    matching = [p for p in problems if EXPECTED[kind] in p]
    assert matching, problems
    assert matching[0].startswith(f"data/{name}.csv")
    assert f"'{column}'" in matching[0]
    if kind not in ("missing_column", "duplicate_key"):
        assert "row 2" in matching[0]
    with pytest.raises(data.DataError) as err:
        data.load(name, data_dir=folder)
    assert EXPECTED[kind] in str(err.value)


def test_broken_copy_is_rejected_through_hcai_root(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = course_copy / "data" / "credentials.csv"
    frame = _read_raw(path)
    frame.loc[5, "delivery"] = "onlin"
    _write_raw(frame, path)
    monkeypatch.setenv("HCAI_ROOT", str(course_copy))
    with pytest.raises(data.DataError, match=r"^data/credentials\.csv, column 'delivery', row 7: 'onlin' is not one of online, "):
        data.load("credentials")


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("category", "professional", "does not fit: credential_type 'degree_track' needs category 'academic'"),
    ("audience", "physician;doctor", "'doctor' (in 'physician;doctor') is not one of"),
    ("renewal_years", "three", "'three' is not a whole number"),
    ("cited_in_article", "yes", "'yes' is not a boolean"),
    ("source_url", "www.example.org", "does not match the pattern"),
    ("credential_id", "Harvard AIM", "does not match the pattern"),
])
def test_other_cell_rules(course_copy: Path, column: str, value: str, expected: str) -> None:
    folder = course_copy / "data"
    frame = _read_raw(folder / "credentials.csv")
    assert frame.loc[0, "credential_type"] == "degree_track"  # the category case relies on it
    frame.loc[0, column] = value
    _write_raw(frame, folder / "credentials.csv")
    problems = data.validate("credentials", data_dir=folder)
    assert any(expected in p and f"column '{column}', row 2" in p for p in problems), problems


@pytest.mark.parametrize("name", ["credentials", "frameworks", "regulatory_timeline"])
def test_unverified_row_without_a_note_is_rejected(course_copy: Path, name: str) -> None:
    folder = course_copy / "data"
    frame = _read_raw(folder / f"{name}.csv")
    frame.loc[0, "verification"] = "unverified"
    frame.loc[0, "notes"] = ""
    _write_raw(frame, folder / f"{name}.csv")
    problems = data.validate(name, data_dir=folder)
    assert any("column 'notes', row 2: a value is required when verification is 'unverified'" in p for p in problems)


def test_changed_fda_file_fails_hash_and_row_count(course_copy: Path) -> None:
    path = course_copy / "data" / f"{FDA}.csv"
    _write_raw(_read_raw(path).iloc[:-1], path)
    problems = data.validate(FDA, data_dir=course_copy / "data")
    assert any("1523 rows but datapackage.json says 1524" in p for p in problems)
    assert any("sha256 is" in p for p in problems)


def test_ragged_csv_is_a_data_error(course_copy: Path) -> None:
    path = course_copy / "data" / "topics.csv"
    path.write_text(path.read_text() + "a,b,c,d,e\n")
    with pytest.raises(data.DataError, match=r"data/topics\.csv: cannot be read as CSV"):
        data.load("topics", data_dir=course_copy / "data")


# ----------------------------------------------------------------------------- content rules

VERIFIED_TABLES = ["credentials", "frameworks", "framework_requirements", "regulatory_timeline"]


@pytest.mark.parametrize("name", VERIFIED_TABLES)
def test_sources_and_verification(name: str) -> None:
    frame = data.load(name)
    assert "verification" in frame.columns
    if "source_url" in frame.columns:
        assert frame["source_url"].notna().all() and frame["source_url"].str.strip().ne("").all()
    else:  # requirements inherit the framework's source
        assert name == "framework_requirements"
    unverified = frame[frame["verification"] == "unverified"]
    if "notes" in frame.columns:
        assert unverified["notes"].notna().all()
        assert unverified["notes"].str.contains("nverified").all()
    else:
        assert unverified.empty


def test_article_credentials_that_could_not_be_found_are_flagged() -> None:
    creds = data.load("credentials").set_index("credential_id")
    for cid in ("jhu_ai_certificate_as_cited", "harvard_chan_ai_cert_specialization"):
        assert creds.at[cid, "verification"] == "unverified"
        assert creds.at[cid, "cited_in_article"]
    abaim = creds.loc["abaim_educational_certification"]
    assert abaim["credential_type"] == "educational_certification"
    assert "not ABMS board certification" in abaim["notes"]
    assert not creds[creds.credential_type == "board_certification"]["provider"].str.contains("ABAIM").any()


def test_topics_link_skills_and_requirements() -> None:
    topics = set(data.load("topics")["topic_id"])
    skill_topics = set(data.load("skills")["topic"])
    req_topics = set(data.load("framework_requirements")["topic"])
    assert req_topics <= skill_topics, req_topics - skill_topics
    assert topics == skill_topics | req_topics


def test_skill_sources() -> None:
    skills = data.load("skills")
    counts = skills["source_framework"].value_counts().to_dict()
    assert (counts["russell2023"], counts["gazquez2025"], counts["gmlp2021"]) == (6, 4, 10)
    assert counts["course_team"] >= 3
    framework_skills = skills[skills.source_framework != "course_team"]
    assert framework_skills["source_ref"].notna().all()


def test_ai_act_dates_for_medical_devices() -> None:
    reqs = data.load("framework_requirements").set_index("requirement_id")
    assert reqs.at["ai_act_art4", "applies_from"] == pd.Timestamp("2025-02-02")
    for art in ("9", "10", "11", "12", "13", "14", "15", "17"):
        assert reqs.at[f"ai_act_art{art}", "applies_from"] == pd.Timestamp("2028-08-02"), art
    timeline = data.load("regulatory_timeline")
    ai_act = timeline[timeline.framework_id == "eu_ai_act"]
    original = ai_act[(ai_act.date == "2027-08-02") & (ai_act.event_type == "applies")]
    assert len(original) == 1 and original["notes"].str.startswith("original date").all()
    amended = ai_act[(ai_act.date == "2028-08-02") & (ai_act.event_type == "amended")]
    assert len(amended) == 1 and amended["verification"].item() == "secondary"
    assert (ai_act.event_type == "adopted").sum() >= 2


def test_timeline_covers_the_years_and_recent_changes() -> None:
    timeline = data.load("regulatory_timeline")
    assert 30 <= len(timeline) <= 60
    assert timeline["date"].min().year == 1995
    assert timeline["event_id"].tolist() == sorted(timeline["event_id"])
    assert timeline["date"].is_monotonic_increasing
    events = set(zip(timeline["framework_id"].fillna(""), timeline["date"].dt.strftime("%Y-%m-%d"), timeline["event_type"]))
    for expected in [("fda_cds_2026", "2026-01-06", "final_issued"), ("onc_hti5", "2025-12-29", "proposed"),
                     ("onc_hti5", "2026-02-27", "comment_deadline"), ("imdrf_gmlp_n88", "2025-01-30", "published"),
                     ("fda_ai_dsf_draft_2025", "2025-01-07", "draft_issued"), ("eu_ai_act", "2026-06-16", "adopted")]:
        assert expected in events, expected


def test_framework_statuses() -> None:
    fw = data.load("frameworks").set_index("framework_id")
    assert len(fw) >= 25
    assert fw.at["fda_cds_2022", "status"] == "superseded"
    assert fw.at["fda_cds_2026", "status"] == "final"
    assert fw.at["fda_ai_dsf_draft_2025", "status"] == "draft"
    assert fw.at["onc_hti5", "status"] == "proposed"
    assert fw.at["fda_pccp_2024", "date_published"] == pd.Timestamp("2024-12-04")


def test_imdrf_matrix_is_n12() -> None:
    imdrf = data.load("imdrf_samd_categories")
    got = {(r.situation, r.significance): r.category for r in imdrf.itertuples()}
    sig = ["treat_or_diagnose", "drive_clinical_management", "inform_clinical_management"]
    rows = {"critical": ["IV", "III", "II"], "serious": ["III", "II", "I"], "non_serious": ["II", "I", "I"]}
    assert got == {(s, g): c for s, cats in rows.items() for g, c in zip(sig, cats)}
    impact = dict(zip(imdrf["category"], imdrf["impact"]))
    assert impact == {"I": "low", "II": "medium", "III": "high", "IV": "very_high"}


def test_mappings() -> None:
    cs = data.load("credential_skills")
    assert 60 <= len(cs) <= 90
    roles = data.load("role_skills")["role"].value_counts()
    assert set(roles.index) == {"physician", "nurse", "informaticist", "data_scientist"}
    assert roles.between(8, 12).all()
    creds = data.load("credentials").set_index("credential_id")
    mapped = creds.loc[cs["credential_id"].unique(), "verification"]
    assert not (mapped == "unverified").any()  # nothing is known about what unverified programmes teach


def test_readme_has_a_section_per_table_and_no_answer_keys() -> None:
    readme = (DATA / "README.md").read_text()
    for name in TABLES:
        assert f"## {name}.csv" in readme, name
    assert "no answer keys" in readme.lower()
    assert "course_team_judgement" in readme


# ----------------------------------------------------------------------------- command line

def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    data.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_list_and_validate(capsys: pytest.CaptureFixture[str], course_copy: Path) -> None:
    assert _cli(["data", "list"]) == 0
    assert "fda_ai_enabled_devices" in capsys.readouterr().out
    assert _cli(["data", "validate"]) == 0
    assert capsys.readouterr().out.count("ok ") == len(TABLES)
    assert _cli(["data", "validate", "skills"]) == 0
    path = course_copy / "data" / "skills.csv"
    frame = _read_raw(path)
    frame.loc[0, "topic"] = "no_such_topic"
    _write_raw(frame, path)
    assert _cli(["data", "validate", "skills", "--data-dir", str(course_copy / "data")]) == 1
    out = capsys.readouterr().out
    assert "INVALID skills" in out and "'no_such_topic' is not a topic_id" in out


def test_cli_module_exit_status(course_copy: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "hcai.data", "validate"], cwd=REPO, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    path = course_copy / "data" / "role_skills.csv"
    path.write_text(path.read_text() + "physician,russell_basic_ai_knowledge,core\n")
    bad = subprocess.run([sys.executable, "-m", "hcai.data", "validate", "--data-dir", str(course_copy / "data")],
                         cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "duplicate key (role='physician', skill_id='russell_basic_ai_knowledge')" in bad.stdout
