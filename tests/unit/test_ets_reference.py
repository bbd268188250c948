"""The ETS reference (method.md §3 alternative): an actor's own history projected forward, and the
`reference.method: ets` branch of assess on the demo case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from subnat.aggregate.reference import ets_reference

HISTORY_YEARS = np.arange(2000, 2016)
FUTURE = np.arange(2016, 2031)
REPO = Path(__file__).parents[2]


def geometric(years: np.ndarray) -> np.ndarray:
    return 100.0 * 0.98 ** (years - 2000)


def test_undamped_extrapolates_a_geometric_trend():
    fitted = ets_reference(pd.Series(geometric(HISTORY_YEARS), index=HISTORY_YEARS), FUTURE, False, 5)
    np.testing.assert_allclose(fitted.path, geometric(FUTURE), rtol=1e-6)
    assert fitted.log_sd == pytest.approx(0.0, abs=1e-6)  # a noise-free history has no forecast error


def test_damped_trend_flattens():
    history = pd.Series(geometric(HISTORY_YEARS), index=HISTORY_YEARS)
    damped = ets_reference(history, FUTURE, True, 5).path
    undamped = ets_reference(history, FUTURE, False, 5).path
    assert np.all(np.diff(damped) <= 0) and damped[0] < history.iloc[-1]  # still declining
    assert damped[-1] > undamped[-1] * 1.02  # but less than the trend


def test_short_history_returns_none():
    four = pd.Series([100.0, 98.0, 97.0, 95.0], index=[2012, 2013, 2014, 2015])
    assert ets_reference(four, FUTURE, True, 5) is None
    with_zero = pd.Series([100.0, 0.0, 97.0, 95.0, 94.0], index=[2011, 2012, 2013, 2014, 2015])
    assert ets_reference(with_zero, FUTURE, True, 5) is None  # non-positive years do not count
    assert ets_reference(four, FUTURE, True, 4) is not None


def test_gaps_are_filled_log_linearly_and_history_is_kept():
    history = pd.Series({2000: 100.0, 2004: 90.0, 2010: 85.0, 2012: 84.0, 2015: 80.0})
    fitted = ets_reference(history, np.arange(2000, 2016), True, 5)
    assert fitted.path[2] == pytest.approx(100.0 * (90.0 / 100.0) ** 0.5)  # 2002, halfway in log
    np.testing.assert_allclose(fitted.path[[0, 4, 10, 12, 15]], history.to_numpy())
    assert fitted.log_sd == 0.0  # no projection year, no forecast error


def test_log_sd_positive_and_grows_with_horizon():
    # a trend that turns: the level absorbs shocks, so uncertainty accumulates
    history = pd.Series(100.0 * np.exp(-0.03 * np.abs(HISTORY_YEARS - 2008)), index=HISTORY_YEARS)
    sd = [ets_reference(history, np.arange(2016, end + 1), damped, 5).log_sd
          for damped in (False, True) for end in (2016, 2020, 2030)]
    assert all(s > 0 for s in sd)
    assert sd[0] < sd[1] < sd[2] and sd[3] < sd[4] < sd[5]


def test_assess_with_ets_reference_on_demo():
    from subnat.aggregate.assess import assess
    from subnat.aggregate.settings import method_settings
    from subnat.case.load import load_case
    from subnat.config import load, resolve, set_dotted, value

    case = load_case("demo")
    growth = load([REPO / "config" / "config.yaml"])
    ets = resolve(set_dotted(growth, "reference.method.value", "ets"))
    scenarios = ["full_implementation", "fixed_0.5"]
    a_growth = assess(case, replace(method_settings(growth), draws=8, seed=3), scenarios)
    a_ets = assess(case, replace(method_settings(ets), draws=8, seed=3), scenarios)
    groups = a_ets.screened.groups
    points = case.inventory.groupby(["actor_id", "scope"]).size()
    long = np.array([points.get((g.actor_id, g.scope), 0) >= value(ets, "reference.ets_min_years")
                     for g in groups.itertuples()])
    assert long.any() and not long.all()  # the demo has both kinds
    changed = ~np.isclose(a_growth.paths.X, a_ets.paths.X).all(axis=(1, 2))
    np.testing.assert_array_equal(changed, long)  # ETS where the history is long enough, else growth index
    g = int(np.flatnonzero(long)[0])
    rows = case.inventory[(case.inventory["actor_id"] == groups["actor_id"].iloc[g])
                          & (case.inventory["scope"] == groups["scope"].iloc[g])]
    own = ets_reference(rows.set_index("year")["emissions_mt"], a_ets.years,
                        value(ets, "reference.ets_damped_trend"), value(ets, "reference.ets_min_years"))
    np.testing.assert_allclose(a_ets.paths.X[g], np.repeat(own.path[:, None], a_ets.paths.X.shape[2], 1))
    assert not np.allclose(a_growth.results["fixed_0.5"].gross, a_ets.results["fixed_0.5"].gross)
