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
    projection_z: np.ndarray | None = None  # (S,) standard normal of the national projection error, or None
    growth_eps: np.ndarray | None = None  # (A, S) reference-growth normals per actor (case.actors order), or None
    base_factor: np.ndarray | None = None  # (G, S) base-year data-error factor, or None: data_factor's
    weight_factor: np.ndarray | None = None  # (G, S) scope-split factor on each group's scope weight, or None


def aggregate(case: Case, screened: Screened, national: NationalSeries, years: np.ndarray,
              method: MethodSettings, draws: DrawArrays) -> dict[str, np.ndarray]:
    """Gross, net, O2, O3, O6, coverage, avoided growth and the CPS per year and draw, (T, S) each.

    Projection and reference-growth error (method §9) move the reference and the national CPS only:
    target levels, peaking caps and pathways keep the unperturbed national index, except where no
    pathway applies (the pathway is then the reference itself).

    Data errors (method §9): `data_factor` scales the latest inventory, so the reference, the MRY
    start of the pathway, peaking caps and reference-based target levels; `base_factor` scales
    base-year emissions, so absolute, intensity and net-zero target levels (and the start under
    `pathway.anchor: base_year`); `weight_factor` scales the group's scope weight."""
    case_actors, locations = case.actors, case.company_locations
    commitments, groups = screened.commitments, screened.groups
    members, factor, fraction, projection_z, growth_eps = draws[:5]
    base_factor, weight_factor = draws.base_factor, draws.weight_factor
    u = method.uncertainty
    z_actor = _actor_normals(case_actors, growth_eps, u.reference_growth_parent_correlation)
    p = method.pathway
    settings = {"after": p.after_target, "residual": p.residual_share, "re_share": p.reference_share,
                "elec": p.electricity_share}
    nested = method.overlap.nested_max_ambition
    companies_rule = method.overlap.companies_max_ambition
    subtract_flagged = method.overlap.subtract_in_national_projection
    parent = {a: p for a, p in zip(case_actors["actor_id"], case_actors["parent_id"], strict=True) if p}
    kind = dict(zip(case_actors["actor_id"], case_actors["actor_type"], strict=True))
    keys = ("gross", "net", "o2", "o3", "o6", "coverage", "avoided", "cps")
    out = {k: np.zeros((len(years), len(members))) for k in keys}
    rows_of = {g: commitments[commitments["group"] == g] for g in groups["group"]}
    history_end = int(national.history.index.max()) if len(national.history) else int(national.years[0]) - 1
    for s, m in enumerate(members):
        nat = {int(y): float(v) for y, v in zip(national.years, national.growth[m], strict=True)}  # actors' basis
        headline = {int(y): float(v) for y, v in zip(national.years, national.index[m], strict=True)}
        drawn, drawn_headline = dict(nat), dict(headline)  # this draw's growth index and national CPS
        if projection_z is not None:
            for y in drawn:
                h = max(0, y - history_end)
                log_f = _curve(u.projection_error_sd, h) * float(projection_z[s])
                if u.projection_error_apply_bias:
                    log_f -= _curve(u.projection_error_bias, h)  # error = projection - outturn
                drawn[y] *= float(np.exp(log_f))
                drawn_headline[y] *= float(np.exp(log_f))
        for t_index, t in enumerate(years):
            delivered: dict[str, float] = {}
            reference: dict[str, float] = {}
            group_delivered: dict[int, float] = {}
            group_flag: dict[int, bool] = {}
            group_avoided: dict[int, float] = {}
            for group in groups.itertuples(index=False):
                e = 1.0 if factor is None else float(factor[group.group, s])
                b = e if base_factor is None else float(base_factor[group.group, s])
                weight = group.weight * (1.0 if weight_factor is None else float(weight_factor[group.group, s]))
                rows = rows_of[group.group]
                ref = e * group.ref_level * drawn[int(t)] / drawn[group.ref_year]
                if z_actor is not None:
                    h = max(0, int(t) - int(group.ref_year))
                    sd = u.reference_growth_sd_per_decade[group.actor_type] * (h / 10) ** u.reference_growth_exponent \
                        if h > 0 else 0.0
                    ref *= float(np.exp(sd * z_actor[group.actor_id][s]))
                central = _central_levels(group, rows, national, years, settings)
                path = _path(group, rows, central, int(t), e, nat, settings | {"last": int(years[-1]), "base": b}, ref)
                gov = rows.iloc[int(governing(list(rows["target_year"]), list(rows["target_type"] == "peaking"),
                                              central, list(rows["commitment_id"]), np.array([t]),
                                              list(rows["coverage"]))[0])]
                f = fraction if not isinstance(fraction, np.ndarray) else float(fraction[gov.name, s])
                potential = weight * gov["coverage"] * max(0.0, ref - path)
                d = f * potential
                below_anchor = max(path, e * group.ref_level)  # avoided growth: the cut above the latest inventory
                group_avoided[group.group] = max(0.0, ref - below_anchor) / (ref - path) if ref > path else 0.0
                delivered[group.actor_id] = delivered.get(group.actor_id, 0.0) + d
                reference[group.actor_id] = reference.get(group.actor_id, 0.0) + weight * ref
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
                    phi = min(1.0, covered / drawn_headline[int(t)]) if drawn_headline[int(t)] > 0 else 0.0
                    rho_j = jur_net / covered if covered > 0 else 0.0
                if companies_rule:
                    net[actor] = delivered[actor] * (1 - phi) + reference[actor] * phi * max(0.0, rate[actor] - rho_j)
                else:
                    net[actor] = delivered[actor]
                company_covered += reference[actor] * (1 - phi)
            o6 = 0.0
            avoided = 0.0
            for group in groups.itertuples(index=False):
                if delivered[group.actor_id] <= 0:
                    continue
                group_net = net[group.actor_id] * group_delivered[group.group] / delivered[group.actor_id]
                if group_flag[group.group]:
                    o6 += group_net
                if subtract_flagged or not group_flag[group.group]:
                    avoided += group_avoided[group.group] * group_net
            out["gross"][t_index, s] = sum(delivered.values())
            out["net"][t_index, s] = sum(net.values()) - (0.0 if subtract_flagged else o6)
            out["o2"][t_index, s] = sum(delivered[a] - net[a] for a in delivered if kind[a] != "company")
            out["o3"][t_index, s] = sum(delivered[a] - net[a] for a in delivered if kind[a] == "company")
            out["o6"][t_index, s] = 0.0 if subtract_flagged else o6
            out["coverage"][t_index, s] = covered + company_covered
            out["avoided"][t_index, s] = avoided
            out["cps"][t_index, s] = drawn_headline[int(t)]
    return out


def _curve(pairs: tuple[tuple[float, float], ...], h: int) -> float:
    """Horizon -> value, linear between the points and flat beyond them; 0 at horizon 0."""
    if h <= 0:
        return 0.0
    hs = [p[0] for p in pairs]
    vs = [p[1] for p in pairs]
    return float(np.interp(h, hs, vs))


def _actor_normals(actors: pd.DataFrame, eps: np.ndarray | None, rho: float) -> dict[str, np.ndarray] | None:
    """z per actor: sqrt(rho) z_parent + sqrt(1 - rho) eps when the parent is an actor of the case, else eps."""
    if eps is None:
        return None
    ids = list(actors["actor_id"])
    row = {a: i for i, a in enumerate(ids)}
    parent = {a: p for a, p in zip(ids, actors["parent_id"], strict=True) if p and p in row}
    z: dict[str, np.ndarray] = {}

    def of(a: str) -> np.ndarray:
        if a not in z:
            own = np.asarray(eps[row[a]], float)
            z[a] = np.sqrt(rho) * of(parent[a]) + np.sqrt(1 - rho) * own if a in parent else own
        return z[a]

    for a in ids:
        of(a)
    return z


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
    """Target-year level over the whole actor-scope basis (method §4): base-year levels scale with the
    base-year factor s["base"] (e when absent), reference-based ones with e."""
    p = row["value"] if np.isfinite(row["value"]) else 0.0
    b = s.get("base", e)
    ty = int(row["target_year"])
    kind = row["target_type"]
    if kind == "absolute":
        return b * row["e_by"] * (1 - p)
    if kind == "baseline":
        if np.isfinite(row["bau_emissions_mt"]):
            return row["bau_emissions_mt"] * (1 - p)
        return _reference(group, e, ty, nat, last) * (1 - p)
    if kind in ("intensity_gdp", "intensity_capita"):
        return b * row["e_by"] * (1 - p) * row["driver_ratio"]
    if kind == "fixed_level":
        return p / row["coverage"] if row["coverage"] > 0 else 0.0
    if kind == "net_zero":
        return b * s["residual"] * (row["e_by"] if np.isfinite(row["e_by"]) else 0.0)
    if kind == "renewable_electricity":
        share_ref = row["reference_share"] if np.isfinite(row["reference_share"]) else s["re_share"]
        return _reference(group, e, ty, nat, last) * (1 - max(0.0, p - share_ref) * s["elec"][row["actor_type"]])
    raise ValueError(kind)


def _path(group: Any, rows: pd.DataFrame, central: np.ndarray, t: int, e: float, nat: dict[int, float],
          s: dict, ref: float | None = None) -> float:
    """Pathway emissions of one actor-scope group in year t under data-error factor e; `central`
    ranks targets of one year (the lower level wins; ties: larger coverage, then commitment_id).
    `ref` is the (perturbed) reference the pathway is where no target's pathway applies; s["last"] is
    the last case year."""
    last = s["last"]
    if ref is None:
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
            start = s.get("base", e) if getattr(group, "path_anchor", "mry") == "base_year" else e
            ys = [start * group.path_level, *[knots[y] for y in ahead]]
            path = float(np.interp(t, xs, ys))
    return min([path, *caps])
