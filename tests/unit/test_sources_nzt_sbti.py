"""Net Zero Tracker and SBTi loaders, including the known defects and the sentence parser."""

from __future__ import annotations

import pandas as pd
import pytest
from sources_fixtures import write_nzt, write_sbti

from subnat.sources import net_zero_tracker, sbti_targets
from subnat.sources.common import state_id


@pytest.fixture(scope="module")
def nzt(tmp_path_factory) -> pd.DataFrame:
    return net_zero_tracker.read(write_nzt(tmp_path_factory.mktemp("nzt") / "nzt.xlsx"))


def test_defect_nevada_unit_error_fixed(nzt):
    """Nevada's 3.62e13 'tCO2e' is 10^6 too high: corrected to 36.2 Mt and flagged."""
    nv = net_zero_tracker.actors(nzt).set_index("name").loc["Nevada"]
    assert nv["ghg_mt"] == pytest.approx(36.2)
    assert "ghg_unit_1e6" in nv["defect"]
    ny = net_zero_tracker.actors(nzt).set_index("name").loc["New York State"]
    assert ny["ghg_mt"] == pytest.approx(205.61) and ny["defect"] == ""


def test_defect_georgia_row_with_country_ndc_excluded(nzt):
    """The US-state Georgia row carries the NDC of the country Georgia: excluded."""
    regions = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "region")]
    com, excl = net_zero_tracker.to_commitments(regions, regions["name"].map(state_id))
    assert "US-GA" not in set(com["actor_id"])
    ga = excl[excl["actor_id"] == "US-GA"]
    assert list(ga["reason_code"]) == ["national_ndc_as_state"]
    # the country row (GEO) is not touched by the sub-national rule
    geo = nzt[nzt["iso"] == "GEO"]
    assert (geo["defect"] == "").all()


def test_target_types_status_and_slots(nzt):
    regions = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "region")]
    com, excl = net_zero_tracker.to_commitments(regions, regions["name"].map(state_id))
    ny = com[com["actor_id"] == "US-NY"].set_index("target_year")
    assert ny.loc[2050, "target_type"] == "net_zero" and ny.loc[2050, "value"] == 1.0
    assert ny.loc[2030, "value"] == pytest.approx(0.40) and ny.loc[2030, "status"] == "law"
    assert "US-AL" not in set(excl["actor_id"])  # "No target" is not logged as an exclusion
    assert "unknown_target_type" in set(excl["reason_code"])  # Florida interim "Other"


def test_cutoff_keeps_only_dated_end_targets(nzt):
    regions = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "region")]
    com, excl = net_zero_tracker.to_commitments(regions, regions["name"].map(state_id),
                                                set_by=2017)
    assert list(com["actor_id"]) == ["US-FL"]  # status date 2007; the others are later
    assert "not_in_force" in set(excl["reason_code"])


def test_company_scope_and_proposed_status(nzt):
    cities = nzt[nzt["actor_type"] == "city"]
    _, excl = net_zero_tracker.to_commitments(cities, pd.Series("X", index=cities.index))
    assert "not_adopted" in set(excl["reason_code"])  # "Proposed / in discussion"
    co = net_zero_tracker.actors(nzt).set_index("name").loc["Acme Widgets Inc."]
    assert co["scope"] == "scope1+2"


@pytest.mark.parametrize(("text", "expected"), [
    ("X commits to reduce absolute scope 1 and 2 GHG emissions 30% by 2030 from a 2018 base "
     "year.", ("scope1+2", 0.30, 2018, 2030, "absolute")),
    ("Stonyfield commits to reduce absolute Scope 1, 2 GHG emissions 30 % by 2030 from a 2017 "
     "base year.", ("scope1+2", 0.30, 2017, 2030, "absolute")),
    ("P&G commits to reduce scope 1 and 2 GHG emissions 50% by FY2030 from a FY2010 base year.",
     ("scope1+2", 0.50, 2010, 2030, "absolute")),
    ("Okta commits to reduce absolute scope 1 and 2 GHG emissions 67% by FY2030 from a FY20 "
     "base year.", ("scope1+2", 0.67, 2020, 2030, "absolute")),
    ("Y commits to reduce scope 1 and 2 GHG emissions 60.1% per square foot by 2032 from a "
     "2018 base year.", ("scope1+2", 0.601, 2018, 2032, "intensity")),
    ("Z commits to reduce absolute scope 1 and 2 GHG emissions 100% by 2030, using a 2015 base "
     "year.", ("scope1+2", 1.0, 2015, 2030, "absolute")),
    ("S commits to reduce absolute scope 1, scope 2, and scope 3 GHG emissions 50% by FY2030 "
     "from a FY2019 base year.", ("scope1+2+3", 0.50, 2019, 2030, "absolute")),
    ("This target was approved using a streamlined route. V commits to reduce absolute scope 1 "
     "and scope 2 GHG emissions 30% by 2030 from a 2018 base year, and to measure scope 3.",
     ("scope1+2", 0.30, 2018, 2030, "absolute")),
])
def test_parse_target(text, expected):
    t = sbti_targets.parse_target(text)
    assert (t.scope, t.pct, t.base_year, t.target_year, t.kind) == pytest.approx(expected)
    assert t.complete


def test_parse_target_unparseable_and_share():
    assert not sbti_targets.parse_target("portfolio targets cover 56% of lending").complete
    assert not sbti_targets.parse_target(None).complete
    texts = pd.Series(["W commits to reduce absolute scope 1 and 2 GHG emissions 30% by 2030 "
                       "from a 2018 base year.", "no numbers here", None, ""])
    assert sbti_targets.parse_share(texts) == pytest.approx(0.5)


def test_sbti_read_and_commitments(tmp_path):
    df = sbti_targets.read(write_sbti(tmp_path / "sbti.xlsx"))
    assert df.loc[df["company"] == "Bière SA", "iso"].isna().all()  # 'France' has no code
    us = df[df["iso"] == "USA"]
    assert us["date_year"].tolist() == [2017, 2021, 2022, 2022, 2021]
    com, excl = sbti_targets.to_commitments(us, pd.Series("CO-X", index=us.index))
    assert set(com["target_year"]) == {2030} and set(com["status"]) == {"pledge"}
    codes = set(excl["reason_code"])
    assert {"missing_driver", "unparsed_target_text"} <= codes  # intensity; portfolio text
    com17, _ = sbti_targets.to_commitments(us, pd.Series("CO-X", index=us.index), set_by=2017)
    assert len(com17) == 1 and com17["base_year"].iloc[0] == 2015
