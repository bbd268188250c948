"""Harmonisation rules: de-duplication, plausibility screens, national series, coverage."""

from __future__ import annotations

import pandas as pd
import pytest
from sources_fixtures import FIXTURES

from subnat.harmonize import national_csv
from subnat.harmonize.coverage import actor_type_of_exclusion, coverage
from subnat.harmonize.dedupe import dedupe
from subnat.harmonize.screens import screen_cities
from subnat.sources import us_national


def _com(**kw) -> dict:
    base = {"actor_id": "US-NYC", "target_type": "absolute", "target_year": 2030, "value": 0.4,
            "base_year": 2005, "base_year_emissions_mt": None, "scope": "territorial",
            "status": "policy", "source": "s", "origin": "net_zero_tracker"}
    return base | kw


def test_dedupe_most_complete_then_priority():
    df = pd.DataFrame([
        _com(origin="net_zero_tracker", source="nzt"),
        _com(origin="cdp_targets", source="cdp", base_year_emissions_mt=61.0),
        _com(origin="c2es_states", source="c2es", actor_id="US-NY"),
        _com(origin="net_zero_tracker", source="nzt2", actor_id="US-NY"),
        _com(target_year=2050, value=1.0, target_type="net_zero"),
    ])
    kept, excl = dedupe(df)
    assert len(kept) == 3
    nyc = kept[(kept["actor_id"] == "US-NYC") & (kept["target_year"] == 2030)]
    assert nyc["origin"].iloc[0] == "cdp_targets"  # has base-year emissions: more complete
    ny = kept[kept["actor_id"] == "US-NY"]
    assert ny["origin"].iloc[0] == "c2es_states"  # tie: source priority
    assert set(excl["reason_code"]) == {"duplicate"} and len(excl) == 2
    kept_all, excl_all = dedupe(df, "keep_all")
    assert len(kept_all) == 5 and excl_all.empty
    with pytest.raises(ValueError, match="unknown rule"):
        dedupe(df, "newest")


def test_defect_city_unit_error_and_boundary_mismatch_screened():
    inv = pd.DataFrame({
        "actor_id": ["US-CLT", "US-DEN", "US-DEN", "US-NYC", "US-CA"],
        "year": [2019, 2015, 2016, 2015, 2015],
        "emissions_mt": [266.482, 0.943, 12.9, 52.0, 440.0],
        "scope": "territorial", "source": "x"})
    com = pd.DataFrame([
        _com(actor_id="US-CLT", base_year_emissions_mt=0.002015),
        _com(actor_id="US-DEN", base_year_emissions_mt=13.25),
        _com(actor_id="US-NYC", base_year_emissions_mt=61.06),
    ])
    pop = pd.Series({"US-CLT": 885708.0, "US-DEN": 727211.0, "US-NYC": 8.4e6})
    inv2, com2, log = screen_cities(inv, com, pop, {"US-CLT", "US-DEN", "US-NYC"})
    assert set(zip(inv2["actor_id"], inv2["year"], strict=True)) == {
        ("US-DEN", 2016), ("US-NYC", 2015), ("US-CA", 2015)}
    assert pd.isna(com2.loc[com2["actor_id"] == "US-CLT", "base_year_emissions_mt"].iloc[0])
    assert com2.loc[com2["actor_id"] == "US-DEN", "base_year_emissions_mt"].iloc[0] == 13.25
    assert sorted(log["reason_code"]) == ["implausible_per_capita", "implausible_per_capita",
                                          "inventory_inconsistent"]


def test_us2017_cps_derivation_from_published_figures():
    v = us_national.read(FIXTURES / "us_past_projection_vintages_by_gas_ar4.csv")
    nat = national_csv.us2017(v)
    wide = nat.pivot(index="year", columns="series", values="emissions_mt")
    e2005 = wide.loc[2005, "history"]
    assert wide.loc[2025, "cps"] == pytest.approx(0.87 * e2005 + 480, abs=0.01)
    assert wide.loc[2030, "cps"] == wide.loc[2025, "cps"]  # flat after 2025
    assert wide["history"].dropna().index.max() == 2015
    members = [c for c in wide.columns if c.startswith("cps:")]
    assert "cps:NCI2017_current_admin" in members and len(members) == 5
    for m in members:  # ratio-harmonised to the 2015 history value
        assert wide.loc[2015, m] == pytest.approx(wide.loc[2015, "history"])
    assert wide[members].loc[2016:2030].notna().all().all()


def test_us2023_members_median_and_history_anchors():
    brvs = us_national.read(FIXTURES / "brvs2023_total_net_emissions_by_model.csv")
    un = pd.read_csv(FIXTURES / "UNFCCC_EmissionsAgg.csv").query("actor_id == 'US'")
    gross = pd.Series(un["total_emissions"].values / 1e6, index=un["year"].values)
    nat = national_csv.us2023(brvs, gross)
    wide = nat.pivot(index="year", columns="series", values="emissions_mt")
    assert wide.loc[2005, "history"] == pytest.approx(6700)  # anchors exact
    assert wide.loc[2021, "history"] == pytest.approx(5600)
    assert wide.loc[2020, "history"] == pytest.approx(
        6000 * (wide.loc[2015, "history"] / 6700 + (5600 / 6300 - 6100 / 6700) * 5 / 6), rel=1e-3)
    assert wide.loc[2030, "cps"] == pytest.approx(4100)  # median of 4100, 4000, 4500
    assert wide.loc[2027, "cps:MODEL-A"] == pytest.approx(5000 - 900 * 2 / 5)
    assert wide.index.max() == 2035


def test_coverage_counts_nested_once():
    tables = {
        "actors.csv": pd.DataFrame({
            "actor_id": ["US-NY", "US-NYC", "US-TX", "US-AUS"],
            "actor_type": ["region", "city", "region", "city"],
            "parent_id": [None, "US-NY", None, "US-TX"]}),
        "commitments.csv": pd.DataFrame([
            _com(actor_id="US-NY"), _com(actor_id="US-NYC"),
            _com(actor_id="US-AUS", base_year_emissions_mt=14.5)]),
        "inventory.csv": pd.DataFrame({"actor_id": ["US-NY", "US-NYC", "US-NY"],
                                       "year": [2015, 2015, 2020],
                                       "emissions_mt": [200.0, 50.0, 170.0]}),
        "national.csv": pd.DataFrame({"series": "history", "year": [2015],
                                      "emissions_mt": [6000.0]}),
    }
    cov = coverage(tables, 2015).set_index("actor_type")
    assert cov.loc["region", "covered_mt"] == 200.0  # 2020 row ignored
    assert cov.loc["city", "covered_mt"] == pytest.approx(64.5)  # AUS via base-year figure
    assert cov.loc["city", "covered_mt_net"] == pytest.approx(14.5)  # NYC inside NY
    assert cov.loc["total", "share_of_national"] == pytest.approx(264.5 / 6000)


@pytest.mark.parametrize(("row", "kind"), [
    ({"actor_id": "CO-ACME", "record": "", "source": ""}, "company"),
    ({"actor_id": "US-CA", "record": "", "source": ""}, "region"),
    ({"actor_id": "US-NYC", "record": "", "source": ""}, "city"),
    ({"actor_id": None, "record": "REG-0790 end", "source": "net_zero_tracker"}, "region"),
    ({"actor_id": None, "record": "x", "source": "sbti_targets"}, "company"),
])
def test_exclusion_actor_type(row, kind):
    assert actor_type_of_exclusion(pd.Series(row)) == kind
