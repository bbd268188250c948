"""Plausibility screens for self-reported city emissions (CDP, Net Zero Tracker).

Self-reported city figures mix boundaries (community-wide vs municipal operations) and units.
Two screens, each logged in the build exclusion log:

- ``implausible_per_capita``: an inventory row or base-year figure outside
  :data:`PER_CAPITA_RANGE` t CO2e per resident (US cities: about 5–25 t; resort towns with few
  residents reach 40–50 t) is dropped. Example: Charlotte, NC reports 266 Mt (300 t/cap; a unit
  error) in its inventory and 0.002 Mt as base-year emissions of its target (0.002 t/cap).
- ``inventory_inconsistent``: an inventory row more than :data:`MAX_RATIO` times above or below
  the base-year emissions the same city reports with its target is dropped (keeping the target's
  own base-year figure). Example: Denver's CDP city-wide inventory row (0.94 Mt) vs its target's
  2005 base of 13.25 Mt.
"""

from __future__ import annotations

import pandas as pd

from subnat.sources.common import exclusion_frame

PER_CAPITA_RANGE = (1.0, 60.0)
MAX_RATIO = 4.0


def screen_cities(
    inventory: pd.DataFrame, commitments: pd.DataFrame, population: pd.Series,
    city_ids: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(inventory, commitments, exclusion log) after the two screens on ``city_ids``."""
    lo, hi = PER_CAPITA_RANGE
    log = []
    inv = inventory.copy()
    com = commitments.copy()
    pop = population.astype(float)

    is_city = inv["actor_id"].isin(city_ids)
    tpc = inv["emissions_mt"].astype(float) * 1e6 / inv["actor_id"].map(pop)
    bad = is_city & tpc.notna() & ((tpc < lo) | (tpc > hi))
    log += [{"source": "screens", "record": f"inventory {r.actor_id} {r.year}",
             "actor_id": r.actor_id, "reason_code": "implausible_per_capita",
             "detail": f"{r.emissions_mt:.6g} Mt = {t:.3g} t/cap"}
            for r, t in zip(inv[bad].itertuples(), tpc[bad], strict=True)]
    inv = inv[~bad]

    c_city = com["actor_id"].isin(city_ids) & com["base_year_emissions_mt"].notna()
    ctpc = com["base_year_emissions_mt"].astype(float) * 1e6 / com["actor_id"].map(pop)
    cbad = c_city & ctpc.notna() & ((ctpc < lo) | (ctpc > hi))
    log += [{"source": "screens", "record": f"base year {r.actor_id} {r.target_year}",
             "actor_id": r.actor_id, "reason_code": "implausible_per_capita",
             "detail": f"base-year emissions {r.base_year_emissions_mt:.6g} Mt = {t:.3g} t/cap "
                       "(figure removed)"}
            for r, t in zip(com[cbad].itertuples(), ctpc[cbad], strict=True)]
    com.loc[cbad, "base_year_emissions_mt"] = None

    ref = com[com["actor_id"].isin(city_ids)].dropna(subset=["base_year_emissions_mt"])
    ref = ref.groupby("actor_id")["base_year_emissions_mt"].median().astype(float)
    ratio = inv["emissions_mt"].astype(float) / inv["actor_id"].map(ref)
    rbad = inv["actor_id"].isin(city_ids) & ratio.notna() & (
        (ratio > MAX_RATIO) | (ratio < 1 / MAX_RATIO))
    log += [{"source": "screens", "record": f"inventory {r.actor_id} {r.year}",
             "actor_id": r.actor_id, "reason_code": "inventory_inconsistent",
             "detail": f"{r.emissions_mt:.6g} Mt is {q:.3g} x the target's base-year figure"}
            for r, q in zip(inv[rbad].itertuples(), ratio[rbad], strict=True)]
    inv = inv[~rbad]
    return inv.reset_index(drop=True), com.reset_index(drop=True), exclusion_frame(log)
