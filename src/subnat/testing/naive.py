"""Reference implementation of the per-draw aggregation: plain loops, written to be read.

It follows method.md §3-§8 line by line, independently of the precomputed arrays of
`subnat.aggregate.pathways` and the vectorised `subnat.aggregate.engine`, which the tests check against it.
Slow by design: use it on small cases only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from subnat.aggregate.national import NationalSeries
from subnat.aggregate.pathways import governing
from subnat.aggregate.screen import Screened
from subnat.aggregate.settings import MethodSettings
from subnat.case.load import Case


class DrawArrays(NamedTuple):
    """The draws to aggregate, as whole arrays (the engine's `ScenarioDraws` hands out chunks)."""

    members: np.ndarray  # (S,) CPS member of each draw
    data_factor: np.ndarray | None  # (G, S) data-error factor of each screened group, or None
    delivered_fraction: np.ndarray | float  # (C, S) of each screened commitment, or one number for all


def aggregate(case: Case, screened: Screened, national: NationalSeries, years: np.ndarray,
              method: MethodSettings, draws: DrawArrays) -> dict[str, np.ndarray]:
    """Gross, net, O2, O3, O6 and coverage per year and draw, (T, S) each."""
    case_actors, locations = case.actors, case.company_locations
    commitments, groups = screened.commitments, screened.groups
    members, factor, fraction = draws
    p = method.pathway
    settings = {"after": p.after_target, "residual": p.residual_share, "re_share": p.reference_share,
                "elec": p.electricity_share}
    nested = method.overlap.nested_max_ambition
    companies_rule = method.overlap.companies_max_ambition
    subtract_flagged = method.overlap.subtract_in_national_projection
    parent = {a: p for a, p in zip(case_actors["actor_id"], case_actors["parent_id"], strict=True) if p}
    kind = dict(zip(case_actors["actor_id"], case_actors["actor_type"], strict=True))
    out = {k: np.zeros((len(years), len(members))) for k in ("gross", "net", "o2", "o3", "o6", "coverage")}
    rows_of = {g: commitments[commitments["group"] == g] for g in groups["group"]}
    for s, m in enumerate(members):
        nat = {int(y): float(v) for y, v in zip(national.years, national.growth[m], strict=True)}  # actors' basis
        headline = {int(y): float(v) for y, v in zip(national.years, national.index[m], strict=True)}
        for t_index, t in enumerate(years):
            delivered: dict[str, float] = {}
            reference: dict[str, float] = {}
            group_delivered: dict[int, float] = {}
            group_flag: dict[int, bool] = {}
            for group in groups.itertuples(index=False):
                e = 1.0 if factor is None else float(factor[group.group, s])
                rows = rows_of[group.group]
                ref = e * group.ref_level * nat[int(t)] / nat[group.ref_year]
                central = _central_levels(group, rows, national, years, settings)
                path = _path(group, rows, central, int(t), e, nat, years, settings)
                gov = rows.iloc[int(governing(list(rows["target_year"]), list(rows["target_type"] == "peaking"),
                                              central, list(rows["commitment_id"]), np.array([t]),
                                              list(rows["coverage"]))[0])]
                f = fraction if not isinstance(fraction, np.ndarray) else float(fraction[gov.name, s])
                potential = group.weight * gov["coverage"] * max(0.0, ref - path)
                d = f * potential
                delivered[group.actor_id] = delivered.get(group.actor_id, 0.0) + d
                reference[group.actor_id] = reference.get(group.actor_id, 0.0) + group.weight * ref
                group_delivered[group.group] = d
                group_flag[group.group] = bool(gov["in_national_projection"])
            rate = {a: (delivered[a] / reference[a] if reference[a] > 0 else 0.0) for a in delivered}

            def effective(j: str, rate: dict = rate) -> float:
                """Highest delivered rate of j and the jurisdictions containing it."""
                own = rate.get(j, 0.0)
                return max(own, effective(parent[j])) if j in parent else own

            def has_target(j: str, delivered: dict = delivered) -> bool:
                return j in delivered or (j in parent and has_target(parent[j]))

            net: dict[str, float] = {}
            for actor in delivered:
                if kind[actor] == "company":
                    continue
                above = effective(parent[actor]) if (nested and actor in parent) else 0.0
                net[actor] = reference[actor] * max(0.0, rate[actor] - above) if nested else delivered[actor]
            covered = sum(reference[a] for a in delivered if kind[a] != "company"
                          and not (a in parent and has_target(parent[a])))
            jur_net = sum(net.values())
            company_covered = 0.0
            for actor in delivered:
                if kind[actor] != "company":
                    continue
                rows = locations[locations["company_id"] == actor]
                if len(rows):
                    shares = [(j, sh) for j, sh in zip(rows["jurisdiction_id"], rows["share"], strict=True)
                              if has_target(j) and sh > 0]
                    phi = sum(sh for _, sh in shares)
                    rho_j = sum(sh * effective(j) for j, sh in shares) / phi if phi > 0 else 0.0
                else:
                    phi = min(1.0, covered / headline[int(t)]) if headline[int(t)] > 0 else 0.0
                    rho_j = jur_net / covered if covered > 0 else 0.0
                if companies_rule:
                    net[actor] = delivered[actor] * (1 - phi) + reference[actor] * phi * max(0.0, rate[actor] - rho_j)
                else:
                    net[actor] = delivered[actor]
                company_covered += reference[actor] * (1 - phi)
            o6 = 0.0
            for group in groups.itertuples(index=False):
                if group_flag[group.group] and delivered[group.actor_id] > 0:
                    o6 += net[group.actor_id] * group_delivered[group.group] / delivered[group.actor_id]
            out["gross"][t_index, s] = sum(delivered.values())
            out["net"][t_index, s] = sum(net.values()) - (0.0 if subtract_flagged else o6)
            out["o2"][t_index, s] = sum(delivered[a] - net[a] for a in delivered if kind[a] != "company")
            out["o3"][t_index, s] = sum(delivered[a] - net[a] for a in delivered if kind[a] == "company")
            out["o6"][t_index, s] = 0.0 if subtract_flagged else o6
            out["coverage"][t_index, s] = covered + company_covered
    return out


def _central_levels(group: Any, rows: pd.DataFrame, national: NationalSeries, years: np.ndarray,
                    s: dict) -> np.ndarray:
    """Each target's level for ranking targets of one year (peaking: its cap), at central data and the
    first CPS member: the actor-scope emissions in the target year, covered part at the target level
    and the rest at the reference (method §4)."""
    nat = {int(y): float(v) for y, v in zip(national.years, national.growth[0], strict=True)}
    last = int(years[-1])
    levels = []
    for _, r in rows.iterrows():
        reference = _reference(group, 1.0, int(r["target_year"]), nat, last)
        if r["target_type"] == "peaking":
            levels.append(reference)
        else:
            levels.append(r["coverage"] * _level(r, group, 1.0, nat, last, s) + (1 - r["coverage"]) * reference)
    return np.array(levels)


def _reference(group: Any, e: float, year: int, nat: dict[int, float], last: int) -> float:
    year = min(year, last)
    return e * group.ref_level * nat[year] / nat[group.ref_year]


def _level(row: pd.Series, group: Any, e: float, nat: dict[int, float], last: int, s: dict) -> float:
    """Target-year level over the whole actor-scope basis (method §4)."""
    p = row["value"] if np.isfinite(row["value"]) else 0.0
    ty = int(row["target_year"])
    kind = row["target_type"]
    if kind == "absolute":
        return e * row["e_by"] * (1 - p)
    if kind == "baseline":
        if np.isfinite(row["bau_emissions_mt"]):
            return row["bau_emissions_mt"] * (1 - p)
        return _reference(group, e, ty, nat, last) * (1 - p)
    if kind in ("intensity_gdp", "intensity_capita"):
        return e * row["e_by"] * (1 - p) * row["driver_ratio"]
    if kind == "fixed_level":
        return p / row["coverage"] if row["coverage"] > 0 else 0.0
    if kind == "net_zero":
        return e * s["residual"] * (row["e_by"] if np.isfinite(row["e_by"]) else 0.0)
    if kind == "renewable_electricity":
        share_ref = row["reference_share"] if np.isfinite(row["reference_share"]) else s["re_share"]
        return _reference(group, e, ty, nat, last) * (1 - max(0.0, p - share_ref) * s["elec"][row["actor_type"]])
    raise ValueError(kind)


def _path(group: Any, rows: pd.DataFrame, central: np.ndarray, t: int, e: float, nat: dict[int, float],
          years: np.ndarray, s: dict) -> float:
    """Pathway emissions of one actor-scope group in year t under data-error factor e; `central`
    ranks targets of one year (the lower level wins; ties: larger coverage, then commitment_id)."""
    last = int(years[-1])
    ref = e * group.ref_level * nat[t] / nat[group.ref_year]
    knots: dict[int, float] = {}
    rank: dict[int, tuple] = {}
    caps = []
    for i, (_, row) in enumerate(rows.iterrows()):
        ty = int(row["target_year"])
        if row["target_type"] == "peaking":
            if t >= ty and ty <= last:
                caps.append(_reference(group, e, ty, nat, last))
            continue
        key = (float(f"{central[i]:.12g}"), -float(row["coverage"]), str(row["commitment_id"]))
        if ty not in knots or key < rank[ty]:  # same year: the lower level wins
            knots[ty], rank[ty] = _level(row, group, e, nat, last, s), key
    path = ref
    if knots:
        y0 = int(group.path_year)
        ahead = sorted(y for y in knots if y > y0)
        final = max(knots)
        if t > max(final, y0):
            path = knots[final]
            if s["after"] == "cps_trend":
                path *= nat[t] / nat[final]
        elif t > y0 and ahead:
            xs = [y0, *ahead]
            ys = [e * group.path_level, *[knots[y] for y in ahead]]
            path = float(np.interp(t, xs, ys))
    return min([path, *caps])
