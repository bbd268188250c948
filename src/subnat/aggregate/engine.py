"""The per-draw aggregation (method §5-§8): one compiled pass per draw and year over all groups.

Draws are processed in chunks so memory stays bounded (about CHUNK_BYTES per draw-dependent
array), two chunks at a time on two threads (the compiled kernel releases the GIL); overlaps are
removed per draw, never on means. `subnat.testing.naive` is the loop version the tests compare with.

Why a compiled kernel and not numpy: a numpy version materialises (groups x years x draws)
arrays and passes over them a dozen times, so it is bound by memory traffic. The kernel keeps
one draw's per-group values in cache and makes a single pass (measured: `python -m subnat.testing.bench`).

Layout: groups are sorted so that actors with targets ("units") come as jurisdictions first,
ordered by depth in the tree of jurisdictions with targets (parents before children), then
companies; the draw-independent arrays are stored (member, year, group) so a draw reads
contiguous rows of its CPS member.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from subnat import draws as rnd
from subnat.aggregate.pathways import Pathways

CHUNK_BYTES = 64 * 2**20
THREADS = max(1, min(2, os.cpu_count() or 1))
TOTALS = ("gross", "net", "o2", "o3", "o6", "coverage")  # order of the kernel's totals
GROUP_VALUES = ("reference", "potential", "delivered", "net")  # order of the kernel's per-group values


@dataclass
class Structure:
    """Who contains whom: the draw-independent side of the overlap rules (method §7)."""

    order: np.ndarray  # (G,) groups in engine order (positions in the screened groups table)
    unit_of_group: np.ndarray  # (G,) unit of each group, in engine order (non-decreasing)
    unit_actor: list[str]  # (U,)
    n_jur: int  # units [0, n_jur) are jurisdictions (parents before children), [n_jur, U) companies
    parent_unit: np.ndarray  # (n_jur,) nearest containing unit with targets, or -1
    company_located: np.ndarray  # (K,) bool: has rows in company_locations.csv
    locations: sp.csr_matrix  # (K, n_jur) shares of company scope-1 emissions, by effective jurisdiction
    flag: np.ndarray  # (G, T) bool in engine order: governing target already in the national projection
    nested: bool = True
    companies: bool = True
    subtract_flagged: bool = False


@dataclass
class Draws:
    """What varies by draw: CPS member, data-error factor per group, delivered fraction per commitment."""

    members: np.ndarray  # (S,)
    factor: Callable[[int, int], np.ndarray] | None = None  # (s0, s1) -> (G, s1-s0), screened group order
    fraction: Callable[[int, int], np.ndarray] | float = 1.0  # (s0, s1) -> (C, s1-s0), or a constant


@dataclass
class Result:
    """Per-draw national aggregates, (T, S) each, and per-group values at reporting years (G, R, S)
    in the screened group order."""

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
    """Index the tree of jurisdictions with targets and the company locations, once per run."""
    kinds = dict(zip(actors["actor_id"], actors["actor_type"], strict=True))
    parent = {a: p for a, p in zip(actors["actor_id"], actors["parent_id"], strict=True) if p}
    with_targets = set(groups["actor_id"])

    def unit_parent(actor: str) -> str | None:
        """Nearest containing jurisdiction that has targets (jurisdictions without targets pass
        their parent's rate on: their own delivered rate is 0)."""
        p = parent.get(actor)
        while p is not None and p not in with_targets:
            p = parent.get(p)
        return p

    def depth(actor: str) -> int:
        d, p = 0, unit_parent(actor)
        while p is not None:
            d, p = d + 1, unit_parent(p)
        return d

    jur_units = sorted({a for a in with_targets if kinds[a] != "company"}, key=lambda a: (depth(a), a))
    company_units = sorted(a for a in with_targets if kinds[a] == "company")
    unit_actor = jur_units + company_units
    unit_pos = {a: i for i, a in enumerate(unit_actor)}
    group_unit = groups["actor_id"].map(unit_pos).to_numpy(np.int64)
    order = np.argsort(group_unit, kind="stable")
    parent_unit = np.array([unit_pos.get(unit_parent(a), -1) if unit_parent(a) else -1 for a in jur_units],
                           dtype=np.int64)

    def effective_unit(place: str) -> int:
        """The unit whose effective rate applies at a place: itself if it has targets, else the nearest container."""
        return unit_pos[place] if place in with_targets else unit_pos.get(unit_parent(place), -1)

    company_pos = {a: k for k, a in enumerate(company_units)}
    located = np.zeros(len(company_units), dtype=bool)
    rows, cols, vals = [], [], []
    for company, place, share in zip(locations["company_id"], locations["jurisdiction_id"], locations["share"],
                                     strict=True):
        k = company_pos.get(company)
        if k is None:
            continue
        located[k] = True
        j = effective_unit(place)
        if j >= 0 and share > 0:
            rows.append(k)
            cols.append(j)
            vals.append(float(share))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(company_units), len(jur_units)))
    flags = commitments["in_national_projection"].to_numpy(bool) if len(commitments) else np.zeros(0, bool)
    flag = flags[gov] if len(flags) else np.zeros(gov.shape, bool)
    return Structure(order=order, unit_of_group=group_unit[order], unit_actor=unit_actor, n_jur=len(jur_units),
                     parent_unit=parent_unit, company_located=located, locations=matrix,
                     flag=flag[order], nested=nested, companies=companies, subtract_flagged=subtract_flagged)


def chunk_size(n_groups: int, n_draws: int) -> int:
    """Draws per chunk: one (chunk, G) float64 array near CHUNK_BYTES, and work for every thread;
    a multiple of the random-number block when larger, so no block is generated twice."""
    by_memory = CHUNK_BYTES // max(1, n_groups * 8)
    balanced = -(-n_draws // (2 * THREADS))
    size = int(max(1, min(by_memory, balanced)))
    return size - size % rnd.BLOCK if size > rnd.BLOCK else size


def run(prepared: Prepared, national_index: np.ndarray, draws: Draws,
        report_positions: np.ndarray | None = None, chunk: int | None = None) -> Result:
    """Every draw of one scenario. `national_index` is the CPS by member over the case years (M, T)."""
    n_groups, n_years = prepared.n_groups, prepared.n_years
    n_draws = len(draws.members)
    chunk = chunk or chunk_size(n_groups, n_draws)
    totals = np.zeros((len(TOTALS), n_years, n_draws))
    report = np.asarray([] if report_positions is None else report_positions, dtype=np.int64)
    by_group = {k: np.zeros((n_groups, len(report), n_draws)) for k in GROUP_VALUES}
    cps = national_index[draws.members].T  # (T, S)
    inverse = np.argsort(prepared.order)

    def work(s0: int) -> None:
        s1 = min(n_draws, s0 + chunk)
        part_totals, part_groups = prepared.chunk(draws, cps[:, s0:s1], s0, s1, report)
        totals[:, :, s0:s1] = part_totals
        for i, name in enumerate(GROUP_VALUES):  # (R, S, G) in engine order -> (G, R, S) in screened order
            by_group[name][:, :, s0:s1] = part_groups[i].transpose(2, 0, 1)[inverse]

    starts = range(0, n_draws, chunk)
    if THREADS > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(work, starts))
    else:
        for s0 in starts:
            work(s0)
    return Result(cps=cps, by_group=by_group, **dict(zip(TOTALS, totals, strict=True)))


class Prepared:
    """Draw-independent inputs of the kernel, in engine order and (member, year, group) layout:
    built once per case and shared by its scenarios.

    With k = kw (scope weight x coverage of the governing target, >= 0) the potential impact of
    method §6 is  max(0, e k U - k PB, e k V)  (pathways.py), so the kernel reads kU for every
    group and kPB, kV only for the few groups that have unscaled levels or peaking caps."""

    def __init__(self, paths: Pathways, st: Structure):
        order = st.order
        kw = paths.kw[order][:, :, None]
        weight = paths.weight[order][:, None, None]
        special = paths.special_groups()[order]
        rows = order[special]
        pb = paths.PB[rows] if paths.PB is not None else np.zeros((len(rows), *paths.X.shape[1:]))
        v = paths.V[rows] if paths.V is not None else np.full((len(rows), *paths.X.shape[1:]), -np.inf)
        parent = st.parent_unit
        self.order = order
        self.n_groups, self.n_years = len(order), paths.X.shape[1]
        self.st = st
        self.specials = np.flatnonzero(special)  # groups with unscaled levels or peaking caps...
        self.groups = (
            _member_major(paths.X[order] * weight),  # weighted reference
            _member_major(paths.U[order] * kw),
            self.specials,
            _member_major(pb * kw[special]),  # ... and their kPB, kV
            _member_major(np.where(np.isfinite(v), v * kw[special], -np.inf)),
            np.ascontiguousarray(paths.gov[order].T),  # (T, G) commitment row governing each year
        )
        self.units = (
            st.unit_of_group, len(st.unit_actor),
            int(np.argmax(parent >= 0)) if (parent >= 0).any() else len(parent),  # top-level jurisdictions
            st.n_jur, parent, st.nested,
        )
        self.companies = (
            st.locations.indptr.astype(np.int64), st.locations.indices.astype(np.int64),
            st.locations.data.astype(float), np.asarray(st.locations.sum(axis=1), dtype=float).reshape(-1),
            st.company_located, st.companies,
        )
        self.flags = (np.ascontiguousarray(st.flag.T), np.flatnonzero(st.flag.any(axis=1)), st.subtract_flagged)

    def chunk(self, draws: Draws, cps: np.ndarray, s0: int, s1: int, report: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """(6, T, S) totals and (4, R, S, G) per-group values of draws [s0, s1)."""
        n_draws = s1 - s0
        members = np.asarray(draws.members[s0:s1], dtype=np.int64)
        if draws.factor is not None:
            factor = np.ascontiguousarray(np.asarray(draws.factor(s0, s1), float).T[:, self.order])
        else:
            factor = np.ones((n_draws, self.n_groups))
        if callable(draws.fraction):
            fraction, constant = np.ascontiguousarray(np.asarray(draws.fraction(s0, s1), float).T), 0.0
        else:
            fraction, constant = np.zeros((n_draws, 0)), float(draws.fraction)
        slot = np.full(self.n_years, -1, dtype=np.int64)
        slot[report] = np.arange(len(report))
        totals = np.zeros((len(TOTALS), self.n_years, n_draws))
        groups = np.zeros((len(GROUP_VALUES), len(report), n_draws, self.n_groups))
        _aggregate(self.groups, self.units, self.companies, self.flags, members, np.argsort(members, kind="stable"),
                   factor, fraction, constant, np.ascontiguousarray(cps), slot, totals, groups)
        return totals, groups


def _member_major(values: np.ndarray) -> np.ndarray:
    """(G, T, M) -> contiguous (M, T, G)."""
    return np.ascontiguousarray(values.transpose(2, 1, 0))


# The kernel: method §5-§8 for one draw and year at a time, as the loops of the method.
# Compiled without the GIL (two chunks run on two threads) and cached on disk.

@numba.njit(cache=True, nogil=True)
def _aggregate(group_data, unit_data, company_data, flag_data, members, by_member, factor, fraction, constant,
               cps, slot, totals, groups):  # pragma: no cover
    """Every draw and year of one chunk. Draws are visited in order of their CPS member so one
    member's arrays stay in cache. Writes totals[(gross, net, o2, o3, o6, coverage), t, s] and, at
    report slots r, groups[(reference, potential, delivered, net), r, s, g]."""
    xw, ku, specials, kpb, kv, gov = group_data
    unit_of_group, n_units, n_top, n_jur, parent_unit, nested = unit_data
    flag, flagged, subtract_flagged = flag_data
    n_years, n_groups = xw.shape[1], xw.shape[2]
    reference, potential, delivered = np.empty(n_groups), np.empty(n_groups), np.empty(n_groups)
    e_u, d_u = np.empty(n_units), np.empty(n_units)  # reference and delivered impact per unit
    rate, net_u = np.empty(n_units), np.empty(n_units)  # delivered rate and net impact per unit
    eff = np.empty(n_jur)  # effective rate of a jurisdiction: own or the highest of its containers
    for i in range(len(members)):
        s = by_member[i]
        m = members[s]
        for t in range(n_years):
            _group_impacts(xw[m, t], ku[m, t], specials, kpb[m, t], kv[m, t], factor[s], gov[t], fraction[s],
                           constant, reference, potential, delivered)
            _unit_sums(unit_of_group, reference, delivered, e_u, d_u, rate)
            covered, jur_net, gross_j = _jurisdictions(e_u, d_u, rate, eff, net_u, n_top, n_jur, parent_unit,
                                                       nested)
            gross_k, net_k, company_covered = _companies(e_u, d_u, rate, eff, net_u, n_jur, company_data,
                                                         covered, jur_net, cps[t, s])
            o6 = 0.0
            for g in flagged:  # O6: net impact of groups whose governing target the CPS already has
                if flag[t, g]:
                    o6 += _group_net(g, unit_of_group, delivered, d_u, net_u)
            if subtract_flagged:
                o6 = 0.0
            r = slot[t]
            if r >= 0:
                for g in range(n_groups):
                    groups[0, r, s, g] = reference[g]
                    groups[1, r, s, g] = potential[g]
                    groups[2, r, s, g] = delivered[g]
                    if subtract_flagged or not flag[t, g]:
                        groups[3, r, s, g] = _group_net(g, unit_of_group, delivered, d_u, net_u)
            totals[0, t, s] = gross_j + gross_k
            totals[1, t, s] = jur_net + net_k - o6
            totals[2, t, s] = gross_j - jur_net
            totals[3, t, s] = gross_k - net_k
            totals[4, t, s] = o6
            totals[5, t, s] = covered + company_covered


@numba.njit(cache=True, nogil=True)
def _group_impacts(xw, ku, specials, kpb, kv, e, gov, fraction, constant, reference, potential, delivered):
    """§5-§6 per group: reference e X w, potential max(0, e kU - kPB, e kV), delivered = fraction x potential."""
    for g in range(len(xw)):
        reference[g] = e[g] * xw[g]
        potential[g] = e[g] * ku[g]
    for j, g in enumerate(specials):
        potential[g] = max(potential[g] - kpb[j], e[g] * kv[j])
    np.maximum(potential, 0.0, potential)
    if len(fraction):
        for g in range(len(xw)):
            delivered[g] = potential[g] * fraction[gov[g]]
    else:
        for g in range(len(xw)):
            delivered[g] = potential[g] * constant


@numba.njit(cache=True, nogil=True)
def _unit_sums(unit_of_group, reference, delivered, e_u, d_u, rate):
    """Groups summed into their actors (units), and each unit's delivered rate."""
    if len(e_u) == len(reference):  # one group per unit (the usual case): no sums needed
        e_u[:] = reference
        d_u[:] = delivered
    else:
        e_u[:] = 0.0
        d_u[:] = 0.0
        for g in range(len(reference)):
            e_u[unit_of_group[g]] += reference[g]
            d_u[unit_of_group[g]] += delivered[g]
    for u in range(len(e_u)):
        rate[u] = d_u[u] / e_u[u] if e_u[u] > 0 else 0.0


@numba.njit(cache=True, nogil=True)
def _jurisdictions(e_u, d_u, rate, eff, net_u, n_top, n_jur, parent_unit, nested):
    """§7 O2: a nested jurisdiction counts only the part of its rate above its containers' effective
    rate. Units are ordered parents first, so one pass finds every effective rate."""
    covered = 0.0
    for u in range(n_top):
        eff[u] = rate[u]
        net_u[u] = d_u[u]
        covered += e_u[u]
    for u in range(n_top, n_jur):
        above = eff[parent_unit[u]]
        net_u[u] = e_u[u] * max(rate[u] - above, 0.0) if nested else d_u[u]
        eff[u] = max(rate[u], above)
    jur_net = 0.0
    gross = 0.0
    for u in range(n_jur):
        jur_net += net_u[u]
        gross += d_u[u]
    return covered, jur_net, gross


@numba.njit(cache=True, nogil=True)
def _companies(e_u, d_u, rate, eff, net_u, n_jur, company_data, covered, jur_net, cps):
    """§7 O3: a company's emissions located in jurisdictions with targets count only the part of its
    rate above theirs; without locations, the national coverage share and average rate stand in."""
    loc_ptr, loc_unit, loc_share, phi_located, located, max_ambition = company_data
    share = min(covered / cps, 1.0) if cps > 0 else 0.0
    proxy_rate = jur_net / covered if covered > 0 else 0.0
    gross = 0.0
    net = 0.0
    company_covered = 0.0
    for u in range(n_jur, len(e_u)):
        k = u - n_jur
        if located[k]:
            phi = phi_located[k]
            rho_j = 0.0
            for x in range(loc_ptr[k], loc_ptr[k + 1]):
                rho_j += loc_share[x] * eff[loc_unit[x]]
            rho_j = rho_j / phi if phi > 0 else 0.0
        else:
            phi = share
            rho_j = proxy_rate
        if max_ambition:
            net_u[u] = d_u[u] * (1 - phi) + e_u[u] * phi * max(rate[u] - rho_j, 0.0)
        else:
            net_u[u] = d_u[u]
        gross += d_u[u]
        net += net_u[u]
        company_covered += e_u[u] * (1 - phi)
    return gross, net, company_covered


@numba.njit(cache=True, nogil=True)
def _group_net(g, unit_of_group, delivered, d_u, net_u):
    """A group's net impact: its unit's net, split by the group's share of the unit's delivered impact."""
    u = unit_of_group[g]
    return net_u[u] * (delivered[g] / d_u[u]) if d_u[u] > 0 else 0.0
