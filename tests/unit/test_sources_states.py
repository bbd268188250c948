"""C2ES state targets, EPA state inventory and EIA state energy CO2 loaders."""

from __future__ import annotations

import pytest
from sources_fixtures import FIXTURES, write_eia

from subnat.sources import c2es_states, eia_states, epa_states
from subnat.sources.common import state_id


def test_c2es_read_fractions_ranges_and_ids():
    df = c2es_states.read(FIXTURES / "c2es_us_state_ghg_targets.csv")
    ca = df[(df["actor_id"] == "US-CA") & (df["target_year"] == 2030)].iloc[0]
    assert ca["value"] == pytest.approx(0.40)
    assert ca["target_type"] == "absolute"
    wi = df[df["actor_id"] == "US-WI"].iloc[0]
    assert wi["value"] == pytest.approx(0.26) and wi["value_high"] == pytest.approx(0.28)
    assert df.loc[df["state"] == "Alpha State", "actor_id"].isna().all()


def test_c2es_commitments_keep_zero_percent_and_log_exclusions():
    com, excl = c2es_states.to_commitments(
        c2es_states.read(FIXTURES / "c2es_us_state_ghg_targets.csv"))
    zero = com[(com["actor_id"] == "US-CA") & (com["target_year"] == 2020)]
    assert len(zero) == 1 and zero["value"].iloc[0] == 0.0  # "1990 level by 2020" is valid
    assert set(excl["reason_code"]) == {"unresolved_actor", "unknown_target_type"}
    assert com["source"].str.contains("example.org").all()  # legal source kept in the row


def test_epa_converts_tonnes_to_mt_and_drops_non_us_and_blank():
    df = epa_states.read(FIXTURES / "EmissionsAgg.csv")
    ca2005 = df[(df["actor_id"] == "US-CA") & (df["year"] == 2005)]["emissions_mt"].iloc[0]
    assert ca2005 == pytest.approx(480.5)
    assert not df["actor_id"].str.startswith("GB").any()
    assert not (df["actor_id"] == "US-GA").any()  # empty total dropped
    inv = epa_states.to_inventory(df, years=range(2005, 2016))
    assert set(inv["scope"]) == {"territorial"} and inv["year"].between(2005, 2015).all()


def test_eia_header_detection_and_totals_row_dropped(tmp_path):
    df = eia_states.read(write_eia(tmp_path / "table1.xlsx"))
    assert set(df["actor_id"]) == {"US-AL", "US-WA"}
    assert sorted(df["year"].unique()) == list(range(1970, 1975))
    assert df.loc[(df["actor_id"] == "US-AL") & (df["year"] == 1970), "co2_mt"].iloc[0] == 102.6


@pytest.mark.parametrize(("text", "expected"), [
    ("California", "US-CA"), ("CA", "US-CA"), ("New York State", "US-NY"),
    ("Washington State", "US-WA"), ("D.C.", "US-DC"), ("Puerto Rico", "US-PR"),
    ("Georgia", "US-GA"), ("Atlantis", None), (None, None),
])
def test_state_id_variants(text, expected):
    assert state_id(text) == expected


@pytest.mark.parametrize(("url", "status"), [
    ("https://leginfo.legislature.ca.gov/faces/billTextClient.xhtml?bill_id=200520060AB32", "law"),
    ("https://www.cga.ct.gov/2018/act/pa/pdf/2018PA-00082-R00SB-00007-PA.pdf", "law"),
    ("https://lawfilesext.leg.wa.gov/biennium/2019-20/Pdf/Bills/Session%20Laws/House/x.pdf", "law"),
    ("https://www.oregon.gov/gov/Documents/executive_orders/eo_20-04.pdf", "policy"),
    ("https://documents.dnrec.delaware.gov/Climate/Plan/Delaware-Climate-Action-Plan-2021.pdf",
     "policy"),
    (None, "policy"),
])
def test_c2es_status_from_legal_source(url, status):
    assert c2es_states.status_from_url(url) == status
