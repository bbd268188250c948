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
    """Precompute references and pathways for every group (loop over groups, not over draws).

    `own_references` replaces the growth index of some groups by their own projection over
    `years` (the ETS alternative of method §3); it is the same for every CPS member."""
    n_groups, n_years, n_members = len(groups), len(years), len(national.names)
    shape = (n_groups, n_years, n_members)
    X = np.zeros(shape)
    U = np.zeros(shape)
    V = np.full(shape, -np.inf)
    PB = np.zeros(shape)
    kw = np.zeros((n_groups, n_years))
    gov = np.zeros((n_groups, n_years), dtype=np.int64)
    settings = _Settings(config)
    nat = national.index  # (M, Y)
    t_pos = years - national.years[0]
    by_group = commitments.groupby("group").indices if len(commitments) else {}
    records = list(commitments.itertuples(index=True))  # one pass over pandas, then plain tuples
    for g, group in enumerate(groups.itertuples(index=False)):
        rows = [records[i] for i in np.sort(by_group[g])]
        if own_references and g in own_references:
            x = np.repeat(np.asarray(own_references[g], float)[:, None], n_members, axis=1)
        else:
            ratio = nat[:, t_pos] / nat[:, [group.ref_year - national.years[0]]]  # (M, T)
            x = group.ref_level * ratio.T  # (T, M)
        pa, pb, pk, central = _group_path(group, rows, x, years, nat, national.years[0], settings)
        X[g], U[g], PB[g] = x, x - pa, pb
        V[g] = np.where(np.isfinite(pk), x - pk, -np.inf)
        gov_rows = governing([r.target_year for r in rows], [r.target_type == "peaking" for r in rows], central,
                             [r.commitment_id for r in rows], years)
        gov[g] = np.array([r.Index for r in rows])[gov_rows]
        kw[g] = group.weight * np.array([r.coverage for r in rows], dtype=float)[gov_rows]
    return Pathways(years=years, X=X, U=U, V=V if np.isfinite(V).any() else None,
                    PB=PB if PB.any() else None, kw=kw, weight=groups["weight"].to_numpy(float), gov=gov)


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


def _group_path(group: Any, rows: list[Any], x: np.ndarray, years: np.ndarray, nat: np.ndarray,
                nat_start: int, s: _Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """PA, PB, PK of one group, each (T, M), and each row's target level at central data (member 0)."""
    n_years, n_members = x.shape
    pk = np.full((n_years, n_members), np.inf)
    knots: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    last_year = int(years[-1])

    def x_at(year: int) -> np.ndarray:  # reference in a year; held at the horizon beyond it
        return x[min(year, last_year) - int(years[0])] if year >= years[0] else \
            group.ref_level * nat[:, year - nat_start] / nat[:, group.ref_year - nat_start]

    central = np.zeros(len(rows))
    for i, row in enumerate(rows):
        ty = int(row.target_year)
        if row.target_type == "peaking":
            central[i] = x_at(ty)[0]
            if ty <= last_year:
                after = years >= ty
                pk[after] = np.minimum(pk[after], x_at(ty))
            continue
        a, b = _target_level(row, x_at(ty), s, n_members)
        central[i] = a[0] + b[0]
        if ty in knots:  # two targets in one year: the lower level wins (compared at central data)
            old_a, old_b = knots[ty]
            keep_new = (a + b) < (old_a + old_b)
            a, b = np.where(keep_new, a, old_a), np.where(keep_new, b, old_b)
        knots[ty] = (a, b)
    if not knots:
        return x.copy(), np.zeros_like(x), pk, central
    y0 = int(group.path_year)
    start = (np.full(n_members, float(group.path_level)), np.zeros(n_members))
    ahead = sorted(y for y in knots if y > y0)
    last = max(knots)
    pa, pb = x.copy(), np.zeros_like(x)
    if ahead:
        knot_years = np.array([y0, *ahead], dtype=float)
        knot_a = np.vstack([start[0], *[knots[y][0] for y in ahead]])  # (K, M)
        knot_b = np.vstack([start[1], *[knots[y][1] for y in ahead]])
        inside = (years > y0) & (years <= last)
        right = np.searchsorted(knot_years, years[inside], side="left")  # knot at or after t (>= 1)
        lam = ((years[inside] - knot_years[right - 1]) / (knot_years[right] - knot_years[right - 1]))[:, None]
        pa[inside] = (1 - lam) * knot_a[right - 1] + lam * knot_a[right]
        pb[inside] = (1 - lam) * knot_b[right - 1] + lam * knot_b[right]
    after = years > max(last, y0)
    if after.any():
        a_last, b_last = knots[last]
        trend = np.ones((after.sum(), n_members))
        if s.after == "cps_trend" and last >= nat_start:
            trend = (nat[:, years[after] - nat_start] / nat[:, [last - nat_start]]).T
        pa[after] = a_last * trend
        pb[after] = b_last * trend
    return pa, pb, pk, central


def _target_level(row: Any, x_ty: np.ndarray, s: _Settings, n_members: int) -> tuple[np.ndarray, np.ndarray]:
    """Target-year level over the whole actor-scope basis, split into data-scaled A and fixed B.

    The covered part follows the target; coverage enters later through k_gov (method §4)."""
    p = float(row.value) if np.isfinite(row.value) else 0.0
    zeros = np.zeros(n_members)
    kind = row.target_type
    if kind == "absolute":
        return np.full(n_members, row.e_by * (1 - p)), zeros
    if kind == "baseline":
        if np.isfinite(row.bau_emissions_mt):
            return zeros, np.full(n_members, row.bau_emissions_mt * (1 - p))
        return x_ty * (1 - p), zeros
    if kind in ("intensity_gdp", "intensity_capita"):
        return np.full(n_members, row.e_by * (1 - p) * row.driver_ratio), zeros
    if kind == "fixed_level":
        level = p / row.coverage if row.coverage > 0 else 0.0  # stated for the covered part
        return zeros, np.full(n_members, level)
    if kind == "net_zero":
        e_by = row.e_by if np.isfinite(row.e_by) else 0.0
        return np.full(n_members, s.residual * e_by), zeros
    if kind == "renewable_electricity":
        share_ref = row.reference_share if np.isfinite(row.reference_share) else s.re_share
        cut = max(0.0, p - share_ref) * s.elec[row.actor_type]
        return x_ty * (1 - cut), zeros
    raise ValueError(f"unknown target type {kind}")  # screened before; never reached
