"""The explorer's data (issue 19 item 4): pathways.csv by hand arithmetic, the checked reading of
the tracking tables, the assembled records and the self-contained page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from subnat.aggregate.actor_paths import actor_pathways
from subnat.aggregate.assess import assess, prepare
from subnat.case.folder import resolve_case
from subnat.config import sources_from
from subnat.errors import InputError
from subnat.explorer.build import write_case, write_index
from subnat.explorer.data import PROGRESS_COLUMNS, ExplorerInputs, assemble, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "explorer"


@pytest.fixture(scope="module")
def demo():
    """The demo case assessed under full implementation (deterministic pathways), 16 draws."""
    run = prepare("demo", sources_from([]), draws=16)
    return assess(run.case, run.settings, ["full_implementation"])


@pytest.fixture(scope="module")
def tables(demo, tmp_path_factory) -> ExplorerInputs:
    """The explorer's inputs: the fixture actors.csv/progress.csv (rule tracking's layout) and the
    demo's commitments.csv and pathways.csv as assess_case writes them."""
    from subnat.aggregate.metrics import commitments_table

    folder = tmp_path_factory.mktemp("explorer")
    for name in ("actors.csv", "progress.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    commitments_table(demo).to_csv(folder / "commitments.csv", index=False)
    actor_pathways(demo).to_csv(folder / "pathways.csv", index=False)
    return ExplorerInputs(folder / "actors.csv", folder / "progress.csv", folder / "commitments.csv",
                          folder / "pathways.csv", resolve_case("demo"))


def test_pathway_of_an_absolute_target_by_hand(demo) -> None:
    # XDM-N: latest inventory 200 Mt in 2020 (the anchor); N-2030 is -40 % below 220 Mt in 2005,
    # so 132 Mt in 2030, linear between: 200 + (132 - 200) * 5/10 = 166 Mt in 2025
    table = actor_pathways(demo).set_index(["actor_id", "year"])
    north = table.loc["XDM-N"]
    assert north.index.min() == 2020  # no rows before the reference year
    assert north.loc[2020, "reference_mt"] == pytest.approx(200.0)
    assert north.loc[2020, "pathway_mt"] == pytest.approx(200.0)
    assert north.loc[2025, "pathway_mt"] == pytest.approx(166.0)
    assert north.loc[2030, "pathway_mt"] == pytest.approx(132.0)
    assert north.loc[2030, "commitment_id"] == "N-2030"
    assert north["expected_mt_p50"].isna().all()  # no expected scenario run
    assert (table["source"] != "").all()


def test_pathway_agrees_with_commitments_table(demo) -> None:
    # with coverage 1 and scope weight 1 the potential of commitments.csv is reference - pathway
    from subnat.aggregate.metrics import commitments_table

    paths = actor_pathways(demo)
    row = commitments_table(demo).set_index("commitment_id").loc["NC1-2030"]
    mine = paths[(paths["actor_id"] == "XDM-NC1") & (paths["year"] == 2030)].iloc[0]
    assert mine["pathway_mt"] == pytest.approx(row["pathway_mt_2030"], rel=0.02)


def test_expected_band_from_the_delivered_fractions(demo) -> None:
    # delivered fraction 0.5 in every draw: the expected emissions lie halfway between reference and pathway
    demo.fractions = np.full((len(demo.screened.commitments), 16), 0.5)
    try:
        paths = actor_pathways(demo)
    finally:
        demo.fractions = None
    half = (paths["reference_mt"] + paths["pathway_mt"]) / 2
    for q in ("p05", "p50", "p95"):
        assert np.allclose(paths[f"expected_mt_{q}"], half)


def test_missing_column_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "progress.csv"
    pd.read_csv(FIXTURES / "progress.csv").drop(columns=["on_track"]).to_csv(bad, index=False)
    with pytest.raises(InputError) as err:
        read_table(bad, PROGRESS_COLUMNS)
    assert str(err.value) == f"{bad}:1: on_track: missing column (expected in the header)"


def test_bad_number_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "progress.csv"
    frame = pd.read_csv(FIXTURES / "progress.csv", dtype=str, keep_default_na=False)
    frame.loc[1, "share_achieved"] = "lots"
    frame.to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"progress.csv:3: share_achieved: expected a number, got 'lots'"):
        read_table(bad, PROGRESS_COLUMNS)


def test_assembled_records(tables: ExplorerInputs) -> None:
    data = assemble("demo", tables)
    actors = {a["actor_id"]: a for a in data["actors"]}
    assert len(actors) == len(pd.read_csv(tables.actors))
    north = actors["XDM-N"]
    assert north["targets"] == "absolute: 40 % below 2005 by 2030; net zero by 2045"
    assert north["status"] == "law"
    assert north["history"]["territorial"][0] == [2005, 220.0]
    assert north["paths"]["territorial"]["years"][0] == 2020
    assert [p["commitment_id"] for p in north["progress"]] == ["N-2030"]
    assert actors["XDM-NC1"]["parent_name"] == "North Region"
    assert actors["XDM-E"]["on_track"] is None  # empty cell -> null, not "" or NaN


def test_page_is_self_contained_and_reproducible(tables: ExplorerInputs, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_case("demo", tables, first)
    write_case("demo", tables, second)
    page = first.read_text(encoding="utf-8")
    assert page == second.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js inlined, nothing fetched
    assert page.count("plotly.js v") >= 1 and "Plotly.newPlot" in page
    assert "NaN" not in page.split('id="explorer-data"')[1].split("</script>")[0]
    write_index({"demo": tables}, tmp_path / "explorer.html")
    index = (tmp_path / "explorer.html").read_text(encoding="utf-8")
    assert 'href="demo/explorer.html"' in index and "<td>11</td>" in index
