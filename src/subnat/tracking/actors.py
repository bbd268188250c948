"""actors.csv: one row per actor of a case (issue 19 item 2): latest inventory, population and
per-capita emissions, 1990 emissions, long-term target, the Under2 MOU verdicts, the required
annual rate against the AR6 benchmarks, the 2050 consistency flag and the peer ranks.

1990 emissions: the inventory's 1990 value of the actor's main scope, else a back-cast
``E(1990) = E(y_e) * H(1990) / H(y_e)`` from its earliest inventory year ``y_e`` and the case's
national history ``H`` (the actor is assumed to have moved with its country), else none.

Required rate: the annual compound rate from the latest inventory to the actor's next target
after it with a positive level (a net-zero level has no compound rate); the AR6 rates cover the
same years (to 2050 when the actor has no such target).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from subnat.case.load import Case
from subnat.tracking import benchmarks, consistency, mou, peers, population
from subnat.tracking.progress import compound_rate_pct, governing, inventory_series

COLUMNS = ["case", "actor_id", "name", "actor_type", "parent_id", "country", "latest_year",
           "latest_emissions_mt", "population", "population_year", "population_source",
           "population_flag", "per_capita_t", "emissions_1990_mt", "emissions_1990_source",
           "long_term_target_year", "long_term_target_level_mt", "n_commitments", "on_track",
           "mou2015", "mou2015_reason", "mou2021", "mou2021_reason", "required_rate_pct",
           "ar6_15c_rate_pct", "ar6_2c_rate_pct", "consistency_flag", "peer_rank_per_capita",
           "peer_rank_ambition", "peer_rank_progress", "peer_group_size",
           "share_achieved", "rate_target_id", "rate_target_year", "population_case",
           "population_climactor", "emissions_1990_detail", "source"]


@dataclass(frozen=True)
class TrackingSettings:
    """The ``tracking`` config (config/config.yaml) plus net_zero.residual_share."""

    ar6_base_year: int = 2019
    ar6_15c: dict[int, float] = field(default_factory=lambda: {2030: 0.43, 2050: 0.84})
    ar6_2c: dict[int, float] = field(default_factory=lambda: {2030: 0.27, 2050: 0.63})
    mou2015: mou.Mou2015 = field(default_factory=mou.Mou2015)
    mou2021_year: int = 2050
    population_ratio: float = 1.5
    long_term_min_year: int = 2040
    milestones: tuple[int, ...] = (2030, 2040)
    backcast_1990: bool = True
    residual_share: float = 0.0

    @classmethod
    def from_config(cls, config: dict) -> TrackingSettings:
        t = config["tracking"]
        m15 = t["mou2015"]["value"]
        return cls(ar6_base_year=int(t["ar6_base_year"]["value"]),
                   ar6_15c={int(r["year"]): float(r["reduction"]) for r in t["ar6_15c_reduction"]["value"]},
                   ar6_2c={int(r["year"]): float(r["reduction"]) for r in t["ar6_2c_reduction"]["value"]},
                   mou2015=mou.Mou2015(int(m15["year"]), float(m15["reduction_vs_1990"]),
                                       float(m15["per_capita_t"])),
                   mou2021_year=int(t["mou2021"]["value"]["year"]),
                   population_ratio=float(t["population_ratio"]["value"]),
                   long_term_min_year=int(t["long_term_min_year"]["value"]),
                   milestones=tuple(int(y) for y in t["milestone_years"]["value"]),
                   backcast_1990=bool(t["backcast_1990"]["value"]),
                   residual_share=float(config["net_zero"]["residual_share"]["value"]))


def main_scope(kind: str, scopes: Sequence[str]) -> str:
    """The scope an actor is compared on: territorial for governments, scope1+2 for companies,
    else the first scope its inventory has."""
    default = "scope1+2" if kind == "company" else "territorial"
    return default if default in scopes or not scopes else sorted(scopes)[0]


def history(case: Case) -> pd.Series:
    """The case's national history (Mt by year)."""
    h = case.national[case.national["series"] == "history"]
    return h.groupby(h["year"].astype(int))["emissions_mt"].first().astype(float).sort_index()


def emissions_1990(inv: pd.Series, hist: pd.Series, backcast: bool) -> tuple[float, str, str]:
    """(E(1990), inventory/backcast/none, detail) (module docstring).

    >>> emissions_1990(pd.Series({2000: 50.0}), pd.Series({1990: 400.0, 2000: 500.0}), True)[:2]
    (40.0, 'backcast')
    """
    if 1990 in inv.index:
        return float(inv.loc[1990]), "inventory", "inventory.csv 1990"
    if not backcast or inv.empty:
        return math.nan, "none", "no inventory" if inv.empty else "no 1990 inventory"
    ye = int(inv.index[0])
    if 1990 not in hist.index or ye not in hist.index or not hist.loc[ye] > 0:
        return math.nan, "none", f"no national history for 1990 and {ye}"
    factor = float(hist.loc[1990] / hist.loc[ye])
    return (float(inv.iloc[0]) * factor, "backcast",
            f"inventory {ye} x national history 1990/{ye} = {factor:.4f} (national.csv history)")


def _rate_target(levels: pd.DataFrame, latest: int) -> pd.Series | None:
    ahead = levels[(levels["target_year"] > latest) & (levels["target_level_mt"] > 0)]
    return None if ahead.empty else ahead.sort_values(["target_year", "target_level_mt"]).iloc[0]


def _tf(x: object) -> object:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(bool(x)).lower()


def actor_row(a: pd.Series, ctx: dict, s: TrackingSettings) -> tuple[dict, list[dict]]:
    """One actors.csv row (before ranks) and its consistency rows."""
    aid, kind = str(a["actor_id"]), str(a["actor_type"])
    series, levels_all = ctx["series"], ctx["levels"]
    scopes = [sk for (i, sk) in series if i == aid]
    scope = main_scope(kind, scopes)
    inv = series.get((aid, scope), pd.Series(dtype=float))
    own = levels_all[levels_all["actor_id"] == aid]
    levels = own[own["scope"] == scope]
    latest = int(inv.index[-1]) if len(inv) else None
    e_l = float(inv.iloc[-1]) if len(inv) else math.nan
    pop = ctx["population"].loc[aid]
    e1990, how1990, detail1990 = emissions_1990(inv, ctx["history"], s.backcast_1990)
    lt = consistency.long_term(levels, s.long_term_min_year)
    flag, rows = consistency.assess(levels, inv, s.long_term_min_year, s.milestones)
    if kind == "company":
        m15 = m21 = ("unknown", mou.COMPANY_REASON)
    else:
        m15 = mou.check_2015(levels, e1990, population.candidates(pop), s.mou2015, s.residual_share)
        m21 = mou.check_2021(levels, s.mou2021_year)
    gov = ctx["governing"].get(aid)
    rt = _rate_target(levels, latest) if latest is not None else None
    y1 = float(rt["target_year"]) if rt is not None else float(s.mou2021_year)
    y0 = float(latest) if latest is not None else math.nan
    per_capita = 1e6 * e_l / float(pop["population"]) if pd.notna(pop["population"]) else math.nan
    row = {"case": ctx["case"], "actor_id": aid, "name": a["name"], "actor_type": kind,
           "parent_id": a.get("parent_id", ""), "country": a["country"], "latest_year": latest,
           "latest_emissions_mt": e_l, **{k: pop[k] for k in (
               "population", "population_year", "population_source", "population_flag",
               "population_case", "population_climactor")},
           "per_capita_t": per_capita, "emissions_1990_mt": e1990, "emissions_1990_source": how1990,
           "emissions_1990_detail": detail1990,
           "long_term_target_year": int(lt["target_year"]) if lt is not None else None,
           "long_term_target_level_mt": float(lt["target_level_mt"]) if lt is not None else math.nan,
           "n_commitments": int((ctx["commitments"]["actor_id"] == aid).sum()),
           "on_track": _tf(gov["on_track"]) if gov is not None else "",
           "share_achieved": float(gov["share_achieved"]) if gov is not None else math.nan,
           "mou2015": m15[0], "mou2015_reason": m15[1], "mou2021": m21[0], "mou2021_reason": m21[1],
           "required_rate_pct": compound_rate_pct(e_l, float(rt["target_level_mt"]), y1 - y0)
           if rt is not None else math.nan,
           "rate_target_id": rt["commitment_id"] if rt is not None else "",
           "rate_target_year": int(y1) if rt is not None else None,
           "ar6_15c_rate_pct": benchmarks.rate_pct(s.ar6_15c, s.ar6_base_year, y0, y1),
           "ar6_2c_rate_pct": benchmarks.rate_pct(s.ar6_2c, s.ar6_base_year, y0, y1),
           "consistency_flag": flag, "source": f"{a.get('source', '')}; inventory.csv; commitments.csv"}
    return row, [{"case": ctx["case"], "actor_id": aid, **r,
                  "source": "commitments.csv target levels; inventory.csv anchor"} for r in rows]


def actors_table(case: Case, levels: pd.DataFrame, progress: pd.DataFrame,
                 climactor: pd.DataFrame | None, s: TrackingSettings
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(actors.csv, consistency.csv) of one case."""
    actors = case.actors.drop_duplicates("actor_id")
    ctx = {"case": case.meta.name, "series": inventory_series(case), "levels": levels,
           "history": history(case), "commitments": case.commitments,
           "population": population.cross_check(actors, climactor, s.population_ratio)
           .set_index("actor_id"),
           "governing": {r["actor_id"]: r for _, r in governing(progress).iterrows()}}
    rows, cons = [], []
    for _, a in actors.iterrows():
        row, c = actor_row(a, ctx, s)
        rows.append(row)
        cons += c
    df = pd.DataFrame(rows)
    df = pd.concat([df, peers.ranks(df)], axis=1)[COLUMNS] if len(df) else pd.DataFrame(columns=COLUMNS)
    for c in ("latest_year", "population_year", "long_term_target_year", "rate_target_year"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    return df, pd.DataFrame(cons, columns=consistency.COLUMNS)
