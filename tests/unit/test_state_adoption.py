"""Cited hand table of US state target instruments: loads, cites, dates; status and adoption."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sources_fixtures import FIXTURES

from subnat.errors import InputError
from subnat.harmonize.build import with_cited_status
from subnat.sources import c2es_states, state_adoption

REF = Path(__file__).resolve().parents[3] / "shared" / "reference-data"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return state_adoption.read()


def test_every_row_has_a_citation_and_a_date_or_a_flag(table):
    assert table["citation"].str.strip().str.len().gt(20).all()
    dated = table["adopted"] != ""
    assert (dated | table["flag"].isin(state_adoption.FLAGS)).all()
    assert table.loc[dated, "adopted_year"].between(2000, 2023).all()
    assert set(table["status"]) <= {"law", "policy", "pledge"}


def test_florida_is_an_executive_order(table):
    fl = state_adoption.rows_for(table, "US-FL", 1990, 2050, 0.8)
    assert fl["instrument"].tolist() == ["executive_order"]
    assert "07-127" in fl["instrument_name"].iloc[0]
    assert state_adoption.status_as_of(table, "US-FL", 1990, 2050, 0.8, 2017) == "policy"
    assert state_adoption.first_adopted(table, "US-FL", 1990, 2050, 0.8) == (2007, "")


def test_status_depends_on_the_year(table):
    """New York's 40 % by 2030: a plan in 2015 (pledge), the CLCPA statute in 2019 (law)."""
    ny = ("US-NY", 1990, 2030, 0.4)
    assert state_adoption.status_as_of(table, *ny, 2014) is None  # not adopted yet
    assert state_adoption.status_as_of(table, *ny, 2017) == "pledge"
    assert state_adoption.status_as_of(table, *ny) == "law"
    assert state_adoption.first_adopted(table, *ny) == (2015, "")


def test_undated_target_is_flagged(table):
    assert state_adoption.first_adopted(table, "US-IL", 2005, 2030, 0.26) == (None, "date_not_established")
    assert state_adoption.first_adopted(table, "US-XX", 2005, 2030, 0.26) == (None, "not_in_adoption_table")


def test_covers_every_c2es_fixture_target(table):
    c2 = c2es_states.read(FIXTURES / "c2es_us_state_ghg_targets.csv")
    c2 = c2[c2["target_type"] == "absolute"].dropna(subset=["actor_id", "value", "target_year"])
    missing = [(r.actor_id, r.base_year, r.target_year, r.value) for r in c2.itertuples()
               if state_adoption.rows_for(table, r.actor_id, r.base_year, r.target_year, r.value).empty]
    assert not missing


@pytest.mark.refdata
@pytest.mark.skipif(not REF.exists(), reason="../shared/reference-data absent")
def test_covers_every_c2es_2022_target(table):
    c2 = c2es_states.read(REF / "openclimate-oef" / "raw" / "c2es_us_state_ghg_targets.csv")
    assert len(c2) == 52
    missing = [(r.actor_id, r.base_year, r.target_year, r.value) for r in c2.itertuples()
               if state_adoption.rows_for(table, r.actor_id, r.base_year, r.target_year, r.value).empty]
    assert not missing


def test_bad_rows_name_file_line_and_column(tmp_path):
    path = tmp_path / "t.csv"
    good = state_adoption.default_path().read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([good[0], good[1],
                               "US-FL,1990,2050,0.8,decree,EO,2007,,cited",
                               "US-FL,1990,2050,0.8,statute,Act,,,cited",
                               "US-FL,1990,2050,0.8,statute,Act,2007,,"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        state_adoption.read(path)
    where = {(p.line, p.column) for p in err.value.problems}
    assert where == {(3, "instrument"), (4, "flag"), (5, "citation")}


def test_harmonised_status_comes_from_the_table(table):
    com = pd.DataFrame([
        {"actor_id": "US-FL", "target_type": "absolute", "target_year": 2050, "value": 0.8,
         "base_year": 1990, "scope": "territorial", "status": "law", "source": "NZT REG-0080"},
        {"actor_id": "US-NY", "target_type": "absolute", "target_year": 2030, "value": 0.4,
         "base_year": 1990, "scope": "territorial", "status": "policy", "source": "hand"},
        {"actor_id": "US-TX", "target_type": "absolute", "target_year": 2030, "value": 0.4,
         "base_year": 1990, "scope": "territorial", "status": "policy", "source": "other"},
    ])
    y2017 = with_cited_status(com, 2017, table)
    assert y2017["status"].tolist() == ["policy", "pledge", "policy"]
    assert y2017["source"].iloc[0].startswith("status policy from hand table")
    assert y2017["source"].iloc[0].endswith("NZT REG-0080")
    assert y2017["source"].iloc[2] == "other"  # not covered: the source's status stays
    assert with_cited_status(com, None, table)["status"].tolist() == ["policy", "law", "policy"]


def test_committed_cases_use_the_table():
    """The embedded cases carry the table's status (rebuilt by tests/integration/test_rebuild_cases.py):
    Florida is an executive order, so the laws-only sensitivity case drops it."""
    root = Path(state_adoption.__file__).resolve().parents[1] / "data" / "cases"
    for case in ("us2017", "us2023"):
        com = pd.read_csv(root / case / "commitments.csv").set_index("commitment_id")
        assert com.loc["US-FL:territorial:2050", "status"] == "policy", case
    us2017 = pd.read_csv(root / "us2017" / "commitments.csv").set_index("commitment_id")
    assert us2017.loc["US-NY:territorial:2030", "status"] == "pledge"
