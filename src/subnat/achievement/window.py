"""Delivery window of one progress observation (method.md §9.1): delivery is measured from the
later of the base year and the year the target was adopted, so progress made before a pledge
existed is not counted as its delivery.

Everything is relative to base-year emissions, E(BY) = 1. With ``ws`` the window start,
``t`` the observed year, ``TY`` the target year, ``p`` the pledged reduction and ``N`` the
national historical series:

    e_start  = E(ws)/E(BY)           (inventory at ws, else interpolated between known levels)
    b_window = e_start * N(t)/N(ws)  (counterfactual: the actor follows the country from ws)
    t_window = e_start + (t - ws)/(TY - ws) * ((1 - p) - e_start)
                                     (pledge path restarted at ws: linear to 1 - p at TY)
    r_window = (b_window - e_obs) / (b_window - t_window)   (NaN when the denominator <= 0)

``r_window`` is kept for comparison; the likelihood can use ``e_obs``, ``b_window`` and
``t_window`` directly so small ``B - T`` inform through their error instead of the ratio.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping

#: Columns this module adds to progress.csv, in order.
WINDOW_COLUMNS = ["adoption_year", "adoption_source", "window_start", "window_years", "e_start",
                  "e_obs", "b_window", "t_window", "r_window", "window_flags"]

Growth = Callable[[int, int], tuple[float, list[str]]]


def level_at(year: int, levels: Mapping[int, float]) -> tuple[float, str]:
    """(E(year)/E(BY), how): ``inventory`` when a level is known for that year, ``interpolated``
    (linear between the nearest known years on each side), ``none`` (NaN) outside their range."""
    clean = {int(y): float(v) for y, v in levels.items() if v is not None and math.isfinite(v)}
    if year in clean:
        return clean[year], "inventory"
    years = sorted(clean)
    k = bisect.bisect_left(years, year)
    if k == 0 or k == len(years):
        return float("nan"), "none"
    y0, y1 = years[k - 1], years[k]
    w = (year - y0) / (y1 - y0)
    return clean[y0] + w * (clean[y1] - clean[y0]), "interpolated"


def delivery_window(*, base_year: int, target_year: int, observed_year: int, value: float,
                    e_obs: float, adoption_year: int | None, growth: Growth,
                    levels: Mapping[int, float] | None = None) -> dict[str, object]:
    """Window quantities of one observation (module docstring), with flags saying how each was
    obtained. ``levels``: known E(year)/E(BY) besides the base year (1) and the observation
    (``e_obs``), e.g. inventories; ``growth(start, end)`` gives N(end)/N(start) and its flags."""
    flags: list[str] = []
    if adoption_year is None:
        flags.append("adoption_year_unknown")
        ws = base_year
    else:
        if adoption_year < base_year:
            flags.append("adopted_before_base_year")
        ws = max(base_year, int(adoption_year))
    out: dict[str, object] = {"adoption_year": adoption_year, "window_start": ws,
                              "window_years": observed_year - ws, "e_obs": e_obs}
    nan = float("nan")
    out.update(e_start=nan, b_window=nan, t_window=nan, r_window=nan)
    if observed_year <= ws:
        flags.append("observed_not_after_window_start")
        out["window_flags"] = flags
        return out
    known = dict(levels or {})
    known[base_year] = 1.0
    known[observed_year] = e_obs
    if ws == base_year:
        e_start = 1.0
    else:
        e_start, how = level_at(ws, known)
        flags.append(f"window_start_{how}")
    g, gflags = growth(ws, observed_year)
    flags += gflags
    b = e_start * g
    if target_year <= ws:
        flags.append("target_year_not_after_window_start")
        t = 1.0 - value
    else:
        t = e_start + (observed_year - ws) / (target_year - ws) * ((1.0 - value) - e_start)
    out.update(e_start=e_start, b_window=b, t_window=t)
    if b - t > 0:
        out["r_window"] = (b - e_obs) / (b - t)
    else:
        flags.append("b_window_le_t_window")
    out["window_flags"] = flags
    return out
