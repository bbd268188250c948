"""CDP city-wide emissions inventories, reporting years 2016–2021 (one csv per year).

The column names change every year (``Measurement Year`` / ``Accounting year`` / ``Accounting
Year``; ``Total City-wide Emissions`` / ``Total emissions`` / ``TOTAL BASIC Emissions (GPC)``;
country ``USA`` before 2018, ``United States of America`` after), so ``read(path)`` maps every
known variant onto one tidy table:

``reporting_year``, ``account``, ``organization``, ``city``, ``country``, ``iso`` (ISO3 where
known), ``accounting_year`` (int: calendar year of the end of the accounting period),
``total_mt`` (Mt CO2e: the file's total or BASIC total, else scope 1 + scope 2),
``scope1_mt``, ``scope2_mt``, ``boundary``, ``protocol``, ``population``, ``population_year``,
``lat``, ``lon``, ``source``.

Rows with no parseable accounting year or no emission number are dropped by ``read``;
``inventory_years(path)`` keeps every row that states an accounting year (with or without a
total), because the year a city last inventoried is evidence of its own (achievement/progress.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import T_PER_MT, source_label

_VARIANTS: dict[str, tuple[str, ...]] = {
    "reporting_year": ("year reported to cdp", "reporting year"),
    "account": ("account number",),
    "organization": ("organization", "city name"),
    "city": ("city", "city short name"),
    "country": ("country",),
    "accounting_raw": ("accounting year", "measurement year"),
    "total_t": ("total city wide emissions metric tonnes co2e", "total emissions metric tonnes co2e",
                "total basic emissions gpc"),
    "scope1_t": ("total scope 1 emissions metric tonnes co2e",),
    "scope2_t": ("total scope 2 emissions metric tonnes co2e",),
    "boundary": ("boundary", "inventory boundary",
                 "inventory boundary compared to administrative city boundary"),
    "protocol": ("primary protocol", "protocol", "primary methodology"),
    "population": ("population", "current population"),
    "population_year": ("population year", "current population year"),
    "location": ("city location",),
}
_ISO = {"USA": "USA", "United States of America": "USA", "United States": "USA", "Canada": "CAN"}


def _canon(col: str) -> str:
    # "+" kept as a word: "Total BASIC+ Emissions" must not collide with "Total BASIC Emissions"
    col = col.replace("\u200b", "").replace("+", " plus ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", col.lower())).strip()


def accounting_year(text: object) -> int | None:
    """Calendar year of the end of an accounting period in any of CDP's formats."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    years = re.findall(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", str(text))
    return int(years[-1]) if years else None


def _raw(path: str | Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str)
    canon = {_canon(c): c for c in raw.columns}
    df = pd.DataFrame(index=raw.index)
    for key, variants in _VARIANTS.items():
        col = next((canon[v] for v in variants if v in canon), None)
        df[key] = raw[col] if col is not None else None
    return df


def read(path: str | Path) -> pd.DataFrame:
    """Tidy city-wide inventories in Mt CO2e (columns in the module docstring)."""
    df = _raw(path)
    num = lambda s: pd.to_numeric(s.astype(str).str.replace(",", ""), errors="coerce")  # noqa: E731
    out = pd.DataFrame(
        {
            "reporting_year": num(df["reporting_year"]).astype("Int64"),
            "account": df["account"].astype(str).str.strip(),
            "organization": df["organization"],
            "city": df["city"],
            "country": df["country"],
            "iso": df["country"].map(_ISO),
            "accounting_year": df["accounting_raw"].map(accounting_year).astype("Int64"),
            "scope1_mt": num(df["scope1_t"]) / T_PER_MT,
            "scope2_mt": num(df["scope2_t"]) / T_PER_MT,
            "boundary": df["boundary"],
            "protocol": df["protocol"],
            "population": num(df["population"]),
            "population_year": num(df["population_year"]).astype("Int64"),
        }
    )
    total = num(df["total_t"]) / T_PER_MT
    out["total_mt"] = total.fillna(out["scope1_mt"] + out["scope2_mt"])
    xy = df["location"].fillna("").astype(str).str.extract(r"POINT \(([-0-9.]+) ([-0-9.]+)\)")
    out["lon"] = pd.to_numeric(xy[0], errors="coerce")
    out["lat"] = pd.to_numeric(xy[1], errors="coerce")
    out["source"] = f"CDP city-wide emissions ({source_label(path)})"
    keep = out["accounting_year"].notna() & (out["total_mt"] > 0)
    return out[keep].reset_index(drop=True)


def inventory_years(path: str | Path) -> pd.DataFrame:
    """Every row of one vintage that states an accounting year, with its total when it has one.

    Columns ``reporting_year``, ``account``, ``accounting_year`` (int), ``total_mt`` (NaN when
    the row gives no number), ``source``. Unlike :func:`read`, rows without an emissions total
    are kept: the ex-post progress data needs the year a city's inventory refers to even where
    CDP's open file omits the number (in the 2021 file about 96 % of rows have no total).
    """
    df = _raw(path)
    num = lambda s: pd.to_numeric(s.astype(str).str.replace(",", ""), errors="coerce")  # noqa: E731
    total = num(df["total_t"]) / T_PER_MT
    total = total.fillna(num(df["scope1_t"]) / T_PER_MT + num(df["scope2_t"]) / T_PER_MT)
    out = pd.DataFrame({
        "reporting_year": num(df["reporting_year"]).astype("Int64"),
        "account": df["account"].astype(str).str.strip(),
        "accounting_year": df["accounting_raw"].map(accounting_year).astype("Int64"),
        "total_mt": total.where(total > 0),
    })
    out["source"] = f"CDP city-wide emissions ({source_label(path)})"
    return out[out["accounting_year"].notna()].reset_index(drop=True)
