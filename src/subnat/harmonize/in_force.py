"""Commitments not in force at the case's analysis date (reason ``after_analysis_date``).

A case reproduces what an analyst could count on its analysis date (``CaseSpec.analysis_year``:
2017 for us2017, 2023 for us2023). The sources' own dates (CDP "year target was set", NZT status
date, SBTi record date) already cut most later targets; two checks catch what they miss:

- the **base year is after the analysis year**: nobody in 2017 could have set a target on 2018
  emissions (Vail, CO: CDP 2021 says "set 2017", but its base year is 2018, so the target was
  revised or re-based later and the 2021 record is not the 2017 one);
- a **state target first adopted after the analysis year**: the year of the hand table row it
  came from (``adopted_year`` column, us2017's ``us_state_targets_2017.csv``), else the earliest
  dated instrument of the cited adoption table (sources/state_adoption.py). A target the adoption
  table does not cover, or covers only undated, is kept (its source's date stands).

A base year equal to the analysis year is kept (the target can exist before its base-year
inventory does; Hoboken's 2017-based target, set 2017).
"""

from __future__ import annotations

import re

import pandas as pd

from subnat.sources import state_adoption
from subnat.sources.common import exclusion_frame

REASON = "after_analysis_date"
_STATE = re.compile(r"^US-[A-Z]{2}$")


def adoption_year(row: pd.Series, table: pd.DataFrame) -> int | None:
    """Year the commitment was first adopted, when a hand table knows it (None otherwise)."""
    own = row.get("adopted_year")
    if own is not None and not pd.isna(own):
        return int(own)
    if not _STATE.match(str(row["actor_id"])):
        return None
    year, _flag = state_adoption.first_adopted(table, row["actor_id"], row["base_year"],
                                               row["target_year"], row["value"])
    return year


def why_not_in_force(row: pd.Series, analysis_year: int, table: pd.DataFrame) -> str | None:
    """The exclusion detail when ``row`` was not in force in ``analysis_year``, else None."""
    base = row.get("base_year")
    if base is not None and not pd.isna(base) and int(base) > analysis_year:
        return f"base year {int(base)} after the case's analysis year {analysis_year}"
    adopted = adoption_year(row, table)
    if adopted is not None and adopted > analysis_year:
        return (f"first adopted {adopted} (us_state_target_adoption.csv) after the case's "
                f"analysis year {analysis_year}")
    return None


def screen_in_force(commitments: pd.DataFrame, analysis_year: int,
                    table: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(commitments in force in ``analysis_year``, exclusion log of the others)."""
    table = state_adoption.committed() if table is None else table
    details = [why_not_in_force(r, analysis_year, table) for _, r in commitments.iterrows()]
    out = pd.Series([d is not None for d in details], index=commitments.index)
    excluded = exclusion_frame([
        {"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
         "reason_code": REASON, "detail": d}
        for (_, r), d in zip(commitments.iterrows(), details, strict=True) if d is not None])
    return commitments[~out].copy(), excluded
