"""2050 consistency of one actor's targets (issue 19 item 3): does the interim target lie on a
path to the long-term target, or is it a "dead end" that needs steeper cuts later?

The long-term target is the actor's lowest level target (earliest year on a tie) of those in
``tracking.long_term_min_year`` or later. From the anchor (the latest inventory of its scope before
that year, else its base year) to the long-term level ``E_LT`` at ``Y_LT`` the implied levels are

    straight(y)      = E0 + (y - y0)/(Y_LT - y0) * (E_LT - E0)
    constant_rate(y) = E0 * (E_LT/E0)^((y - y0)/(Y_LT - y0))      (NaN when E_LT = 0)

An interim target (a level target of the same scope with y0 < year < Y_LT) whose level is above
``straight`` at its year is weaker than the path: flag ``dead_end``; all on or below it:
``consistent``; none: ``no_interim``; no long-term target, anchor or assessable interim level:
``none``. The straight path is the lenient one (a constant rate cuts more early), so a dead end
is one on either path. Milestone years without a target get the implied levels too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from subnat.tracking.progress import linear_level

COLUMNS = ["case", "actor_id", "long_term_commitment_id", "long_term_target_year",
           "long_term_level_mt", "anchor_year", "anchor_level_mt", "anchor_source", "year", "kind",
           "commitment_id", "target_level_mt", "straight_level_mt", "constant_rate_level_mt",
           "weaker_than_path", "source"]


def constant_rate_level(e0: float, y0: int, e1: float, y1: int, year: int) -> float:
    """Level on the constant-rate path (module docstring); NaN when a level is not positive.

    >>> constant_rate_level(100.0, 2020, 25.0, 2040, 2030)   # 100 * 0.25 ** 0.5
    50.0
    """
    if not (e0 > 0 and e1 > 0) or y1 <= y0:
        return math.nan
    return e0 * (e1 / e0) ** ((year - y0) / (y1 - y0))


def long_term(levels: pd.DataFrame, min_year: int) -> pd.Series | None:
    """The long-term target of one actor's level targets: of those in ``min_year`` or later,
    the lowest level, then the earliest year (California's 2045 net zero, not its 2050 -80 %)."""
    ok = levels[levels["target_level_mt"].notna() & (levels["target_year"] >= min_year)]
    if ok.empty:
        return None
    return ok.sort_values(["target_level_mt", "target_year", "commitment_id"]).iloc[0]


def assess(levels: pd.DataFrame, inventory: pd.Series, min_year: int,
           milestones: Sequence[int]) -> tuple[str, list[dict]]:
    """(flag, rows) for one actor. ``levels``: its commitments with target levels
    (progress.commitment_levels); ``inventory``: its emissions by year in the long-term scope."""
    lt = long_term(levels, min_year)
    if lt is None:
        return "none", []
    y_lt, e_lt = int(lt["target_year"]), float(lt["target_level_mt"])
    before = inventory[inventory.index < y_lt]
    if len(before):
        y0, e0, how = int(before.index[-1]), float(before.iloc[-1]), "inventory"
    elif math.isfinite(float(lt["base_year"])) and math.isfinite(float(lt["base_emissions_mt"])):
        y0, e0, how = int(lt["base_year"]), float(lt["base_emissions_mt"]), "base_year"
    else:
        return "none", []
    head = {"long_term_commitment_id": lt["commitment_id"], "long_term_target_year": y_lt,
            "long_term_level_mt": e_lt, "anchor_year": y0, "anchor_level_mt": e0, "anchor_source": how}
    same = levels[(levels["scope"] == lt["scope"]) & (levels["commitment_id"] != lt["commitment_id"])]
    interim = same[(same["target_year"] > y0) & (same["target_year"] < y_lt)]
    rows = []
    for _, t in interim.sort_values(["target_year", "commitment_id"]).iterrows():
        y, level = int(t["target_year"]), float(t["target_level_mt"])
        straight = linear_level(e0, y0, e_lt, y_lt, y)
        weaker = bool(level > straight * (1 + 1e-9)) if math.isfinite(level) else None
        rows.append({**head, "year": y, "kind": "interim", "commitment_id": t["commitment_id"],
                     "target_level_mt": level, "straight_level_mt": straight,
                     "constant_rate_level_mt": constant_rate_level(e0, y0, e_lt, y_lt, y),
                     "weaker_than_path": weaker})
    have = {r["year"] for r in rows}
    for y in milestones:
        if y0 < y < y_lt and y not in have:
            rows.append({**head, "year": int(y), "kind": "milestone", "commitment_id": "",
                         "target_level_mt": math.nan,
                         "straight_level_mt": linear_level(e0, y0, e_lt, y_lt, int(y)),
                         "constant_rate_level_mt": constant_rate_level(e0, y0, e_lt, y_lt, int(y)),
                         "weaker_than_path": None})
    judged = [r["weaker_than_path"] for r in rows if r["kind"] == "interim"]
    if interim.empty:
        flag = "no_interim"
    elif not any(w is not None for w in judged):
        flag = "none"
    else:
        flag = "dead_end" if any(judged) else "consistent"
    return flag, sorted(rows, key=lambda r: (r["year"], r["kind"]))
