"""OpenClimate harmonised target tables (``processed/<dataset>/Target.csv``), any country.

Used for the tables OpenClimate compiled from public lists that have no raw export in the
reference data: C2ES "Canadian Provincial GHG Emissions Targets" (2022-11) and OEF's "Canadian
province emission targets" (2023-05). Schema: ``target_id, actor_id, target_type, baseline_year,
target_year, target_value, target_unit, URL, datasource_id``; actor ids are ISO 3166-2 (``CA-BC``).

``read(path)`` -> one row per target: ``actor_id``, ``target_type`` (case vocabulary),
``value`` (reduction fraction; Mt CO2e for ``fixed_level``), ``base_year``, ``target_year``,
``url``, ``record`` (``target_id``, line), ``source``. ``to_commitments`` turns them into case
commitments (status from the cited adoption table, see ``harmonize/canada.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem
from subnat.sources.common import T_PER_MT, excluder, exclusion_frame, to_float

TARGET_TYPES = {
    "Absolute emission reduction": "absolute",
    "Emission intensity reduction": "intensity_gdp",
    "Fixed level": "fixed_level",
}
COLUMNS = ["target_id", "actor_id", "target_type", "baseline_year", "target_year", "target_value",
           "target_unit", "URL", "datasource_id"]


def read(path: str | Path, label: str) -> pd.DataFrame:
    """Tidy targets of one OpenClimate Target.csv; ``label`` names the compilation in ``source``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), None, None, "OpenClimate Target.csv not found"))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(Problem(str(path), 1, None, f"expected columns {COLUMNS}; missing {missing}"))
    problems = []
    for i, r in raw.iterrows():
        for col in ("target_year", "target_value"):
            if pd.isna(to_float(r[col])):
                problems.append(Problem(str(path), i + 2, col, f"expected a number, found {r[col]!r}"))
        if r["target_unit"] not in ("percent", "tCO2e"):
            problems.append(Problem(str(path), i + 2, "target_unit",
                                    f"expected 'percent' or 'tCO2e', found {r['target_unit']!r}"))
    if problems:
        raise InputError(problems)
    value = raw["target_value"].map(to_float)
    per_cent = raw["target_unit"] == "percent"
    return pd.DataFrame({
        "actor_id": raw["actor_id"].str.strip(),
        "target_kind": raw["target_type"],
        "target_type": raw["target_type"].map(TARGET_TYPES),
        "value": (value / 100.0).where(per_cent, value / T_PER_MT),
        "base_year": pd.to_numeric(raw["baseline_year"], errors="coerce").astype("Int64"),
        "target_year": pd.to_numeric(raw["target_year"], errors="coerce").astype("Int64"),
        "url": raw["URL"],
        "record": raw["target_id"] + " line " + (raw.index + 2).astype(str),
        "source": f"{label} via OpenClimate {path.parent.name}/Target.csv (" + raw["target_id"] + ")",
    })


def to_commitments(targets: pd.DataFrame, origin: str, actor_ids: set[str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Commitments of the targets of known actors (scope territorial), plus exclusions."""
    rows, excl = [], []
    for _, r in targets.iterrows():
        ex = excluder(excl, origin, r["record"], r["actor_id"])
        if r["actor_id"] not in actor_ids:
            ex("unresolved_actor", f"{r['actor_id']!r} is not an actor of the case")
            continue
        if pd.isna(r["target_type"]):
            ex("unknown_target_type", str(r["target_kind"]))
            continue
        fixed = r["target_type"] == "fixed_level"
        rows.append({
            "actor_id": r["actor_id"], "target_type": r["target_type"],
            "target_year": int(r["target_year"]), "value": round(float(r["value"]), 6),
            "base_year": None if fixed or pd.isna(r["base_year"]) else int(r["base_year"]),
            "base_year_emissions_mt": None, "scope": "territorial", "status": None,
            "source": f"{r['source']}; {r['url']}", "origin": origin,
        })
    return pd.DataFrame(rows), exclusion_frame(excl)
