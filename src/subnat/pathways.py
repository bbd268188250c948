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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from subnat.config import value as cfg
from subnat.national import NationalSeries


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

    def special_groups(self) -> np.ndarray:
        """(G,) bool: groups with unscaled levels or peaking caps (computed in full by the engine)."""
        special = np.zeros(len(self.X), dtype=bool)
        if self.PB is not None:
            special |= (self.PB != 0).any(axis=(1, 2))
        if self.V is not None:
            special |= np.isfinite(self.V).any(axis=(1, 2))
        return special


def build_pathways(groups: pd.DataFrame, commitments: pd.DataFrame, national: NationalSeries,
                   years: np.ndarray, config: Mapping[str, Any],
                   own_references: Mapping[int, np.ndarray] | None = None) -> Pathways:
    """Precompute references and pathways for every group at once (numpy over groups and rows).

    `own_references` replaces the growth index of some groups by their own projection over
    `years` (the ETS alternative of method §3); it is the same for every CPS member.
    `governing` is the readable per-group statement of the governing rule reproduced here."""
    settings = _Settings(config)
    X = _references(groups, national, years, own_references)
    weight = groups["weight"].to_numpy(float)
    if not len(groups):
        empty = np.zeros((0, len(years)))
        return Pathways(years=years, X=X, U=X.copy(), V=None, PB=None, kw=empty, weight=weight,
                        gov=empty.astype(np.int64))
    grp = commitments["group"].to_numpy(np.int64)
    if np.bincount(grp, minlength=len(groups)).min() == 0:
        raise ValueError("every group needs at least one commitment")
    ty = commitments["target_year"].to_numpy(float).astype(np.int64)
    peaking = (commitments["target_type"] == "peaking").to_numpy()
    xt = _reference_at(groups, grp, ty, X, years, national)
    A, B = _target_levels(commitments, xt, settings)
    central = np.where(peaking, xt[:, 0], A[:, 0] + B[:, 0])  # level at central data, first CPS member
    U, PB = _paths(groups, *_knots(grp[~peaking], ty[~peaking], A[~peaking], B[~peaking]), X, years, national,
                   settings)
    V = _caps(grp[peaking], ty[peaking], xt[peaking], X, years)
    rows = _governing_rows(grp, ty, peaking, central, commitments["commitment_id"].to_numpy(), years, len(groups))
    kw = weight[:, None] * commitments["coverage"].to_numpy(float)[rows]
    return Pathways(years=years, X=X, U=U, V=V, PB=PB, kw=kw, weight=weight,
                    gov=commitments.index.to_numpy()[rows].astype(np.int64))


class _Settings:
    def __init__(self, config: Mapping[str, Any]):
        self.after = cfg(config, "pathway.after_target")
        self.residual = cfg(config, "net_zero.residual_share")
        self.re_share = cfg(config, "renewable_electricity.reference_share")
        self.elec = cfg(config, "renewable_electricity.electricity_share_of_emissions")


def governing(target_years: Sequence[float], peaking: Sequence[bool], central_level: Sequence[float],
              ids: Sequence[str], years: np.ndarray) -> np.ndarray:
    """Per year, the position of the governing target (method §5): the nearest target year at or
    after the year, else the last. Several targets in one year: the one whose level wins (lowest at
    central data and the first CPS member; level targets before peaking ones; then commitment_id),
    so file order never matters. Levels equal to 12 significant digits tie (the same level computed
    in two orders may differ in the last bit) and go to the tie-breakers."""
    keys = sorted(range(len(target_years)), key=lambda i: (int(target_years[i]), bool(peaking[i]),
                                                           float(f"{central_level[i]:.12g}"), str(ids[i])))
    winners: dict[int, int] = {}
    for i in keys:
        winners.setdefault(int(target_years[i]), i)
    ordered = np.array(sorted(winners))
    pos = np.minimum(np.searchsorted(ordered, years, side="left"), len(ordered) - 1)
    return np.array([winners[int(y)] for y in ordered])[pos]


def _references(groups: pd.DataFrame, national: NationalSeries, years: np.ndarray,
                own_references: Mapping[int, np.ndarray] | None) -> np.ndarray:
    """X (G, T, M): ref_level * nat(t) / nat(ref_year), or a group's own projection."""
    nat, nat0 = national.index, int(national.years[0])
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
        nat, nat0 = national.index, int(national.years[0])
        g = grp[before]
        ref_level, ref_year = groups["ref_level"].to_numpy(float)[g], groups["ref_year"].to_numpy(np.int64)[g]
        xt[before] = (ref_level[:, None] * nat[:, ty[before] - nat0].T) / nat[:, ref_year - nat0].T
    return xt


def _target_levels(rows: pd.DataFrame, xt: np.ndarray, s: _Settings) -> tuple[np.ndarray, np.ndarray]:
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
    bau = column("bau_emissions_mt")
    scaled = (kind == "baseline") & ~np.isfinite(bau)
    A[kind == "absolute"] = (e_by * (1 - p))[kind == "absolute", None]
    B[(kind == "baseline") & ~scaled] = (bau * (1 - p))[(kind == "baseline") & ~scaled, None]
    A[scaled] = xt[scaled] * (1 - p[scaled, None])
    intensity = np.isin(kind, ("intensity_gdp", "intensity_capita"))
    A[intensity] = (e_by * (1 - p) * column("driver_ratio"))[intensity, None]
    fixed = kind == "fixed_level"  # stated for the covered part
    B[fixed] = np.divide(p, coverage, out=np.zeros_like(p), where=coverage > 0)[fixed, None]
    net_zero = kind == "net_zero"
    A[net_zero] = (s.residual * np.where(np.isfinite(e_by), e_by, 0.0))[net_zero, None]
    renewable = kind == "renewable_electricity"
    if renewable.any():
        share = column("reference_share")[renewable]
        gap = p[renewable] - np.where(np.isfinite(share), share, s.re_share)
        cut = np.where(gap > 0, gap, 0.0) * rows["actor_type"][renewable].map(s.elec).to_numpy(float)
        A[renewable] = xt[renewable] * (1 - cut[:, None])
    return A, B


def _knots(grp: np.ndarray, ty: np.ndarray, A: np.ndarray, B: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pathway knots (group, year, A, B) of the non-peaking rows, sorted by group and year.

    Two targets in one year: the lower level wins per member, the earlier row on a tie."""
    order = np.lexsort((np.arange(len(grp)), ty, grp))
    grp, ty = grp[order], ty[order]
    new = np.r_[True, (grp[1:] != grp[:-1]) | (ty[1:] != ty[:-1])]
    knot = np.cumsum(new) - 1
    rank = np.arange(len(grp)) - np.flatnonzero(new)[knot]
    KA, KB = A[order[new]], B[order[new]]
    for k in range(1, int(rank.max(initial=0)) + 1):  # rare: k-th row of a (group, year) vs the winner so far
        row, k_id = order[rank == k], knot[rank == k]
        a, b, old_a, old_b = A[row], B[row], KA[k_id], KB[k_id]
        keep_new = (a + b) < (old_a + old_b)
        KA[k_id], KB[k_id] = np.where(keep_new, a, old_a), np.where(keep_new, b, old_b)
    return grp[new], ty[new], KA, KB


def _paths(groups: pd.DataFrame, kg: np.ndarray, ky: np.ndarray, KA: np.ndarray, KB: np.ndarray, X: np.ndarray,
           years: np.ndarray, national: NationalSeries, s: _Settings) -> tuple[np.ndarray, np.ndarray | None]:
    """U = X - PA and PB (None when all zero) from the knots: the reference up to the path year,
    linear from (path_year, path_level) through the knots after it, then the last knot (times the
    CPS trend under `cps_trend`)."""
    n_groups = len(groups)
    y0 = groups["path_year"].to_numpy(np.int64)
    start = np.searchsorted(kg, np.arange(n_groups), side="left")
    end = np.searchsorted(kg, np.arange(n_groups), side="right")
    has = end > start
    last = np.where(has, ky[np.maximum(end - 1, 0)] if len(ky) else y0, y0)
    U = np.zeros_like(X)
    pb_parts = []

    gi, ti = np.nonzero(has[:, None] & (years > y0[:, None]) & (years <= last[:, None]))
    t = years[ti]
    span = int(max(ky.max(initial=0), years[-1])) + 1  # knot keys: group * span + year
    right = np.searchsorted(kg * span + ky, gi * span + t, side="left")  # first knot at or after t
    left = right - 1
    knot_left = (left >= start[gi]) & (ky[left] > y0[gi])  # else the start (path_year, path_level, 0)
    ly = np.where(knot_left, ky[left], y0[gi]).astype(float)
    lam = ((t - ly) / (ky[right] - ly))[:, None]
    la = np.where(knot_left[:, None], KA[left], groups["path_level"].to_numpy(float)[gi, None])
    lb = np.where(knot_left[:, None], KB[left], 0.0)
    U[gi, ti] = X[gi, ti] - ((1 - lam) * la + lam * KA[right])
    pb_parts.append((gi, ti, (1 - lam) * lb + lam * KB[right]))

    gi, ti = np.nonzero(has[:, None] & (years > np.maximum(last, y0)[:, None]))
    k_last = end[gi] - 1
    trend = np.ones((len(gi), X.shape[2]))
    nat, nat0 = national.index, int(national.years[0])
    if s.after == "cps_trend":
        use = ky[k_last] >= nat0
        trend[use] = (nat[:, years[ti[use]] - nat0] / nat[:, ky[k_last[use]] - nat0]).T
    U[gi, ti] = X[gi, ti] - KA[k_last] * trend
    pb_parts.append((gi, ti, KB[k_last] * trend))

    if not any(part.any() for *_, part in pb_parts):
        return U, None
    PB = np.zeros_like(X)
    for gi, ti, part in pb_parts:
        PB[gi, ti] = part
    return U, PB


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


def _governing_rows(grp: np.ndarray, ty: np.ndarray, peaking: np.ndarray, central: np.ndarray, ids: np.ndarray,
                    years: np.ndarray, n_groups: int) -> np.ndarray:
    """(G, T) positions of the governing rows: `governing` for every group at once."""
    span = int(max(ty.max(), years[-1]) - min(ty.min(), years[0])) + 1
    base = min(int(ty.min()), int(years[0]))
    bucket = grp * span + (ty - base)  # one per group and target year
    _, inverse, counts = np.unique(bucket, return_inverse=True, return_counts=True)
    shared = counts[inverse] > 1  # only these need the level and id tie-breakers (rare: formatted in Python)
    level, id_rank = np.zeros(len(grp)), np.zeros(len(grp), dtype=np.int64)
    level[shared] = [float(f"{v:.12g}") for v in central[shared]]
    id_rank[shared] = np.unique(ids[shared].astype(str), return_inverse=True)[1]
    order = np.lexsort((id_rank, level, peaking, ty, grp))
    winners = order[np.r_[True, bucket[order][1:] != bucket[order][:-1]]]  # sorted by group and year
    wanted = np.arange(n_groups)[:, None] * span + (years[None, :] - base)
    pos = np.searchsorted(bucket[winners], wanted, side="left")  # nearest target year at or after t
    last_of_group = np.searchsorted(grp[winners], np.arange(n_groups), side="right") - 1
    return winners[np.minimum(pos, last_of_group[:, None])]
