"""ECCC inventory and projection editions, OpenClimate target tables, and the Canadian builder's
pure steps, on small fixtures in the upstream layouts (tests/fixtures/sources/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from subnat.errors import ConsistencyError, InputError
from subnat.harmonize import canada
from subnat.sources import eccc, openclimate_targets

FIX = Path(__file__).parents[1] / "fixtures" / "sources"
EDITION = FIX / "eccc_detailed_ghg_projections_fixture.csv"


@pytest.mark.parametrize("name", ["eccc_detailed_ghg_projections_fixture.csv",
                                  "eccc_detailed_ghg_projections_fixture_bom.csv"])
def test_edition_reads_both_encodings_and_drops_tokens(name):
    e = eccc.read_edition(FIX / name)
    assert set(e["region"]) == {"CA-AB", "CA-YT", "CAN"}  # "Yukon Territory" mapped, n/a and footnotes dropped
    ab = e[(e["region"] == "CA-AB") & (e["sector"] == "Electricity")]
    assert list(ab["year"]) == [2005]  # "x" in 2006 and "-" are missing, not zero
    assert eccc.scenarios(e) == ("NIR 2020", "2020 Reference Case")


def test_totals_sum_sectors_never_total_or_credit_rows():
    e = eccc.read_edition(EDITION)
    hist = eccc.national_series(e, "NIR 2020")
    assert hist[2005] == pytest.approx(150.7)  # 100.2 + 50 + 0.5, not doubled by "Total", no WCI credits
    ref = eccc.national_series(e, "2020 Reference Case")
    assert ref[2008] == pytest.approx(144.7)
    assert 2005 not in ref.index


def test_edition_bad_token_names_line_and_column(tmp_path):
    text = EDITION.read_bytes().decode("cp1252").replace('"101","-"', '"1O1","-"', 1)
    bad = tmp_path / "e.csv"
    bad.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError) as err:
        eccc.read_edition(bad)
    assert "e.csv:2: 2006: expected a number" in str(err.value)


def test_edition_unknown_region_is_an_error(tmp_path):
    text = EDITION.read_bytes().decode("cp1252").replace('"Alberta","Alberta"', '"Albertaa","Alberta"', 1)
    bad = tmp_path / "e.csv"
    bad.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match="unknown region 'Albertaa'"):
        eccc.read_edition(bad)


def test_inventory_units_and_national_sum_skips_incomplete_years():
    inv = eccc.read_inventory(FIX / "eccc_inventory_emissionsagg_fixture.csv")
    assert inv["actor_id"].nunique() == 13
    ab = inv[(inv["actor_id"] == "CA-AB") & (inv["year"] == 2005)]["emissions_mt"].iloc[0]
    assert ab == pytest.approx(1.002005)  # tCO2e -> Mt
    total = eccc.national_from_inventory(inv)
    assert list(total.index) == [2006]  # Nunavut has no 2005 row


def test_inventory_bad_rows_are_reported(tmp_path):
    text = (FIX / "eccc_inventory_emissionsagg_fixture.csv").read_text()
    bad = tmp_path / "inv.csv"
    bad.write_text(text.replace("CA-BC,2005,", "US-CA,2005,", 1).replace("1002006,", "n/a,", 1))
    with pytest.raises(InputError) as err:
        eccc.read_inventory(bad)
    msg = str(err.value)
    assert "inv.csv:3: total_emissions" in msg and "actor_id: expected a Canadian province" in msg


def test_check_provinces_sum_fails_on_a_missing_province():
    inv = eccc.read_inventory(FIX / "eccc_inventory_emissionsagg_fixture.csv")
    years = pd.Series({2006: float(eccc.national_from_inventory(inv)[2006])})
    edition = pd.DataFrame({"region": "CAN", "scenario": "NIR 2020", "sector": "Oil and Gas",
                            "year": years.index, "emissions_mt": years.values, "line": 2})
    edition = pd.concat([edition, edition.assign(scenario="2020 Reference Case", year=2030)])
    canada.check_provinces_sum(inv, edition)  # equal: passes
    short = inv.assign(emissions_mt=inv["emissions_mt"].where(inv["actor_id"] != "CA-ON", 0.0))
    with pytest.raises(ConsistencyError, match=r"provinces sum to .* in 2006"):
        canada.check_provinces_sum(short, edition)
    with pytest.raises(ConsistencyError, match="no year shared"):
        canada.check_provinces_sum(inv[inv["actor_id"] != "CA-ON"], edition)


def test_openclimate_targets_units_and_exclusions():
    t = openclimate_targets.read(FIX / "openclimate_target_fixture.csv", "C2ES test")
    pe = t[t["actor_id"] == "CA-PE"].iloc[0]
    assert pe["target_type"] == "fixed_level" and pe["value"] == pytest.approx(1.2)  # tCO2e -> Mt
    assert t[t["actor_id"] == "CA-BC"]["value"].iloc[0] == pytest.approx(0.4)
    com, ex = openclimate_targets.to_commitments(t, "c2es_canada", set(eccc.PROVINCE_NAMES))
    assert set(ex["reason_code"]) == {"unresolved_actor", "unknown_target_type"}
    assert com.loc[com["actor_id"] == "CA-PE", "base_year"].isna().all()


def test_adoption_table_sets_status_and_excludes_repealed():
    t = openclimate_targets.read(FIX / "openclimate_target_fixture.csv", "C2ES test")
    com, _ = openclimate_targets.to_commitments(t, "c2es_canada", set(eccc.PROVINCE_NAMES))
    kept, ex = canada.with_adoption(com, canada.adoption_table())
    assert "CA-ON" in set(ex.loc[ex["reason_code"] == "repealed", "actor_id"])  # Bill 172, repealed 2018
    bc = kept[kept["actor_id"] == "CA-BC"].iloc[0]
    assert bc["status"] == "law" and "Climate Change Accountability Act" in bc["source"]
    assert set(kept["status"]) <= {"law", "policy", "pledge"}


def test_adoption_table_is_cited():
    table = canada.adoption_table()
    assert table["citation"].notna().all() and table["instrument_name"].notna().all()
    assert set(table["status"]) <= {"law", "policy", "pledge"} | canada.EXCLUDED_STATUSES


def test_city_names_ids_and_nesting():
    assert canada.city_name("City of Toronto, ON") == "Toronto"
    assert canada.city_name("Ville de Montreal, QC") == "Montreal"
    assert canada.city_name("Hamiton, ON") == "Hamilton"  # DDL cleaning typo
    assert canada.city_id("Montréal", "CA-QC") == "CA-QC-MONTREAL"
    places = pd.DataFrame({"name": ["Toronto, ON", "Springfield", "Springfield, X"],
                           "state": ["Ontario", "Ontario", "Manitoba"]})
    assert canada.nzt_province("Calgary, AB", places) == "CA-AB"
    assert canada.nzt_province("London, Ontario", places) == "CA-ON"
    assert canada.nzt_province("Toronto", places) == "CA-ON"  # via the ClimActor contextuals
    assert canada.nzt_province("Springfield", places) is None  # two provinces: unresolved


def test_in_national_projection_when_the_province_reference_reaches_the_target():
    inventory = pd.DataFrame({"actor_id": ["CA-NS", "CA-NS", "CA-ON", "CA-ON"], "year": [2005, 2021] * 2,
                              "emissions_mt": [20.0, 15.0, 200.0, 150.0]})
    years = np.arange(2005, 2031)
    rows = []
    for region, start, end in (("CA-NS", 15.0, 8.0), ("CA-ON", 150.0, 145.0)):
        for y in years:
            scen = "NIR 2022" if y <= 2021 else "2022 Reference Case"
            v = start if y <= 2021 else start + (end - start) * (y - 2021) / 9
            rows.append({"region": region, "scenario": scen, "sector": "Electricity", "year": y, "emissions_mt": v})
    edition = pd.DataFrame(rows)
    com = pd.DataFrame({"actor_id": ["CA-NS", "CA-ON"], "target_type": "absolute", "target_year": 2030,
                        "value": 0.5, "base_year": 2005})
    flag, note = canada.in_national_projection(com, inventory, edition)
    assert list(flag) == [True, False]  # NS: 8 Mt <= 10 Mt target; ON: 145 > 100
    assert "already reached" in note.iloc[0]
