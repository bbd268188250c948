"""The per-draw aggregation (method §5-§8), vectorised over groups x years x draws.

Draws are processed in chunks so memory stays bounded (about CHUNK_BYTES per array), two chunks
at a time on two threads (numpy releases the GIL); overlaps are removed per draw, never on means.
`subnat.naive` is the loop version the tests compare with.

Layout that keeps the hot path free of copies: groups are sorted so that actors with targets
("units") come as jurisdictions first, ordered by depth in the tree of jurisdictions with targets,
then companies. Every jurisdiction level and the companies are then contiguous slices.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from subnat.pathways import Pathways

CHUNK_BYTES = 32 * 2**20
THREADS = max(1, min(2, os.cpu_count() or 1))


@cache
def _reuse_freed_memory() -> None:
    """Ask glibc to keep freed chunk buffers for reuse instead of unmapping them: every chunk
    allocates arrays of tens of MB, and fresh mappings cost a page fault per 4 kB (measured:
    20-25 % of the aggregation time). A no-op where glibc's mallopt is not available."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 2**30)  # M_MMAP_THRESHOLD: serve allocations below 1 GiB from the heap
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: do not give the heap back between chunks
    except (OSError, AttributeError):
        pass


@dataclass
class Structure:
    """Who contains whom: the draw-independent side of the overlap rules (method §7)."""

    order: np.ndarray  # (G,) groups in engine order (positions in the screened groups table)
    unit_of_group: np.ndarray  # (G,) unit of each group, in engine order (non-decreasing)
    unit_actor: list[str]  # (U,)
    n_jur: int  # units [0, n_jur) are jurisdictions, [n_jur, U) companies
    level_bounds: list[tuple[int, int]]  # jurisdiction units of depth 0, 1, ... as slices
    parent_unit: np.ndarray  # (n_jur,) nearest containing unit with targets, or -1
    company_located: np.ndarray  # (K,) bool: has rows in company_locations.csv
    locations: sp.csr_matrix  # (K, n_jur) shares of company scope-1 emissions, by effective jurisdiction
    flag: np.ndarray  # (G, T) bool in engine order: governing target already in the national projection
    nested: bool = True
    companies: bool = True
    subtract_flagged: bool = False

    @property
    def one_group_per_unit(self) -> bool:
        return len(self.unit_of_group) == len(self.unit_actor)

    @property
    def flagged_groups(self) -> np.ndarray:
        """Groups (engine order) whose governing target is flagged in some year: the only ones O6 touches."""
        return np.flatnonzero(self.flag.any(axis=1))


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
                    subtract_flagged: bool = False, special: np.ndarray | None = None) -> Structure:
    """Index the tree of jurisdictions with targets and the company locations, once per run.

    `special` (per group) marks groups the engine computes in full; they are placed together
    within each tree level so the engine works on slices of them, not copies."""
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

    marked = set(groups["actor_id"][special]) if special is not None and len(groups) else set()
    jur_units = sorted({a for a in with_targets if kinds[a] != "company"}, key=lambda a: (depth(a), a in marked, a))
    company_units = sorted({a for a in with_targets if kinds[a] == "company"}, key=lambda a: (a in marked, a))
    unit_actor = jur_units + company_units
    unit_pos = {a: i for i, a in enumerate(unit_actor)}
    group_unit = groups["actor_id"].map(unit_pos).to_numpy(np.int64)
    order = np.argsort(group_unit, kind="stable")
    depths = [depth(a) for a in jur_units]
    bounds = []
    for d in range(max(depths, default=-1) + 1):
        members = [i for i, x in enumerate(depths) if x == d]
        bounds.append((members[0], members[-1] + 1))
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
                     level_bounds=bounds, parent_unit=parent_unit, company_located=located, locations=matrix,
                     flag=flag[order], nested=nested, companies=companies, subtract_flagged=subtract_flagged)


def chunk_size(n_groups: int, n_years: int, n_draws: int) -> int:
    """Draws per chunk so that one (G, T, chunk) float64 array stays near CHUNK_BYTES."""
    per_draw = max(1, n_groups * n_years * 8)
    return int(max(1, min(n_draws, CHUNK_BYTES // per_draw)))


def run(paths: Pathways, structure: Structure, national_index: np.ndarray, draws: Draws,
        report_positions: np.ndarray | None = None, chunk: int | None = None) -> Result:
    """Every draw of one scenario. `national_index` is the CPS by member over `paths.years` (M, T)."""
    _reuse_freed_memory()
    order = structure.order
    sorted_paths = _Sorted(paths, order)
    n_groups, n_years, _ = paths.X.shape
    n_draws = len(draws.members)
    chunk = chunk or chunk_size(n_groups, n_years, n_draws)
    totals = {k: np.zeros((n_years, n_draws)) for k in ("gross", "net", "o2", "o3", "o6", "coverage")}
    report = np.asarray([] if report_positions is None else report_positions, dtype=np.int64)
    by_group = {k: np.zeros((n_groups, len(report), n_draws)) for k in ("reference", "potential", "delivered", "net")}
    cps = national_index[draws.members].T  # (T, S)
    inverse = np.argsort(order)

    def work(s0: int) -> None:
        s1 = min(n_draws, s0 + chunk)
        part = _chunk(sorted_paths, structure, draws, cps[:, s0:s1], s0, s1, report)
        for k, v in part.items():
            if k.startswith("group_"):
                by_group[k.removeprefix("group_")][:, :, s0:s1] = v[inverse]
            else:
                totals[k][:, s0:s1] = v

    starts = range(0, n_draws, chunk)
    if THREADS > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(work, starts))
    else:
        for s0 in starts:
            work(s0)
    return Result(cps=cps, by_group=by_group, **totals)


class _Sorted:
    """Pathway arrays in engine order, prepared so a chunk needs few passes over its arrays.

    For most groups the potential impact scales with the data-error factor, so their delivered
    rate (delivered / reference) is `f x R1[m]` with R1 = kw max(0, U) / (w X) computed once. The
    few groups with unscaled levels (PB) or peaking caps (V) are computed in full, as a subset."""

    def __init__(self, paths: Pathways, order: np.ndarray):
        X, U = paths.X[order], paths.U[order]
        self.kw, self.weight, self.gov = paths.kw[order], paths.weight[order], paths.gov[order]
        self.wX = X * self.weight[:, None, None]
        P1 = np.maximum(U, 0.0) * self.kw[:, :, None]
        self.P1 = P1
        self.R1 = np.divide(P1, self.wX, out=np.zeros_like(P1), where=self.wX > 0)
        pb_rows = np.flatnonzero((paths.PB[order] != 0).any(axis=(1, 2))) if paths.PB is not None else []
        v_rows = np.flatnonzero(np.isfinite(paths.V[order]).any(axis=(1, 2))) if paths.V is not None else []
        self.special = np.union1d(pb_rows, v_rows).astype(np.int64)
        sp_ = self.special
        self.runs = _runs(sp_)  # (start, stop) in engine order and in the special subset
        self.U_s = U[sp_]
        self.PB_s = paths.PB[order][sp_] if paths.PB is not None and len(pb_rows) else None
        self.V_s = paths.V[order][sp_] if paths.V is not None and len(v_rows) else None
        self.multi = np.flatnonzero((self.gov != self.gov[:, :1]).any(axis=1))
        self.single_gov = self.gov[:, 0]
        self.safe_division = bool((X > 0).all() and (self.weight > 0).all())


@numba.njit(cache=True, nogil=True)
def _gather_scale(w_x: np.ndarray, r1: np.ndarray, members: np.ndarray, factor: np.ndarray, fraction: np.ndarray,
                  reference: np.ndarray, rate: np.ndarray, delivered: np.ndarray) -> None:  # pragma: no cover
    """reference = wX[g, t, m(s)] * factor[g, s], rate = R1[g, t, m(s)] * fraction[g, s] and
    delivered = rate * reference in one pass (numpy needs a gather and a multiply per array).
    Compiled without the GIL, so chunks run on two threads."""
    n_groups, n_years, _ = w_x.shape
    n_draws = members.shape[0]
    for g in range(n_groups):
        for t in range(n_years):
            for s in range(n_draws):
                m = members[s]
                ref = w_x[g, t, m] * factor[g, s]
                rho = r1[g, t, m] * fraction[g, s]
                reference[g, t, s] = ref
                rate[g, t, s] = rho
                delivered[g, t, s] = rho * ref


def _runs(rows: np.ndarray) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Split sorted row indices into contiguous runs: ((start, stop) in all rows, (start, stop) in `rows`)."""
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts, stops = np.r_[0, breaks], np.r_[breaks, len(rows)]
    return [((int(rows[a]), int(rows[b - 1]) + 1), (int(a), int(b))) for a, b in zip(starts, stops, strict=True)]


def _chunk(paths: _Sorted, st: Structure, draws: Draws, cps: np.ndarray, s0: int, s1: int,
           report: np.ndarray) -> dict[str, np.ndarray]:
    m = draws.members[s0:s1]
    n_groups, n_years = paths.kw.shape
    factor2d = draws.factor(s0, s1)[st.order] if draws.factor is not None else np.ones((n_groups, len(m)))
    factor = factor2d[:, None, :] if draws.factor is not None else None
    f = draws.fraction(s0, s1) if callable(draws.fraction) else None
    f_single = f[paths.single_gov] if f is not None else np.full((n_groups, len(m)), float(draws.fraction))
    reference = np.empty((n_groups, n_years, len(m)))
    rate = np.empty_like(reference)  # delivered per unit of reference (delivered rate)
    delivered = np.empty_like(reference)
    _gather_scale(paths.wX, paths.R1, m, np.ascontiguousarray(factor2d), np.ascontiguousarray(f_single),
                  reference, rate, delivered)
    if f is not None and len(paths.multi):  # groups whose governing target changes over the years
        multi = paths.multi
        rate[multi] = np.take(paths.R1[multi], m, axis=2) * f[paths.gov[multi]]
        delivered[multi] = rate[multi] * reference[multi]
    sp_ = paths.special
    potential_s = None
    if len(sp_):
        gap = np.take(paths.U_s, m, axis=2)
        fs = factor[sp_] if factor is not None else 1.0
        gap *= fs
        if paths.PB_s is not None:
            gap -= np.take(paths.PB_s, m, axis=2)
        if paths.V_s is not None:
            np.maximum(gap, np.take(paths.V_s, m, axis=2) * fs, out=gap)
        np.maximum(gap, 0.0, out=gap)
        potential_s = gap * paths.kw[sp_][:, :, None]
        delivered_s = potential_s * (float(draws.fraction) if f is None else f[paths.gov[sp_]])
        for (lo, hi), (a, b) in paths.runs:  # contiguous runs: slices, not copies
            ref = reference[lo:hi]
            delivered[lo:hi] = delivered_s[a:b]
            np.divide(delivered_s[a:b], ref, out=rate[lo:hi], where=ref > 0)  # elsewhere R1 = 0 already
    out = _overlaps(st, reference, delivered, cps, report, paths.safe_division,
                    rate if st.one_group_per_unit else None)
    if len(report):
        potential = np.take(paths.P1[:, report], m, axis=2)
        if factor is not None:
            potential *= factor
        if potential_s is not None:
            potential[sp_] = potential_s[:, report]
        out["group_reference"] = reference[:, report]
        out["group_potential"] = potential
        out["group_delivered"] = delivered[:, report]
    return out


def _to_units(st: Structure, values: np.ndarray) -> np.ndarray:
    """Sum group values into their units (actors); a view when each actor has one group."""
    if st.one_group_per_unit:
        return values
    starts = np.flatnonzero(np.r_[True, np.diff(st.unit_of_group) != 0])
    return np.add.reduceat(values, starts, axis=0)


def _overlaps(st: Structure, reference: np.ndarray, delivered: np.ndarray, cps: np.ndarray,
              report: np.ndarray, safe_division: bool = False, rate: np.ndarray | None = None
              ) -> dict[str, np.ndarray]:
    """Gross, net and overlap removed by type for one chunk of draws (method §7); with the net
    impact per group at the report positions (`group_net`)."""
    _, n_years, n_draws = reference.shape
    nj = st.n_jur
    e_u = _to_units(st, reference)
    d_u = _to_units(st, delivered)
    if rate is not None:  # one group per actor: the delivered rate is already known (and reused in place)
        rho = rate
    elif safe_division:  # every reference positive (the usual case): no masking needed
        rho = d_u / e_u
    else:
        rho = np.divide(d_u, e_u, out=np.zeros(d_u.shape), where=e_u > 0)
    top = st.level_bounds[0][1] if st.level_bounds else 0
    net_u = np.empty_like(d_u)  # top-level jurisdictions keep their delivered impact (nothing above them)
    net_u[:top] = d_u[:top]
    if not st.nested:
        net_u[top:nj] = d_u[top:nj]
    # effective rate: own or the highest of the jurisdictions containing it; computed level by level
    # in place of rho (a jurisdiction's own rate is not needed once its excess is known)
    eff = rho[:nj]
    for lo, hi in st.level_bounds[1:]:
        parent_eff = eff[st.parent_unit[lo:hi]]
        if st.nested:
            excess = np.subtract(rho[lo:hi], parent_eff)
            np.maximum(excess, 0.0, out=excess)
            np.multiply(e_u[lo:hi], excess, out=net_u[lo:hi])
        np.maximum(eff[lo:hi], parent_eff, out=eff[lo:hi])
    covered = e_u[:top].sum(axis=0)  # (T, Sc): nested coverage counted once
    jur_net = net_u[:nj].sum(axis=0)
    company_covered = np.zeros((n_years, n_draws))
    if len(st.unit_actor) > nj:
        e_k, d_k = e_u[nj:], d_u[nj:]
        n_k = len(e_k)
        phi = np.broadcast_to(np.asarray(st.locations.sum(axis=1)).reshape(n_k, 1, 1), e_k.shape).copy()
        rho_j = (st.locations @ eff.reshape(nj, -1)).reshape(e_k.shape) if nj else np.zeros(e_k.shape)
        np.divide(rho_j, phi, out=rho_j, where=phi > 0)
        proxy = ~st.company_located
        if proxy.any():
            share = np.divide(covered, cps, out=np.zeros_like(covered), where=cps > 0)
            phi[proxy] = np.minimum(share, 1.0)
            rho_j[proxy] = np.divide(jur_net, covered, out=np.zeros_like(covered), where=covered > 0)
        if st.companies:
            np.subtract(rho[nj:], rho_j, out=rho_j)
            np.maximum(rho_j, 0.0, out=rho_j)
            rho_j *= e_k
            rho_j *= phi
            net_u[nj:] = d_k * (1 - phi) + rho_j
        else:
            net_u[nj:] = d_k
        company_covered = (e_k * (1 - phi)).sum(axis=0)
    flagged = st.flagged_groups
    o6 = _net_of_groups(st, flagged, delivered, d_u, net_u) * st.flag[flagged][:, :, None]
    o6 = o6.sum(axis=0) if len(flagged) else np.zeros((n_years, n_draws))
    net_group = _net_of_groups(st, slice(None), delivered[:, report], d_u[:, report], net_u[:, report])
    if not st.subtract_flagged:
        net_group = net_group * ~st.flag[:, report][:, :, None]
    gross_j, gross_k = d_u[:nj].sum(axis=0), d_u[nj:].sum(axis=0)
    net_k = net_u[nj:].sum(axis=0)
    return {
        "gross": gross_j + gross_k,
        "net": jur_net + net_k - (0.0 if st.subtract_flagged else o6),
        "o2": gross_j - jur_net,
        "o3": gross_k - net_k,
        "o6": o6 if not st.subtract_flagged else np.zeros_like(o6),
        "coverage": covered + company_covered,
        "group_net": net_group,
    }


def _net_of_groups(st: Structure, groups: slice | np.ndarray, delivered: np.ndarray, d_u: np.ndarray,
                   net_u: np.ndarray) -> np.ndarray:
    """Net impact of some groups: their unit's net, split by each group's share of the unit's delivered."""
    units = st.unit_of_group[groups]
    if st.one_group_per_unit:
        return net_u[units]
    d_of_group = d_u[units]
    share = np.divide(delivered[groups], d_of_group, out=np.zeros(d_of_group.shape), where=d_of_group > 0)
    return net_u[units] * share
