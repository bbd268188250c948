"""The Under2 MOU check of one actor, both versions (config ``tracking.mou2015``, ``mou2021``).

2015: 80-95 % below 1990 by 2050, or under 2 t CO2e per person by 2050. A target counts when its
year is at or before 2050 (its level is held after its year, method §4). Its reduction below
1990 is ``k * p`` for an absolute target on base year 1990, 1 for a net-zero target with no
residual over all emissions, else ``1 - level / E(1990)``; its per-capita level is
``level / population`` with today's population (no projection). The per-capita branch is met
(or not) only when it is met (or not) under every population candidate (sources disagreeing
beyond the configured ratio give two candidates).

2021: net zero by 2050: a net-zero target (or an absolute 100 % cut) over all emissions with a
year at or before 2050.

Verdicts: ``met`` / ``not_met`` / ``unknown``, always with a reason. No target by 2050 is
``not_met`` (the MOU is a commitment); companies are ``unknown`` (the MOU is for governments).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

COMPANY_REASON = "company: the Under2 MOU is for state and local governments"


@dataclass(frozen=True)
class Mou2015:
    """Thresholds of the 2015 MOU."""

    year: int = 2050
    reduction_vs_1990: float = 0.80
    per_capita_t: float = 2.0


def _is_net_zero(t: pd.Series) -> bool:
    full = float(t["coverage"]) >= 1.0
    return full and (t["target_type"] == "net_zero"
                     or (t["target_type"] == "absolute" and float(t.get("value", 0) or 0) >= 1.0))


def reduction_vs_1990(t: pd.Series, e1990: float, residual_share: float) -> float:
    """Reduction below 1990 of one target's level (module docstring); NaN when unknown.

    >>> reduction_vs_1990(pd.Series({"target_type": "absolute", "base_year": 1990, "value": 0.8,
    ...     "coverage": 1.0, "target_level_mt": float("nan")}), float("nan"), 0.0)
    0.8
    """
    kind, cov = t["target_type"], float(t["coverage"])
    if kind == "net_zero" and residual_share == 0 and cov >= 1.0:
        return 1.0
    if kind == "absolute" and t["base_year"] == 1990 and math.isfinite(float(t["value"])):
        return cov * float(t["value"])
    level = float(t["target_level_mt"])
    if math.isfinite(level) and math.isfinite(e1990) and e1990 > 0:
        return 1.0 - level / e1990
    return math.nan


def check_2015(targets: pd.DataFrame, e1990: float, populations: Sequence[float],
               rule: Mou2015, residual_share: float = 0.0) -> tuple[str, str]:
    """(verdict, reason) of the 2015 MOU for one government's level targets (columns of
    progress.commitment_levels plus ``value``)."""
    by = targets[targets["target_year"] <= rule.year]
    if by.empty:
        later = targets["target_year"].max() if len(targets) else math.nan
        extra = f" (latest target year {int(later)})" if math.isfinite(later) else ""
        return "not_met", f"no target by {rule.year}{extra}"
    reds = [(reduction_vs_1990(t, e1990, residual_share), t) for _, t in by.iterrows()]
    known = [(r, t) for r, t in reds if math.isfinite(r)]
    best = max(known, key=lambda x: x[0]) if known else None
    if best is not None and best[0] >= rule.reduction_vs_1990 - 1e-9:
        r, t = best
        return "met", f"{t['commitment_id']}: {100 * r:.1f} % below 1990 by {int(t['target_year'])}"
    levels = by["target_level_mt"].astype(float)
    low = levels.min() if levels.notna().any() else math.nan
    pops = [p for p in populations if math.isfinite(p) and p > 0]
    per_capita = [1e6 * low / p for p in pops] if math.isfinite(low) else []
    if per_capita and all(pc < rule.per_capita_t for pc in per_capita):
        return "met", f"{max(per_capita):.2f} t per person by {rule.year} (today's population)"
    parts = [f"best {100 * best[0]:.1f} % below 1990 by {rule.year}" if best
             else "reduction below 1990 unknown (no 1990 emissions or no target level)"]
    if per_capita and all(pc >= rule.per_capita_t for pc in per_capita):
        parts.append(f"{min(per_capita):.2f} t per person")
        if best is not None:
            return "not_met", "; ".join(parts)
        return "unknown", "; ".join(parts) + " (the 1990 branch is not assessable)"
    if per_capita:
        parts.append("population sources disagree on the per-capita branch")
    elif not pops:
        parts.append("no population")
    else:
        parts.append("no target level")
    return "unknown", "; ".join(parts)


def check_2021(targets: pd.DataFrame, year: int = 2050) -> tuple[str, str]:
    """(verdict, reason) of the 2021 update (net zero by ``year``)."""
    nz = [t for _, t in targets.iterrows() if t["target_type"] == "net_zero" or _is_net_zero(t)]
    ok = [t for t in nz if _is_net_zero(t) and t["target_year"] <= year]
    if ok:
        t = min(ok, key=lambda t: t["target_year"])
        return "met", f"{t['commitment_id']}: net zero by {int(t['target_year'])}"
    if not nz:
        return "not_met", f"no net-zero target by {year}"
    t = min(nz, key=lambda t: t["target_year"])
    if float(t["coverage"]) < 1.0:
        return "not_met", f"{t['commitment_id']}: net zero covers {100 * float(t['coverage']):.0f} % of emissions"
    return "not_met", f"{t['commitment_id']}: net zero only by {int(t['target_year'])}"
