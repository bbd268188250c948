"""Environment and Climate Change Canada: provincial inventory and the yearly projection editions.

- ``read_inventory(path)``: the ECCC provincial GHG inventory as OpenClimate harmonised it
  (``EmissionsAgg`` schema, tCO2e, 13 provinces and territories, 1990-2021, excl. LULUCF); one row
  per province x year with ``actor_id`` (ISO 3166-2, ``CA-AB``), ``year``, ``emissions_mt``.
- ``read_edition(path)``: one "detailed GHG emissions" table of an ECCC projections release
  (bilingual headers, cp1252 or UTF-8 with BOM), long: ``region`` (ISO 3166-2 or ``CAN``),
  ``scenario``, ``sector``, ``year``, ``emissions_mt``. Tokens "-" (no data) and "x" (suppressed)
  become missing; footnote rows and the international-emissions rows (no region) are dropped.
- ``totals(edition, scenario)``: region x year sums of the seven economic sectors. The editions
  differ in their total rows (none in 2018; "Total" in 2019-2022; with and without the LULUCF
  accounting contribution in 2023-2024), so totals are always re-summed from the sector rows and
  the "Total", "WCI Credits", "International Emissions" and LULUCF rows never enter a sum.

Units: Mt CO2e, GWP100 of the edition's inventory, excluding LULUCF (SOURCE.md of
``eccc-canada-projections/``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem
from subnat.sources.common import T_PER_MT

#: Province and territory names (both spellings of the editions) -> ISO 3166-2:CA.
PROVINCES: dict[str, str] = {
    "Newfoundland and Labrador": "CA-NL", "Prince Edward Island": "CA-PE", "Nova Scotia": "CA-NS",
    "New Brunswick": "CA-NB", "Quebec": "CA-QC", "Ontario": "CA-ON", "Manitoba": "CA-MB",
    "Saskatchewan": "CA-SK", "Alberta": "CA-AB", "British Columbia": "CA-BC", "Yukon": "CA-YT",
    "Yukon Territory": "CA-YT", "Northwest Territories": "CA-NT", "Northwest Territory": "CA-NT",
    "Nunavut": "CA-NU",
}  # fmt: skip
PROVINCE_NAMES: dict[str, str] = {
    "CA-NL": "Newfoundland and Labrador", "CA-PE": "Prince Edward Island", "CA-NS": "Nova Scotia",
    "CA-NB": "New Brunswick", "CA-QC": "Quebec", "CA-ON": "Ontario", "CA-MB": "Manitoba",
    "CA-SK": "Saskatchewan", "CA-AB": "Alberta", "CA-BC": "British Columbia", "CA-YT": "Yukon",
    "CA-NT": "Northwest Territories", "CA-NU": "Nunavut",
}  # fmt: skip
NATIONAL = "CAN"

#: The seven economic sectors whose rows add up to a region's total.
SECTORS = ("Oil and Gas", "Electricity", "Transportation", "Heavy Industry", "Buildings",
           "Agriculture", "Waste and Others")

_ID_COLUMNS = {"Region (English)": "region", "Scenario (English)": "scenario",
               "Economic Sector (English)": "sector"}
_MISSING = {"-", "x", "X", "", "n/a"}


def _read_text_csv(path: Path) -> pd.DataFrame:
    """The editions are cp1252 (2018-2023) or UTF-8 with a BOM (2024)."""
    raw = path.read_bytes()
    text_encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "cp1252"
    return pd.read_csv(path, dtype=str, encoding=text_encoding, keep_default_na=False)


def _number(token: str) -> float:
    token = token.strip().replace(",", "")
    return float("nan") if token in _MISSING else float(token)


def read_edition(path: str | Path) -> pd.DataFrame:
    """One ECCC projections table, long (columns in the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "ECCC projections table not found"))
    df = _read_text_csv(path)
    columns = {}
    for c in df.columns:
        english = c.split(" / ")[0].strip()
        if english in _ID_COLUMNS:
            columns[c] = _ID_COLUMNS[english]
    missing = set(_ID_COLUMNS.values()) - set(columns.values())
    if missing:
        raise InputError(Problem(str(path), 1, None,
                                 f"expected the ECCC bilingual columns {sorted(_ID_COLUMNS)}; "
                                 f"missing {sorted(missing)}"))
    years = [c for c in df.columns if re.fullmatch(r"\d{4}", c.strip())]
    if not years:
        raise InputError(Problem(str(path), 1, None, "expected one column per year (2005, 2006, ...)"))
    df = df.rename(columns=columns)
    df["line"] = df.index + 2
    df = df[df["region"].str.strip().ne("") & df["region"].ne("n/a")]
    regions = df["region"].str.strip()
    codes = regions.map(lambda r: NATIONAL if r == "Canada" else PROVINCES.get(r))
    unknown = df[codes.isna()]
    if not unknown.empty:
        r = unknown.iloc[0]
        raise InputError(Problem(str(path), int(r["line"]), columns_key(columns, "region"),
                                 f"unknown region {r['region']!r}; expected a province, territory or Canada"))
    df = df.assign(region=codes, scenario=df["scenario"].str.strip(), sector=df["sector"].str.strip())
    long = df.melt(id_vars=["region", "scenario", "sector", "line"], value_vars=years,
                   var_name="year", value_name="token")
    bad = [(int(ln), y, t) for ln, y, t in zip(long["line"], long["year"], long["token"], strict=True)
           if not _is_number(t)]
    if bad:
        ln, y, t = bad[0]
        raise InputError(Problem(str(path), ln, y, f"expected a number, '-' or 'x', found {t!r}"))
    long["emissions_mt"] = long["token"].map(_number)
    long["year"] = long["year"].str.strip().astype(int)
    return long.drop(columns=["token"]).dropna(subset=["emissions_mt"]).reset_index(drop=True)


def columns_key(columns: dict[str, str], name: str) -> str:
    """The upstream header of a renamed column (for error messages)."""
    return next(k for k, v in columns.items() if v == name)


def _is_number(token: str) -> bool:
    try:
        _number(token)
    except ValueError:
        return False
    return True


def scenarios(edition: pd.DataFrame) -> tuple[str, str]:
    """(history scenario "NIR <year>", reference scenario "<year> Reference Case") of an edition."""
    names = set(edition["scenario"])
    nir = sorted(s for s in names if re.fullmatch(r"NIR \d{4}", s))
    ref = sorted(s for s in names if re.fullmatch(r"\d{4} Reference Case", s))
    if len(nir) != 1 or len(ref) != 1:
        raise InputError(Problem("ECCC projections table", None, "Scenario",
                                 f"expected one 'NIR <year>' and one '<year> Reference Case' scenario, "
                                 f"found {sorted(names)}"))
    return nir[0], ref[0]


def totals(edition: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Region x year sum of the seven sector rows of ``scenario`` (columns region, year, emissions_mt)."""
    rows = edition[(edition["scenario"] == scenario) & edition["sector"].isin(SECTORS)]
    if rows.empty:
        raise InputError(Problem("ECCC projections table", None, "Scenario",
                                 f"no sector rows for scenario {scenario!r}"))
    out = rows.groupby(["region", "year"], as_index=False)["emissions_mt"].sum()
    out["emissions_mt"] = out["emissions_mt"].round(6)
    return out


def national_series(edition: pd.DataFrame, scenario: str) -> pd.Series:
    """Year -> Canada total of ``scenario`` (sum of the Canada sector rows)."""
    t = totals(edition, scenario)
    return t[t["region"] == NATIONAL].set_index("year")["emissions_mt"]


def read_inventory(path: str | Path) -> pd.DataFrame:
    """ECCC provincial inventory (OpenClimate EmissionsAgg, tCO2e) -> actor_id, year, emissions_mt, source."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "ECCC provincial inventory not found"))
    df = pd.read_csv(path, dtype=str)
    need = {"actor_id", "year", "total_emissions", "datasource_id"}
    if need - set(df.columns):
        raise InputError(Problem(str(path), 1, None, f"expected columns {sorted(need)}; "
                                 f"missing {sorted(need - set(df.columns))}"))
    problems = []
    for i, r in df.iterrows():
        if r["actor_id"] not in PROVINCE_NAMES:
            problems.append(Problem(str(path), i + 2, "actor_id",
                                    f"expected a Canadian province or territory (CA-AB ...), found {r['actor_id']!r}"))
        if not _is_number(str(r["total_emissions"])) or pd.isna(pd.to_numeric(r["total_emissions"], errors="coerce")):
            problems.append(Problem(str(path), i + 2, "total_emissions",
                                    f"expected a number (tCO2e), found {r['total_emissions']!r}"))
        if not str(r["year"]).isdigit():
            problems.append(Problem(str(path), i + 2, "year", f"expected a year, found {r['year']!r}"))
    if problems:
        raise InputError(problems)
    return pd.DataFrame({
        "actor_id": df["actor_id"], "year": df["year"].astype(int),
        "emissions_mt": (df["total_emissions"].astype(float) / T_PER_MT).round(6),
        "source": "ECCC provincial GHG inventory (NIR, excl. LULUCF) via OpenClimate "
                  + df["datasource_id"] + " EmissionsAgg.csv",
    }).sort_values(["actor_id", "year"]).reset_index(drop=True)


def national_from_inventory(inventory: pd.DataFrame) -> pd.Series:
    """Year -> sum of the provinces and territories, only for years where all of them report."""
    n = inventory.groupby("year")["actor_id"].nunique()
    full = n[n == len(PROVINCE_NAMES)].index
    s = inventory[inventory["year"].isin(full)].groupby("year")["emissions_mt"].sum()
    return s.round(6)
