"""The compiled engine on the benchmark's synthetic nested case: equal to the loop reference, and
results that do not depend on chunking or threads (draws are independent; sums run in one order)."""

from __future__ import annotations

import numpy as np
import pytest

from subnat.aggregate import engine
from subnat.aggregate.engine import ScenarioDraws, aggregate_draws
from subnat.aggregate.settings import method_settings
from subnat.config import load
from subnat.testing import bench, naive


@pytest.fixture(scope="module")
def synthetic():
    """Regions, cities two levels deep, companies with and without locations, every target type of the bench."""
    settings = method_settings(load([]))
    case = bench.synthetic_case(60, 2015, 2040, seed=3, members=3)
    national, screened, years, prepared = bench.prepare_case(case, settings)
    members, factor, fraction = bench.random_draws(len(screened.groups), len(screened.commitments),
                                                   len(national.names), 150, seed=5)
    index = national.index[:, years - national.years[0]]
    return settings, case, national, screened, years, prepared, index, ScenarioDraws(members, factor, fraction)


def test_synthetic_case_has_every_overlap(synthetic):
    *_, prepared, _, _ = synthetic
    structure = prepared.structure
    assert structure.n_jurisdictions < len(structure.unit_actor)  # companies
    assert (structure.parent_unit >= 0).any()  # nested jurisdictions
    assert structure.company_located.any() and not structure.company_located.all()  # locations and the proxy
    assert len(prepared.groups.special)  # peaking caps or fixed levels


def test_engine_equals_loop_reference_on_synthetic_case(synthetic):
    settings, case, national, screened, years, prepared, index, draws = synthetic
    n = 4
    first = ScenarioDraws(draws.members[:n], draws.data_factor, draws.delivered_fraction)
    fast = aggregate_draws(prepared, index, first, np.arange(len(years)))
    slow = naive.aggregate(case, screened, national, years, settings,
                           naive.DrawArrays(draws.members[:n], draws.data_factor(0, n), draws.delivered_fraction(0, n)))
    for key, expected in slow.items():
        np.testing.assert_allclose(getattr(fast, key), expected, rtol=1e-9, atol=1e-9, err_msg=key)
    assert (fast.o2 > 0).any() and (fast.o3 > 0).any()


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_results_do_not_depend_on_chunks_or_threads(synthetic, chunk, monkeypatch):
    *_, prepared, index, draws = synthetic
    report = np.array([5, 15])
    default = aggregate_draws(prepared, index, draws, report)
    monkeypatch.setattr(engine, "THREADS", 1)
    other = aggregate_draws(prepared, index, draws, report, chunk=chunk)
    for key in engine.TOTALS:
        np.testing.assert_array_equal(getattr(other, key), getattr(default, key), err_msg=key)
    for key in engine.GROUP_VALUES:
        np.testing.assert_array_equal(other.by_group[key], default.by_group[key], err_msg=key)


def test_per_group_values_sum_to_totals(synthetic):
    """Per-group net impacts at the reporting years add up to the national net reduction."""
    *_, prepared, index, draws = synthetic
    report = np.array([5, 15])
    result = aggregate_draws(prepared, index, draws, report)
    np.testing.assert_allclose(result.by_group["net"].sum(axis=0), result.net[report], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.by_group["delivered"].sum(axis=0), result.gross[report], rtol=1e-9, atol=1e-9)
    assert (result.by_group["delivered"] <= result.by_group["potential"] + 1e-12).all()


def test_chunk_size_is_bounded_and_block_aligned():
    assert engine.chunk_size(20000, 4000) * 20000 * 8 <= engine.CHUNK_BYTES
    assert engine.chunk_size(20000, 4000) % 64 == 0
    assert engine.chunk_size(10, 3) >= 1
    assert engine.chunk_size(0, 0) == 1


SOURCES = [(), ("projection",), ("growth",), ("projection", "growth")]


@pytest.mark.parametrize("sources", SOURCES)
def test_engine_equals_loop_reference_with_projection_and_growth_error(synthetic, sources):
    """Each new source on and off (method §9): national projection error and reference-growth
    error, correlated within parents, against the loop reference, with the avoided-growth split."""
    settings, case, national, screened, years, prepared, index, draws = synthetic
    settings = bench.every_source(settings)
    n, seed = 4, 11
    varied = bench.perturbations(case, national, screened, years, settings, n, seed)
    raw = bench.naive_perturbations(case, n, seed)
    if "projection" not in sources:
        varied["projection"], raw["projection_z"] = None, None
    if "growth" not in sources:
        varied["growth_sd"], varied["growth_z"], raw["growth_eps"] = None, None, None
    members = draws.members[:n]
    every_year = np.arange(len(years))  # the avoided-growth split is computed at reporting years only
    fast = aggregate_draws(prepared, index, ScenarioDraws(members, draws.data_factor, draws.delivered_fraction,
                                                          **varied), every_year)
    slow = naive.aggregate(case, screened, national, years, settings,
                           naive.DrawArrays(members, draws.data_factor(0, n), draws.delivered_fraction(0, n), **raw))
    for key, expected in slow.items():
        np.testing.assert_allclose(getattr(fast, key), expected, rtol=1e-9, atol=1e-9, err_msg=key)
    plain = aggregate_draws(prepared, index, ScenarioDraws(members, draws.data_factor, draws.delivered_fraction))
    assert np.array_equal(fast.cps, plain.cps) == ("projection" not in sources)
    assert np.array_equal(fast.net, plain.net) == (not sources)
    assert (fast.avoided >= -1e-12).all() and (fast.avoided <= fast.net + 1e-9).all()
    assert (fast.avoided > 0).any() and (fast.below_today > 0).any()


def test_no_pathway_means_no_impact_whatever_the_reference_draw(synthetic):
    """Where no target's pathway applies the pathway is the reference: a raised reference gives no impact."""
    settings, case, national, screened, years, prepared, index, draws = synthetic
    varied = bench.perturbations(case, national, screened, years, bench.every_source(settings), 8, 2)
    report = np.arange(len(years))
    fast = aggregate_draws(prepared, index, ScenarioDraws(draws.members[:8], None, 1.0, **varied), report)
    off_path = ~prepared_on_path(prepared, screened)
    special = np.zeros(len(screened.groups), dtype=bool)
    special[prepared.order[prepared.groups.special]] = True
    quiet = off_path & ~special[:, None]
    assert quiet.any()
    assert (fast.by_group["potential"][quiet] == 0).all()


def prepared_on_path(prepared, screened):
    """(G, T) on-path mask in screened order, from the engine's first pathway year per group."""
    inverse = np.argsort(prepared.order)
    on = np.arange(prepared.n_years)[None, :] >= prepared.groups.path_start[:, None]  # engine order
    return on[inverse]
