"""EIA "State energy-related carbon dioxide emissions by year", table 1 (1970–2021), xlsx.

``read(path)`` returns ``actor_id`` (ISO 3166-2), ``state``, ``year``, ``co2_mt`` (Mt CO2,
energy-related CO2 only — not total GHG), ``source``. The header row is found by its
``State`` label; the change columns after the last year and the "Total of states" and notes
rows are dropped. Used as a cross-check and for actors without an EPA GHG inventory; never
mixed with EPA totals in one inventory series because the coverage differs (CO2 from energy
versus all gases and sectors).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.sources.common import source_label, state_id


def read(path: str | Path) -> pd.DataFrame:
    """Tidy EIA state energy CO2 in Mt (columns in the module docstring)."""
    raw = pd.read_excel(path, sheet_name=0, header=None)
    header_row = raw.index[raw[0].astype(str).str.strip() == "State"][0]
    header = raw.loc[header_row]
    year_cols = {
        c: int(v) for c, v in header.items()
        if isinstance(v, int | float) and pd.notna(v) and 1900 < v < 2100
    }
    body = raw.loc[header_row + 1 :, [0, *year_cols]].rename(columns={0: "state", **year_cols})
    body["actor_id"] = body["state"].map(state_id)
    body = body.dropna(subset=["actor_id"])
    long = body.melt(id_vars=["state", "actor_id"], var_name="year", value_name="co2_mt")
    long["year"] = long["year"].astype(int)
    long["co2_mt"] = pd.to_numeric(long["co2_mt"], errors="coerce")
    long = long.dropna(subset=["co2_mt"])
    long["source"] = f"EIA state energy-related CO2, table 1 ({source_label(path)})"
    cols = ["actor_id", "state", "year", "co2_mt", "source"]
    return long[cols].sort_values(["actor_id", "year"]).reset_index(drop=True)
