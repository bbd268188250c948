"""Projection-error and reference-growth calibration math on tiny synthetic data (issue 16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subnat.uncertainty import projection_error as pe
from subnat.uncertainty import reference_growth as rg

SPEC = (pe.Vintage("A", "A", "WM", 2000, "test"), pe.Vintage("B", "B", "WM", 2002, "test"))


def test_growth_errors_by_hand():
    """e = log(P(T0+h)/P(T0)) - log(O(T0+h)/O(T0)); levels (revisions, GWP) cancel."""
    outturn = pd.Series({2000: 100.0, 2001: 100.0, 2002: 110.0, 2003: 121.0})
    vintages = {"A": pd.Series({2000: 50.0, 2001: 55.0, 2002: 55.0}),  # other level, same years
                "B": pd.Series({2002: 200.0, 2003: 200.0})}
    e = pe.errors(vintages, outturn, SPEC)
    got = {(r.vintage, r.horizon): r.error for r in e.itertuples()}
    assert got[("A", 1)] == pytest.approx(np.log(1.1) - 0.0)
    assert got[("A", 2)] == pytest.approx(np.log(1.1) - np.log(1.1))
    assert got[("B", 1)] == pytest.approx(0.0 - np.log(1.1))
    assert len(e) == 3


def test_missing_t0_is_an_input_error():
    from subnat.errors import InputError
    with pytest.raises(InputError):
        pe.errors({"A": pd.Series({2001: 1.0}), "B": pd.Series({2002: 1.0})}, pd.Series({2001: 1.0, 2002: 1.0}), SPEC)


def _errors(paths: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"vintage": v, "horizon": h + 1, "error": x}
                         for v, xs in paths.items() for h, x in enumerate(xs)])


def test_fit_of_symmetric_linear_errors():
    """Errors +-0.01 h: sd = 0.01 h exactly (exponent at its upper bound 1), bias 0."""
    e = _errors({"up": [0.01 * h for h in range(1, 6)], "down": [-0.01 * h for h in range(1, 6)]})
    f = pe.fit(e)
    assert f.exponent == pytest.approx(1.0, abs=1e-3)
    assert f.scale == pytest.approx(0.01, rel=1e-3)
    assert f.drift == pytest.approx(0.0, abs=1e-12)


def test_fit_bias_and_spread_about_it():
    """Both vintages 0.02 h too high, +-0.01 h around that: drift 0.02, sd about the bias 0.01 h,
    sd about zero sqrt(0.02^2 + 0.01^2) h."""
    e = _errors({"a": [0.03 * h for h in range(1, 4)], "b": [0.01 * h for h in range(1, 4)]})
    assert pe.fit(e).drift == pytest.approx(0.02)
    assert pe.fit(e, about_bias=True).scale == pytest.approx(0.01, rel=1e-3)
    assert pe.fit(e).scale == pytest.approx(np.sqrt(0.02**2 + 0.01**2), rel=1e-3)


def test_horizon_table_counts_vintages_and_interval_brackets_sd():
    e = _errors({"a": [0.01, 0.02, 0.03], "b": [-0.01, -0.02], "c": [0.02]})
    t = pe.horizon_table(e, pe.fit(e), horizons=(0, 1, 2, 3, 5))
    assert t["n_vintages"].tolist() == [0, 3, 2, 1, 0]
    ok = t[t["n_vintages"] > 0]
    assert (ok["sd_lo90"] < ok["sd"]).all() and (ok["sd"] < ok["sd_hi90"]).all()
    assert t["sd"].iloc[0] == 0.0


def test_lovo_flags_the_outlier_vintage():
    """Three small vintages and one ten times larger: refit without it, it falls outside."""
    small = [0.01 * h for h in range(1, 5)]
    e = _errors({"a": small, "b": [-x for x in small], "c": [0.5 * x for x in small],
                 "big": [0.2 * h for h in range(1, 5)]})
    cov = pe.lovo_coverage(e).set_index("vintage")["coverage"]
    assert cov["big"] == 0.0
    assert cov["a"] == 1.0
    assert cov["all"] == pytest.approx(cov.drop("all").mean())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-0.3, 0.3), min_size=2, max_size=6), st.floats(0.1, 10))
def test_fit_scales_with_the_errors(xs, k):
    """Multiplying every error by k multiplies the sd by k and keeps the exponent (invariant)."""
    if max(abs(x) for x in xs) < 1e-3:
        return
    e = _errors({"a": xs, "b": [-x for x in xs[::-1]]})
    f, g = pe.fit(e), pe.fit(e.assign(error=e["error"] * k))
    assert g.scale == pytest.approx(k * f.scale, rel=1e-4)
    assert g.exponent == pytest.approx(f.exponent, abs=1e-3)


def _wide() -> pd.DataFrame:
    years = range(2000, 2021)
    return pd.DataFrame({"US-AA": [100.0 * 1.01 ** (y - 2000) for y in years],
                         "US-BB": [100.0 * 0.99 ** (y - 2000) for y in years]}, index=list(years))


def test_state_deviation_by_hand():
    wide = _wide()
    d, w = rg.deviations(wide, 2000, 10)
    nat = np.log((1.01**10 + 0.99**10) / 2)
    assert d == pytest.approx([10 * np.log(1.01) - nat, 10 * np.log(0.99) - nat])
    assert w.tolist() == [100.0, 100.0]
    assert rg.weighted_sd(d, w) == pytest.approx(abs(d[0] - d[1]) / 2)


def test_reference_growth_fit_recovers_the_exponent():
    h = np.arange(1, 21)
    for p in (0.5, 0.7, 1.0):
        t = pd.DataFrame({"horizon": h, "sd": 0.12 * (h / 10) ** p})
        assert rg.fit(t) == pytest.approx((0.12, p))


def test_reference_growth_exponent_is_clipped():
    h = np.arange(1, 21)
    per_decade, p = rg.fit(pd.DataFrame({"horizon": h, "sd": 0.1 * (h / 10) ** 0.2}))
    assert p == 0.5 and per_decade > 0


def test_robust_sd_ignores_an_outlier():
    x = np.array([-1.0, 0.0, 1.0] * 5 + [50.0])
    assert rg.robust_sd(x) == pytest.approx(1.4826)
