"""Tracking (issue 19 items 1-3): progress metrics, the Under2 MOU branches, the 1990 back-cast,
the population cross-check, the 2050 consistency flags and the landscape averages, each against
numbers worked out by hand in the docstrings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from subnat.case.load import load_case
from subnat.config import load
from subnat.errors import InputError
from subnat.tracking import benchmarks, consistency, landscape, mou, population
from subnat.tracking.actors import TrackingSettings, actors_table, emissions_1990
from subnat.tracking.progress import commitment_levels, metrics, progress_table
from subnat.tracking.steps import tables
from tests.casebuilder import write_case

approx = pytest.approx


def test_progress_metrics_by_hand():
    """E(BY)=100 in 2010, target 60 in 2030 (-40 %), E(L)=85 in 2020:
    pathway(2020) = 100 + 10/20 * (60 - 100) = 80; share = (100 - 85)/(100 - 60) = 0.375;
    required = 1 - 0.6^(1/20) = 2.5218 %; achieved = 1 - 0.85^(1/10) = 1.6120 %;
    85 > 80: not on track."""
    m = metrics(100.0, 2010, 60.0, 2030, 85.0, 2020)
    assert m["pathway_level_mt"] == approx(80.0)
    assert m["share_achieved"] == approx(0.375)
    assert m["required_rate_pct"] == approx(100 * (1 - 0.6 ** (1 / 20)))
    assert m["required_rate_pct"] == approx(2.5218, abs=1e-4)
    assert m["achieved_rate_pct"] == approx(1.6120, abs=1e-4)
    assert m["on_track"] is False
    # E(L)=75 <= 80: on track, share (100-75)/40 = 0.625
    m = metrics(100.0, 2010, 60.0, 2030, 75.0, 2020)
    assert m["on_track"] is True and m["share_achieved"] == approx(0.625)


def test_progress_metrics_net_zero_and_after_target_year():
    """Net zero (level 0): no compound rate; after the target year the pathway is held at the level."""
    m = metrics(100.0, 2010, 0.0, 2030, 50.0, 2020)
    assert math.isnan(m["required_rate_pct"]) and m["pathway_level_mt"] == approx(50.0)
    assert m["share_achieved"] == approx(0.5)
    assert metrics(100.0, 2010, 60.0, 2015, 70.0, 2020)["pathway_level_mt"] == approx(60.0)


def _case(tmp_path, actors=None, inventory=None, commitments=None, national=None):
    actors = actors or [
        {"actor_id": "R1", "name": "Region One", "actor_type": "region", "population": 10_000_000},
        {"actor_id": "R2", "name": "Region Two", "actor_type": "region", "population": ""},
        {"actor_id": "C1", "name": "City One", "actor_type": "city", "parent_id": "R1", "population": 500_000},
        {"actor_id": "CO-X", "name": "Company X", "actor_type": "company"},
    ]
    inventory = inventory or [
        {"actor_id": "R1", "year": 1990, "emissions_mt": 200.0, "scope": "territorial"},
        {"actor_id": "R1", "year": 2010, "emissions_mt": 180.0, "scope": "territorial"},
        {"actor_id": "R1", "year": 2020, "emissions_mt": 150.0, "scope": "territorial"},
        {"actor_id": "R2", "year": 2000, "emissions_mt": 60.0, "scope": "territorial"},
        {"actor_id": "R2", "year": 2020, "emissions_mt": 54.0, "scope": "territorial"},
        {"actor_id": "C1", "year": 2015, "emissions_mt": 4.0, "scope": "territorial"},
        {"actor_id": "C1", "year": 2019, "emissions_mt": 3.0, "scope": "territorial"},
        {"actor_id": "CO-X", "year": 2019, "emissions_mt": 2.0, "scope": "scope1+2"},
    ]
    commitments = commitments or [
        {"commitment_id": "R1-2030", "actor_id": "R1", "target_type": "absolute", "target_year": 2030,
         "value": 0.4, "base_year": 1990, "scope": "territorial"},
        {"commitment_id": "R1-2050", "actor_id": "R1", "target_type": "absolute", "target_year": 2050,
         "value": 0.8, "base_year": 1990, "scope": "territorial"},
        {"commitment_id": "R2-2030", "actor_id": "R2", "target_type": "absolute", "target_year": 2030,
         "value": 0.3, "base_year": 2000, "scope": "territorial"},
        {"commitment_id": "C1-2050", "actor_id": "C1", "target_type": "net_zero", "target_year": 2050,
         "value": 1, "base_year": 2015, "scope": "territorial", "status": "pledge"},
        {"commitment_id": "CO-X-2030", "actor_id": "CO-X", "target_type": "absolute", "target_year": 2030,
         "value": 0.5, "base_year": 2019, "base_year_emissions_mt": 2.0, "scope": "scope1+2"},
    ]
    national = national or {"history": {1990: 800.0, 2000: 1000.0, 2005: 1000.0, 2020: 900.0},
                            "cps": {y: 900.0 for y in range(2005, 2041)}}
    return write_case(tmp_path / "case", actors, inventory, commitments, national)


def test_progress_table_of_a_case(tmp_path):
    """R1-2030: E(1990)=200 (inventory), target 120, latest 2020 = 150: pathway 200 - 30/40*80 = 140,
    share (200-150)/80 = 0.625, off track (150 > 140). CO-X has no inventory after 2019: no row."""
    case = load_case(_case(tmp_path))
    p = progress_table(case).set_index("commitment_id")
    assert "CO-X-2030" not in p.index
    r = p.loc["R1-2030"]
    assert r["base_emissions_mt"] == 200.0 and r["target_level_mt"] == approx(120.0)
    assert r["latest_year"] == 2020 and r["pathway_level_mt"] == approx(140.0)
    assert r["share_achieved"] == approx(0.625) and not r["on_track"]
    assert r["base_emissions_source"] == "inventory"
    # C1 net zero from 2015 (4 Mt): pathway(2019) = 4 - 4/35*4 = 3.542857; 3 <= that: on track
    c = p.loc["C1-2050"]
    assert c["target_level_mt"] == 0.0 and c["pathway_level_mt"] == approx(4 - 16 / 35)
    assert bool(c["on_track"]) and c["share_achieved"] == approx(0.25)


def test_backcast_1990_by_hand():
    """R2: earliest inventory 60 Mt in 2000; national 800 (1990) / 1000 (2000) = 0.8: E(1990) = 48."""
    e, how, detail = emissions_1990(pd.Series({2000: 60.0, 2020: 54.0}),
                                    pd.Series({1990: 800.0, 2000: 1000.0}), True)
    assert e == approx(48.0) and how == "backcast" and "2000" in detail
    assert emissions_1990(pd.Series({1990: 5.0}), pd.Series(dtype=float), True)[:2] == (5.0, "inventory")
    assert emissions_1990(pd.Series({2000: 60.0}), pd.Series({1990: 800.0, 2000: 1000.0}), False)[1] == "none"
    assert emissions_1990(pd.Series({2000: 60.0}), pd.Series({2000: 1000.0}), True)[1] == "none"


def _targets(*rows):
    cols = {"commitment_id": "", "target_type": "absolute", "target_year": 2050, "base_year": 2005,
            "value": 0.5, "coverage": 1.0, "target_level_mt": math.nan}
    return pd.DataFrame([{**cols, **r} for r in rows])


def test_mou2015_every_branch():
    """Thresholds 80 % below 1990 / 2 t per person by 2050."""
    rule = mou.Mou2015()
    # 80 % below 1990, base year 1990: met without 1990 emissions (k p = 0.8)
    v, why = mou.check_2015(_targets({"commitment_id": "a", "base_year": 1990, "value": 0.8}), math.nan, [], rule)
    assert v == "met" and "80.0 %" in why
    # level 30 vs E(1990) = 100: 70 % below; 30 Mt / 10 M people = 3 t: not met on either branch
    t = _targets({"commitment_id": "b", "target_level_mt": 30.0})
    assert mou.check_2015(t, 100.0, [10e6], rule)[0] == "not_met"
    # same level, 20 M people: 1.5 t < 2: met by the per-capita branch
    v, why = mou.check_2015(t, 100.0, [20e6], rule)
    assert v == "met" and "1.50 t" in why
    # 70 % below, no population: the per-capita branch could still hold -> unknown
    v, why = mou.check_2015(t, 100.0, [], rule)
    assert v == "unknown" and "no population" in why
    # populations disagree (1.5 t vs 3 t): unknown, not picked
    v, why = mou.check_2015(t, 100.0, [20e6, 10e6], rule)
    assert v == "unknown" and "disagree" in why
    # no 1990 emissions, 3 t per person: unknown (the 1990 branch is not assessable)
    assert mou.check_2015(t, math.nan, [10e6], rule)[0] == "unknown"
    # no target by 2050 (only 2060): not met
    v, why = mou.check_2015(_targets({"commitment_id": "c", "target_year": 2060}), 100.0, [1e6], rule)
    assert v == "not_met" and "no target by 2050" in why
    # net zero by 2045 over everything: 100 % below 1990
    nz = _targets({"commitment_id": "d", "target_type": "net_zero", "target_year": 2045, "value": 1.0,
                   "target_level_mt": 0.0})
    assert mou.check_2015(nz, math.nan, [], rule)[0] == "met"


def test_mou2021_every_branch():
    nz = {"commitment_id": "nz", "target_type": "net_zero", "value": 1.0, "target_level_mt": 0.0}
    assert mou.check_2021(_targets({**nz, "target_year": 2045}))[0] == "met"
    v, why = mou.check_2021(_targets({**nz, "target_year": 2060}))
    assert v == "not_met" and "2060" in why
    v, why = mou.check_2021(_targets({**nz, "target_year": 2050, "coverage": 0.6}))
    assert v == "not_met" and "60 %" in why
    v, why = mou.check_2021(_targets({"commitment_id": "a", "value": 0.8}))
    assert v == "not_met" and "no net-zero" in why
    assert mou.check_2021(_targets({"commitment_id": "x", "value": 1.0, "target_year": 2040}))[0] == "met"


def _levels(*rows):
    cols = {"commitment_id": "", "target_type": "absolute", "base_year": 2005, "base_emissions_mt": 100.0,
            "scope": "territorial"}
    return pd.DataFrame([{**cols, **r} for r in rows])


def test_consistency_flags_by_hand():
    """Anchor 100 Mt in 2020, long-term 0 in 2050: straight(2030) = 100 - 10/30 * 100 = 66.67.
    A 2030 target at 70 is above it: dead_end; at 60: consistent; none: no_interim."""
    inv = pd.Series({2020: 100.0})
    lt = {"commitment_id": "LT", "target_type": "net_zero", "target_year": 2050, "target_level_mt": 0.0}
    flag, rows = consistency.assess(_levels(lt, {"commitment_id": "I", "target_year": 2030,
                                                 "target_level_mt": 70.0}), inv, 2040, [2030, 2040])
    assert flag == "dead_end"
    interim = next(r for r in rows if r["kind"] == "interim")
    assert interim["straight_level_mt"] == approx(100 - 100 / 3) and interim["weaker_than_path"]
    assert math.isnan(interim["constant_rate_level_mt"])  # no constant rate to zero
    assert [r["year"] for r in rows if r["kind"] == "milestone"] == [2040]
    flag, _ = consistency.assess(_levels(lt, {"commitment_id": "I", "target_year": 2030, "target_level_mt": 60.0}),
                                 inv, 2040, [])
    assert flag == "consistent"
    assert consistency.assess(_levels(lt), inv, 2040, [2030])[0] == "no_interim"
    assert consistency.assess(_levels({"commitment_id": "S", "target_year": 2030, "target_level_mt": 50.0}),
                              inv, 2040, [])[0] == "none"


def test_constant_rate_path_by_hand():
    """100 Mt in 2020 to 25 in 2040: halfway 100 * 0.25^0.5 = 50 (the straight line gives 62.5)."""
    assert consistency.constant_rate_level(100.0, 2020, 25.0, 2040, 2030) == approx(50.0)
    lt = {"commitment_id": "LT", "target_year": 2040, "target_level_mt": 25.0}
    _, rows = consistency.assess(_levels(lt, {"commitment_id": "I", "target_year": 2030, "target_level_mt": 55.0}),
                                 pd.Series({2020: 100.0}), 2040, [])
    assert rows[0]["straight_level_mt"] == approx(62.5) and rows[0]["constant_rate_level_mt"] == approx(50.0)
    assert rows[0]["weaker_than_path"] is False  # 55 < 62.5: on the straight path (steeper than constant rate)


def test_ar6_benchmark_rates_by_hand():
    """-43 % 2019-2030: 1 - 0.57^(1/11) = 4.98 %/yr; 2030-2050 from 0.57 to 0.16:
    1 - (0.16/0.57)^(1/20) = 6.15 %/yr; before 2019 the level is held at 1."""
    red = {2030: 0.43, 2050: 0.84}
    assert benchmarks.rate_pct(red, 2019, 2019, 2030) == approx(100 * (1 - 0.57 ** (1 / 11)))
    assert benchmarks.rate_pct(red, 2019, 2030, 2050) == approx(100 * (1 - (0.16 / 0.57) ** (1 / 20)))
    assert benchmarks.rate_pct(red, 2019, 2015, 2030) == approx(100 * (1 - 0.57 ** (1 / 15)))
    assert benchmarks.level(red, 2019, 2060) == approx(0.16)


CLIMACTOR = ('"name","iso","entity_type","country","area","num_commit","lat","lng","population",'
             '"population_year","state","admin_1","initiatives_committed","region"\n'
             '"Region One","XTS","Region","Testland",NA,1,0,0,10500000,2020,NA,NA,"x","y"\n'
             '"Region Two","XTS","Region","Testland",NA,1,0,0,3000000,2019,NA,NA,"x","y"\n'
             '"City One","XTS","City","Testland",NA,1,0,0,1500000,2010,NA,NA,"x","y"\n')


def test_population_cross_check(tmp_path):
    """R1: 10.0 M (case) vs 10.5 M: ratio 1.05 agree; R2: ClimActor only; C1: 0.5 M vs 1.5 M,
    ratio 3 > 1.5: disagree, the case value kept and both candidates passed on; company: n/a."""
    path = tmp_path / "ca.csv"
    path.write_text(CLIMACTOR, encoding="utf-8")
    case = load_case(_case(tmp_path))
    pop = population.cross_check(case.actors, population.read_climactor(path), 1.5).set_index("actor_id")
    assert pop.loc["R1", "population_flag"] == "agree" and pop.loc["R1", "population"] == 10e6
    assert pop.loc["R2", "population_flag"] == "climactor_only" and pop.loc["R2", "population_year"] == 2019
    assert pop.loc["C1", "population_flag"] == "disagree" and pop.loc["C1", "population"] == 5e5
    assert population.candidates(pop.loc["C1"]) == [5e5, 1.5e6]
    assert pop.loc["CO-X", "population_flag"] == "not_applicable"
    none = population.cross_check(case.actors, None, 1.5).set_index("actor_id")
    assert none.loc["R2", "population_flag"] == "climactor_unavailable"


def test_bad_climactor_file_is_a_clear_error(tmp_path):
    path = tmp_path / "ca.csv"
    path.write_text("name,iso\nX,Y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ca\.csv:1: entity_type"):
        population.read_climactor(path)


def test_actors_table_of_a_case(tmp_path):
    """R1: 1990 inventory 200; 2050 -80 % of 1990 meets MOU 2015, no net zero fails 2021; latest 150 Mt /
    10 M people = 15 t. Interim 2030 at 120 vs straight(2030) from (2020, 150) to (2050, 40):
    150 - 10/30 * 110 = 113.33: dead end. Required rate 2020->2030: 1 - (120/150)^(1/10) = 2.207 %.
    R2: 1990 back-cast 60 * 800/1000 = 48. Every actor has both verdicts with a reason."""
    case = load_case(_case(tmp_path))
    s = TrackingSettings()
    levels = commitment_levels(case, 0.0)
    prog = progress_table(case)
    a, cons = actors_table(case, levels, prog, None, s)
    a = a.set_index("actor_id")
    r1 = a.loc["R1"]
    assert (r1["mou2015"], r1["mou2021"]) == ("met", "not_met")
    assert r1["per_capita_t"] == approx(15.0) and r1["emissions_1990_source"] == "inventory"
    assert r1["consistency_flag"] == "dead_end" and r1["long_term_target_year"] == 2050
    assert r1["required_rate_pct"] == approx(100 * (1 - 0.8 ** 0.1))
    # AR6 1.5 C over the same years, 2020-2030, inside one constant-rate segment: 1 - 0.57^(1/11)
    assert r1["ar6_15c_rate_pct"] == approx(100 * (1 - 0.57 ** (1 / 11)))
    assert r1["on_track"] == "false"
    assert a.loc["R2", "emissions_1990_mt"] == approx(48.0) and a.loc["R2", "emissions_1990_source"] == "backcast"
    assert a.loc["C1", "mou2021"] == "met" and a.loc["C1", "consistency_flag"] == "no_interim"
    assert a.loc["CO-X", "mou2015"] == "unknown" and "company" in a.loc["CO-X", "mou2015_reason"]
    assert a["mou2015_reason"].str.len().gt(0).all() and a["mou2021_reason"].str.len().gt(0).all()
    assert a.loc["R1", "peer_group_size"] == 2 and a.loc["R1", "peer_rank_progress"] == 1
    row = cons[cons["kind"] == "interim"].iloc[0]
    assert row["straight_level_mt"] == approx(150 - 110 / 3) and row["target_level_mt"] == approx(120.0)


def test_landscape_averages_by_hand():
    """Two actors: 10 % (90 -> 81) and 50 % (10 -> 5): mean 30 %, weighted (100 - 86)/100 = 14 %."""
    p = pd.DataFrame({"commitment_id": ["a", "b"], "actor_id": ["A", "B"], "actor_type": ["city", "city"],
                      "target_year": [2030, 2030], "latest_year": [2020, 2020],
                      "base_emissions_mt": [90.0, 10.0], "latest_emissions_mt": [81.0, 5.0], "on_track": [True, False]})
    c = pd.DataFrame({"commitment_id": ["a", "b", "c"], "actor_id": ["A", "B", "B"],
                      "target_type": ["absolute"] * 3, "status": ["law", "pledge", "pledge"]})
    t = landscape.landscape("x", c, pd.Series({"A": "city", "B": "city"}), p).set_index(["metric", "actor_type",
                                                                                          "category"])
    assert t.loc[("mean_reduction_below_base", "all", ""), "value"] == approx(30.0)
    assert t.loc[("weighted_reduction_below_base", "all", ""), "value"] == approx(14.0)
    assert t.loc[("tracking", "city", "not_tracked"), "value"] == 1
    assert t.loc[("targets", "city", "absolute/pledge"), "value"] == 2


def test_tables_are_reproducible_on_the_demo_case():
    """Same config, same tables (no randomness, stable order); every demo actor has a verdict."""
    cfg = load()
    a, b = tables("demo", cfg), tables("demo", cfg)
    pd.testing.assert_frame_equal(a.actors, b.actors)
    pd.testing.assert_frame_equal(a.progress, b.progress)
    assert len(a.actors) == 11 and a.actors["mou2015"].isin(["met", "not_met", "unknown"]).all()


@pytest.mark.parametrize("module", ["progress", "benchmarks", "mou", "population", "consistency", "peers",
                                    "actors", "landscape"])
def test_docstring_examples_hold(module):
    """The worked examples in the tracking docstrings are tests too."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"subnat.tracking.{module}"))
    assert result.failed == 0 and result.attempted > 0
