"""Commitments not in force at the analysis date (after_analysis_date) and the O6 policy table."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from subnat.errors import InputError
from subnat.harmonize.in_force import REASON, screen_in_force
from subnat.sources import policies_in_cps, state_adoption

COLS = ["actor_id", "base_year", "target_year", "value", "source", "origin", "adopted_year"]


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLS)


def test_base_year_after_the_analysis_year_is_excluded():
    """Vail's CDP 2021 target: 'set 2017', base year 2018, so not the target of 2017."""
    com = _frame([
        ("US-VAC", 2018, 2025, 0.25, "CDP 2021, account 59535", "cdp_targets", None),
        ("US-HBK", 2017, 2027, 0.16, "CDP 2021, account 59532", "cdp_targets", None),  # = year: kept
        ("US-BOS", 2005, 2030, 0.50, "CDP 2021, account 1", "cdp_targets", None),
    ])
    kept, ex = screen_in_force(com, 2017)
    assert kept["actor_id"].tolist() == ["US-HBK", "US-BOS"]
    assert ex["actor_id"].tolist() == ["US-VAC"]
    assert ex["reason_code"].tolist() == [REASON]
    assert ex["detail"].iloc[0] == "base year 2018 after the case's analysis year 2017"
    assert ex["source"].iloc[0] == "cdp_targets"
    # the same target is in force for a 2023 analyst
    kept, ex = screen_in_force(com, 2023)
    assert len(kept) == 3 and ex.empty


def test_state_target_adopted_later_per_the_adoption_table_is_excluded():
    """Pennsylvania's 26 % by 2025 is Executive Order 2019-01 (2019): not in force in 2017."""
    com = _frame([
        ("US-PA", 2005, 2025, 0.26, "NZT", "net_zero_tracker", None),
        ("US-FL", 1990, 2050, 0.80, "NZT", "net_zero_tracker", None),  # EO 07-127, 2007
        ("US-IL", 2005, 2030, 0.26, "C2ES", "c2es_states", None),  # undated in the table: kept
        ("US-ZZ", 2005, 2030, 0.26, "C2ES", "c2es_states", None),  # not in the table: kept
    ])
    kept, ex = screen_in_force(com, 2017)
    assert ex["actor_id"].tolist() == ["US-PA"]
    assert ex["detail"].iloc[0].startswith("first adopted 2019")
    assert kept["actor_id"].tolist() == ["US-FL", "US-IL", "US-ZZ"]


def test_the_hand_rows_own_adoption_year_wins():
    """Colorado's 26 % by 2025: Executive Order D 2017-015 (us_state_targets_2017.csv, 2017); the
    adoption table lists only the 2019 statute, which would wrongly exclude it."""
    table = state_adoption.committed()
    assert state_adoption.first_adopted(table, "US-CO", 2005, 2025, 0.26) == (2019, "")
    com = _frame([("US-CO", 2005, 2025, 0.26, "hand-entered: EO D 2017-015", "hand", 2017),
                  ("US-CO", 2005, 2025, 0.26, "hand-entered: invented", "hand", 2018)])
    kept, ex = screen_in_force(com, 2017)
    assert kept["adopted_year"].tolist() == [2017]
    assert ex["detail"].iloc[0].startswith("first adopted 2018")


def test_us2017_case_has_no_commitment_out_of_force():
    root = Path(str(resources.files("subnat") / "data" / "cases" / "us2017"))
    com = pd.read_csv(root / "commitments.csv")
    assert (com["base_year"].dropna() <= 2017).all()
    ex = pd.read_csv(root / "build_exclusions.csv")
    assert "US-VAC" in set(ex.loc[ex["reason_code"] == REASON, "actor_id"])


# --- O6: state policies already in the national projection ---------------------------------

def test_policy_table_is_cited_and_covers_ca_and_rggi():
    t = policies_in_cps.read()
    assert t["citation"].str.len().gt(80).all()
    assert set(t["verified"]) <= policies_in_cps.VERIFIED
    ca = t[t["jurisdiction"] == "US-CA"]
    assert set(ca["cps_vintage"]) == {"BR2016", "CAR2014"}
    rggi = t[t["policy"].str.contains("RGGI")]
    assert set(rggi["jurisdiction"]) == {"US-CT", "US-DE", "US-MA", "US-MD", "US-ME", "US-NH",
                                         "US-NY", "US-RI", "US-VT"}
    assert rggi["target_year"].isna().all()  # implements no economy-wide target


def _targets() -> pd.DataFrame:
    return pd.DataFrame({
        "actor_id": ["US-CA", "US-CA", "US-NY", "US-CA-SF", "US-OR"],
        "base_year": [1990, 1990, 1990, 1990, 1990],
        "target_year": [2020, 2030, 2030, 2020, 2020],
        "value": [0.0, 0.40, 0.40, 0.0, 0.0],
    })


def test_only_the_target_the_modelled_policy_implements_is_flagged():
    """CA's AB 32 limit (1990 level by 2020) is the cap-and-trade's target: flagged. CA 2030, a
    RGGI state's economy-wide target, a city with the same numbers, another state: not."""
    flags = policies_in_cps.flags(_targets(), "BR2016")
    assert flags.notna().tolist() == [True, False, False, False, False]
    assert flags.iloc[0] == "California cap-and-trade (AB 32) in BR2016"


def test_other_vintage_flags_nothing():
    assert policies_in_cps.flags(_targets(), "BR2023_supplement").isna().all()
    assert policies_in_cps.flags(_targets(), None).isna().all()


def test_us2017_case_flags_the_ca_2020_target_only():
    root = Path(str(resources.files("subnat") / "data" / "cases" / "us2017"))
    com = pd.read_csv(root / "commitments.csv")
    flagged = com.loc[com["in_national_projection"], "commitment_id"].tolist()
    assert flagged == ["US-CA:territorial:2020"]
    assert com.loc[com["in_national_projection"], "source"].str.startswith(
        "in_national_projection: California cap-and-trade").all()
    us2023 = pd.read_csv(root.parent / "us2023" / "commitments.csv")
    assert not us2023["in_national_projection"].any()


def test_bad_policy_table_names_line_and_column(tmp_path):
    bad = tmp_path / "p.csv"
    bad.write_text(
        "policy,jurisdiction,cps_vintage,base_year,target_year,value,verified,citation\n"
        "X,US-CA,BR2016,1990,2020,0.0,yes,cited\n"
        "Y,California,BR2016,1990,,0.0,maybe,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        policies_in_cps.read(bad)
    text = str(err.value)
    for col in ("jurisdiction", "target_year", "verified", "citation"):
        assert f"p.csv:3: {col}:" in text


def test_o6_off_sensitivity_case_is_configured_with_its_source():
    from subnat import config
    from subnat.aggregate.sensitivity import apply, find

    cfg = config.load()
    item = find(cfg, "o6_off")
    assert item["set"] == {"overlap.subtract_in_national_projection.value": True}
    assert "us_policies_in_cps.csv" in item["source"] and item["rationale"]
    assert cfg["overlap"]["subtract_in_national_projection"]["value"] is False
    assert apply(cfg, item)["overlap"]["subtract_in_national_projection"]["value"] is True
