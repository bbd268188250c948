"""Delivery window of a progress observation (method.md §9.1): hand-computed cases and invariants."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sources_fixtures import FIXTURES

from subnat.achievement import progress as P
from subnat.achievement.window import delivery_window, level_at
from subnat.sources import cdp_citywide


def flat(g: float):
    """National growth N(end)/N(start) = g whatever the years (and no flags)."""
    return lambda start, end: (g, [])


def per_year(rate: float):
    """National emissions changing by `rate` per year: N(end)/N(start) = (1+rate)^(end-start)."""
    return lambda start, end: ((1 + rate) ** (end - start), [])


def test_adoption_after_base_year_restarts_the_window():
    """BY 2010, adopted 2015, observed 2020, TY 2030, p = 0.5; inventory E(2015) = 0.9 E(BY);
    E_obs = 0.8; national growth 0.95 over 2015-2020.
    e_start = 0.9; B = 0.9 * 0.95 = 0.855; T = 0.9 + 5/15 * (0.5 - 0.9) = 0.9 - 0.4/3 = 0.766667;
    r = (0.855 - 0.8) / (0.855 - 0.766667) = 0.055 / 0.088333 = 0.622642."""
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.5,
                        e_obs=0.8, adoption_year=2015, growth=flat(0.95), levels={2015: 0.9})
    assert w["window_start"] == 2015 and w["window_years"] == 5
    assert w["e_start"] == pytest.approx(0.9)
    assert w["b_window"] == pytest.approx(0.855)
    assert w["t_window"] == pytest.approx(0.9 - 0.4 / 3)
    assert w["r_window"] == pytest.approx(0.055 / (0.855 - (0.9 - 0.4 / 3)))
    assert w["window_flags"] == ["window_start_inventory"]


def test_adoption_after_base_year_without_inventory_is_interpolated():
    """Only E(BY) = 1 (2010) and E_obs = 0.8 (2020) known: E(2015) = 0.9 by linear interpolation."""
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.5,
                        e_obs=0.8, adoption_year=2015, growth=flat(1.0))
    assert w["e_start"] == pytest.approx(0.9)
    assert "window_start_interpolated" in w["window_flags"]


def test_adoption_before_base_year_is_the_base_year_ratio():
    """Adopted 2005, BY 2010: the window starts at BY, e_start = 1 and r_window equals r of the
    base-year formula: g = 0.9, x = 0.5, a = 0.5, p = 0.4 -> r = 1 (test_r_hand_computed_on_track)."""
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.4,
                        e_obs=1 - 0.5 * 0.4, adoption_year=2005, growth=flat(0.9))
    assert w["window_start"] == 2010 and w["e_start"] == 1.0
    assert w["r_window"] == pytest.approx(P.r_ratio(0.9, 0.5, 0.5, 0.4)) == pytest.approx(1.0)
    assert w["window_flags"] == ["adopted_before_base_year"]


def test_missing_adoption_year_starts_at_base_year_with_a_flag():
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.4,
                        e_obs=0.9, adoption_year=None, growth=flat(0.95))
    assert w["adoption_year"] is None and w["window_start"] == 2010
    assert w["window_flags"] == ["adoption_year_unknown"]
    # B = 0.95, T = 1 - 0.5 * 0.4 = 0.8, r = (0.95 - 0.9) / 0.15 = 1/3
    assert w["r_window"] == pytest.approx(1 / 3)


def test_counterfactual_below_pledge_path_keeps_the_row_without_ratio():
    """g = 0.8, p = 0.2, half-way: B = 0.8 < T = 0.9: r_window NaN, flagged, quantities kept."""
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.2,
                        e_obs=0.85, adoption_year=2010, growth=flat(0.8))
    assert math.isnan(w["r_window"]) and "b_window_le_t_window" in w["window_flags"]
    assert w["b_window"] == pytest.approx(0.8) and w["t_window"] == pytest.approx(0.9)
    assert w["e_obs"] == 0.85


def test_adopted_after_observation_has_no_window():
    w = delivery_window(base_year=2010, target_year=2030, observed_year=2020, value=0.4,
                        e_obs=0.9, adoption_year=2021, growth=flat(1.0))
    assert w["window_years"] == -1 and math.isnan(w["r_window"])
    assert "observed_not_after_window_start" in w["window_flags"]


def test_short_windows_are_excluded_with_reason():
    """Windows of 1 year (2019-2020) and 0 years are dropped at a minimum of 2; 2 years stay."""
    rows = pd.DataFrame([
        {**{c: None for c in P.PROGRESS_COLUMNS}, "observation_id": oid, "actor_id": oid,
         "source": "s", "record": f"row {i}", "window_start": ws, "observed_year": 2020,
         "window_years": 2020 - ws, "adoption_year": ws, "base_year": 2010}
        for i, (oid, ws) in enumerate([("a", 2019), ("b", 2018), ("c", 2020)])])
    kept, excl = P.drop_short_windows(rows, 2)
    assert kept["observation_id"].tolist() == ["b"]
    assert [e["reason_code"] for e in excl] == ["window_too_short"] * 2
    assert P.drop_short_windows(rows, 1)[0]["observation_id"].tolist() == ["a", "b"]  # 0 years: never


def test_b_le_t_is_a_flag_not_an_exclusion():
    """g = 0.8, x = 0.5, p = 0.2: base-year B - T = -0.1 <= 0: r NaN, row kept with b_le_t."""
    rows = pd.DataFrame([
        {**{c: None for c in P.PROGRESS_COLUMNS}, "observation_id": "a",
         "r": P.r_ratio(0.8, 0.5, 0.5, 0.2)},
        {**{c: None for c in P.PROGRESS_COLUMNS}, "observation_id": "b", "r": 0.5},
    ])
    out = P.flag_counterfactual_met(rows)
    assert out["observation_id"].tolist() == ["a", "b"]
    assert out["b_le_t"].tolist() == [True, False]


def test_level_at():
    levels = {2010: 1.0, 2014: 0.8, 2020: 0.5}
    assert level_at(2014, levels) == (0.8, "inventory")
    assert level_at(2012, levels) == (pytest.approx(0.9), "interpolated")
    assert level_at(2017, levels) == (pytest.approx(0.65), "interpolated")
    assert math.isnan(level_at(2021, levels)[0])


years = st.integers(1990, 2019)


@settings(max_examples=200, deadline=None)
@given(by=years, gap=st.integers(1, 10), extra=st.integers(1, 20), p=st.floats(0.05, 1.0),
       rate=st.floats(-0.05, 0.02), adopt_offset=st.integers(-5, 9))
def test_window_ratio_is_zero_on_counterfactual_and_one_on_pledge_path(by, gap, extra, p, rate,
                                                                        adopt_offset):
    """Whatever the years: observing exactly B gives r_window 0, exactly T gives 1; the window
    never starts before the base year nor after the adoption year when that is later."""
    t_obs, ty = by + gap, by + gap + extra
    adoption = min(by + adopt_offset, t_obs - 1)
    kw = dict(base_year=by, target_year=ty, observed_year=t_obs, value=p,
              adoption_year=adoption, growth=per_year(rate))
    probe = delivery_window(e_obs=0.9, **kw)
    assert probe["window_start"] == max(by, adoption)
    b, t = probe["b_window"], probe["t_window"]
    if not b - t > 1e-9:
        return
    # e_start depends on e_obs when interpolated: give e_start directly as an inventory level
    levels = {probe["window_start"]: probe["e_start"]} if probe["window_start"] != by else {}
    on_b = delivery_window(e_obs=b, levels=levels, **kw)
    on_t = delivery_window(e_obs=t, levels=levels, **kw)
    assert on_b["r_window"] == pytest.approx(0.0, abs=1e-9)
    assert on_t["r_window"] == pytest.approx(1.0)


def test_observed_years_same_vintage_then_earlier_vintage():
    """2021 vintage wins; without a 2021 row, the latest year an earlier vintage states."""
    inv = pd.concat([cdp_citywide.inventory_years(FIXTURES / f"cdp_citywide_emissions_{y}.csv")
                     for y in range(2016, 2022)], ignore_index=True)
    got = P.observed_years(inv, 2021)
    assert got["1002"] == (2019, "")          # NYC: 2021 file states 2019
    assert got["1001"] == (2017, "observed_year_earlier_vintage")  # Aurora: '-' in 2021, 2017 in 2019
    assert got["1007"] == (2018, "")
    assert "9999" in got and got["9999"][1] == "observed_year_earlier_vintage"


def test_inventory_levels_refuse_another_basis():
    inv = pd.DataFrame({"account": ["1", "1", "1", "2"], "reporting_year": [2019, 2020, 2021, 2021],
                        "accounting_year": [2015, 2015, 2018, 2018],
                        "total_mt": [0.95, 0.9, 0.8, 47.0]})
    levels, flag = P.inventory_levels(inv, "1", 1.0, 0.5)
    assert levels == {2015: pytest.approx(0.9), 2018: pytest.approx(0.8)} and flag == ""  # newest vintage
    assert P.inventory_levels(inv, "2", 1.0, 0.5) == ({}, "inventory_basis_differs")
