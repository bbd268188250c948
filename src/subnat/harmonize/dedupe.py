"""De-duplication of the same target reported by several sources (config ``harmonize.duplicates``).

Rule ``most_complete`` (default): commitments of one actor with the same scope and target year
are one target. The kept row is the one with the most of ``value``, ``base_year`` and
``base_year_emissions_mt`` filled; ties go to the source listed first in ``priority``
(legal texts and C2ES before CDP before the Net Zero Tracker before SBTi: the closer to the
adopting act, the better). Rule ``keep_all`` keeps every row (the model's own duplicate screen
then applies). The dropped rows go to the exclusion log with reason ``duplicate``.
"""

from __future__ import annotations

import pandas as pd

from subnat.sources.common import exclusion_frame

DEFAULT_PRIORITY = ["hand", "c2es_states", "cdp_targets", "net_zero_tracker", "sbti_targets"]


def dedupe(
    commitments: pd.DataFrame, rule: str = "most_complete", priority: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept commitments, exclusion log). ``commitments`` needs a ``origin`` column (loader)."""
    if rule == "keep_all" or commitments.empty:
        return commitments.reset_index(drop=True), exclusion_frame([])
    if rule != "most_complete":
        raise ValueError(f"harmonize.duplicates: unknown rule {rule!r}")
    order = {s: i for i, s in enumerate(priority or DEFAULT_PRIORITY)}
    df = commitments.copy()
    df["_complete"] = df[["value", "base_year", "base_year_emissions_mt"]].notna().sum(axis=1)
    df["_prio"] = df["origin"].map(order).fillna(len(order))
    df = df.sort_values(["actor_id", "scope", "target_year", "_complete", "_prio"],
                        ascending=[True, True, True, False, True], kind="stable")
    dup = df.duplicated(["actor_id", "scope", "target_year"], keep="first")
    kept = df[~dup].drop(columns=["_complete", "_prio"])
    winners = kept.set_index(["actor_id", "scope", "target_year"])["origin"]
    excl = [
        {"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
         "reason_code": "duplicate",
         "detail": f"same scope {r['scope']} and target year {r['target_year']} as the "
                   f"{winners.loc[(r['actor_id'], r['scope'], r['target_year'])]} row kept"}
        for _, r in df[dup].iterrows()
    ]
    return kept.reset_index(drop=True), exclusion_frame(excl)
