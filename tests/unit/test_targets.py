"""Hand-computed values for the reference (method §3), every target type (§4) and impact (§5).

Unless a test says otherwise: one region R with inventory 100 Mt in 2005 and 90 Mt in 2020
(MRY = 2020) and a flat national CPS of 1000 Mt, so E_ref(t) = 90 * 1000/1000 = 90 in every year.
"""

from __future__ import annotations

import numpy as np
import pytest

from subnat.aggregate.screen import screen
from subnat.aggregate.settings import method_settings
from subnat.config import load
from tests.casebuilder import approx, group_value, override, run, total, write_case

REGION = [{"actor_id": "R", "name": "Region", "actor_type": "region"}]
INVENTORY = [{"actor_id": "R", "year": 2005, "emissions_mt": 100.0},
             {"actor_id": "R", "year": 2010, "emissions_mt": 100.0},
             {"actor_id": "R", "year": 2020, "emissions_mt": 90.0}]
RISING = {"history": {2005: 1000.0},
          "cps": {y: 1000.0 + 10.0 * max(0, y - 2020) for y in range(2005, 2041)}}


def target(**kw):
    return {"commitment_id": "c1", "actor_id": "R", "base_year": 2005, **kw}


def potential(tmp_path, commitments, year, national=None, overrides=None, drivers=None, cid="c1"):
    folder = write_case(tmp_path / "case", REGION, INVENTORY, commitments, national=national, drivers=drivers)
    a = run(folder, overrides=overrides)
    return group_value(a, "full_implementation", cid, year)


def test_absolute_from_mry_anchor(tmp_path):
    """E_tgt(2030) = 100 * (1 - 0.4) = 60; path 2020 (90) -> 2030 (60): 2025 = 75, so P = 90 - 75 = 15;
    2030: 90 - 60 = 30; 2035 held constant at 60: 30."""
    c = [target(target_type="absolute", target_year=2030, value=0.4)]
    assert potential(tmp_path, c, 2025) == approx(15.0)
    assert potential(tmp_path, c, 2030) == approx(30.0)
    assert potential(tmp_path, c, 2035) == approx(30.0)


def test_absolute_from_base_year_anchor(tmp_path):
    """anchor = base year: path 2005 (100) -> 2030 (60); 2025: 100 - 40 * 20/25 = 68; P = 90 - 68 = 22."""
    c = [target(target_type="absolute", target_year=2030, value=0.4)]
    assert potential(tmp_path, c, 2025, overrides=override(pathway__anchor="base_year")) == approx(22.0)


def test_growth_index_reference(tmp_path):
    """E_ref(t) = E(MRY) * CPS(t)/CPS(MRY): 90 * 1100/1000 = 99 in 2030 and 90 * 1150/1000 = 103.5 in 2035."""
    folder = write_case(tmp_path / "case", REGION, INVENTORY,
                        [target(target_type="absolute", target_year=2030, value=0.4)], national=RISING)
    a = run(folder)
    assert group_value(a, "full_implementation", "c1", 2030, "reference") == approx(99.0)
    assert group_value(a, "full_implementation", "c1", 2035, "reference") == approx(103.5)


def test_after_target_constant_and_cps_trend(tmp_path):
    """CPS rising 10 Mt/yr after 2020. E_ref(2035) = 103.5. constant: P = 103.5 - 60 = 43.5.
    cps_trend: path(2035) = 60 * 1150/1100 = 62.7272..., P = 103.5 - 62.7272... = 40.7727..."""
    c = [target(target_type="absolute", target_year=2030, value=0.4)]
    assert potential(tmp_path, c, 2035, national=RISING) == approx(43.5)
    trend = potential(tmp_path, c, 2035, national=RISING, overrides=override(pathway__after_target="cps_trend"))
    assert trend == approx(103.5 - 60 * 1150 / 1100)


def test_baseline_against_reference_and_reported_bau(tmp_path):
    """baseline 20 % below BAU in 2030. BAU = reference 90: E_tgt = 72, P(2030) = 18, P(2025) = 90 - 81 = 9.
    Reported BAU 100: E_tgt = 80, P(2030) = 10, P(2025) = 90 - 85 = 5."""
    c = [target(target_type="baseline", target_year=2030, value=0.2, base_year="")]
    assert potential(tmp_path, c, 2030) == approx(18.0)
    assert potential(tmp_path, c, 2025) == approx(9.0)
    c = [target(target_type="baseline", target_year=2030, value=0.2, base_year="", bau_emissions_mt=100)]
    assert potential(tmp_path, c, 2030) == approx(10.0)
    assert potential(tmp_path, c, 2025) == approx(5.0)


@pytest.mark.parametrize("kind,driver", [("intensity_gdp", "gdp"), ("intensity_capita", "population")])
def test_intensity(tmp_path, kind, driver):
    """E(BY 2010) = 100, driver 100 -> 150 (2010 -> 2030), p = 0.5: E_tgt = 100/100 * 0.5 * 150 = 75.
    P(2030) = 90 - 75 = 15; P(2025) = 90 - (90 + (75 - 90)/2) = 7.5."""
    drivers = [{"actor_id": "R", "driver": driver, "year": 2010, "value": 100},
               {"actor_id": "R", "driver": driver, "year": 2030, "value": 150}]
    c = [target(target_type=kind, target_year=2030, value=0.5, base_year=2010)]
    assert potential(tmp_path, c, 2030, drivers=drivers) == approx(15.0)
    assert potential(tmp_path, c, 2025, drivers=drivers) == approx(7.5)


def test_intensity_without_driver_is_excluded(tmp_path):
    folder = write_case(tmp_path / "case", REGION, INVENTORY,
                        [target(target_type="intensity_gdp", target_year=2030, value=0.5, base_year=2010)])
    a = run(folder)
    assert list(a.screened.exclusions["reason_code"]) == ["missing_driver"]


def test_fixed_level_with_partial_coverage(tmp_path):
    """40 Mt for the covered half: covered reference 45 -> 40, P(2030) = 5; 2025: 0.5 * (90 - 85) = 2.5."""
    c = [target(target_type="fixed_level", target_year=2030, value=40, coverage=0.5, base_year="")]
    assert potential(tmp_path, c, 2030) == approx(5.0)
    assert potential(tmp_path, c, 2025) == approx(2.5)


def test_net_zero_and_residual_share(tmp_path):
    """Net zero 2040 from 90 in 2020: path(2030) = 45, P = 45; 2035: P = 67.5.
    residual 0.1 of E(2005) = 10: path(2030) = 90 - 80/2 = 50, P = 40."""
    c = [target(target_type="net_zero", target_year=2040, value=1.0)]
    assert potential(tmp_path, c, 2030) == approx(45.0)
    assert potential(tmp_path, c, 2035) == approx(67.5)
    assert potential(tmp_path, c, 2030, overrides=override(net_zero__residual_share=0.1)) == approx(40.0)


def test_renewable_electricity(tmp_path):
    """share 0.8 vs reference 0.2, electricity 25 % of a region's emissions: cut = 0.6 * 0.25 = 0.15,
    E_tgt = 90 * 0.85 = 76.5, P(2030) = 13.5, P(2025) = 6.75."""
    c = [target(target_type="renewable_electricity", target_year=2030, value=0.8, base_year="",
                reference_share=0.2)]
    assert potential(tmp_path, c, 2030) == approx(13.5)
    assert potential(tmp_path, c, 2025) == approx(6.75)


def test_peaking(tmp_path):
    """Peak in 2025 with a rising CPS: E_ref(2025) = 94.5, E_ref(2030) = 99, E_ref(2035) = 103.5.
    P = E_ref(t) - 94.5: 0, 4.5, 9."""
    c = [target(target_type="peaking", target_year=2025, value="", base_year="")]
    assert potential(tmp_path, c, 2025, national=RISING) == approx(0.0)
    assert potential(tmp_path, c, 2030, national=RISING) == approx(4.5)
    assert potential(tmp_path, c, 2035, national=RISING) == approx(9.0)


def test_piecewise_pathway_and_governing_target(tmp_path):
    """20 % by 2025 and 50 % by 2035 (of 100): knots 2020: 90, 2025: 80, 2035: 50; path(2030) = 65.
    P: 2025 = 10, 2030 = 25, 2035 = 40. The 2025 target governs 2025, the 2035 target 2030 and 2035."""
    c = [target(target_type="absolute", target_year=2025, value=0.2),
         target(commitment_id="c2", target_type="absolute", target_year=2035, value=0.5)]
    folder = write_case(tmp_path / "case", REGION, INVENTORY, c)
    a = run(folder)
    assert group_value(a, "full_implementation", "c1", 2030) == approx(25.0)
    from subnat.aggregate.metrics import commitments_table

    table = commitments_table(a).set_index("commitment_id")
    assert table.loc["c1", "potential_mt_2025"] == approx(10.0)
    assert table.loc["c2", "potential_mt_2025"] == approx(0.0)
    assert table.loc["c1", "potential_mt_2030"] == approx(0.0)
    assert table.loc["c2", "potential_mt_2030"] == approx(25.0)
    assert table.loc["c2", "potential_mt_2035"] == approx(40.0)
    assert table["potential_mt_2030"].sum() == approx(total(a, "full_implementation", 2030, "gross"))


def test_same_year_lower_level_wins(tmp_path):
    """absolute 40 % (level 60) and fixed level 50 Mt, both 2030: 50 wins, P(2030) = 90 - 50 = 40."""
    c = [target(target_type="absolute", target_year=2030, value=0.4),
         target(commitment_id="c2", target_type="fixed_level", target_year=2030, value=50, base_year="")]
    assert potential(tmp_path, c, 2030) == approx(40.0)


@pytest.mark.parametrize(("value", "expected"), [(0.5, 60.0), (0.8, 60.0), (1.0, 60.0)])
def test_same_year_targets_of_different_coverage_compare_the_actor_level(tmp_path, value, expected):
    """fixed level 30 Mt over the whole actor (level 30) and absolute `value` below 2005 over half of it:
    its covered level 100 (1 - value) is 50, 20 or 0, but the actor's level is 0.5 * that + 0.5 * 90 =
    70, 55 or 45, above 30, so the fixed level wins: P(2030) = 90 - 30 = 60 in every case. Comparing
    covered levels would let the 80 % target win with P = 0.5 * (90 - 20) = 35: more ambition, less impact."""
    c = [target(target_type="absolute", target_year=2030, value=value, coverage=0.5),
         target(commitment_id="c2", target_type="fixed_level", target_year=2030, value=30, base_year="")]
    assert potential(tmp_path, c, 2030, cid="c2") == approx(expected)


def test_partial_coverage_uncovered_part_follows_reference(tmp_path):
    """coverage 0.5 of a 40 % target: P(2030) = 0.5 * (90 - 60) = 15."""
    c = [target(target_type="absolute", target_year=2030, value=0.4, coverage=0.5)]
    assert potential(tmp_path, c, 2030) == approx(15.0)


def test_zero_floor_for_target_weaker_than_reference(tmp_path):
    """5 % below 2005 (95 Mt) while the reference is 90 Mt: no impact in any year."""
    c = [target(target_type="absolute", target_year=2030, value=0.05)]
    for year in (2025, 2030, 2035):
        assert potential(tmp_path, c, year) == approx(0.0)


def test_cap_at_covered_reference(tmp_path):
    """fixed level 0 for 70 % coverage: P(2030) = 0.7 * 90 = 63, never more than the covered reference."""
    c = [target(target_type="fixed_level", target_year=2030, value=0, coverage=0.7, base_year="")]
    assert potential(tmp_path, c, 2030) == approx(63.0)
    assert potential(tmp_path, c, 2035) == approx(63.0)


def test_base_year_anchor_fallback(tmp_path):
    """No inventory: reference anchors on the base year, E_ref = 100 * CPS(t)/CPS(2005) = 100 * 900/1000 = 90;
    pathway 2005 (100) -> 2030 (60): 2025: 68, P = 22. With the fallback off it is excluded."""
    national = {"history": {2005: 1000.0}, "cps": {y: 900.0 for y in range(2015, 2041)}}
    c = [target(target_type="absolute", target_year=2030, value=0.4, base_year_emissions_mt=100)]
    folder = write_case(tmp_path / "case", REGION, [], c, national=national)
    a = run(folder)
    assert group_value(a, "full_implementation", "c1", 2025, "reference") == approx(90.0)
    assert group_value(a, "full_implementation", "c1", 2025) == approx(22.0)
    assert a.screened.groups["ref_anchor"].tolist() == ["base_year"]
    off = run(folder, overrides=override(reference__base_year_fallback=False))
    assert list(off.screened.exclusions["reason_code"]) == ["missing_emissions"]


def test_passed_target_holds_its_level(tmp_path):
    """Target year 2018 before the MRY 2020 (80 Mt = 20 % below 100): after it, the level holds: P = 90 - 80 = 10."""
    c = [target(target_type="absolute", target_year=2018, value=0.2)]
    folder = write_case(tmp_path / "case", REGION, INVENTORY, c, meta={"years": [2015, 2040]})
    a = run(folder)
    assert group_value(a, "full_implementation", "c1", 2030) == approx(10.0)


@pytest.mark.parametrize("row,code", [
    (dict(actor_id="NOPE"), "unresolved_actor"),
    (dict(target_type="carbon_budget"), "unknown_target_type"),
    (dict(target_year=2005, base_year=2010), "target_year_not_after_base_year"),
    (dict(target_year=2012, base_year=2005), "target_year_before_start"),
    (dict(base_year=2012), "missing_base_year_emissions"),
    (dict(value=""), "missing_value"),
    # value=1.5 is an error in load_case since issue 14 (test_hostile.py::test_fraction_above_one_*)
    (dict(status="pledge"), "status_filtered"),
    (dict(scope="scope3"), "scope_not_counted"),
])
def test_exclusion_reasons(tmp_path, row, code):
    c = [target(**{"target_type": "absolute", "target_year": 2030, "value": 0.4, **row})]
    folder = write_case(tmp_path / "case", REGION, INVENTORY, c)
    config = load([], override(inclusion__statuses=["law", "policy"]))
    from subnat.aggregate.national import national_series
    from subnat.case.load import load_case

    case = load_case(folder)
    screened = screen(case, method_settings(config).screen, national_series(case, "ensemble"))
    assert list(screened.exclusions["reason_code"]) == [code]
    assert screened.commitments.empty


def test_outside_country_and_duplicates(tmp_path):
    actors = [*REGION, {"actor_id": "F", "name": "Foreign", "actor_type": "region", "country": "XFR"}]
    inv = [*INVENTORY, {"actor_id": "F", "year": 2020, "emissions_mt": 5.0}]
    c = [target(target_type="absolute", target_year=2030, value=0.4, source=""),
         target(commitment_id="c2", target_type="absolute", target_year=2030, value=0.4),
         target(commitment_id="c3", actor_id="F", target_type="absolute", target_year=2030, value=0.4)]
    folder = write_case(tmp_path / "case", actors, inv, c)
    a = run(folder)
    reasons = dict(zip(a.screened.exclusions["commitment_id"], a.screened.exclusions["reason_code"], strict=True))
    assert reasons == {"c1": "duplicate", "c3": "outside_country"}  # c2 is more complete (has a source)


def test_two_targets_of_one_type_in_the_same_year_lower_wins(tmp_path):
    """40 % and 45 % below 2005 by 2030 (60 and 55 Mt): both kept, 55 wins, P(2030) = 90 - 55 = 35;
    the 45 % target governs 2030 in commitments.csv."""
    c = [target(target_type="absolute", target_year=2030, value=0.4),
         target(commitment_id="c2", target_type="absolute", target_year=2030, value=0.45)]
    folder = write_case(tmp_path / "case", REGION, INVENTORY, c)
    a = run(folder)
    assert a.screened.exclusions.empty
    assert group_value(a, "full_implementation", "c1", 2030) == approx(35.0)
    from subnat.aggregate.metrics import commitments_table

    table = commitments_table(a).set_index("commitment_id")
    assert table.loc["c2", "potential_mt_2030"] == approx(35.0)
    assert table.loc["c1", "potential_mt_2030"] == approx(0.0)


def test_equal_levels_in_the_same_year_tie_on_commitment_id():
    """Two targets with the same level computed in different orders (1.5 x 1.05 and 1.575 differ in
    the last bit): a tie, so the first commitment_id governs whatever the rounding."""
    from subnat.aggregate.pathways import governing

    years = np.array([2029, 2030, 2031])
    just_above, exact = 1.5 * 1.05, 1.575
    assert just_above != exact
    assert list(governing([2030, 2030], [False, False], [just_above, exact], ["a", "b"], years)) == [0, 0, 0]
    assert list(governing([2030, 2030], [False, False], [exact, just_above], ["b", "a"], years)) == [1, 1, 1]
    assert list(governing([2030, 2030], [False, False], [1.5, 1.575], ["b", "a"], years)) == [0, 0, 0]


def test_equal_levels_tie_to_the_larger_coverage():
    """Same level, coverage 0.5 (id a) and 1.0 (id b): b covers more of the actor and governs, so
    raising a's ambition to b's level cannot halve the impact (method §4, found by hypothesis)."""
    from subnat.aggregate.pathways import governing

    years = np.array([2030])
    assert list(governing([2030, 2030], [False, False], [0.0, 0.0], ["a", "b"], years, [0.5, 1.0])) == [1]
    assert list(governing([2030, 2030], [False, False], [0.0, 0.1], ["a", "b"], years, [0.5, 1.0])) == [0]
