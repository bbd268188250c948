"""Reference projections (method §3) and target pathways (method §4), per group and CPS member.

Everything that does not change from draw to draw is computed here, once. A draw then only
scales actor data by its error factor `e` and picks its CPS member `m`:

    E_ref(g, t)  = e * X[g, t, m]                         (whole actor-scope reference)
    E_path(g, t) = min(e * PA[g, t, m] + PB[g, t, m],  e * PK[g, t, m])
    P(g, t)      = w_g * k_gov(g, t) * max(0, E_ref - E_path)
                 = kw[g, t] * max(0, e * U - PB, e * V)     with U = X - PA, V = X - PK

PA holds the parts of the pathway that scale with the actor's own data (anchors, base-year
levels, reference-based levels) and PB those that do not (stated fixed levels, reported BAU).
PK is the peaking cap (+inf where none) and k_gov the coverage of the governing target.

With separate data errors (method §9: e for the latest inventory, b for the base year) PA splits
into the part anchored on the latest inventory and the reference, PA - PA_base, and PA_base, the
part that scales with base-year emissions (absolute, intensity and net-zero target levels, and the
start anchor under `pathway.anchor: base_year`):

    P(g, t) = kw * max(0, e * U + (e - b) * PA_base - PB, e * V)

which is the line above when b = e.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from subnat.aggregate.national import NationalSeries
from subnat.aggregate.settings import PathwaySettings

BASE_YEAR_LEVELS = ("absolute", "intensity_gdp", "intensity_capita", "net_zero")  # target level = E(BY) x factor


@dataclass
class Pathways:
    """Draw-independent arrays; shapes (G, T, M) unless noted."""

    years: np.ndarray  # (T,)
    X: np.ndarray
    U: np.ndarray
    V: np.ndarray | None  # None when no group has a peaking target
    PB: np.ndarray | None  # None when no group has an unscaled level
    kw: np.ndarray  # (G, T): scope weight x coverage of the governing target
    weight: np.ndarray  # (G,)
    gov: np.ndarray  # (G, T): row in the commitments table that governs year t
    on_path: np.ndarray | None = None  # (G, T) bool: a pathway applies (elsewhere the pathway is the reference)
    ref_index: np.ndarray | None = None  # (G,) position of ref_year in the national years, -1 for own references
    first_index: int = 0  # position of years[0] in the national years
    ref_level: np.ndarray | None = None  # (G,) the reference's anchor level (normally the latest inventory)
    row_coverage: np.ndarray | None = None  # coverage of each commitments row, indexed like `gov`
    PA_base: np.ndarray | None = None  # the part of PA that scales with base-year emissions, None when none does

    def special_groups(self) -> np.ndarray:
        """(G,) bool: groups with unscaled levels or peaking caps (computed in full by the engine)."""
        special = np.zeros(len(self.X), dtype=bool)
        if self.PB is not None:
            special |= (self.PB != 0).any(axis=(1, 2))
        if self.V is not None:
            special |= np.isfinite(self.V).any(axis=(1, 2))
        return special


def build_pathways(groups: pd.DataFrame, commitments: pd.DataFrame, national: NationalSeries,
                   years: np.ndarray, settings: PathwaySettings,
                   own_references: Mapping[int, np.ndarray] | None = None) -> Pathways:
    """Precompute references and pathways for every group at once (numpy over groups and rows).

    `own_references` replaces the growth index of some groups by their own projection over
    `years` (the ETS alternative of method §3); it is the same for every CPS member.
    `years` are consecutive. `governing` is the readable per-group statement of the governing rule
    reproduced here."""
    X = _references(groups, national, years, own_references)
    weight = groups["weight"].to_numpy(float)
    nat0 = int(national.years[0])
    anchors = dict(ref_index=_ref_index(groups, nat0, own_references), first_index=int(years[0]) - nat0,
                   ref_level=groups["ref_level"].to_numpy(float) if len(groups) else np.zeros(0))
    if groups.empty:
        return Pathways(years=years, X=X, U=X.copy(), V=None, PB=None, kw=np.zeros((0, len(years))),
                        weight=weight, gov=np.zeros((0, len(years)), dtype=np.int64),
                        on_path=np.zeros((0, len(years)), dtype=bool), **anchors)
    grp = commitments["group"].to_numpy(np.int64)
    if np.bincount(grp, minlength=len(groups)).min() == 0:
        raise ValueError("every group needs at least one commitment")
    ty = commitments["target_year"].to_numpy(float).astype(np.int64)
    peaking = (commitments["target_type"] == "peaking").to_numpy()
    xt = _reference_at(groups, grp, ty, X, years, national)
    A, B = _target_levels(commitments, xt, settings)
    base = commitments["target_type"].isin(BASE_YEAR_LEVELS).to_numpy()
    coverage = commitments["coverage"].to_numpy(float)
    # what "the lower level wins" compares (method §4): the actor-scope emissions in the target year,
    # covered part at the target and the rest at its reference; central data, first CPS member
    central = np.where(peaking, xt[:, 0], coverage * (A[:, 0] + B[:, 0]) + (1 - coverage) * xt[:, 0])
    winners = _same_year_winners(grp, ty, peaking, central, coverage, commitments["commitment_id"].to_numpy())
    knots = winners[~peaking[winners]]  # the winning level target of each (group, year) that has one
    U, PB, on_path, PA_base = _paths(groups, _Knots(grp[knots], ty[knots], A[knots], B[knots], base[knots]), X,
                                     years, national, settings.after_target)
    V = _caps(grp[peaking], ty[peaking], xt[peaking], X, years)
    rows = _governing_rows(grp, ty, winners, years, len(groups))
    kw = weight[:, None] * coverage[rows]
    return Pathways(years=years, X=X, U=U, V=V, PB=PB, kw=kw, weight=weight,
                    gov=commitments.index.to_numpy()[rows].astype(np.int64), on_path=on_path,
                    row_coverage=_row_coverage(commitments), PA_base=PA_base, **anchors)


def _row_coverage(commitments: pd.DataFrame) -> np.ndarray:
    """Coverage by commitments index label (the kernel reads it through the governing row)."""
    labels = commitments.index.to_numpy().astype(np.int64)
    out = np.zeros(int(labels.max(initial=-1)) + 1)
    out[labels] = commitments["coverage"].to_numpy(float)
    return out


def _ref_index(groups: pd.DataFrame, nat0: int, own_references: Mapping[int, np.ndarray] | None) -> np.ndarray:
    """(G,) position of each group's reference year in the national years; -1 where the group has its
    own reference (it does not follow the national index, nor its projection error)."""
    index = (groups["ref_year"].to_numpy(np.int64) - nat0) if len(groups) else np.zeros(0, dtype=np.int64)
    for g in own_references or {}:
        if 0 <= g < len(index):
            index[g] = -1
    return index


@dataclass
class _Knots:
    """The winning level target of each (group, target year): group, year, and its (K, M) levels
    split into the data-scaled part A and the fixed part B."""

    group: np.ndarray
    year: np.ndarray
    A: np.ndarray
    B: np.ndarray
    base: np.ndarray  # (K,) bool: A is base-year emissions times a factor (BASE_YEAR_LEVELS)


def governing(target_years: Sequence[float], peaking: Sequence[bool], central_level: Sequence[float],
              ids: Sequence[str], years: np.ndarray, coverage: Sequence[float] | None = None) -> np.ndarray:
    """Per year, the position of the governing target (method §5): the nearest target year at or
    after the year, else the last. Several targets in one year: the one whose level wins (lowest at
    central data and the first CPS member; level targets before peaking ones), so file order never
    matters. `central_level` is the actor-scope level in the target year (covered part at the target,
    the rest at the reference), so a target over more of the actor wins over an equal covered level
    and raising a target's ambition never lowers the impact. Levels equal to 12 significant digits
    tie (the same level computed in two orders may differ in the last bit); a tie goes to the larger
    coverage, then to commitment_id."""
    cover = [1.0] * len(target_years) if coverage is None else coverage
    keys = sorted(range(len(target_years)), key=lambda i: (int(target_years[i]), bool(peaking[i]),
                                                           float(f"{central_level[i]:.12g}"), -float(cover[i]),
                                                           str(ids[i])))
    winners: dict[int, int] = {}
    for i in keys:
        winners.setdefault(int(target_years[i]), i)
    ordered = np.array(sorted(winners))
    pos = np.minimum(np.searchsorted(ordered, years, side="left"), len(ordered) - 1)
    return np.array([winners[int(y)] for y in ordered])[pos]


def _references(groups: pd.DataFrame, national: NationalSeries, years: np.ndarray,
                own_references: Mapping[int, np.ndarray] | None) -> np.ndarray:
    """X (G, T, M): ref_level * nat(t) / nat(ref_year), or a group's own projection."""
    nat, nat0 = national.growth, int(national.years[0])
    ref_year = groups["ref_year"].to_numpy(np.int64)
    X = nat[:, years - nat0].T[None] / nat[:, ref_year - nat0].T[:, None, :]
    X *= groups["ref_level"].to_numpy(float)[:, None, None]
    own = [g for g in (own_references or {}) if 0 <= g < len(groups)]
    if own:
        X[own] = np.stack([np.asarray(own_references[g], float) for g in own])[:, :, None]
    return X


def _reference_at(groups: pd.DataFrame, grp: np.ndarray, ty: np.ndarray, X: np.ndarray, years: np.ndarray,
                  national: NationalSeries) -> np.ndarray:
    """(C, M) reference of each row's group in its target year: held at the horizon beyond the last
    year, from the national index before the first."""
    first, last = int(years[0]), int(years[-1])
    xt = X[grp, np.clip(ty, first, last) - first]
    before = ty < first
    if before.any():
        nat, nat0 = national.growth, int(national.years[0])
        g = grp[before]
        ref_level, ref_year = groups["ref_level"].to_numpy(float)[g], groups["ref_year"].to_numpy(np.int64)[g]
        xt[before] = (ref_level[:, None] * nat[:, ty[before] - nat0].T) / nat[:, ref_year - nat0].T
    return xt


def _target_levels(rows: pd.DataFrame, xt: np.ndarray, s: PathwaySettings) -> tuple[np.ndarray, np.ndarray]:
    """(C, M) target-year levels over the whole actor-scope basis, split into data-scaled A and fixed B
    (zero for peaking rows).

    The covered part follows the target; coverage enters later through k_gov (method §4)."""
    def column(name: str) -> np.ndarray:  # optional columns (e.g. driver_ratio) only exist when used
        return rows[name].to_numpy(float) if name in rows else np.full(len(rows), np.nan)

    value, e_by, coverage = column("value"), column("e_by"), column("coverage")
    p = np.where(np.isfinite(value), value, 0.0)
    kind = rows["target_type"].to_numpy()
    known = ("absolute", "baseline", "intensity_gdp", "intensity_capita", "fixed_level", "net_zero",
             "renewable_electricity", "peaking")
    if not np.isin(kind, known).all():
        raise ValueError(f"unknown target type {kind[~np.isin(kind, known)][0]}")  # screened before
    A, B = np.zeros_like(xt), np.zeros_like(xt)
    A[kind == "absolute"] = (e_by * (1 - p))[kind == "absolute", None]
    bau = column("bau_emissions_mt")
    stated = (kind == "baseline") & np.isfinite(bau)  # reported BAU: fixed; else the reference
    B[stated] = (bau * (1 - p))[stated, None]
    scaled = (kind == "baseline") & ~stated
    A[scaled] = xt[scaled] * (1 - p[scaled, None])
    intensity = np.isin(kind, ("intensity_gdp", "intensity_capita"))
    A[intensity] = (e_by * (1 - p) * column("driver_ratio"))[intensity, None]
    fixed = kind == "fixed_level"  # stated for the covered part
    B[fixed] = np.divide(p, coverage, out=np.zeros_like(p), where=coverage > 0)[fixed, None]
    net_zero = kind == "net_zero"
    A[net_zero] = (s.residual_share * np.where(np.isfinite(e_by), e_by, 0.0))[net_zero, None]
    renewable = kind == "renewable_electricity"
    if renewable.any():
        share = column("reference_share")[renewable]
        gap = p[renewable] - np.where(np.isfinite(share), share, s.reference_share)
        cut = np.where(gap > 0, gap, 0.0) * rows["actor_type"][renewable].map(s.electricity_share).to_numpy(float)
        A[renewable] = xt[renewable] * (1 - cut[:, None])
    return A, B


def _same_year_winners(grp: np.ndarray, ty: np.ndarray, peaking: np.ndarray, central: np.ndarray,
                       coverage: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The row that wins each (group, target year), sorted by group and year: `governing`'s ranking
    (level targets first, then the lower level to 12 significant digits, the larger coverage, the id)."""
    span = int(ty.max()) + 1
    bucket = grp * span + ty  # one per group and target year, sorts by both
    _, inverse, counts = np.unique(bucket, return_inverse=True, return_counts=True)
    shared = counts[inverse] > 1  # only these need the level and id tie-breakers (rare: formatted in Python)
    level, id_rank = np.zeros(len(grp)), np.zeros(len(grp), dtype=np.int64)
    level[shared] = [float(f"{v:.12g}") for v in central[shared]]
    id_rank[shared] = np.unique(ids[shared].astype(str), return_inverse=True)[1]
    order = np.lexsort((id_rank, -coverage, level, peaking, ty, grp))
    return order[np.r_[True, bucket[order][1:] != bucket[order][:-1]]]


def _paths(groups: pd.DataFrame, knots: _Knots, X: np.ndarray, years: np.ndarray, national: NationalSeries,
           after_target: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None]:
    """U = X - PA and PB (None when all zero) from the knots: the reference up to the path year,
    linear from (path_year, path_level) through the knots after it, then the last knot (times the
    CPS trend under `cps_trend`). Only cells on a pathway are computed, each row in place; the third
    array marks them (elsewhere the pathway is the reference and moves with it). The fourth is
    PA_base, the same interpolation over the base-year-scaled knots only (None when there are none)."""
    kg, ky, KA, KB = knots.group, knots.year, knots.A, knots.B
    n_groups, n_years, n_members = X.shape
    y0 = groups["path_year"].to_numpy(np.int64)
    start = np.searchsorted(kg, np.arange(n_groups), side="left")
    end = np.searchsorted(kg, np.arange(n_groups), side="right")
    has = end > start
    last = np.where(has, ky[end - 1] if len(ky) else y0, y0)  # last knot year (path year when none)
    # knot table plus one start knot (path_year, path_level, 0) per group, at rows K + g
    EY = np.r_[ky, y0].astype(float)
    EA = np.vstack([KA, np.repeat(groups["path_level"].to_numpy(float)[:, None], n_members, axis=1)])
    EB = np.vstack([KB, np.zeros((n_groups, n_members))])
    start_base = (groups["path_anchor"] == "base_year").to_numpy() if "path_anchor" in groups else \
        np.zeros(n_groups, dtype=bool)
    by_base = knots.base.any() or start_base.any()
    EAb = np.vstack([KA * knots.base[:, None], EA[len(ky):] * start_base[:, None]]) if by_base else None
    PA_base = np.zeros_like(X) if by_base else None
    PAbf = PA_base.reshape(-1, n_members) if PA_base is not None else None
    fixed = np.zeros(n_groups, dtype=bool)  # groups with an unscaled level (the rest have PB = 0)
    fixed[kg[(KB != 0).any(axis=1)]] = True
    U, PB = np.zeros_like(X), (np.zeros_like(X) if fixed.any() else None)
    Xf, Uf = X.reshape(-1, n_members), U.reshape(-1, n_members)
    PBf = PB.reshape(-1, n_members) if PB is not None else None

    on_path = np.zeros((n_groups, n_years), dtype=bool)
    gi, ti = np.nonzero(has[:, None] & (years > y0[:, None]) & (years <= last[:, None]))
    on_path[gi, ti] = True
    span = int(max(ky.max(initial=0), years[-1])) + 1  # knot keys: group * span + year
    right = np.searchsorted(kg * span + ky, gi * span + years[ti], side="left")  # first knot at or after t
    left = np.where((right > start[gi]) & (ky[right - 1] > y0[gi]), right - 1, len(ky) + gi)
    lam = ((years[ti] - EY[left]) / (EY[right] - EY[left]))[:, None]
    Uf[gi * n_years + ti] = Xf[gi * n_years + ti] - _blend(EA, left, right, lam)
    if PAbf is not None:
        PAbf[gi * n_years + ti] = _blend(EAb, left, right, lam)
    if PBf is not None:
        f = fixed[gi]
        PBf[gi[f] * n_years + ti[f]] = _blend(EB, left[f], right[f], lam[f])

    gi, ti = np.nonzero(has[:, None] & (years > np.maximum(last, y0)[:, None]))
    on_path[gi, ti] = True
    k_last = end[gi] - 1
    trend = np.ones((len(gi), n_members))
    nat, nat0 = national.growth, int(national.years[0])
    if after_target == "cps_trend":
        use = ky[k_last] >= nat0
        trend[use] = (nat[:, years[ti[use]] - nat0] / nat[:, ky[k_last[use]] - nat0]).T
    Uf[gi * n_years + ti] = Xf[gi * n_years + ti] - KA[k_last] * trend
    if PAbf is not None:
        PAbf[gi * n_years + ti] = KA[k_last] * knots.base[k_last, None] * trend
    if PBf is not None:
        f = fixed[gi]
        PBf[gi[f] * n_years + ti[f]] = KB[k_last[f]] * trend[f]
    return (U, (PB if PB is not None and PB.any() else None), on_path,
            (PA_base if PA_base is not None and PA_base.any() else None))


def _blend(E: np.ndarray, left: np.ndarray, right: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """(1 - lam) * E[left] + lam * E[right] over rows of a knot table, in place on the gathered rows."""
    out = E[left]
    out *= 1 - lam
    part = E[right]
    part *= lam
    out += part
    return out


def _caps(grp: np.ndarray, ty: np.ndarray, xt: np.ndarray, X: np.ndarray, years: np.ndarray) -> np.ndarray | None:
    """V = X - PK where a peaking cap applies (-inf elsewhere), None when none does; PK is the lowest
    peak level of the group's peaking targets reached by year t."""
    live = ty <= years[-1]
    if not live.any():
        return None
    capped, local = np.unique(grp[live], return_inverse=True)
    pk = np.full((len(capped), *X.shape[1:]), np.inf)
    np.minimum.at(pk, (local, np.maximum(ty[live] - years[0], 0)), xt[live])
    np.minimum.accumulate(pk, axis=1, out=pk)
    V = np.full_like(X, -np.inf)
    V[capped] = np.where(np.isfinite(pk), X[capped] - pk, -np.inf)
    return V if np.isfinite(V).any() else None


def _governing_rows(grp: np.ndarray, ty: np.ndarray, winners: np.ndarray, years: np.ndarray, n_groups: int
                    ) -> np.ndarray:
    """(G, T) rows governing each year: the winner of the nearest target year at or after it, else the last."""
    span = int(max(ty.max(), years[-1])) + 1
    keys = grp[winners] * span + ty[winners]  # ascending: winners are sorted by group and year
    pos = np.searchsorted(keys, np.arange(n_groups)[:, None] * span + years[None, :], side="left")
    last_of_group = np.searchsorted(grp[winners], np.arange(n_groups), side="right") - 1
    return winners[np.minimum(pos, last_of_group[:, None])]
