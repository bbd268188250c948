"""The per-draw aggregation (method §5-§8): one compiled pass per draw and year over all groups.

Draws are processed in chunks so memory stays bounded (about CHUNK_BYTES per draw-dependent
array), two chunks at a time on two threads (the compiled kernel releases the GIL); overlaps are
removed per draw, never on means. CHUNK_BYTES stays below glibc's largest mmap threshold (32 MB)
so a freed chunk array is reused, not mapped and zeroed afresh (at 64 MB, zeroing fresh pages
took about a tenth of a benchmark run). `subnat.testing.naive` is the loop version the tests compare with.

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
from typing import NamedTuple

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from subnat import draws as rnd
from subnat.aggregate.pathways import Pathways
from subnat.aggregate.settings import OverlapSettings

CHUNK_BYTES = 16 * 2**20
THREADS = max(1, min(2, os.cpu_count() or 1))
TOTALS = ("gross", "net", "o2", "o3", "o6", "coverage", "avoided")  # order of the kernel's totals
GROUP_VALUES = ("reference", "potential", "delivered", "net")  # order of the kernel's per-group values


@dataclass
class Structure:
    """Who contains whom: the draw-independent side of the overlap rules (method §7)."""

    order: np.ndarray  # (G,) groups in engine order (positions in the screened groups table)
    unit_of_group: np.ndarray  # (G,) unit of each group, in engine order (non-decreasing)
    unit_actor: list[str]  # (U,)
    n_jurisdictions: int  # units [0, n) are jurisdictions (parents before children), [n, U) companies
    parent_unit: np.ndarray  # (n_jurisdictions,) nearest containing unit with targets, or -1
    company_located: np.ndarray  # (K,) bool: has rows in company_locations.csv
    locations: sp.csr_matrix  # (K, n_jurisdictions) shares of company scope-1 emissions, by effective jurisdiction
    in_national_projection: np.ndarray  # (G, T) bool in engine order: governing target already in the CPS
    overlap: OverlapSettings  # which overlaps are removed


@dataclass
class ScenarioDraws:
    """What varies by draw in one scenario: CPS member, data-error factor per group (latest
    inventory and reference), delivered fraction per commitment, national projection error,
    reference-growth error and the base-year data-error factor (`perturb`)."""

    members: np.ndarray  # (S,)
    data_factor: Callable[[int, int], np.ndarray] | None = None  # (s0, s1) -> (G, s1-s0), screened group order
    delivered_fraction: Callable[[int, int], np.ndarray] | float = 1.0  # (s0, s1) -> (C, s1-s0), or a constant
    projection: np.ndarray | None = None  # (S, Y) factor on the national CPS over the national years
    growth_sd: np.ndarray | None = None  # (G, T) sd of the log reference-growth deviation, screened order
    growth_z: Callable[[int, int], np.ndarray] | None = None  # (s0, s1) -> (G, s1-s0) its standard normals
    # (s0, s1) -> (G, s1-s0) factor on the base-year-scaled part of the pathway; None: data_factor's
    base_factor: Callable[[int, int], np.ndarray] | None = None
    # (s0, s1) -> (G, s1-s0) scope-split factor on the group's scope weight (all of its values); None: 1
    weight_factor: Callable[[int, int], np.ndarray] | None = None


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
    avoided: np.ndarray | None = None  # (T, S) part of the net reduction that is avoided growth (NaN
    #                                    except at the reporting years: computed only there)
    by_group: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def below_today(self) -> np.ndarray:
        """(T, S) part of the net reduction below the actors' latest inventory levels."""
        return self.net - (self.avoided if self.avoided is not None else 0.0)


# The kernel's inputs and outputs: named tuples of arrays and scalars, which numba takes as
# arguments and reads by attribute (no packing by position).

class GroupArrays(NamedTuple):
    """Draw-independent inputs of §5-§6 in engine order, (member, year, group) so that a draw reads
    contiguous rows of its CPS member. k = kw as in `Prepared`."""

    weighted_reference: np.ndarray  # (M, T, G) w X
    scaled_gap: np.ndarray  # (M, T, G) k U: reference minus the part of the pathway that scales with the data
    special: np.ndarray  # (J,) groups with unscaled levels or peaking caps
    unscaled_pathway: np.ndarray  # (M, T, G) k PB, 0 outside `special`; (0, 0, 0) when J = 0
    cap_gap: np.ndarray  # (M, T, G) k V: reference minus the peaking cap, -inf without one; (0, 0, 0) when J = 0
    governing_row: np.ndarray  # (T, G) commitments row governing each year (int32)
    row_coverage: np.ndarray  # (T, G) coverage of the governing row (kX = w X x it)
    path_start: np.ndarray  # (G,) first year index where a target's pathway applies (before: the pathway is
    #                         the reference and moves with it), n_years if never
    anchor: np.ndarray  # (G,) w x the reference's anchor level (latest inventory): avoided growth is above it
    ref_index: np.ndarray  # (G,) position of the reference year in the national years, -1: own reference
    first_index: int  # position of the first case year in the national years
    varying_row: np.ndarray  # groups whose governing row is not the same in every year
    base_pathway: np.ndarray  # (M, T, G) k PA_base: the part of the pathway scaled by base-year emissions,
    #                           (0, 0, 0) when no group has one


class JurisdictionOverlap(NamedTuple):
    """Method §7 O2. Units (actors with targets) are jurisdictions [0, n_jurisdictions), parents
    before children, then companies."""

    unit_of_group: np.ndarray  # (G,) non-decreasing
    n_units: int
    n_top: int  # jurisdictions [0, n_top) have no containing unit with targets
    n_jurisdictions: int
    parent_unit: np.ndarray  # (n_jurisdictions,) nearest containing unit with targets, or -1
    nested_max_ambition: bool  # a nested jurisdiction counts only its rate above its containers'


class CompanyOverlap(NamedTuple):
    """Method §7 O3: company scope-1 emissions by effective jurisdiction, as a flat list of
    locations (company, jurisdiction unit, share), ordered by company."""

    jurisdiction: np.ndarray  # (L,) unit
    share: np.ndarray  # (L,)
    company: np.ndarray  # (L,) company of each location
    located_share: np.ndarray  # (K,) phi: share located in jurisdictions with targets
    located: np.ndarray  # (K,) bool: has rows in company_locations.csv (else the national proxy)
    max_ambition: bool  # a company counts only its rate above its jurisdictions'


class ProjectionOverlap(NamedTuple):
    """Method §7 O6: groups whose governing target the national projection already has."""

    in_national_projection: np.ndarray  # (T, G) bool
    flagged: np.ndarray  # groups flagged in some year
    subtract: bool  # their net stays in and O6 is 0 (overlap.subtract_in_national_projection)


class ChunkDraws(NamedTuple):
    """What varies by draw, for the draws of one chunk; groups in engine order."""

    members: np.ndarray  # (S,) CPS member of each draw
    by_member: np.ndarray  # (S,) draws ordered by member
    data_factor: np.ndarray  # (S, G)
    delivered_fraction: np.ndarray  # (S, C) by commitment, or (S, 0) when constant_fraction applies
    constant_fraction: float
    cps: np.ndarray  # (T, S) national CPS emissions
    report_slot: np.ndarray  # (T,) slot of each reporting year, -1 for other years
    projection: np.ndarray  # (S, Y) factor on the national CPS, or (S, 0) without projection error
    growth_sd: np.ndarray  # (T, G) sd of the log reference deviation, or (0, 0) without it
    growth_z: np.ndarray  # (S, G) its standard normals, or (S, 0)
    base_factor: np.ndarray  # (S, G) base-year data-error factor, or (S, 0): equal to data_factor
    weight_factor: np.ndarray  # (S, G) scope-split factor, or (S, 0); data_factor and base_factor include it


class ChunkOutputs(NamedTuple):
    """What the kernel writes for one chunk."""

    totals: np.ndarray  # (7, T, S) in TOTALS order
    group_values: np.ndarray  # (4, R, S, G) in GROUP_VALUES order, at reporting years


class DrawValues(NamedTuple):
    """One draw and year's values per group and per unit, reused from year to year."""

    reference: np.ndarray  # (G,)
    potential: np.ndarray  # (G,)
    delivered: np.ndarray  # (G,)
    unit_reference: np.ndarray  # (U,)
    unit_delivered: np.ndarray  # (U,)
    unit_rate: np.ndarray  # (U,) delivered rate
    unit_net: np.ndarray  # (U,) net impact
    effective_rate: np.ndarray  # (n_jurisdictions,) own rate or the highest of the containers'
    inverse_anchor: np.ndarray  # (G,) 1 / projection factor at the group's reference year, for the draw
    #                             (NaN for own references, which do not follow the national index)
    group_fraction: np.ndarray  # (G,) the draw's delivered fraction of each group's first governing row
    company_rate: np.ndarray  # (K,) sum over a company's locations of share x effective rate


def build_structure(actors: pd.DataFrame, groups: pd.DataFrame, commitments: pd.DataFrame,
                    locations: pd.DataFrame, gov: np.ndarray, overlap: OverlapSettings) -> Structure:
    """Index the tree of jurisdictions with targets and the company locations, once per run."""
    kinds = dict(zip(actors["actor_id"], actors["actor_type"], strict=True))
    parent = {a: p for a, p in zip(actors["actor_id"], actors["parent_id"], strict=True) if p}
    with_targets = set(groups["actor_id"])

    nearest: dict[str, str | None] = {}  # memo: every walk up the tree is done once (linear in actors)
    depths: dict[str, int] = {}

    def unit_parent(actor: str) -> str | None:
        """Nearest containing jurisdiction that has targets (jurisdictions without targets pass
        their parent's rate on: their own delivered rate is 0)."""
        chain, x = [], actor
        while x not in nearest:
            chain.append(x)
            up = parent.get(x)
            if up is None or up in with_targets:
                nearest[x] = up
                break
            x = up
        for y in chain:
            nearest[y] = nearest[x]
        return nearest[actor]

    def depth(actor: str) -> int:
        chain, x = [], actor
        while x not in depths and unit_parent(x) is not None:
            chain.append(x)
            x = unit_parent(x)
        d = depths.setdefault(x, 0)
        for y in reversed(chain):
            d += 1
            depths[y] = d
        return depths[actor]

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
    return Structure(order=order, unit_of_group=group_unit[order], unit_actor=unit_actor,
                     n_jurisdictions=len(jur_units), parent_unit=parent_unit, company_located=located,
                     locations=matrix, in_national_projection=flag[order], overlap=overlap)


def chunk_size(n_groups: int, n_draws: int) -> int:
    """Draws per chunk: one (chunk, G) float64 array near CHUNK_BYTES, and work for every thread;
    a multiple of the random-number block when larger, so no block is generated twice."""
    by_memory = CHUNK_BYTES // max(1, n_groups * 8)
    balanced = -(-n_draws // (2 * THREADS))
    size = int(max(1, min(by_memory, balanced)))
    return size - size % rnd.BLOCK if size > rnd.BLOCK else size


def aggregate_draws(prepared: Prepared, national_index: np.ndarray, draws: ScenarioDraws,
                    report_positions: np.ndarray | None = None, chunk: int | None = None) -> Result:
    """Every draw of one scenario. `national_index` is the CPS by member over the case years (M, T)."""
    n_groups, n_years = prepared.n_groups, prepared.n_years
    n_draws = len(draws.members)
    chunk = chunk or chunk_size(n_groups, n_draws)
    totals = np.zeros((len(TOTALS), n_years, n_draws))
    report = np.asarray([] if report_positions is None else report_positions, dtype=np.int64)
    by_group = {k: np.zeros((n_groups, len(report), n_draws)) for k in GROUP_VALUES}
    cps = national_index[draws.members].T  # (T, S)
    if draws.projection is not None:
        first = prepared.groups.first_index
        cps = cps * draws.projection[:, first:first + n_years].T
    inverse = np.argsort(prepared.order)

    def work(s0: int) -> None:
        s1 = min(n_draws, s0 + chunk)
        out = prepared.aggregate_chunk(draws, cps[:, s0:s1], s0, s1, report)
        totals[:, :, s0:s1] = out.totals
        for i, name in enumerate(GROUP_VALUES):  # (R, S, G) in engine order -> (G, R, S) in screened order
            by_group[name][:, :, s0:s1] = out.group_values[i].transpose(2, 0, 1)[inverse]

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
        locations = st.locations
        n = len(paths.X)
        on_path = paths.on_path if paths.on_path is not None else np.ones((n, paths.X.shape[1]), dtype=bool)
        ref_index = paths.ref_index if paths.ref_index is not None else np.full(n, -1, dtype=np.int64)
        ref_level = paths.ref_level if paths.ref_level is not None else np.zeros(n)
        coverage = (paths.row_coverage if paths.row_coverage is not None
                    else np.zeros(int(paths.gov.max(initial=-1)) + 1))
        self.order = order
        self.n_groups, self.n_years = len(order), paths.X.shape[1]
        self.structure = st
        self.groups = GroupArrays(
            weighted_reference=_member_major(paths.X[order] * weight),
            scaled_gap=_member_major(paths.U[order] * kw),
            special=np.flatnonzero(special),
            unscaled_pathway=_member_major(_full(pb * kw[special], special, 0.0)),
            cap_gap=_member_major(_full(np.where(np.isfinite(v), v * kw[special], -np.inf), special, -np.inf)),
            governing_row=np.ascontiguousarray(paths.gov[order].T, dtype=np.int32),  # int32: half the traffic
            row_coverage=np.ascontiguousarray(coverage[paths.gov[order]].T) if len(coverage)
            else np.zeros((self.n_years, self.n_groups)),
            path_start=_path_start(on_path[order]),
            anchor=paths.weight[order] * ref_level[order],
            ref_index=ref_index[order],
            first_index=int(paths.first_index),
            varying_row=np.flatnonzero((paths.gov[order] != paths.gov[order][:, :1]).any(axis=1)),
            base_pathway=_member_major(paths.PA_base[order] * kw) if paths.PA_base is not None
            else np.zeros((0, 0, 0)),
        )
        rules = st.overlap  # bool(): one compiled kernel whatever bool type the settings hold
        self.jurisdictions = JurisdictionOverlap(
            unit_of_group=st.unit_of_group, n_units=len(st.unit_actor),
            n_top=int(np.argmax(parent >= 0)) if (parent >= 0).any() else len(parent),
            n_jurisdictions=st.n_jurisdictions, parent_unit=parent,
            nested_max_ambition=bool(rules.nested_max_ambition),
        )
        self.companies = CompanyOverlap(
            jurisdiction=locations.indices.astype(np.int64),
            share=locations.data.astype(float),
            company=np.repeat(np.arange(locations.shape[0], dtype=np.int64), np.diff(locations.indptr)),
            located_share=np.asarray(locations.sum(axis=1), dtype=float).reshape(-1),
            located=st.company_located, max_ambition=bool(rules.companies_max_ambition),
        )
        self.projection = ProjectionOverlap(
            in_national_projection=np.ascontiguousarray(st.in_national_projection.T),
            flagged=np.flatnonzero(st.in_national_projection.any(axis=1)),
            subtract=bool(rules.subtract_in_national_projection),
        )

    def aggregate_chunk(self, draws: ScenarioDraws, cps: np.ndarray, s0: int, s1: int, report: np.ndarray
                        ) -> ChunkOutputs:
        """(7, T, S) totals and (4, R, S, G) per-group values of draws [s0, s1)."""
        n_draws = s1 - s0
        members = np.asarray(draws.members[s0:s1], dtype=np.int64)
        order = self.order
        if draws.data_factor is not None:
            factor = _draw_major(draws.data_factor(s0, s1), order)
        else:
            factor = np.ones((n_draws, self.n_groups))
        weight = (_draw_major(draws.weight_factor(s0, s1), order)
                  if draws.weight_factor is not None else np.zeros((n_draws, 0)))
        if callable(draws.delivered_fraction):
            rows = draws.delivered_fraction(s0, s1)
            fraction = _draw_major(rows, np.arange(len(rows)))
            constant = 0.0
        else:
            fraction, constant = np.zeros((n_draws, 0)), float(draws.delivered_fraction)
        slot = np.full(self.n_years, -1, dtype=np.int64)
        slot[report] = np.arange(len(report))
        projection = (np.ascontiguousarray(draws.projection[s0:s1], dtype=float) if draws.projection is not None
                      else np.zeros((n_draws, 0)))
        if draws.growth_sd is not None and draws.growth_z is not None:
            growth_sd = np.ascontiguousarray(np.asarray(draws.growth_sd, float)[self.order].T)
            growth_z = _draw_major(draws.growth_z(s0, s1), order)
        else:
            growth_sd, growth_z = np.zeros((0, 0)), np.zeros((n_draws, 0))
        if draws.base_factor is not None and self.groups.base_pathway.size:
            base = _draw_major(draws.base_factor(s0, s1), order)
            if weight.size:
                base *= weight
        else:
            base = np.zeros((n_draws, 0))
        if weight.size:  # the weight scales every value of the group: folded into e (and b), and kPB in the kernel
            factor *= weight
        chunk = ChunkDraws(members=members, by_member=np.argsort(members, kind="stable"), data_factor=factor,
                           delivered_fraction=fraction, constant_fraction=constant, cps=np.ascontiguousarray(cps),
                           report_slot=slot, projection=projection, growth_sd=growth_sd, growth_z=growth_z,
                           base_factor=base, weight_factor=weight)
        out = ChunkOutputs(totals=np.zeros((len(TOTALS), self.n_years, n_draws)),
                           group_values=np.zeros((len(GROUP_VALUES), len(report), n_draws, self.n_groups)))
        _aggregate(self.groups, self.jurisdictions, self.companies, self.projection, chunk, out)
        return out


def _full(values: np.ndarray, rows: np.ndarray, fill: float) -> np.ndarray:
    """(J, ...) values of the groups `rows` (a mask) -> (G, ...) with `fill` elsewhere; (0, 0, 0) without any."""
    if not rows.any():
        return np.zeros((0, 0, 0))
    out = np.full((len(rows), *values.shape[1:]), fill)
    out[rows] = values
    return out


def _path_start(on_path: np.ndarray) -> np.ndarray:
    """(G,) first year on a pathway; a pathway, once started, runs to the last year (pathways.py)."""
    start = np.where(on_path.any(axis=1), np.argmax(on_path, axis=1), on_path.shape[1]).astype(np.int64)
    after = np.arange(on_path.shape[1])[None, :] >= start[:, None]
    if not np.array_equal(after, on_path):
        raise ValueError("a pathway stops before the last year (bug)")
    return start


def _draw_major(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(R, S) -> contiguous (S, len(rows)) with out[s, j] = values[rows[j], s]: the kernel reads one
    draw's row. A blocked copy without the GIL (numpy's strided gather-transpose was a fifth of a run)."""
    return _gather_transpose(np.ascontiguousarray(values, dtype=float), np.asarray(rows, dtype=np.int64))


@numba.njit(cache=True, nogil=True)
def _gather_transpose(values, rows):  # pragma: no cover
    n, n_draws = len(rows), values.shape[1]
    out = np.empty((n_draws, n))
    block = 32
    for j0 in range(0, n, block):
        j1 = min(n, j0 + block)
        for s0 in range(0, n_draws, block):
            s1 = min(n_draws, s0 + block)
            for j in range(j0, j1):
                row = rows[j]
                for s in range(s0, s1):
                    out[s, j] = values[row, s]
    return out


def _member_major(values: np.ndarray) -> np.ndarray:
    """(G, T, M) -> contiguous (M, T, G)."""
    return np.ascontiguousarray(values.transpose(2, 1, 0))


# The kernel: method §5-§8 for one draw and year at a time, as the loops of the method.
# Compiled without the GIL (two chunks run on two threads) and cached on disk.

@numba.njit(cache=True, nogil=True)
def _aggregate(groups, jurisdictions, companies, projection, draws, out):  # pragma: no cover
    """Every draw and year of one chunk. Draws are visited in order of their CPS member so one
    member's arrays stay in cache. Writes out.totals[(gross, net, o2, o3, o6, coverage), t, s] and,
    at report slots r, out.group_values[(reference, potential, delivered, net), r, s, g]."""
    n_years, n_groups = groups.weighted_reference.shape[1], groups.weighted_reference.shape[2]
    tree = jurisdictions
    n_units = tree.n_units
    reference, delivered = np.empty(n_groups), np.empty(n_groups)
    one_group_each = n_units == n_groups  # then unit u is group u: the unit sums are the group values themselves
    v = DrawValues(reference=reference, potential=np.empty(n_groups), delivered=delivered,
                   unit_reference=reference if one_group_each else np.empty(n_units),
                   unit_delivered=delivered if one_group_each else np.empty(n_units),
                   unit_rate=np.empty(n_units), unit_net=np.empty(n_units),
                   effective_rate=np.empty(tree.n_jurisdictions),
                   inverse_anchor=np.ones(n_groups), group_fraction=np.empty(n_groups),
                   company_rate=np.empty(len(companies.located)))
    in_projection = projection.in_national_projection
    subtract_flagged = projection.subtract
    totals, group_values = out.totals, out.group_values
    for i in range(len(draws.members)):
        s = draws.by_member[i]
        m = draws.members[s]
        _anchor_factors(groups, draws, s, v)
        _group_fractions(groups, draws, s, v)
        for t in range(n_years):
            _group_impacts(groups, draws, m, t, s, v)
            _unit_sums(tree.unit_of_group, v)
            covered, jur_net, gross_j = _jurisdictions(tree, v)
            gross_k, net_k, company_covered = _companies(tree.n_jurisdictions, companies, covered, jur_net,
                                                         draws.cps[t, s], v)
            o6 = 0.0
            for g in projection.flagged:  # O6: net impact of groups whose governing target the CPS already has
                if in_projection[t, g]:
                    o6 += _group_net(g, tree.unit_of_group, v)
            if subtract_flagged:
                o6 = 0.0
            r = draws.report_slot[t]
            avoided = np.nan  # the split of the net reduction (summary.csv), at reporting years only
            if r >= 0:
                avoided = _avoided(groups, draws, tree.unit_of_group, in_projection[t], subtract_flagged, t, s, v)
            if r >= 0:
                for g in range(n_groups):
                    group_values[0, r, s, g] = v.reference[g]
                    group_values[1, r, s, g] = v.potential[g]
                    group_values[2, r, s, g] = v.delivered[g]
                    if subtract_flagged or not in_projection[t, g]:
                        group_values[3, r, s, g] = _group_net(g, tree.unit_of_group, v)
            totals[0, t, s] = gross_j + gross_k
            totals[1, t, s] = jur_net + net_k - o6
            totals[2, t, s] = gross_j - jur_net
            totals[3, t, s] = gross_k - net_k
            totals[4, t, s] = o6
            totals[5, t, s] = covered + company_covered
            totals[6, t, s] = avoided


@numba.njit(cache=True, nogil=True)
def _group_fractions(groups, draws, s, v):
    """The draw's delivered fraction per group, gathered once per draw rather than once per year
    (groups.varying_row, whose governing row changes, are gathered again each year)."""
    out = v.group_fraction
    if len(draws.delivered_fraction[s]) == 0:
        out[:] = draws.constant_fraction
        return
    fraction, first = draws.delivered_fraction[s], groups.governing_row[0]
    for g in range(len(out)):
        out[g] = fraction[first[g]]


@numba.njit(cache=True, nogil=True)
def _anchor_factors(groups, draws, s, v):
    """1 / the draw's projection factor at each group's reference year (the growth index divides by it)."""
    if draws.projection.shape[1] == 0:
        return
    f, index, inverse = draws.projection[s], groups.ref_index, v.inverse_anchor
    for g in range(len(index)):
        inverse[g] = 1.0 / f[index[g]] if index[g] >= 0 else np.nan


@numba.njit(cache=True, nogil=True, fastmath=True)
def _exp(x):
    """exp(x) to about 2e-13 relative for |x| <= 40 (clamped beyond: a factor of e^40 is no error
    model) by scaling and squaring a Taylor polynomial: branch-free, so the loop vectorises
    (numba's exp does not: 10 ns against 2-3 ns, the reference-growth factor takes G x T x S of them).
    Not inlined by numba: LLVM inlines it with its fast-math flags, which stay off the caller's own
    arithmetic (so the rest of `_group_impacts` rounds exactly as written)."""
    x = min(max(x, -40.0), 40.0)
    r = x * (1.0 / 1024.0)
    p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (
        1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320))))))))
    for _ in range(10):
        p = p * p
    return p


@numba.njit(cache=True, nogil=True)
def _group_impacts(groups, draws, m, t, s, v):
    """§5-§6 per group: reference e R X w, potential max(0, e (kU + (R-1) kX [on a pathway]) +
    (e - b) kPA_base - c kPB, e (kV + (R-1) kX)), delivered = fraction x potential; R the draw's
    reference ratio (1 without projection or growth error), b the base-year factor (e when not drawn),
    c the scope-split factor on the weight (already in e and b).
    The pathway is anchored on data and targets and does not move with R, except before a pathway
    applies, where the pathway is the reference (kX = w X x coverage).

    One branch-free pass over every group: groups without unscaled levels or caps have kPB = 0 and
    kV = -inf, which leave max(0, ...) unchanged; without such groups in the case those terms are skipped."""
    xw, ku, coverage = groups.weighted_reference[m, t], groups.scaled_gap[m, t], groups.row_coverage[t]
    e, fraction, gov = draws.data_factor[s], draws.delivered_fraction[s], groups.governing_row[t]
    reference, potential, delivered, group_fraction = v.reference, v.potential, v.delivered, v.group_fraction
    has_base, has_weight, has_special = (draws.base_factor.shape[1] > 0, draws.weight_factor.shape[1] > 0,
                                         groups.unscaled_pathway.shape[2] > 0)
    b = draws.base_factor[s] if has_base else e  # (absent terms get a placeholder row, never read)
    kpa = groups.base_pathway[m, t] if has_base else ku
    c = draws.weight_factor[s] if has_weight else e
    kpb = groups.unscaled_pathway[m, t] if has_special else ku
    kv = groups.cap_gap[m, t] if has_special else ku
    has_projection, has_growth = draws.projection.shape[1] > 0, draws.growth_z.shape[1] > 0
    if has_projection or has_growth:
        # R = growth factor exp(sd(t) z) times the projection ratio f(t) / f(ref year) (1 for own references)
        f = draws.projection[s, groups.first_index + t] if has_projection else 1.0
        sd = draws.growth_sd[t] if has_growth else ku
        z = draws.growth_z[s] if has_growth else ku
        inverse, path_start = v.inverse_anchor, groups.path_start
        for g in range(len(xw)):
            if has_growth:
                r = _exp(sd[g] * z[g])
                if has_projection:
                    r = r * (1.0 + (f * inverse[g] - 1.0) if inverse[g] == inverse[g] else r)
            else:
                r = 1.0 + (f * inverse[g] - 1.0) if inverse[g] == inverse[g] else 1.0
            step = r - 1.0
            reference[g] = e[g] * (r * xw[g])
            kc = coverage[g] if t >= path_start[g] else 0.0  # on a pathway the gap grows with R (before, none)
            a = e[g] * (ku[g] + step * (xw[g] * kc))
            if has_base:
                a = a + (e[g] - b[g]) * kpa[g]
            if has_special:
                a = a - (c[g] if has_weight else 1.0) * kpb[g]
                p = _max3(a, e[g] * (kv[g] + step * (xw[g] * coverage[g])))
            else:
                p = 0.0 if a < 0.0 else a
            potential[g] = p
            delivered[g] = p * group_fraction[g]
    else:
        for g in range(len(xw)):
            reference[g] = e[g] * xw[g]
            a = e[g] * ku[g]
            if has_base:
                a = a + (e[g] - b[g]) * kpa[g]
            if has_special:
                a = a - (c[g] if has_weight else 1.0) * kpb[g]
                p = _max3(a, e[g] * kv[g])
            else:
                p = 0.0 if a < 0.0 else a
            potential[g] = p
            delivered[g] = p * group_fraction[g]
    if len(fraction) > 0:  # groups whose governing row changes over the years
        for g in groups.varying_row:
            delivered[g] = potential[g] * fraction[gov[g]]


@numba.njit(cache=True, nogil=True, inline="always")
def _max3(a, b):
    """max(a, b, 0.0) as Python computes it (the first of equal values), written as selects: no branch."""
    x = b if b > a else a
    return 0.0 if x < 0.0 else x


@numba.njit(cache=True, nogil=True)
def _avoided(groups, draws, unit_of_group, in_projection, subtract_flagged, t, s, v):
    """The part of the net reduction that avoids growth: per group the part of [pathway, reference]
    above the anchor level (latest inventory) e w L coverage, as a share of the potential, times the
    group's net impact (method §8 split); groups whose net the O6 rule removes do not count."""
    e, coverage = draws.data_factor[s], groups.row_coverage[t]
    total = 0.0
    for g in range(len(v.potential)):
        p = v.potential[g]
        if p <= 0 or not (subtract_flagged or not in_projection[g]):
            continue
        above = min(p, max(0.0, coverage[g] * (v.reference[g] - e[g] * groups.anchor[g])))
        total += above / p * _group_net(g, unit_of_group, v)
    return total


@numba.njit(cache=True, nogil=True)
def _unit_sums(unit_of_group, v):
    """Groups summed into their actors (units) where an actor has several groups (else the unit
    arrays are the group arrays: nothing to do)."""
    e_u, d_u = v.unit_reference, v.unit_delivered
    if len(e_u) != len(v.reference):
        e_u[:] = 0.0
        d_u[:] = 0.0
        for g in range(len(v.reference)):
            e_u[unit_of_group[g]] += v.reference[g]
            d_u[unit_of_group[g]] += v.delivered[g]


@numba.njit(cache=True, nogil=True)
def _jurisdictions(tree, v):
    """§7 O2: a nested jurisdiction counts only the part of its rate above its containers' effective
    rate. Units are ordered parents first, so one pass finds every delivered rate, effective rate,
    net impact and the sums (in unit order)."""
    e_u, d_u, rate, eff, net_u = v.unit_reference, v.unit_delivered, v.unit_rate, v.effective_rate, v.unit_net
    parent_unit = tree.parent_unit
    covered = 0.0
    jur_net = 0.0
    gross = 0.0
    for u in range(tree.n_top):
        e, d = e_u[u], d_u[u]
        r = d / e if e > 0 else 0.0
        rate[u] = r
        eff[u] = r
        net_u[u] = d
        covered += e
        jur_net += d
        gross += d
    for u in range(tree.n_top, tree.n_jurisdictions):
        e, d = e_u[u], d_u[u]
        r = d / e if e > 0 else 0.0
        rate[u] = r
        above = eff[parent_unit[u]]
        net = e * max(r - above, 0.0) if tree.nested_max_ambition else d
        net_u[u] = net
        eff[u] = max(r, above)
        jur_net += net
        gross += d
    return covered, jur_net, gross


@numba.njit(cache=True, nogil=True)
def _companies(first_company, locations, covered, jur_net, cps, v):
    """§7 O3: a company's emissions located in jurisdictions with targets count only the part of its
    rate above theirs; without locations, the national coverage share and average rate stand in.
    The located rates are summed over the flat list of locations first (no branch per company)."""
    e_u, d_u, rate, eff, net_u = v.unit_reference, v.unit_delivered, v.unit_rate, v.effective_rate, v.unit_net
    place, place_share, company, rho = locations.jurisdiction, locations.share, locations.company, v.company_rate
    rho[:] = 0.0
    for x in range(len(place)):
        rho[company[x]] += place_share[x] * eff[place[x]]
    share = min(covered / cps, 1.0) if cps > 0 else 0.0
    proxy_rate = jur_net / covered if covered > 0 else 0.0
    located, located_share, max_ambition = locations.located, locations.located_share, locations.max_ambition
    gross = 0.0
    net = 0.0
    company_covered = 0.0
    for u in range(first_company, len(e_u)):
        k = u - first_company
        e, d = e_u[u], d_u[u]
        r = d / e if e > 0 else 0.0
        rate[u] = r
        if located[k]:
            phi = located_share[k]
            rho_j = rho[k] / phi if phi > 0 else 0.0
        else:
            phi = share
            rho_j = proxy_rate
        n = d * (1 - phi) + e * phi * max(r - rho_j, 0.0) if max_ambition else d
        net_u[u] = n
        gross += d
        net += n
        company_covered += e * (1 - phi)
    return gross, net, company_covered


@numba.njit(cache=True, nogil=True)
def _group_net(g, unit_of_group, v):
    """A group's net impact: its unit's net, split by the group's share of the unit's delivered impact."""
    u = unit_of_group[g]
    d_u = v.unit_delivered[u]
    return v.unit_net[u] * (v.delivered[g] / d_u) if d_u > 0 else 0.0
