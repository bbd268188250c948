"""EPA state GHG inventory 1990–2020 (2023 edition) in OpenClimate's EmissionsAgg schema.

``read(path)`` returns ``actor_id`` (ISO 3166-2, ``US-CA``), ``year`` (int), ``emissions_mt``
(Mt CO2e, gross, excluding LULUCF; converted from the file's tCO2e), ``source``.
Rows of non-US actors or without a number are dropped. GWP: the EPA state inventory follows the
national GHGI of the same edition (see docs/data.md for the GWP statement).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.sources.common import T_PER_MT, source_label


def read(path: str | Path) -> pd.DataFrame:
    """Tidy state inventory in Mt CO2e (columns in the module docstring)."""
    raw = pd.read_csv(path, dtype={"actor_id": str})
    raw = raw[raw["actor_id"].str.startswith("US-", na=False)].copy()
    raw["emissions_mt"] = pd.to_numeric(raw["total_emissions"], errors="coerce") / T_PER_MT
    raw = raw.dropna(subset=["emissions_mt"])
    ds = raw["datasource_id"].iloc[0] if len(raw) else "EPA:state_GHG_inventory"
    out = pd.DataFrame(
        {
            "actor_id": raw["actor_id"].values,
            "year": pd.to_numeric(raw["year"]).astype(int).values,
            "emissions_mt": raw["emissions_mt"].values,
        }
    )
    out["source"] = f"{ds.replace(':', ' ')} ({source_label(path)})"
    return out.sort_values(["actor_id", "year"]).reset_index(drop=True)


def to_inventory(df: pd.DataFrame, years: range | list[int] | None = None) -> pd.DataFrame:
    """``inventory.csv`` rows (scope ``territorial``), optionally restricted to ``years``."""
    out = df if years is None else df[df["year"].isin(list(years))]
    out = out.assign(scope="territorial", emissions_mt=out["emissions_mt"].round(4))
    return out[["actor_id", "year", "emissions_mt", "scope", "source"]].reset_index(drop=True)
