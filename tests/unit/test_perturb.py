"""Projection and reference-growth error draws (method §9): horizons, switches, correlation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from subnat.aggregate.national import NationalSeries
from subnat.aggregate.perturb import (
    growth_normals,
    growth_sd,
    horizon_curve,
    last_history_year,
    projection_applies,
    projection_factor,
)
from subnat.aggregate.settings import UncertaintySettings, by_horizon


def _uncertainty(**kw) -> UncertaintySettings:
    base = UncertaintySettings(cps="central", land_sink="central", projection_error="auto",
                               projection_error_sd=((0.0, 0.0), (10.0, 0.1), (20.0, 0.2)),
                               reference_growth=True,
                               reference_growth_sd_per_decade={"region": 0.12, "city": 0.2, "company": 0.3},
                               reference_growth_exponent=0.5, reference_growth_parent_correlation=0.5)
    return replace(base, **kw)


def _national(members: int) -> NationalSeries:
    years = np.arange(2005, 2041)
    return NationalSeries(years=years, names=[f"m{i}" for i in range(members)],
                          index=np.full((members, len(years)), 100.0),
                          history=pd.Series([100.0] * 11, index=np.arange(2005, 2016)))


def test_auto_applies_only_to_a_single_cps():
    u = _uncertainty()
    assert projection_applies(u, _national(1)) and not projection_applies(u, _national(3))
    assert projection_applies(replace(u, projection_error="on"), _national(3))
    assert not projection_applies(replace(u, projection_error="off"), _national(1))
    assert projection_factor(_national(3), u, 1, 10) is None


def test_projection_factor_is_one_over_history_and_spreads_with_horizon():
    national = _national(1)
    assert last_history_year(national) == 2015
    f = projection_factor(national, _uncertainty(), 7, 4000)
    years = national.years
    assert np.array_equal(f[:, years <= 2015], np.ones((4000, int((years <= 2015).sum()))))
    sd = np.log(f).std(axis=0)
    assert abs(sd[years == 2025][0] - 0.1) < 0.01 and abs(sd[years == 2035][0] - 0.2) < 0.02
    assert abs(sd[years == 2040][0] - 0.2) < 0.02  # flat beyond the last point
    assert np.array_equal(f, projection_factor(national, _uncertainty(), 7, 4000))  # same seed, same numbers


def test_bias_applies_only_when_asked():
    """The calibrated error is projection minus outturn, so a positive bias (past projections ran
    high) lowers the drawn national emissions."""
    national = _national(1)
    u = _uncertainty(projection_error_sd=((0.0, 0.0),), projection_error_bias=((0.0, 0.0), (10.0, 0.05)))
    assert np.allclose(projection_factor(national, u, 1, 3), 1.0)
    biased = projection_factor(national, replace(u, projection_error_apply_bias=True), 1, 3)
    assert np.allclose(biased[:, national.years == 2025], np.exp(-0.05))


@given(st.lists(st.tuples(st.floats(0, 50), st.floats(0, 1)), min_size=1, max_size=5),
       st.floats(0.01, 80))
@hsettings(max_examples=60, deadline=None)
def test_horizon_curve_stays_within_its_points(points, h):
    pairs = by_horizon({p[0]: p[1] for p in points})
    value = float(horizon_curve(pairs, np.array([h]))[0])
    values = [v for _, v in pairs]
    assert min(values) - 1e-12 <= value <= max(values) + 1e-12
    assert float(horizon_curve(pairs, np.array([0.0]))[0]) == 0.0


def test_growth_sd_grows_with_horizon_from_the_latest_inventory():
    groups = pd.DataFrame({"actor_id": ["R", "C"], "actor_type": ["region", "city"], "ref_year": [2015, 2019]})
    years = np.arange(2015, 2056)
    sd = growth_sd(groups, years, _uncertainty())
    assert sd[0, 0] == 0 and sd[1, years <= 2019].max() == 0
    assert np.isclose(sd[0, years == 2025][0], 0.12) and np.isclose(sd[0, years == 2055][0], 0.12 * 2)
    assert (np.diff(sd, axis=1) >= 0).all()
    assert growth_sd(groups, years, _uncertainty(reference_growth=False)) is None
    assert growth_sd(groups, years, _uncertainty(), own_references={0})[0].max() == 0


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_actors_of_one_parent_correlate_at_rho(rho):
    actors = pd.DataFrame({"actor_id": ["P", "A", "B", "X", "N"], "parent_id": ["", "P", "P", "Q", "A"]})
    groups = pd.DataFrame({"actor_id": ["A", "B", "X", "P", "N"]})
    z = growth_normals(actors, groups, rho, 3)(0, 20000)
    c = np.corrcoef(z)
    assert np.allclose(z.std(axis=1), 1, atol=0.03)
    assert abs(c[0, 1] - rho) < 0.03  # siblings A, B
    assert abs(c[0, 3] - np.sqrt(rho)) < 0.03  # child and parent
    assert abs(c[2, 0]) < 0.03  # X's parent Q is no actor of the case: no shared term
    assert abs(c[4, 0] - np.sqrt(rho)) < 0.03  # nested two levels: N follows A
    assert np.array_equal(growth_normals(actors, groups, rho, 3)(100, 300), z[:, 100:300])  # chunk-stable
