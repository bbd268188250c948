"""Separate data errors (method §9, issue 16 item 4): base-year, latest-inventory (MRY) and
scope-split errors each move what they should and nothing else, follow the one-or-two-measurements
rule, and the engine equals the loop reference with them on and off."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from subnat.aggregate.engine import Prepared, ScenarioDraws, aggregate_draws, build_structure
from subnat.aggregate.pathways import build_pathways
from subnat.aggregate.perturb import DataErrors, base_year_correlation, data_errors
from subnat.aggregate.screen import screen
from subnat.aggregate.settings import method_settings
from subnat.config import load
from subnat.testing import bench, naive

N_DRAWS = 4


def _split_case(case):
    """The bench case with companies reporting scope 1, 2 and 3 separately and targets on all three
    (scope 3 counts 0 by default, so the scope split sets the weight)."""
    inventory = case.inventory
    companies = inventory["scope"] == "scope1+2"
    parts = []
    for scope, share in (("scope1", 0.5), ("scope2", 0.3), ("scope3", 0.2)):
        part = inventory[companies].copy()
        part["scope"], part["emissions_mt"] = scope, part["emissions_mt"] * share
        parts.append(part)
    inventory = bench.pd.concat([inventory[~companies], *parts], ignore_index=True)
    inventory["_line"] = np.arange(2, len(inventory) + 2)
    commitments = case.commitments.copy()
    commitments.loc[commitments["scope"] == "scope1+2", "scope"] = "scope1+2+3"
    # a third of the targets state their own base-year emissions: a separate measurement
    stated = np.arange(len(commitments)) % 3 == 0
    commitments.loc[stated, "base_year_emissions_mt"] = 1.0
    return replace(case, inventory=inventory, commitments=commitments)


@pytest.fixture(scope="module")
def split():
    settings = bench.every_source(method_settings(load([])))
    case = _split_case(bench.synthetic_case(60, 2015, 2040, seed=3, members=3))
    national, screened, years, prepared = bench.prepare_case(case, settings)
    members, _, fraction = bench.random_draws(len(screened.groups), len(screened.commitments),
                                              len(national.names), 150, seed=5)
    index = national.index[:, years - national.years[0]]
    errors = bench.case_data_errors(screened, settings, seed=9)
    return settings, case, national, screened, years, prepared, index, members, fraction, errors


def _variants(errors: DataErrors) -> dict[str, DataErrors]:
    return {"one_factor": DataErrors(errors.latest), "base_year": DataErrors(errors.latest, errors.base_year),
            "scope_split": DataErrors(errors.latest, None, errors.scope_split), "all": errors}


@pytest.mark.parametrize("variant", ["one_factor", "base_year", "scope_split", "all"])
@pytest.mark.parametrize("perturbed", [False, True])
def test_engine_equals_loop_reference_with_separate_data_errors(split, variant, perturbed):
    settings, case, national, screened, years, prepared, index, members, fraction, errors = split
    chosen = _variants(errors)[variant]
    varied = bench.perturbations(case, national, screened, years, settings, N_DRAWS, 11) if perturbed else {}
    raw = bench.naive_perturbations(case, N_DRAWS, 11) if perturbed else {}
    fast = aggregate_draws(prepared, index, ScenarioDraws(members[:N_DRAWS], delivered_fraction=fraction,
                                                          **chosen.fields(), **varied), np.arange(len(years)))
    slow = naive.aggregate(case, screened, national, years, settings,
                           naive.DrawArrays(members=members[:N_DRAWS], delivered_fraction=fraction(0, N_DRAWS),
                                            **bench.naive_data_errors(chosen, N_DRAWS), **raw))
    for key, expected in slow.items():
        np.testing.assert_allclose(getattr(fast, key), expected, rtol=1e-9, atol=1e-9, err_msg=key)
    one = errors.latest
    plain = aggregate_draws(prepared, index, ScenarioDraws(members[:N_DRAWS], one, fraction, **varied))
    assert np.array_equal(fast.net, plain.net) == (variant == "one_factor")


def test_the_split_case_has_every_kind_of_measurement(split):
    *_, screened, _, _, _, _, _, errors = split
    kinds = set(screened.groups["base_year_from"])
    assert {"stated", "inventory"} <= kinds
    assert errors.base_year is not None and errors.scope_split is not None


def _by_group(prepared, index, members, e, b):
    report = np.arange(prepared.n_years)
    draws = ScenarioDraws(members, lambda s0, s1: e[:, s0:s1], 1.0, base_factor=lambda s0, s1: b[:, s0:s1])
    return aggregate_draws(prepared, index, draws, report)


def test_base_year_error_moves_target_levels_not_the_reference(split):
    _, _, _, screened, _, prepared, index, members, _, _ = split
    n = len(screened.groups)
    ones = np.ones((n, N_DRAWS))
    central = _by_group(prepared, index, members[:N_DRAWS], ones, ones)
    high_base = _by_group(prepared, index, members[:N_DRAWS], ones, 1.3 * ones)
    np.testing.assert_array_equal(high_base.by_group["reference"], central.by_group["reference"])
    np.testing.assert_array_equal(high_base.cps, central.cps)
    moved = np.abs(high_base.by_group["potential"] - central.by_group["potential"]).max(axis=(1, 2)) > 1e-12
    base_targets = screened.commitments.groupby("group")["target_type"].agg(
        lambda k: bool(set(k) & {"absolute", "net_zero"}))
    # a higher base year raises absolute targets' levels: less potential, never more
    assert (high_base.by_group["potential"] <= central.by_group["potential"] + 1e-12).all()
    assert moved.any()
    assert not moved[~base_targets.reindex(range(n), fill_value=False).to_numpy()].any()


def test_mry_error_moves_the_reference_not_base_year_targets(split):
    _, _, _, screened, years, prepared, index, members, _, _ = split
    n = len(screened.groups)
    ones = np.ones((n, N_DRAWS))
    central = _by_group(prepared, index, members[:N_DRAWS], ones, ones)
    high_mry = _by_group(prepared, index, members[:N_DRAWS], 1.2 * ones, ones)
    np.testing.assert_allclose(high_mry.by_group["reference"], 1.2 * central.by_group["reference"], rtol=1e-12)
    # an absolute target alone, after its target year: the pathway is E(BY)(1 - p), fixed, so the
    # potential rises by exactly 0.2 x the covered reference
    rows = screened.commitments
    alone = rows.groupby("group").filter(lambda r: len(r) == 1 and (r["target_type"] == "absolute").all())
    assert len(alone)
    for _, row in alone.iterrows():
        g, after = int(row["group"]), years > row["target_year"]
        if not after.any():
            continue
        pot_c, pot_h = central.by_group["potential"][g][after], high_mry.by_group["potential"][g][after]
        ref = central.by_group["reference"][g][after] * row["coverage"]
        positive = pot_c > 0
        np.testing.assert_allclose(pot_h[positive] - pot_c[positive], 0.2 * ref[positive], rtol=1e-9)


def test_equal_factors_give_the_one_factor_result_exactly(split):
    _, _, _, _screened, _, prepared, index, members, fraction, errors = split
    e = errors.latest
    one = aggregate_draws(prepared, index, ScenarioDraws(members, e, fraction), np.array([5, 15]))
    same = aggregate_draws(prepared, index, ScenarioDraws(members, e, fraction, base_factor=e), np.array([5, 15]))
    for key in ("gross", "net", "o2", "o3", "o6", "coverage", "avoided"):
        np.testing.assert_array_equal(getattr(same, key), getattr(one, key), err_msg=key)


def test_scope_split_moves_only_groups_with_differently_weighted_scopes(split):
    *_, screened, _, _, _, _, _, errors = split
    c = errors.scope_split(0, 2000)
    multi = screened.groups["scope"].eq("scope1+2+3").to_numpy()
    assert multi.any() and (c[~multi] == 1.0).all()
    assert (c[multi].std(axis=1) > 0.01).all()
    # weights are shares of counted scopes: the drawn weight stays in (0, 1]
    weight = screened.groups["weight"].to_numpy()[multi, None] * c[multi]
    assert (weight > 0).all() and (weight <= 1 + 1e-12).all()
    assert abs(np.log(c[multi]).mean()) < 0.02  # centred on the reported split


def test_base_year_factor_follows_the_measurement_rule(split):
    settings, _, _, screened, *_, errors = split
    e, b = errors.latest(0, 4000), errors.base_year(0, 4000)
    source = screened.groups["base_year_from"].to_numpy()
    r = base_year_correlation(screened.groups, settings.uncertainty.actor_base_year_correlation)
    for kind, expected in (("inventory", settings.uncertainty.actor_base_year_correlation), ("stated", 0.0)):
        rows = np.flatnonzero(source == kind)
        assert len(rows) and (r[rows] == expected).all()
        measured = np.mean([np.corrcoef(np.log(e[g]), np.log(b[g]))[0, 1] for g in rows])
        assert abs(measured - expected) < 0.05, kind
    types = screened.groups["actor_type"].to_numpy()
    for kind, sigma in settings.uncertainty.actor_base_year_sigma.items():
        rows = np.flatnonzero((types == kind) & (source != "same"))
        if len(rows) and sigma > 0:
            assert abs(np.log(b[rows]).std(axis=1).mean() - sigma) < 0.1 * sigma


def test_one_measurement_shares_one_factor():
    """Base year = the reference's anchor (fallback) or the inventory's MRY row: b is e, exactly."""
    settings = bench.every_source(method_settings(load([])))
    case = bench.synthetic_case(30, 2015, 2040, seed=4, members=2)
    commitments = case.commitments.copy()
    commitments["base_year"] = 2019.0  # the MRY row of the bench inventory
    case = replace(case, commitments=commitments)
    _national, screened, _, _ = bench.prepare_case(case, settings)
    assert (screened.groups["base_year_from"] == "same").all()
    errors = data_errors(screened, settings.uncertainty, settings.screen.scope_weights, 3)
    np.testing.assert_array_equal(errors.base_year(0, 100), errors.latest(0, 100))


def test_switched_off_is_the_one_factor_model(split):
    settings, _case, _national, screened, *_ = split
    off = replace(settings.uncertainty, actor_data_separate=False)
    errors = data_errors(screened, off, settings.screen.scope_weights, 9)
    assert errors.base_year is None and errors.scope_split is None
    assert data_errors(screened, replace(off, actor_data_error=False), settings.screen.scope_weights, 9) is None


def test_base_year_anchor_moves_with_the_base_year_factor():
    """pathway.anchor: base_year: the pathway starts at the base-year level, which the base-year
    factor scales (engine against the loop reference)."""
    settings = bench.every_source(method_settings(load([])))
    settings = replace(settings, screen=replace(settings.screen, anchor="base_year"))
    case = bench.synthetic_case(40, 2015, 2040, seed=6, members=2)
    national, screened, years, prepared = bench.prepare_case(case, settings)
    assert (screened.groups["path_anchor"] == "base_year").any()
    members, _, fraction = bench.random_draws(len(screened.groups), len(screened.commitments),
                                              len(national.names), N_DRAWS, seed=5)
    errors = bench.case_data_errors(screened, settings, seed=2)
    index = national.index[:, years - national.years[0]]
    fast = aggregate_draws(prepared, index, ScenarioDraws(members, delivered_fraction=fraction, **errors.fields()),
                           np.arange(len(years)))
    slow = naive.aggregate(case, screened, national, years, settings,
                           naive.DrawArrays(members=members, delivered_fraction=fraction(0, N_DRAWS),
                                            **bench.naive_data_errors(errors, N_DRAWS)))
    for key, expected in slow.items():
        np.testing.assert_allclose(getattr(fast, key), expected, rtol=1e-9, atol=1e-9, err_msg=key)


def test_pathways_split_adds_up():
    """PA_base is part of the pathway: U + PA_base is the reference minus the MRY-anchored part, and
    with only reference-based or fixed targets there is no PA_base."""
    settings = method_settings(load([]))
    case = bench.synthetic_case(40, 2015, 2040, seed=6, members=2)
    national = bench.national_series(case, "ensemble")
    screened = screen(case, settings.screen, national)
    years = np.arange(2015, 2041)
    paths = build_pathways(screened.groups, screened.commitments, national, years, settings.pathway)
    assert paths.PA_base is not None
    rows = screened.commitments
    no_base = ~rows.groupby("group")["target_type"].agg(
        lambda k: bool(set(k) & {"absolute", "net_zero"})).reindex(range(len(screened.groups)), fill_value=False)
    assert (paths.PA_base[no_base.to_numpy()] == 0).all()
    only = rows[rows["target_type"].isin(["fixed_level", "baseline", "peaking"])]
    thin = replace(case, commitments=case.commitments[case.commitments["commitment_id"].isin(only["commitment_id"])])
    s2 = screen(thin, settings.screen, national)
    p2 = build_pathways(s2.groups, s2.commitments, national, years, settings.pathway)
    assert p2.PA_base is None
    structure = build_structure(thin.actors, s2.groups, s2.commitments, thin.company_locations, p2.gov,
                                settings.overlap)
    assert Prepared(p2, structure).groups.base_pathway.size == 0
