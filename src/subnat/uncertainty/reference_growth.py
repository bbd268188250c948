"""Reference-growth calibration (method §3, §9; issue 16 item 2): how far sub-national emissions
growth departs from the national growth index.

For each state, window start y and horizon h: d = log(E_s(y+h)/E_s(y)) - log(N(y+h)/N(y)), N the sum
of the states and DC (gross, EPA state inventory). The emission-weighted sd of d over states
(weights E_s(y)) is the spread of the growth-index reference's error for an actor of that size.
Fitted form: sd(h) = sd_per_decade * (h/10)**exponent, exponent 0.5 (random walk in the deviation)
to 1 (persistent own trend), by least squares of log sd(h) on log(h/10) over h = 2..15 (h = 1 is
dominated by year-to-year noise such as weather, which does not grow with h).

Cities: CDP city-wide inventories of US cities give at most a few years each, and changes of
method between reporting years (e.g. New York 2014 -> 2015: +34 %) dominate them; the robust
(median-absolute-deviation) spread of the city-minus-state deviation and its correlation with
the state's own deviation are reported, and the config uses them only as stated there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from subnat.errors import InputError, Problem

STATE_FILE = "openclimate-oef/processed/EPA_GHG_inventory/EmissionsAgg.csv"
CITY_FILE = "openclimate-oef/processed/CDP_citywide_emissions/EmissionsAgg.csv"
UNLOCODE_FILE = "geo-nesting/unlocode_2023-2_US.csv"
TERRITORIES = {"US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI"}  # not in the 50 states + DC total
FIT_HORIZONS = range(2, 16)
WINDOWS = ((2005, 2015), (2009, 2019), (2010, 2020), (1990, 2000), (2000, 2010))
MAD_TO_SD = 1.4826


def read_states(reference_data: Path) -> pd.DataFrame:
    """Year x state emissions (Mt), 50 states and DC."""
    path = Path(reference_data) / STATE_FILE
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "EPA state inventory file not found"))
    df = pd.read_csv(path)
    df = df[df["actor_id"].str.startswith("US-") & ~df["actor_id"].isin(TERRITORIES)]
    wide = df.pivot_table(index="year", columns="actor_id", values="total_emissions", aggfunc="sum") / 1e6
    if wide.shape[1] != 51:
        raise InputError(Problem(str(path), None, "actor_id", f"expected 50 states and DC, found {wide.shape[1]}"))
    return wide.dropna()


def deviations(wide: pd.DataFrame, start: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Each state's log growth over [start, start+h] minus the national (sum of states) log growth;
    and the weights (start-year emissions)."""
    a, b = wide.loc[start], wide.loc[start + h]
    d = np.log(b / a) - np.log(b.sum() / a.sum())
    return d.to_numpy(), a.to_numpy()


def weighted_sd(d: np.ndarray, w: np.ndarray) -> float:
    """Emission-weighted root mean square (the national deviation has weighted mean ~0 by construction)."""
    mean = np.sum(w * d) / np.sum(w)
    return float(np.sqrt(np.sum(w * (d - mean) ** 2) / np.sum(w)))


def by_horizon(wide: pd.DataFrame) -> pd.DataFrame:
    """sd(h) averaged (as a variance) over every window start the data allow, with its range."""
    years = wide.index.to_numpy()
    rows = []
    for h in range(1, years[-1] - years[0] + 1):
        sds = [weighted_sd(*deviations(wide, y, h)) for y in years if y + h in wide.index]
        rows.append({"horizon": h, "n_windows": len(sds), "sd": float(np.sqrt(np.mean(np.square(sds)))),
                     "sd_min": min(sds), "sd_max": max(sds)})
    return pd.DataFrame(rows)


def windows(wide: pd.DataFrame) -> pd.DataFrame:
    """The named windows (the issue's 2005-15 and 2009-19 among them): sd and sd per decade."""
    rows = []
    for y0, y1 in WINDOWS:
        if y0 in wide.index and y1 in wide.index:
            sd = weighted_sd(*deviations(wide, y0, y1 - y0))
            rows.append({"window": f"{y0}-{y1}", "horizon": y1 - y0, "sd": sd})
    return pd.DataFrame(rows)


def fit(table: pd.DataFrame) -> tuple[float, float]:
    """(sd_per_decade, exponent) by least squares of log sd on log(h/10), exponent clipped to [0.5, 1]."""
    t = table[table["horizon"].isin(FIT_HORIZONS)]
    x, y = np.log(t["horizon"] / 10.0), np.log(t["sd"])
    slope, intercept = np.polyfit(x, y, 1)
    p = float(np.clip(slope, 0.5, 1.0))
    if p != slope:  # refit the level for the clipped exponent
        intercept = float(np.mean(y - p * x))
    return float(np.exp(intercept)), p


def read_cities(reference_data: Path) -> pd.DataFrame:
    """US cities' CDP city-wide totals (Mt) with their state (UN/LOCODE subdivision)."""
    root = Path(reference_data)
    path = root / CITY_FILE
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "CDP city-wide emissions file not found"))
    df = pd.read_csv(path)
    df = df[df["actor_id"].str.startswith("US ")].copy()
    loc = pd.read_csv(root / UNLOCODE_FILE, dtype=str, keep_default_na=False)
    state = dict(zip("US " + loc["location"], "US-" + loc["subdivision"], strict=True))
    df["state"] = df["actor_id"].map(state)
    df["emissions_mt"] = df["total_emissions"] / 1e6
    return df.dropna(subset=["state"])


def city_deviations(cities: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """Per US city with two or more inventories (first to last year): its log growth minus its
    state's, and the state's minus the nation's, both per year of span."""
    rows = []
    for city, g in cities.groupby("actor_id"):
        g = g.sort_values("year")
        y0, y1, st = int(g["year"].iloc[0]), int(g["year"].iloc[-1]), g["state"].iloc[0]
        if y1 <= y0 or y0 not in wide.index or y1 not in wide.index or st not in wide.columns:
            continue
        city_g = np.log(g["emissions_mt"].iloc[-1] / g["emissions_mt"].iloc[0])
        state_g = np.log(wide.loc[y1, st] / wide.loc[y0, st])
        nat_g = np.log(wide.loc[y1].sum() / wide.loc[y0].sum())
        rows.append({"city": city, "state": st, "first_year": y0, "last_year": y1, "span": y1 - y0,
                     "city_minus_state": float(city_g - state_g), "state_minus_nation": float(state_g - nat_g)})
    return pd.DataFrame(rows)


def robust_sd(x: np.ndarray) -> float:
    """1.4826 x the median absolute deviation: an sd that ignores method-change outliers."""
    x = np.asarray(x, dtype=float)
    return float(MAD_TO_SD * np.median(np.abs(x - np.median(x))))


def calibrate(reference_data: Path) -> dict[str, pd.DataFrame]:
    """Every table of the calibration from the reference data folder."""
    wide = read_states(reference_data)
    table = by_horizon(wide)
    per_decade, exponent = fit(table)
    src = f"{STATE_FILE} (EPA state GHG inventory 2023-04-26, 50 states + DC, gross)"
    table = table.assign(fitted_sd=per_decade * (table["horizon"] / 10.0) ** exponent,
                         sd_per_decade=per_decade, exponent=exponent, source=src)
    win = windows(wide).assign(sd_per_decade_rw=lambda t: t["sd"] / np.sqrt(t["horizon"] / 10.0),
                               sd_per_decade_trend=lambda t: t["sd"] / (t["horizon"] / 10.0), source=src)
    cities = city_deviations(read_cities(reference_data), wide)
    cities = cities.assign(source=f"{CITY_FILE} (CDP city-wide, US cities with 2+ years); state: {UNLOCODE_FILE}; "
                                  f"state and nation: {STATE_FILE}")
    return {"us_reference_growth.csv": table, "us_reference_growth_windows.csv": win,
            "us_reference_growth_cities.csv": cities}


def city_summary(cities: pd.DataFrame) -> dict[str, float]:
    """Robust spread of city-minus-state deviations per year of span, and the rank correlation of
    the city's and its state's deviation (how much a city shares its parent's departure)."""
    per_year = cities["city_minus_state"] / cities["span"]
    state_per_year = cities["state_minus_nation"] / cities["span"]
    corr = float(pd.Series(cities["city_minus_state"] + cities["state_minus_nation"]).corr(
        cities["state_minus_nation"], method="spearman"))
    return {"n_cities": len(cities), "city_minus_state_robust_sd_per_year": robust_sd(per_year),
            "state_minus_nation_robust_sd_per_year": robust_sd(state_per_year),
            "city_vs_state_deviation_spearman": corr}
