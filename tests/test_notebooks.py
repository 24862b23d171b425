"""The worked-example notebooks (notebooks/*.ipynb) are book pages that the build executes.

These tests run each notebook top to bottom with nbclient, as the build would, from the
notebooks folder and from an unrelated working directory (a learner may open them from
anywhere), and check what the book needs from them: one H1 title, no committed outputs,
and real alt text and a caption on every figure. Alt text is static cell metadata, so the
numbers it states are recounted from the data here: a data change that makes a figure's
description false fails a test. The FDA notebook's device total must be 1,524.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from markdown_it import MarkdownIt
from nbclient import NotebookClient

from hcai import paths

NOTEBOOKS = ("01-credential-landscape", "03a-fda-ai-devices", "03b-regulatory-timeline",
             "04-skills-heatmap")
MIN_ALT_CHARS = 20
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")


def _path(name: str) -> Path:
    return paths.NOTEBOOKS_DIR / f"{name}.ipynb"


def _execute(name: str, cwd: Path, sockets: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(_path(name), as_version=4)
    # IPC sockets instead of TCP ports: several kernels start at once (here and in other
    # processes on the machine), and TCP port picking can race ("Address already in use").
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel"))
    # The build's own limit (_config.yml) is 120 s; a worked example should need seconds.
    NotebookClient(nb, km=km, timeout=60, resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    return nb


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[tuple[str, str], nbformat.NotebookNode | BaseException]:
    """Every notebook executed twice, in parallel: from notebooks/ (the build's working
    directory) and from an empty folder elsewhere (a learner may start Jupyter anywhere).

    Kernels spend much of their time starting and importing, so a few threads keep both
    cores busy; a failure is stored, not raised, so each test reports its own notebook.
    """
    jobs = {}
    for name in NOTEBOOKS:
        jobs[(name, "notebooks")] = paths.NOTEBOOKS_DIR
        jobs[(name, "elsewhere")] = tmp_path_factory.mktemp(f"cwd-{name}")
    # Kernels inherit their parent's environment, and a parent may have chosen a
    # non-inline matplotlib backend (nbgrader's config sets MPLBACKEND=Agg in the book
    # build's process). The notebooks must still draw their figures, so one run of each
    # gets that environment and the other a clean one.
    env_of = {"notebooks": {k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
              "elsewhere": {**os.environ, "MPLBACKEND": "Agg"}}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(_execute, key[0], cwd,
                                    tmp_path_factory.mktemp("k"),  # short: socket paths max ~100 chars
                                    env_of[key[1]])
                   for key, cwd in jobs.items()}
    results: dict = {}
    for key, future in futures.items():
        error = future.exception()
        results[key] = error if error is not None else future.result()
        if key[1] == "elsewhere":
            results[(key[0], "elsewhere-dir")] = jobs[key]
    return results


def _executed(runs, name: str) -> nbformat.NotebookNode:
    """``name`` as executed from notebooks/; a failed run fails only the tests that need it."""
    result = runs[(name, "notebooks")]
    if isinstance(result, BaseException):
        pytest.fail(f"{name} failed to execute from notebooks/: {result}")
    return result


def _images(cell: nbformat.NotebookNode) -> int:
    return sum(1 for out in cell.get("outputs", [])
               if any(m in out.get("data", {}) for m in IMAGE_MIMES))


def _rich_outputs(cell: nbformat.NotebookNode) -> int:
    # myst-nb wraps every display/result output of a figure cell in the figure, so a second
    # one (a returned table, say) becomes a second figure with a duplicate name.
    return sum(1 for out in cell.get("outputs", [])
               if out.get("output_type") in ("display_data", "execute_result")
               and "scrapbook" not in out.get("metadata", {}))


def _glued(nb: nbformat.NotebookNode, key: str) -> str:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook", {})
            if scrap.get("name") == key:
                return out["data"][scrap.get("mime_prefix", "") + "text/plain"]
    raise AssertionError(f"nothing glued as {key!r}")


def _alt_texts(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {cell.metadata["mystnb"]["figure"]["name"]: cell.metadata["mystnb"]["image"]["alt"]
            for cell in nb.cells
            if cell.cell_type == "code" and "figure" in cell.metadata.get("mystnb", {})}


@pytest.mark.kernel
@pytest.mark.parametrize("where", ["notebooks", "elsewhere"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom(name: str, where: str, runs) -> None:
    nb = runs[(name, where)]
    assert not isinstance(nb, BaseException), f"{name} failed from {where}: {nb}"
    errors = [out for cell in nb.cells for out in cell.get("outputs", [])
              if out.get("output_type") == "error"]
    assert not errors
    unexecuted = [i for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and c.source.strip() and c.execution_count is None]
    assert not unexecuted, f"cells {unexecuted} did not run"
    assert any(_images(c) for c in nb.cells), "expected at least one figure"
    if where == "elsewhere":
        cwd = runs[(name, "elsewhere-dir")]
        assert not list(cwd.iterdir()), "the notebook wrote files into its working directory"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_exactly_one_h1_in_the_first_cell(name: str) -> None:
    nb = nbformat.read(_path(name), as_version=4)
    md = MarkdownIt("commonmark")
    h1 = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            h1 += [i for tok in md.parse(cell.source)
                   if tok.type == "heading_open" and tok.tag == "h1"]
    assert h1 == [0], f"H1 headings in cells {h1}; want exactly one, in the first cell"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(_path(name), as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"cells {dirty} carry outputs or execution counts; clear them"


@pytest.mark.kernel
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_figure_has_alt_text_and_caption(name: str, runs) -> None:
    names = []
    for i, cell in enumerate(_executed(runs, name).cells):
        meta = cell.metadata.get("mystnb", {}) if cell.cell_type == "code" else {}
        n_images = _images(cell)
        if n_images:
            alt = meta.get("image", {}).get("alt", "")
            fig = meta.get("figure", {})
            assert len(alt.strip()) >= MIN_ALT_CHARS, f"cell {i}: alt text missing or too short"
            assert not alt.lower().startswith(("figure", "image", "plot")), \
                f"cell {i}: alt text should describe the content, not the element"
            assert fig.get("caption") and fig.get("name", "").startswith("fig-"), \
                f"cell {i}: needs a caption and a fig- name"
            # One caption and alt text describe one image; a second figure would reuse them.
            assert n_images == 1, f"cell {i} draws {n_images} figures"
            assert _rich_outputs(cell) == 1, f"cell {i}: the figure must be its only rich output"
            names.append(fig["name"])
        else:
            assert "image" not in meta and "figure" not in meta, \
                f"cell {i}: figure metadata on a cell that draws no figure"
    assert names, "no figures"
    assert len(set(names)) == len(names)


@pytest.mark.kernel
def test_fda_device_total_is_1524(runs) -> None:
    assert int(_glued(_executed(runs, "03a-fda-ai-devices"), "n_devices")) == 1524


def test_fda_alt_text_states_the_data() -> None:
    """The alt text is static; recount from the file so a new snapshot cannot leave it stale."""
    import pandas as pd

    from hcai import data

    devices = data.load("fda_ai_enabled_devices")
    years = pd.to_datetime(devices["Date of Final Decision"], format="%m/%d/%Y").dt.year
    nb = nbformat.read(_path("03a-fda-ai-devices"), as_version=4)
    alts = _alt_texts(nb)

    per_year = years.value_counts()
    for year in range(2015, 2026):
        assert f"{per_year[year]} in {year}" in alts["fig-fda-per-year"], year
    assert f"shows {per_year[2026]}" in alts["fig-fda-per-year"]

    def states(text: str, label: str, count: int) -> bool:
        # "<label> ... <count>" with only a few words between them
        return re.search(rf"{re.escape(label)}\D{{0,25}}\b{count}\b", text) is not None

    panels = devices["Panel (Lead)"].astype(str).value_counts()
    for panel in ("Radiology", "Cardiovascular", "Neurology", "Anesthesiology"):
        assert states(alts["fig-fda-panels"], panel, panels[panel]), panel

    prefix = devices["Submission Number"].astype(str).str.extract(r"^(DEN|K|P)", expand=False)
    counts = prefix.value_counts()
    for label, key in (("510(k)", "K"), ("De Novo", "DEN"), ("PMA", "P")):
        assert states(alts["fig-fda-pathways"], label, counts[key]), label


@pytest.mark.kernel
def test_fda_cagr_matches_the_formula(runs) -> None:
    nb = _executed(runs, "03a-fda-ai-devices")
    n18, n25, cagr = (float(_glued(nb, k)) for k in ("n_2018", "n_2025", "cagr"))
    assert cagr == pytest.approx((n25 / n18) ** (1 / 7) - 1)
    assert any(re.search(r"\\mathrm\{CAGR\}", c.source) for c in nb.cells
               if c.cell_type == "markdown"), "the CAGR formula should be MyST math"


def _states(text: str, label: str, count: int) -> bool:
    """Whether ``text`` gives ``count`` for ``label`` ("<label> ... <count>", a few words apart)."""
    return re.search(rf"{re.escape(label)}\D{{0,25}}\b{count}\b", text) is not None


def test_credentials_alt_text_states_the_data() -> None:
    from hcai import data

    creds = data.load("credentials")
    alts = _alt_texts(nbformat.read(_path("01-credential-landscape"), as_version=4))
    assert f"the {len(creds)} credentials" in alts["fig-credentials-by-type"]
    for ctype, n in creds["credential_type"].value_counts().items():
        if n:
            assert _states(alts["fig-credentials-by-type"], ctype.replace("_", " "), n), ctype
    named = creds["audience"].dropna().str.split(";").explode().value_counts()
    text = alts["fig-credentials-by-audience"]
    for audience, n in named.items():
        if n > 1:  # the 1s are stated as a group ("... and engineer 1 each")
            assert _states(text, audience.replace("_", " "), n), audience
        else:
            assert audience.replace("_", " ") in text and "1 each" in text, audience
    assert f"shows {creds['audience'].isna().sum()} credentials whose provider names no" in text


def test_timeline_alt_text_states_the_data() -> None:
    import pandas as pd

    from hcai import data

    events = data.load("regulatory_timeline").merge(
        data.load("frameworks")[["framework_id", "status"]], on="framework_id", how="left")
    shown = events[events["date"] >= pd.Timestamp("2016-07-01")]
    tentative = (shown["event_type"].astype(str).isin(["proposed", "draft_issued", "comment_deadline"])
                 | shown["status"].astype(str).isin(["draft", "proposed"]))
    lanes = shown["jurisdiction"].astype(str).value_counts()
    text = _alt_texts(nbformat.read(_path("03b-regulatory-timeline"), as_version=4))[
        "fig-regulatory-timeline"]
    assert f"of {len(shown)} regulatory events" in text
    assert f"EU {lanes['EU']}, US {lanes['US']}, International {lanes['International']}" in text
    assert f"{tentative.sum()} events are drawn hollow" in text
    assert f"{tentative[shown['jurisdiction'].astype(str) == 'US'].sum()} in the US" in text
    in_band = shown["date"].between(pd.Timestamp("2025-01-01"), pd.Timestamp("2026-12-31"))
    assert f"{in_band.sum()} events fall in the shaded" in text
    assert f"{(shown['date'] > pd.Timestamp('2026-11-25')).sum()} events lie after" in text
    n_unverified = (shown["verification"].astype(str) == "unverified").sum()
    assert re.search(rf"{_number_word(n_unverified)} [A-Za-z]+ \d{{4}} events are marked unverified", text)


def test_heatmap_alt_text_states_the_data() -> None:
    from hcai import data

    skills = data.load("skills")
    reqs = data.load("framework_requirements")
    frameworks = data.load("frameworks")
    current = frameworks[frameworks["status"].astype(str) != "superseded"]
    pairs = skills.merge(reqs, on="topic").merge(current, on="framework_id")
    counts = pairs.groupby(["skill_id", "short_name"]).size()
    per_framework = pairs.groupby("short_name")["skill_id"].nunique()
    columns = current[current["framework_id"].isin(pairs["framework_id"])]
    juris = columns["jurisdiction"].astype(str).value_counts()
    text = _alt_texts(nbformat.read(_path("04-skills-heatmap"), as_version=4))["fig-skills-heatmap"]

    assert f"{len(skills)} skills in {skills['domain'].nunique()} domains" in text
    assert f"{len(columns)} current frameworks" in text
    assert f"{juris['EU']} EU, {juris['US']} US, {juris['International']} international" in text
    assert f"the largest count, {counts.max()}, appears three times" in text
    assert (counts == counts.max()).sum() == 3
    assert f"touches the most skills, {per_framework.max()}" in text
    assert per_framework.idxmax() == "EU AI Act"
    assert f"GMLP 2021 with {per_framework['GMLP 2021']}" in text
    unmatched = set(skills["skill_id"]) - set(pairs["skill_id"])
    assert f"{_number_word(len(unmatched))} skills" in text and "match no requirement" in text


def _number_word(n: int) -> str:
    return {1: "One", 2: "Two", 3: "Three", 4: "Four"}.get(n, str(n))
