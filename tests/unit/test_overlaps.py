"""Hand-computed values for the overlap rules (method §7) and national integration (§8).

Set-up unless a test says otherwise (flat national CPS 1000 Mt, base year 2005 = 1000 Mt):
state S 100 Mt (2005 and 2020), 30 % below 2005 by 2030 -> P_S(2030) = 30, rho_S = 0.3;
city C inside S, 10 Mt, 50 % by 2030 -> P_C = 5, rho_C = 0.5.
"""

from __future__ import annotations

import numpy as np
import pytest

from subnat.aggregate.metrics import summary
from subnat.errors import ConsistencyError
from tests.casebuilder import approx, override, run, total, write_case

ACTORS = [
    {"actor_id": "S", "name": "State", "actor_type": "region"},
    {"actor_id": "S2", "name": "Other state", "actor_type": "region"},
    {"actor_id": "C", "name": "City", "actor_type": "city", "parent_id": "S"},
    {"actor_id": "D", "name": "District", "actor_type": "city", "parent_id": "C"},
    {"actor_id": "K", "name": "Company", "actor_type": "company"},
]
INVENTORY = [
    *[{"actor_id": a, "year": y, "emissions_mt": e} for a, e in (("S", 100.0), ("C", 10.0), ("D", 2.0),
                                                              ("S2", 50.0))
      for y in (2005, 2020)],
    {"actor_id": "K", "year": 2020, "emissions_mt": 10.0, "scope": "scope1"},
    {"actor_id": "K", "year": 2020, "emissions_mt": 0.0, "scope": "scope2"},
]


def c(cid, actor, value, **kw):
    return {"commitment_id": cid, "actor_id": actor, "target_type": "absolute", "target_year": 2030,
            "value": value, "base_year": kw.pop("base_year", 2005), **kw}


STATE, CITY = c("s", "S", 0.3), c("c", "C", 0.5)


def case(tmp_path, commitments, locations=None, inventory=INVENTORY):
    return write_case(tmp_path / "case", ACTORS, inventory, commitments, locations=locations)


def company(value=0.5):
    return c("k", "K", value, base_year=2020, scope="scope1+2")


def test_nested_city_adds_only_beyond_its_state(tmp_path):
    """N_C = 10 * max(0, 0.5 - 0.3) = 2. Gross 35, net 30 + 2 = 32, O2 removed 3."""
    a = run(case(tmp_path, [STATE, CITY]))
    assert total(a, "full_implementation", 2030, "gross") == approx(35.0)
    assert total(a, "full_implementation", 2030, "net") == approx(32.0)
    assert total(a, "full_implementation", 2030, "o2") == approx(3.0)


def test_nested_city_weaker_than_state_adds_nothing(tmp_path):
    """City 20 %: rho_C = 0.2 < 0.3, N_C = 0: net 30, O2 = 2."""
    a = run(case(tmp_path, [STATE, c("c", "C", 0.2)]))
    assert total(a, "full_implementation", 2030, "net") == approx(30.0)
    assert total(a, "full_implementation", 2030, "o2") == approx(2.0)


def test_nested_rule_applies_recursively(tmp_path):
    """District D (2 Mt, 60 %) inside C inside S: parent effective rate max(0.5, 0.3) = 0.5,
    N_D = 2 * (0.6 - 0.5) = 0.2. Net = 30 + 2 + 0.2 = 32.2."""
    a = run(case(tmp_path, [STATE, CITY, c("d", "D", 0.6)]))
    assert total(a, "full_implementation", 2030, "net") == approx(32.2)


def test_nested_rule_switched_off(tmp_path):
    a = run(case(tmp_path, [STATE, CITY]), overrides=override(overlap__nested="none"))
    assert total(a, "full_implementation", 2030, "net") == approx(35.0)


def test_fixed_fraction_scales_delivered_rates(tmp_path):
    """f = 0.5: rho_S = 0.15, rho_C = 0.25, N_C = 10 * 0.1 = 1; net = 15 + 1 = 16; gross 17.5."""
    a = run(case(tmp_path, [STATE, CITY]), scenarios=("fixed_0.5",),
            overrides=override(uncertainty__actor_data_error=False))
    assert total(a, "fixed_0.5", 2030, "net") == approx(16.0)
    assert total(a, "fixed_0.5", 2030, "gross") == approx(17.5)


def test_company_with_locations(tmp_path):
    """K: D = 5, rho_K = 0.5; 60 % in S (0.3), 40 % in S2 (no target): phi = 0.6, rho_j = 0.3.
    N = 5 * 0.4 + 10 * 0.6 * (0.5 - 0.3) = 3.2; O3 = 1.8. Net = 30 + 3.2."""
    locations = [{"company_id": "K", "jurisdiction_id": "S", "share": 0.6},
                 {"company_id": "K", "jurisdiction_id": "S2", "share": 0.4}]
    a = run(case(tmp_path, [STATE, company()], locations))
    assert total(a, "full_implementation", 2030, "o3") == approx(1.8)
    assert total(a, "full_implementation", 2030, "net") == approx(33.2)


def test_company_location_takes_the_highest_containing_rate(tmp_path):
    """All of K inside city C (own 0.5, its state 0.3 -> effective 0.5): N = 10 * max(0, 0.5 - 0.5) = 0."""
    locations = [{"company_id": "K", "jurisdiction_id": "C", "share": 1.0}]
    a = run(case(tmp_path, [STATE, CITY, company()], locations))
    assert total(a, "full_implementation", 2030, "o3") == approx(5.0)
    assert total(a, "full_implementation", 2030, "net") == approx(32.0)


def test_company_location_in_untargeted_city_inside_targeted_state(tmp_path):
    """K fully in D (no own target) inside C (0.5) inside S (0.3): effective 0.5; phi = 1; N = 0."""
    locations = [{"company_id": "K", "jurisdiction_id": "D", "share": 1.0}]
    a = run(case(tmp_path, [STATE, CITY, company()], locations))
    assert total(a, "full_implementation", 2030, "o3") == approx(5.0)


def test_company_without_locations_uses_the_national_proxy(tmp_path):
    """Covered 100 Mt (S; C is nested) of CPS 1000: phi = 0.1; rho_j = (30 + 2)/100 = 0.32.
    N = 5 * 0.9 + 10 * 0.1 * (0.5 - 0.32) = 4.68."""
    a = run(case(tmp_path, [STATE, CITY, company()]))
    assert total(a, "full_implementation", 2030, "net") == approx(32.0 + 4.68)
    assert total(a, "full_implementation", 2030, "o3") == approx(5.0 - 4.68)


def test_company_overlap_switched_off(tmp_path):
    a = run(case(tmp_path, [STATE, company()]), overrides=override(overlap__companies="none"))
    assert total(a, "full_implementation", 2030, "net") == approx(35.0)


SPLIT = [{"actor_id": "K", "year": 2020, "emissions_mt": 6.0, "scope": "scope1"},
         {"actor_id": "K", "year": 2020, "emissions_mt": 4.0, "scope": "scope2"},
         {"actor_id": "K", "year": 2020, "emissions_mt": 10.0, "scope": "scope3"}]


@pytest.mark.parametrize("rule,expected", [("location_based", 5.0), ("market_based", 4.0), ("excluded", 3.0)])
def test_scope2_rules(tmp_path, rule, expected):
    """50 % of scope 1+2 (6 + 4 = 10): P = 5 on the whole basis; counted weight (6 + w2 * 4)/10 with
    w2 = 1 (location), 0.5 (market-based factor), 0: 5, 4, 3 Mt."""
    inventory = [r for r in INVENTORY if r["actor_id"] != "K"] + SPLIT
    a = run(case(tmp_path, [company()], inventory=inventory),
            overrides=override(scope__count_scope2=rule, overlap__companies="none"))
    assert total(a, "full_implementation", 2030, "gross") == approx(expected)


def test_scope3_part_of_a_target_is_not_counted(tmp_path):
    """A scope 1+2+3 target of 50 % on 20 Mt: P = 10 whole; scope 3 (10 of 20) not counted: 5."""
    inventory = [r for r in INVENTORY if r["actor_id"] != "K"] + SPLIT
    a = run(case(tmp_path, [c("k", "K", 0.5, base_year=2020, scope="scope1+2+3")], inventory=inventory),
            overrides=override(overlap__companies="none"))
    assert total(a, "full_implementation", 2030, "gross") == approx(5.0)


def test_already_in_national_projection_is_reported_not_subtracted(tmp_path):
    """State flagged O6: gross 35, its 30 removed as O6; the city still adds only its excess 2: net 2."""
    flagged = {**STATE, "in_national_projection": "true"}
    a = run(case(tmp_path, [flagged, CITY]))
    assert total(a, "full_implementation", 2030, "gross") == approx(35.0)
    assert total(a, "full_implementation", 2030, "o6") == approx(30.0)
    assert total(a, "full_implementation", 2030, "net") == approx(2.0)
    sub = run(case(tmp_path, [flagged, CITY]), overrides=override(overlap__subtract_in_national_projection=True))
    assert total(sub, "full_implementation", 2030, "net") == approx(32.0)


def test_national_integration_and_headline_metrics(tmp_path):
    """E_nsa = 1000 - 32 = 968: 3.2 % below 2005 (1000). NDC 40 % below 2005: 600; gap 400;
    share closed 32/400 = 0.08; probability of meeting it 0; no_nsa: 0 % and share 0."""
    a = run(case(tmp_path, [STATE, CITY]), scenarios=("no_nsa", "full_implementation"))
    table = summary(a).set_index(["scenario", "year"])
    row = table.loc[("full_implementation", 2030)]
    assert row["emissions_mt_p50"] == approx(968.0)
    assert row["pct_below_base_p50"] == approx(3.2)
    assert row["net_reduction_mt_p50"] == approx(32.0)
    assert row["gross_reduction_mt_p50"] == approx(35.0)
    assert row["ndc_gap_share_p50"] == approx(0.08)
    assert row["prob_meets_ndc"] == 0.0
    assert row["n_commitments"] == 2
    assert table.loc[("no_nsa", 2030), "pct_below_base_p50"] == approx(0.0)
    assert np.isnan(table.loc[("full_implementation", 2025), "ndc_gap_share_p50"])  # no NDC for 2025


def test_coverage_counts_nested_once(tmp_path):
    """Coverage: S (100; C is inside it) + company share outside jurisdictions with targets:
    K 10 * (1 - 0.6) = 4 -> 104 Mt."""
    locations = [{"company_id": "K", "jurisdiction_id": "S", "share": 0.6}]
    a = run(case(tmp_path, [STATE, CITY, company()], locations))
    assert total(a, "full_implementation", 2030, "coverage") == approx(104.0)


def test_covered_emissions_above_national_fail_loudly(tmp_path):
    """Two states, each below the 1000 Mt nation, together above it: the coverage check stops the run.
    (One state above the nation is already invalid input: tests/unit/test_plausibility.py.)"""
    inventory = [{"actor_id": a, "year": y, "emissions_mt": 600.0} for a in ("S", "S2") for y in (2005, 2020)]
    with pytest.raises(ConsistencyError, match="exceed national"):
        run(case(tmp_path, [STATE, c("s2", "S2", 0.3)], inventory=inventory))


def test_net_reduction_splits_into_avoided_growth_and_below_today(tmp_path):
    """National CPS rising from 1000 (2020) to 1100 (2030): S's reference 110, its 30 % target 70:
    potential 40, of which 10 avoids growth above today's 100 and 30 is below it. C (nested) adds
    10 x (0.5 x 1.1 - ... ): its rate (11 - 5) / 11 against S's 40 / 110: net 11 x (6/11 - 4/11) = 2,
    split like C's potential 6 = 1 above today's 10 + 5 below: avoided 2 x 1/6."""
    national = {"history": {2005: 1000.0, 2020: 1000.0},
                "cps": {y: 1000.0 + 10.0 * max(0, y - 2020) for y in range(2005, 2041)}}
    folder = write_case(tmp_path / "case", ACTORS, INVENTORY, [STATE, CITY], national=national)
    a = run(folder, scenarios=("no_nsa", "full_implementation"))
    row = summary(a).set_index(["scenario", "year"]).loc[("full_implementation", 2030)]
    assert row["net_reduction_mt_p50"] == approx(42.0)
    assert row["avoided_growth_mt_p50"] == approx(10.0 + 2.0 / 6.0)
    assert row["below_today_mt_p50"] == approx(30.0 + 10.0 / 6.0)
    flat = run(case(tmp_path / "flat", [STATE, CITY]))
    assert summary(flat).set_index(["scenario", "year"]).loc[("full_implementation", 2030),
                                                              "avoided_growth_mt_p50"] == approx(0.0)


def test_projection_and_growth_error_give_intervals_without_moving_targets(tmp_path):
    """One CPS (auto: projection error on): no_nsa and full_implementation get intervals; the
    target level (70 Mt for S) does not move, so potential = reference - 70 in every draw."""
    on = override(uncertainty__projection_error="auto", uncertainty__reference_growth=True)
    a = run(case(tmp_path, [STATE]), scenarios=("no_nsa", "full_implementation"), draws=200, overrides=on)
    table = summary(a).set_index(["scenario", "year"])
    for scenario in ("no_nsa", "full_implementation"):
        r = table.loc[(scenario, 2030)]
        assert r["pct_below_base_p05"] < r["pct_below_base_p50"] < r["pct_below_base_p95"]
    full = a.results["full_implementation"]
    t = 2030 - a.years[0]
    reference = full.by_group["reference"][0, list(a.case.meta.reporting_years).index(2030)]
    np.testing.assert_allclose(full.net[t], np.maximum(reference - 70.0, 0.0), rtol=1e-9)
    assert reference.std() > 0
