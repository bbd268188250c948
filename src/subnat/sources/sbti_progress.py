"""SBTi progress report 2021, appendix data (per-company, per-target progress, 31 July 2021).

The workbook has a "READ ME" sheet and an "Appendix - Download" sheet whose first row holds the
column names and whose second row holds their descriptions. ``read(path)`` returns one row per
company-target with columns

- ``company``, ``status_text`` (SBTi's "Company Status Text"), ``reported`` (bool: progress data
  found; False for "No comparable progress data ... publicly found"),
- ``target_type`` (``absolute`` / ``intensity`` / ``renewable_electricity`` /
  ``supplier_engagement``; SBTi's spelling variants such as "INtensity" folded),
- ``scope`` (e.g. "Scope 1+2"), ``scope_share`` (share of the scope covered when SBTi writes
  "Scope 1+2 (63% of total)", else 1.0),
- ``base_year``, ``target_year``, ``reporting_year`` (latest year of progress data),
  ``year_approved`` (SBTi's "Year target approved": when SBTi validated the target, the
  adoption date the progress data uses; <NA> when the sheet lacks it),
- ``target_value`` (fraction, 0.5 = 50 %), ``progress`` (fraction of base-year emissions reduced
  so far, SBTi's "Current target status"), ``completion`` (``progress / target_value``, SBTi's
  "Target completion [%]" / 1), ``elapsed`` (SBTi's "Target elapsed timeframe"),
- ``progress_source`` (CDP or public), ``record`` (sheet row), ``source``.

Why a loader of its own: the file mixes one row per target with one row per company without data,
and its percentage columns are fractions (0.5 = 50 %) despite the "[%]" in their names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import source_label

SHEET = "Appendix - Download"

_COLS = {
    "company name": "company",
    "company status text": "status_text",
    "target completion": "completion",
    "target elapsed timeframe": "elapsed",
    "target type": "target_type_raw",
    "target scope": "scope_raw",
    "target year": "target_year",
    "base year": "base_year",
    "target value": "target_value",
    "current target status": "progress",
    "reporting year": "reporting_year",
    "progress source": "progress_source",
}
#: Optional columns: read when present (older layouts may lack them).
_OPTIONAL = {"year target approved": "year_approved"}

_TYPES = {
    "absolute": "absolute",
    "intensity": "intensity",
    "renewable electricity": "renewable_electricity",
    "supplier engagement": "supplier_engagement",
}


def _canon(col: object) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", str(col).lower())).strip()


def read(path: str | Path) -> pd.DataFrame:
    """Tidy SBTi progress appendix (columns in the module docstring)."""
    raw = pd.read_excel(path, sheet_name=SHEET, header=0, dtype=object)
    ren = {c: _COLS[_canon(c)] for c in raw.columns if _canon(c) in _COLS}
    missing = set(_COLS.values()) - set(ren.values())
    ren |= {c: _OPTIONAL[_canon(c)] for c in raw.columns if _canon(c) in _OPTIONAL}
    if missing:
        raise ValueError(f"{source_label(path)}: sheet {SHEET!r} lacks columns {sorted(missing)}")
    df = raw.rename(columns=ren)[list(ren.values())]
    if "year_approved" not in df:
        df = df.assign(year_approved=pd.NA)
    # Row 2 of the sheet describes the columns: drop it (no company name there).
    df = df.assign(record=[f"{SHEET} row {i + 2}" for i in range(len(df))])
    df = df[df["company"].notna()].copy()
    for c in ("completion", "elapsed", "target_value", "progress"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    for c in ("base_year", "target_year", "reporting_year", "year_approved"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    ttype = df.pop("target_type_raw").astype("string").str.strip().str.lower()
    df["target_type"] = ttype.map(_TYPES).fillna(ttype)
    scope = df.pop("scope_raw").astype("string").str.strip()
    share = scope.str.extract(r"\((\d+(?:\.\d+)?)% of total\)")[0]
    df["scope"] = scope.str.replace(r"\s*\(.*\)$", "", regex=True)
    df["scope_share"] = pd.to_numeric(share, errors="coerce").div(100).fillna(1.0)
    df["status_text"] = df["status_text"].astype("string")
    df["reported"] = ~df["status_text"].str.contains("No comparable progress", na=False)
    df["company"] = df["company"].astype(str).str.strip()
    df["source"] = "SBTi progress report 2021 appendix (" + source_label(path) + ")"
    cols = ["company", "status_text", "reported", "target_type", "scope", "scope_share",
            "base_year", "target_year", "reporting_year", "year_approved", "target_value", "progress",
            "completion", "elapsed", "progress_source", "record", "source"]
    return df[cols].reset_index(drop=True)
