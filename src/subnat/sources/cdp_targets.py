"""CDP 2021 cities emissions-reduction targets (CDP open data, with DDL name-cleaning columns).

``read(path)`` returns one row per reported target with columns

- ``reporting_year``, ``account`` (CDP account number), ``organization``, ``city``,
  ``name`` (cleaned "City, ST" name), ``state`` (postal code), ``iso`` (ISO3 country),
- ``target_kind`` (CDP's "Type of target"), ``sector``, ``boundary``,
- ``base_year``, ``year_set`` (year the target was set), ``base_year_emissions_mt``,
  ``pct_reduction`` (fraction), ``target_year``, ``target_year_emissions_mt``,
  ``bau_emissions_mt``, ``intensity_unit``,
- ``pct_achieved`` (fraction 0–1 of the pledged reduction achieved so far, CDP's
  "Percentage of target achieved so far" / 100), ``population``, ``population_year``,
  ``lat``, ``lon``, ``source``.

Known defect handled: DDL's cleaned ``name`` sometimes puts a city in the wrong state
("City of Aurora, IL" → "Aurora, CO", "City of Portland, ME" → "Portland, OR",
"City of Columbus, IN" → "Columbus, OH"); the state suffix of CDP's own ``Organization``
wins when present and the name is rebuilt from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import T_PER_MT, excluder, exclusion_frame, source_label

_COLS = {
    "year reported to cdp": "reporting_year",
    "account number": "account",
    "organization": "organization",
    "city": "city",
    "type of target": "target_kind",
    "sector": "sector",
    "target boundary relative to city boundary": "boundary",
    "base year": "base_year",
    "year target was set": "year_set",
    "base year emissions metric tonnes co2e": "base_year_emissions_t",
    "percentage reduction target": "pct",
    "target year": "target_year",
    "target year absolute emissions metric tonnes co2e": "target_year_emissions_t",
    "intensity unit emissions per": "intensity_unit",
    "estimated business as usual absolute emissions in target year metric tonnes co2e": "bau_t",
    "percentage of target achieved so far": "pct_achieved_raw",
    "population": "population",
    "population year": "population_year",
    "city location": "location",
    "name": "name",
    "iso": "iso",
}

_STATE_SUFFIX = re.compile(r",\s*([A-Z]{2})\s*$")


def _canon(col: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", col.lower())).strip()


def read(path: str | Path) -> pd.DataFrame:
    """Tidy CDP 2021 city targets (columns in the module docstring)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=True, na_values=["NA"])
    ren = {c: _COLS[_canon(c)] for c in raw.columns if _canon(c) in _COLS}
    df = raw.rename(columns=ren)[list(ren.values())].copy()
    for c in ("reporting_year", "base_year", "year_set", "target_year", "population_year"):
        df[c] = pd.to_numeric(df.get(c), errors="coerce").astype("Int64")
    for c in ("base_year_emissions_t", "pct", "target_year_emissions_t", "bau_t",
              "pct_achieved_raw", "population"):
        df[c] = pd.to_numeric(df.get(c), errors="coerce")
    df["base_year_emissions_mt"] = df.pop("base_year_emissions_t") / T_PER_MT
    df["target_year_emissions_mt"] = df.pop("target_year_emissions_t") / T_PER_MT
    df["bau_emissions_mt"] = df.pop("bau_t") / T_PER_MT
    df["pct_reduction"] = df.pop("pct") / 100.0
    df["pct_achieved"] = df.pop("pct_achieved_raw") / 100.0
    org_state = df["organization"].fillna("").str.extract(_STATE_SUFFIX)[0]
    name_state = df["name"].fillna("").str.extract(_STATE_SUFFIX)[0]
    df["state"] = org_state.fillna(name_state)
    wrong = org_state.notna() & name_state.notna() & (org_state != name_state)
    base = df["name"].fillna("").str.replace(_STATE_SUFFIX, "", regex=True)
    df.loc[wrong, "name"] = base[wrong] + ", " + org_state[wrong]
    xy = df.pop("location").fillna("").str.extract(r"POINT \(([-0-9.]+) ([-0-9.]+)\)")
    df["lon"] = pd.to_numeric(xy[0], errors="coerce")
    df["lat"] = pd.to_numeric(xy[1], errors="coerce")
    df["source"] = "CDP 2021 Cities Emissions Reduction Targets (" + source_label(path) + ")"
    return df.reset_index(drop=True)


#: Sectors that mean the target covers the whole city inventory.
WHOLE_INVENTORY = ("all emissions sources", "basic emissions only", "community")
#: Boundaries that cover at least the whole city.
WHOLE_BOUNDARY = ("same (city-wide)", "larger")


def classify(row: pd.Series) -> tuple[str | None, float | None, str | None]:
    """(target_type, value, exclusion reason) of one tidy CDP target row."""
    kind = str(row.get("target_kind") or "").lower()
    pct = row.get("pct_reduction")
    if kind.startswith("base year emissions (absolute)"):
        if pd.isna(pct):
            return None, None, "missing_value"
        return ("net_zero", 1.0, None) if pct >= 1.0 else ("absolute", float(pct), None)
    if kind.startswith("fixed level"):
        lvl = row.get("target_year_emissions_mt")
        if pd.isna(lvl):
            return None, None, "missing_value"
        return ("net_zero", 1.0, None) if lvl == 0 else ("fixed_level", float(lvl), None)
    if kind.startswith("baseline scenario"):
        return ("baseline", float(pct), None) if pd.notna(pct) else (None, None, "missing_value")
    if kind.startswith("base year intensity"):
        unit = str(row.get("intensity_unit") or "").lower()
        tt = "intensity_capita" if "capita" in unit else "intensity_gdp" if "gdp" in unit else None
        if tt is None:
            return None, None, "unknown_target_type"
        return (tt, float(pct), None) if pd.notna(pct) else (None, None, "missing_value")
    if kind.startswith("no target") or not kind or kind == "nan":
        return None, None, "no_target"
    return None, None, "unknown_target_type"


def scope_reason(row: pd.Series) -> str | None:
    """Exclusion reason when a target does not cover the whole city inventory, else None."""
    sector = str(row.get("sector") or "").lower()
    boundary = str(row.get("boundary") or "").lower()
    if boundary and boundary != "nan" and not boundary.startswith(WHOLE_BOUNDARY):
        return "partial_boundary"
    if sector and sector != "nan" and not any(s in sector for s in WHOLE_INVENTORY):
        return "partial_sector"
    return None


def to_commitments(
    df: pd.DataFrame, actor_ids: pd.Series, *, set_by: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case commitments of the rows whose actor id is known, plus exclusions.

    ``actor_ids`` is aligned with ``df`` (None where the city could not be identified).
    ``set_by``: keep only targets set in or before that year (undated targets are excluded,
    reason ``not_in_force``), used for the 2017 stock-take.
    """
    rows, excl = [], []
    for i, r in df.iterrows():
        aid = actor_ids.loc[i]
        rec = f"account {r.get('account')} row {i + 2}"

        ex = excluder(excl, "cdp_targets", rec, aid)

        if aid is None or pd.isna(aid):
            ex("unresolved_actor", f"{r.get('organization')!r}")
            continue
        if set_by is not None and (pd.isna(r["year_set"]) or r["year_set"] > set_by):
            ex("not_in_force", f"target set in {r['year_set']} (cut-off {set_by})")
            continue
        tt, value, reason = classify(r)
        if reason:
            ex(reason, str(r.get("target_kind")))
            continue
        reason = scope_reason(r)
        if reason:
            ex(reason, f"sector={r.get('sector')!r}; boundary={r.get('boundary')!r}")
            continue
        if pd.isna(r["target_year"]):
            ex("missing_value", "no target year")
            continue
        rows.append(
            {
                "actor_id": aid,
                "target_type": tt,
                "target_year": int(r["target_year"]),
                "value": round(value, 6),
                "base_year": r["base_year"],
                "base_year_emissions_mt": _r(r["base_year_emissions_mt"]),
                "scope": "territorial",
                "status": "policy",
                "bau_emissions_mt": _r(r["bau_emissions_mt"]) if tt == "baseline" else None,
                "source": f"{r['source']}, account {r['account']}",
            }
        )
    return pd.DataFrame(rows), exclusion_frame(excl)


def _r(x: object) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 6)
