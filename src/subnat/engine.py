"""The per-draw aggregation (method §5-§8), vectorised over groups x years x draws.

Draws are processed in chunks so memory stays bounded (about CHUNK_BYTES per array); overlaps
are removed per draw, never on means. `subnat.naive` is the loop version the tests compare with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from subnat.pathways import Pathways

CHUNK_BYTES = 48 * 2**20


@dataclass
class Structure:
    """Who contains whom: the draw-independent side of the overlap rules (method §7)."""

    unit_of_group: np.ndarray  # (G,) unit (actor with targets) of each group
    unit_actor: list[str]  # (U,)
    unit_is_company: np.ndarray  # (U,) bool
    unit_jur: np.ndarray  # (U,) jurisdiction index or -1
    jur_parent: np.ndarray  # (J,) parent jurisdiction index or -1
    jur_levels: list[np.ndarray]  # jurisdictions by depth 1, 2, ... (depth 0 = no parent)
    top_jur_units: np.ndarray  # (U,) bool: jurisdiction units with no ancestor that has targets
    company_units: np.ndarray  # (K,) unit indices of companies
    company_located: np.ndarray  # (K,) bool: has rows in company_locations.csv
    locations: sp.csr_matrix  # (K, J) shares in jurisdictions with targets (own or an ancestor's)
    flag: np.ndarray  # (G, T) bool: the governing target is already in the national projection
    nested: bool = True
    companies: bool = True
    subtract_flagged: bool = False


@dataclass
class Draws:
    """What varies by draw: CPS member, data-error factor per group, delivered fraction per commitment."""

    members: np.ndarray  # (S,)
    factor: Callable[[int, int], np.ndarray] | None = None  # (s0, s1) -> (G, s1-s0)
    fraction: Callable[[int, int], np.ndarray] | float = 1.0  # (s0, s1) -> (C, s1-s0), or a constant


@dataclass
class Result:
    """Per-draw national aggregates, (T, S) each, and per-group values at reporting years (G, R, S)."""

    gross: np.ndarray
    net: np.ndarray
    o2: np.ndarray
    o3: np.ndarray
    o6: np.ndarray
    coverage: np.ndarray
    cps: np.ndarray
    by_group: dict[str, np.ndarray] = field(default_factory=dict)


def build_structure(actors: pd.DataFrame, groups: pd.DataFrame, commitments: pd.DataFrame,
                    locations: pd.DataFrame, gov: np.ndarray, nested: bool = True, companies: bool = True,
                    subtract_flagged: bool = False) -> Structure:
    """Index the actor tree and company locations once per run."""
    unit_actor = list(dict.fromkeys(groups["actor_id"]))
    unit_pos = {a: i for i, a in enumerate(unit_actor)}
    unit_of_group = groups["actor_id"].map(unit_pos).to_numpy(np.int64)
    kinds = dict(zip(actors["actor_id"], actors["actor_type"], strict=True))
    jurs = actors[actors["actor_type"] != "company"]
    jur_ids = list(jurs["actor_id"])
    jur_pos = {a: i for i, a in enumerate(jur_ids)}
    jur_parent = np.array([jur_pos.get(p, -1) for p in jurs["parent_id"]], dtype=np.int64)
    depth = np.zeros(len(jur_ids), dtype=np.int64)
    for i in range(len(jur_ids)):  # parents were checked acyclic by the loader
        j = i
        while jur_parent[j] >= 0:
            depth[i] += 1
            j = jur_parent[j]
    levels = [np.flatnonzero(depth == d) for d in range(1, int(depth.max(initial=0)) + 1)]
    unit_is_company = np.array([kinds[a] == "company" for a in unit_actor], dtype=bool)
    unit_jur = np.array([jur_pos.get(a, -1) for a in unit_actor], dtype=np.int64)
    has_target = np.zeros(len(jur_ids), dtype=bool)
    has_target[unit_jur[unit_jur >= 0]] = True
    own = has_target.copy()
    for level in levels:  # a jurisdiction inside one with targets is covered too
        has_target[level] |= has_target[jur_parent[level]]
    top = np.zeros(len(unit_actor), dtype=bool)
    for u, j in enumerate(unit_jur):
        if j < 0:
            continue
        p = jur_parent[j]
        while p >= 0 and not own[p]:
            p = jur_parent[p]
        top[u] = p < 0
    company_units = np.flatnonzero(unit_is_company)
    company_pos = {unit_actor[u]: k for k, u in enumerate(company_units)}
    located = np.zeros(len(company_units), dtype=bool)
    rows, cols, vals = [], [], []
    for company, place, share in zip(locations["company_id"], locations["jurisdiction_id"],
                                     locations["share"], strict=True):
        k = company_pos.get(company)
        if k is None:
            continue
        located[k] = True
        j = jur_pos[place]
        if has_target[j] and share > 0:
            rows.append(k)
            cols.append(j)
            vals.append(float(share))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(company_units), len(jur_ids)))
    flags = commitments["in_national_projection"].to_numpy(bool) if len(commitments) else np.zeros(0, bool)
    flag = flags[gov] if len(flags) else np.zeros(gov.shape, bool)
    return Structure(unit_of_group=unit_of_group, unit_actor=unit_actor, unit_is_company=unit_is_company,
                     unit_jur=unit_jur, jur_parent=jur_parent, jur_levels=levels, top_jur_units=top,
                     company_units=company_units, company_located=located, locations=matrix, flag=flag,
                     nested=nested, companies=companies, subtract_flagged=subtract_flagged)


def chunk_size(n_groups: int, n_years: int, n_draws: int) -> int:
    """Draws per chunk so that one (G, T, chunk) float64 array stays near CHUNK_BYTES."""
    per_draw = max(1, n_groups * n_years * 8)
    return int(max(1, min(n_draws, CHUNK_BYTES // per_draw)))


def run(paths: Pathways, structure: Structure, national_index: np.ndarray, draws: Draws,
        report_positions: np.ndarray | None = None, chunk: int | None = None) -> Result:
    """Every draw of one scenario. `national_index` is the CPS by member over `paths.years` (M, T)."""
    n_groups, n_years, _ = paths.X.shape
    n_draws = len(draws.members)
    chunk = chunk or chunk_size(n_groups, n_years, n_draws)
    totals = {k: np.zeros((n_years, n_draws)) for k in ("gross", "net", "o2", "o3", "o6", "coverage")}
    report_positions = np.asarray([] if report_positions is None else report_positions, dtype=np.int64)
    by_group = {k: np.zeros((n_groups, len(report_positions), n_draws))
                for k in ("reference", "potential", "delivered", "net")}
    prefix = "group_"
    cps = national_index[draws.members].T  # (T, S)
    for s0 in range(0, n_draws, chunk):
        s1 = min(n_draws, s0 + chunk)
        part = _chunk(paths, structure, draws, cps[:, s0:s1], s0, s1, report_positions)
        for k, v in part.items():
            if k.startswith(prefix):
                by_group[k.removeprefix(prefix)][:, :, s0:s1] = v
            else:
                totals[k][:, s0:s1] = v
    return Result(cps=cps, by_group=by_group, **totals)


def _chunk(paths: Pathways, st: Structure, draws: Draws, cps: np.ndarray, s0: int, s1: int,
           report: np.ndarray) -> dict[str, np.ndarray]:
    m = draws.members[s0:s1]
    factor = draws.factor(s0, s1)[:, None, :] if draws.factor is not None else None
    X = np.take(paths.X, m, axis=2)
    gap = np.take(paths.U, m, axis=2)
    if factor is not None:
        X *= factor
        gap *= factor
    if paths.PB is not None:
        gap -= np.take(paths.PB, m, axis=2)
    if paths.V is not None:
        peak = np.take(paths.V, m, axis=2)
        if factor is not None:
            peak *= factor
        np.maximum(gap, peak, out=gap)
        del peak
    np.maximum(gap, 0.0, out=gap)
    potential = gap
    potential *= paths.kw[:, :, None]
    reference = X
    reference *= paths.weight[:, None, None]
    if callable(draws.fraction):
        f = draws.fraction(s0, s1)  # (C, Sc)
        delivered = f[paths.gov] * potential
    else:
        delivered = potential * float(draws.fraction)
    out = _overlaps(st, reference, delivered, cps)
    net_group = out.pop("net_group")
    if len(report):
        out["group_reference"] = reference[:, report]
        out["group_potential"] = potential[:, report]
        out["group_delivered"] = delivered[:, report]
        out["group_net"] = net_group[:, report]
    return out


def _to_units(st: Structure, values: np.ndarray, n_units: int) -> np.ndarray:
    """Sum group values into their units (actors); identity when each actor has one group."""
    if len(st.unit_of_group) == n_units and np.array_equal(st.unit_of_group, np.arange(n_units)):
        return values
    agg = sp.csr_matrix((np.ones(len(st.unit_of_group)), (st.unit_of_group, np.arange(len(st.unit_of_group)))),
                        shape=(n_units, len(st.unit_of_group)))
    flat = agg @ values.reshape(values.shape[0], -1)
    return np.asarray(flat).reshape((n_units, *values.shape[1:]))


def _overlaps(st: Structure, reference: np.ndarray, delivered: np.ndarray, cps: np.ndarray
              ) -> dict[str, np.ndarray]:
    """Gross, net and overlap removed by type for one chunk of draws (method §7)."""
    n_units = len(st.unit_actor)
    _, n_years, n_draws = reference.shape
    e_u = _to_units(st, reference, n_units)
    d_u = _to_units(st, delivered, n_units)
    rho = np.divide(d_u, e_u, out=np.zeros_like(d_u), where=e_u > 0)
    net_u = d_u.copy()
    jur_units = np.flatnonzero(st.unit_jur >= 0)
    n_jur = len(st.jur_parent)
    eff = np.zeros((n_jur, n_years, n_draws))
    if len(jur_units):
        eff[st.unit_jur[jur_units]] = rho[jur_units]
        for level in st.jur_levels:  # effective rate: own or any containing jurisdiction's, whichever is higher
            eff[level] = np.maximum(eff[level], eff[st.jur_parent[level]])
        if st.nested:
            parents = st.jur_parent[st.unit_jur[jur_units]]
            parent_eff = np.zeros((len(jur_units), n_years, n_draws))
            has_parent = parents >= 0
            parent_eff[has_parent] = eff[parents[has_parent]]
            excess = np.maximum(rho[jur_units] - parent_eff, 0.0)
            net_u[jur_units] = e_u[jur_units] * excess
    covered = e_u[st.top_jur_units].sum(axis=0)  # (T, Sc): nested coverage counted once
    jur_net = net_u[jur_units].sum(axis=0)
    companies = st.company_units
    company_covered = np.zeros((n_years, n_draws))
    if len(companies):
        e_k, d_k = e_u[companies], d_u[companies]
        phi = np.asarray(st.locations.sum(axis=1)).ravel()[:, None, None] * np.ones((1, n_years, n_draws))
        weighted = (st.locations @ eff.reshape(n_jur, -1)).reshape(len(companies), n_years, n_draws)
        rho_j = np.divide(weighted, phi, out=np.zeros_like(weighted), where=phi > 0)
        proxy = ~st.company_located
        if proxy.any():
            share = np.divide(covered, cps, out=np.zeros_like(covered), where=cps > 0)
            phi[proxy] = np.minimum(share, 1.0)
            rho_j[proxy] = np.divide(jur_net, covered, out=np.zeros_like(covered), where=covered > 0)
        if st.companies:
            rho_k = rho[companies]
            net_u[companies] = d_k * (1 - phi) + e_k * phi * np.maximum(rho_k - rho_j, 0.0)
        company_covered = (e_k * (1 - phi)).sum(axis=0)
    # back to groups (share of the unit's delivered impact), then O6
    if len(st.unit_of_group) == n_units and np.array_equal(st.unit_of_group, np.arange(n_units)):
        net_group = net_u
    else:
        share = np.divide(delivered, d_u[st.unit_of_group], out=np.zeros_like(delivered),
                          where=d_u[st.unit_of_group] > 0)
        net_group = net_u[st.unit_of_group] * share
    o6_group = net_group * st.flag[:, :, None]
    o6 = o6_group.sum(axis=0)
    if not st.subtract_flagged:
        net_group = net_group - o6_group
    gross = d_u.sum(axis=0)
    net_before_o6 = net_u.sum(axis=0)
    is_jur = st.unit_jur >= 0
    return {
        "gross": gross,
        "net": net_before_o6 - (0.0 if st.subtract_flagged else o6),
        "o2": (d_u[is_jur] - net_u[is_jur]).sum(axis=0),
        "o3": (d_u[st.unit_is_company] - net_u[st.unit_is_company]).sum(axis=0),
        "o6": o6 if not st.subtract_flagged else np.zeros_like(o6),
        "coverage": covered + company_covered,
        "net_group": net_group,
    }
