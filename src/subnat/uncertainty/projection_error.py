"""Projection-error calibration (method §9, issue 16 item 1): how far past national projections
missed the outturn, by horizon.

Growth is compared, not levels, so inventory revisions and GWP changes between vintages cancel:

    e(v, h) = log(P_v(T0+h) / P_v(T0)) - log(O(T0+h) / O(T0)),   T0 = the vintage's last history year

Functional form, fitted on all (vintage, horizon) errors with each vintage weighted equally
(its horizons are one autocorrelated path, not independent evidence):
- sd(h) = c * h**p (root mean square about zero, the spread the engine draws when the bias is not
  applied). p = 0.5 is a random walk in the log error, p = 1 a wrong trend; the data choose p in
  [0.5, 1] by maximum likelihood of e ~ N(0, sd(h)).
- bias(h) = b * h (a constant error in the projected growth rate), weighted least squares.
The effective sample is the number of vintages reaching a horizon (5 at h=1, 2 beyond h=8), so
the sd's 90 % interval (chi-square with n vintages) is reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from subnat.errors import InputError, Problem

FOLDER = "us-national-projections-btr"
AR4_FILE = "us_past_projection_vintages_by_gas_ar4.csv"
AR5_FILE = "us_past_projection_vintages_gross_ghg_ar5.csv"
Z90 = stats.norm.ppf(0.95)
EXPONENT_BOUNDS = (0.5, 1.0)
TABLE_HORIZONS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30)


@dataclass(frozen=True)
class Vintage:
    """One past projection: which row of which file, and its last history year (a hand-entered fact)."""

    name: str
    publication: str  # the `publication` (AR4 file) value
    scenario: str
    t0: int
    rationale: str


# T0 per vintage. The AR4 file gives history and projection in one row; T0 is the last year of
# the inventory the report used, read from where the series turns from reported to projected
# values (interpolated knots or extra decimals begin after it).
VINTAGES = (
    Vintage("2006 CAR", "2006 CAR", "Full Implementation", 2002,
            "4th US Climate Action Report (2007, 'CAR 2006'): linear between knots 2000, 2002, 2005, 2010...; "
            "2002 is the last knot before projected years and the base year of the 2002 intensity goal"),
    Vintage("2010 CAR", "2010 CAR", "WM", 2007,
            "5th US CAR (2010): knots 2000, 2005, 2007, 2010...; inventory 1990-2007 (2009 GHGI)"),
    Vintage("2014 CAR", "2014 CAR", "WM", 2012,
            "6th US CAR (2014): annual values; inventory 1990-2012 (2014 GHGI)"),
    Vintage("2016 BR", "2016 BR", "WM", 2013,
            "2nd US Biennial Report (2016): one-decimal reported values to 2013, interpolated from 2014"),
    Vintage("2021 CAR", "2021 CAR", "WM", 2019,
            "7th US CAR / 4th BR (2021): inventory 1990-2019 (2021 GHGI); 2020 is projected"),
)
OUTTURN = ("br_2022", 2020,
           "Outturn: the 1990-2020 inventory history of the 2022 BR (AR5 gross, from the 2022 GHGI); the latest "
           "total in the reference data (the GHGI 2024 file holds only selected sector rows, no total)")


def _number(x: object) -> float:
    if isinstance(x, str):
        x = x.replace(",", "").strip()
        return float(x) if x else np.nan
    return float(x)


def read_vintages(folder: Path) -> dict[str, pd.Series]:
    """Gross total GHG of each past vintage (AR4 file, rows GrossTotal/Total), indexed by year."""
    path = folder / AR4_FILE
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "past projection vintages file not found"))
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    out = {}
    for v in VINTAGES:
        row = df[(df["publication"] == v.publication) & (df["scenario"] == v.scenario)
                 & (df["category"] == "GrossTotal") & (df["gas"] == "Total")]
        if len(row) != 1:
            raise InputError(Problem(str(path), None, "publication",
                             f"expected one GrossTotal/Total row for {v.publication} {v.scenario}, found {len(row)}"))
        years = [c for c in df.columns if c.isdigit()]
        values = pd.Series({int(y): _number(row.iloc[0][y]) for y in years}).dropna()
        out[v.name] = values
    return out


def read_outturn(folder: Path) -> pd.Series:
    """The outturn series (gross total, AR5), through its last history year."""
    path = folder / AR5_FILE
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "past projection vintages (AR5) file not found"))
    df = pd.read_csv(path)
    report, last, _ = OUTTURN
    rows = df[(df["Report"] == report) & (df["variable"] == "Total Gross GHG Emissions")]
    if rows.empty:
        raise InputError(Problem(str(path), None, "Report", f"no {report} Total Gross GHG Emissions rows"))
    s = rows.set_index("Year")["Emissions"].astype(float)
    return s[s.index <= last]


def errors(vintages: dict[str, pd.Series], outturn: pd.Series,
           spec: Sequence[Vintage] = VINTAGES) -> pd.DataFrame:
    """e(v, h) for every vintage and horizon with an outturn (h >= 1)."""
    rows = []
    for v in spec:
        p = vintages[v.name]
        if v.t0 not in p.index or v.t0 not in outturn.index:
            raise InputError(Problem(v.name, None, "t0", f"T0 {v.t0} missing from the vintage or the outturn"))
        for year in sorted(set(p.index) & set(outturn.index)):
            h = year - v.t0
            if h < 1:
                continue
            e = np.log(p[year] / p[v.t0]) - np.log(outturn[year] / outturn[v.t0])
            rows.append({"vintage": v.name, "t0": v.t0, "horizon": h, "year": year, "error": float(e)})
    return pd.DataFrame(rows, columns=["vintage", "t0", "horizon", "year", "error"])


@dataclass(frozen=True)
class Fit:
    """sd(h) = scale * h**exponent; bias(h) = drift * h."""

    scale: float
    exponent: float
    drift: float

    def sd(self, h: np.ndarray | float) -> np.ndarray:
        return self.scale * np.power(np.asarray(h, dtype=float), self.exponent)

    def bias(self, h: np.ndarray | float) -> np.ndarray:
        return self.drift * np.asarray(h, dtype=float)


def _weights(e: pd.DataFrame) -> np.ndarray:
    """Each vintage weighs 1 in total, shared by its horizons."""
    return (1.0 / e.groupby("vintage")["horizon"].transform("count")).to_numpy()


def fit(e: pd.DataFrame, about_bias: bool = False) -> Fit:
    """Weighted maximum likelihood of e ~ N(0, (c h^p)^2) for c, p (p in EXPONENT_BOUNDS); bias by
    weighted least squares through the origin. `about_bias`: the spread of e - bias(h) instead."""
    h = e["horizon"].to_numpy(float)
    x = e["error"].to_numpy(float)
    w = _weights(e)
    drift = float(np.sum(w * h * x) / np.sum(w * h * h))
    if about_bias:
        x = x - drift * h

    def nll(p: float) -> tuple[float, float]:
        c2 = np.sum(w * x**2 / h ** (2 * p)) / np.sum(w)  # the likelihood's optimum c for this p
        return float(np.sum(w * (np.log(c2) + 2 * p * np.log(h) + x**2 / (c2 * h ** (2 * p))))), float(np.sqrt(c2))

    res = optimize.minimize_scalar(lambda p: nll(p)[0], bounds=EXPONENT_BOUNDS, method="bounded")
    p = float(res.x)
    return Fit(nll(p)[1], p, drift)


def horizon_table(e: pd.DataFrame, f: Fit, horizons: Sequence[int] = TABLE_HORIZONS) -> pd.DataFrame:
    """Fitted sd and bias by horizon, with the spread about the bias, the empirical RMS, mean,
    n vintages and the sd's 90 % interval."""
    fb = fit(e, about_bias=True)
    rows = []
    for h in horizons:
        at = e[e["horizon"] == h]["error"]
        n = len(at)
        sd = float(f.sd(h)) if h > 0 else 0.0
        lo = sd * np.sqrt(n / stats.chi2.ppf(0.95, n)) if n else np.nan
        hi = sd * np.sqrt(n / stats.chi2.ppf(0.05, n)) if n else np.nan
        rows.append({"horizon": h, "n_vintages": n, "sd": sd, "sd_lo90": lo, "sd_hi90": hi,
                     "bias": float(f.bias(h)), "sd_about_bias": float(fb.sd(h)) if h > 0 else 0.0,
                     "empirical_rms": float(np.sqrt(np.mean(at**2))) if n else np.nan,
                     "empirical_mean": float(at.mean()) if n else np.nan})
    return pd.DataFrame(rows)


def lovo_coverage(e: pd.DataFrame, with_bias: bool = False) -> pd.DataFrame:
    """Leave one vintage out: fit on the others, share of the left-out vintage's errors inside the
    90 % interval (0 +- z sd(h), or bias(h) +- z sd(h) when `with_bias`). Last row: all vintages,
    each weighted equally."""
    rows = []
    for name in e["vintage"].unique():
        held, rest = e[e["vintage"] == name], e[e["vintage"] != name]
        if rest["vintage"].nunique() < 2:
            continue
        f = fit(rest, about_bias=with_bias)
        h = held["horizon"].to_numpy(float)
        centre = f.bias(h) if with_bias else 0.0
        inside = np.abs(held["error"].to_numpy() - centre) <= Z90 * f.sd(h)
        rows.append({"vintage": name, "n_errors": len(held), "coverage": float(inside.mean()),
                     "scale": f.scale, "exponent": f.exponent, "drift": f.drift})
    out = pd.DataFrame(rows)
    overall = {"vintage": "all", "n_errors": int(out["n_errors"].sum()), "coverage": float(out["coverage"].mean()),
               "scale": np.nan, "exponent": np.nan, "drift": np.nan}
    return pd.concat([out, pd.DataFrame([overall])], ignore_index=True)


def config_values(table: pd.DataFrame) -> dict[str, dict[int, float]]:
    """The config mappings horizon -> value (rounded to 4 decimals, as written in config.yaml)."""
    def mapping(column: str) -> dict[int, float]:
        return {int(h): round(float(x), 4) for h, x in zip(table["horizon"], table[column], strict=True)}

    return {"projection_error_sd": mapping("sd"), "projection_error_bias": mapping("bias")}


def calibrate(reference_data: Path) -> dict[str, pd.DataFrame]:
    """Every table of the calibration from the reference data folder."""
    folder = Path(reference_data) / FOLDER
    e = errors(read_vintages(folder), read_outturn(folder))
    source = {v.name: f"{FOLDER}/{AR4_FILE} ({v.publication}, {v.scenario}, GrossTotal); T0: {v.rationale}; "
              f"{OUTTURN[2]}" for v in VINTAGES}
    e = e.assign(source=e["vintage"].map(source))
    f = fit(e)
    table = horizon_table(e, f).assign(
        scale=f.scale, exponent=f.exponent, drift=f.drift,
        source=f"fit of {FOLDER} vintages (subnat.uncertainty.projection_error.fit): sd = scale*h^exponent, "
               f"bias = drift*h")
    lovo = pd.concat([lovo_coverage(e).assign(centre="zero"), lovo_coverage(e, True).assign(centre="bias")],
                     ignore_index=True).assign(source="leave-one-vintage-out refit of the same errors")
    return {"us_projection_error.csv": e, "us_projection_error_fit.csv": table,
            "us_projection_error_lovo.csv": lovo}
