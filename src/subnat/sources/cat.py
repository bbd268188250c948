"""Climate Action Tracker country assessments (Data Explorer export), releases Nov 2024 and Sep 2025.

``read(path)`` returns one row per country × scenario × sector × year with columns ``version``
(CAT's assessment label MMYYYY), ``country`` (ISO3; ``EU27``), ``scenario``, ``sector``, ``unit``,
``gwp`` (``AR4GWP100`` / ``AR5GWP100`` from the unit), ``year``, ``emissions_mt``.

Layouts (cat-country-assessments/SOURCE.md): the xlsx has sheet ``Assessment`` with the header on
row 19; the csv (a save of the 2025 xlsx, UTF-8 with BOM, empty first column) has it on line 17.
Both are found by the header cell ``Version`` rather than by a fixed row, so a release with one
more banner line still reads.

Terms: redistribution with credit and notice, no modification. The files are never committed;
every number taken from them carries :data:`NOTICE` in its ``source``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem

ECONOMY_WIDE = "Economy-wide, excluding LULUCF"
CURRENT_POLICY = ("Current Policy, Min", "Current Policy, Max")
NOTICE = ("Copyright © Climate Action Tracker by NewClimate Institute and Climate Analytics, all rights "
          "reserved; CAT's data read as input and rescaled to the national inventory at its last history "
          "year: derived values, not CAT's published figures")
_GWP = re.compile(r"GWP-(AR\d)")


def release_label(path: str | Path) -> str:
    """'November 2024' from CAT_14112024_..., the month CAT asks to cite."""
    m = re.search(r"CAT_(\d{2})(\d{2})(\d{4})_", Path(path).name)
    if not m:
        return Path(path).name
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    return f"{months[int(m.group(2)) - 1]} {m.group(3)}"


def citation(path: str | Path) -> str:
    """CAT's requested reference plus the copyright notice."""
    return (f"Climate Action Tracker, Country Assessments | {release_label(path)} - "
            f"http://climateactiontracker.org ({Path(path).name}); {NOTICE}")


def _raw(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        grid = pd.read_excel(path, sheet_name="Assessment", header=None)
    else:
        grid = pd.read_csv(path, header=None, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    hits = [(i, j) for i, row in enumerate(grid.itertuples(index=False)) for j, v in enumerate(row)
            if str(v).strip() == "Version"]
    if not hits:
        raise InputError(Problem(str(path), None, "Version", "a header row with 'Version', 'Country', "
                                 "'Scenario', 'Sector', 'Indicator', 'Unit' and year columns"))
    i, j = hits[0]
    header = [str(v).strip() for v in grid.iloc[i, j:]]
    body = grid.iloc[i + 1:, j:].copy()
    body.columns = [int(float(h)) if re.fullmatch(r"\d{4}(\.0)?", h) else h for h in header]
    body.attrs["first_line"] = i + 2
    return body


def read(path: str | Path) -> pd.DataFrame:
    """Tidy CAT rows (columns in the module docstring); only emission rows in MtCO2e."""
    path = Path(path)
    raw = _raw(path)
    for col in ("Country", "Scenario", "Sector", "Unit"):
        if col not in raw.columns:
            raise InputError(Problem(str(path), raw.attrs["first_line"] - 1, col, "CAT header column"))
    raw = raw[raw["Country"].astype(str).str.strip().ne("") & raw["Country"].notna()]
    years = [c for c in raw.columns if isinstance(c, int)]
    long = raw.melt(id_vars=["Version", "Country", "Scenario", "Sector", "Unit"], value_vars=years,
                    var_name="year", value_name="emissions_mt")
    long["emissions_mt"] = pd.to_numeric(long["emissions_mt"].replace("", None), errors="coerce")
    long = long.dropna(subset=["emissions_mt"])
    long = long[long["Unit"].astype(str).str.startswith("MtCO2e")]
    gwp = long["Unit"].astype(str).str.extract(_GWP)[0]
    out = pd.DataFrame({
        "version": pd.to_numeric(long["Version"], errors="coerce").astype("Int64"),
        "country": long["Country"].astype(str).str.strip(),
        "scenario": long["Scenario"].astype(str).str.strip(),
        "sector": long["Sector"].astype(str).str.strip(),
        "unit": long["Unit"].astype(str),
        "gwp": gwp.map(lambda g: f"{g}GWP100" if isinstance(g, str) else None),
        "year": long["year"].astype(int),
        "emissions_mt": long["emissions_mt"].astype(float),
    })
    return out.sort_values(["country", "scenario", "sector", "year"]).reset_index(drop=True)


def countries(cat: pd.DataFrame) -> list[str]:
    """Every country code of the release (ISO3 and 'EU27')."""
    return sorted(cat["country"].unique())


def series(cat: pd.DataFrame, country: str, scenario: str, sector: str = ECONOMY_WIDE) -> pd.Series:
    """Year -> Mt of one scenario row (empty when CAT gives none)."""
    rows = cat[(cat["country"] == country) & (cat["scenario"] == scenario) & (cat["sector"] == sector)]
    return rows.set_index("year")["emissions_mt"].sort_index()


def ndc_scenarios(cat: pd.DataFrame, country: str) -> list[str]:
    """CAT's NDC scenario names of a country ('NDC Unconditional, Min', ...)."""
    rows = cat[(cat["country"] == country) & cat["scenario"].str.startswith("NDC")
               & (cat["sector"] == ECONOMY_WIDE)]
    return sorted(rows["scenario"].unique())


def gwp_of(cat: pd.DataFrame, country: str) -> str | None:
    """The GWP set of a country's emission rows (None when mixed or absent)."""
    sets = set(cat.loc[cat["country"] == country, "gwp"].dropna())
    return sets.pop() if len(sets) == 1 else None
