"""Draws of the national projection error and of the actors' reference-growth error (method §9).

Both are multiplicative factors on the log scale, drawn once per run and shared by the scenarios
(same seed, same numbers):

    CPS(t, s)      = CPS_m(t) x exp(-bias(h_t) [if applied] + sd(h_t) z_s),  h_t = t - last history year

The calibration's error is projection minus outturn (log growth, subnat.uncertainty.projection_error),
so a positive bias (past projections ran high) lowers the drawn outturn: hence the minus sign.

    E_ref(a, t, s) = E_ref(a, t) x CPS-factor ratio x exp(sd_type (h_a,t / 10) ** p  z_a,s),  h_a,t = t - MRY
    z_a,s          = sqrt(rho) z_parent(a),s + sqrt(1 - rho) eps_a,s   (z_a,s = eps_a,s without a parent)

The engine gets the draw-independent sd per group and year and forms exp(sd z) inside its kernel,
so no (group, year, draw) array is ever built.

What moves and what does not (approximations, documented in report.md's limitations):
- the reference of every growth-index group and the national CPS (so the O3 proxy share and the
  NDC gap) move; a target's pathway does not: it is anchored on data and the target, except
  before its pathway starts (there the pathway is the reference and moves with it);
- peaking caps stay at the undrawn reference in the peak year;
- baseline and renewable-share target levels stay at the undrawn reference of their target year;
- `pathway.after_target: cps_trend` continues with the undrawn national index;
- which of two same-year targets governs is decided at undrawn central data (pathways.governing);
- groups with their own (ETS) reference follow neither error (their ETS noise stands in);
- the reference-growth factor has median 1 (mean exp(sd^2 / 2)), as the config states it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from subnat import draws as rnd
from subnat.aggregate.national import NationalSeries
from subnat.aggregate.settings import UncertaintySettings


def projection_applies(uncertainty: UncertaintySettings, national: NationalSeries) -> bool:
    """`auto`: only where the drawn national series has one member (an ensemble carries its own range)."""
    rule = uncertainty.projection_error
    return rule == "on" or (rule == "auto" and len(national.names) == 1)


def last_history_year(national: NationalSeries) -> int:
    """The projection starts after the last inventory year (the first series year without history)."""
    if len(national.history):
        return int(national.history.index.max())
    return int(national.years[0]) - 1


def horizon_curve(pairs: tuple[tuple[float, float], ...], horizon: np.ndarray) -> np.ndarray:
    """Linear interpolation of (horizon, value) pairs, flat beyond the ends; 0 at horizon 0 (history is known)."""
    h, v = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    return np.where(horizon > 0, np.interp(horizon, h, v), 0.0)


def projection_factor(national: NationalSeries, uncertainty: UncertaintySettings, seed: int, n_draws: int
                      ) -> np.ndarray | None:
    """(S, Y) factor on the national CPS over `national.years`, or None when the error is off."""
    if not projection_applies(uncertainty, national):
        return None
    horizon = np.maximum(0, national.years - last_history_year(national)).astype(float)
    sd = horizon_curve(uncertainty.projection_error_sd, horizon)
    bias = horizon_curve(uncertainty.projection_error_bias, horizon) if uncertainty.projection_error_apply_bias \
        else np.zeros_like(horizon)
    z = rnd.normals(seed, "projection_error", 1, 0, n_draws)[0]
    return np.exp(-bias[None, :] + sd[None, :] * z[:, None])  # outturn = projection x exp(-error)


def growth_sd(groups: pd.DataFrame, years: np.ndarray, uncertainty: UncertaintySettings,
              own_references: set[int] | frozenset[int] = frozenset()) -> np.ndarray | None:
    """(G, T) sd of each group's log reference deviation, or None when the error is off. Groups with
    their own (ETS) reference do not follow the national index: 0."""
    if not uncertainty.reference_growth or groups.empty:
        return None
    by_type = uncertainty.reference_growth_sd_per_decade
    sd_type = groups["actor_type"].map(lambda k: float(by_type.get(k, 0.0))).to_numpy(float)
    horizon = np.maximum(0, years[None, :] - groups["ref_year"].to_numpy(np.int64)[:, None]).astype(float)
    shape = np.zeros_like(horizon)
    np.power(horizon / 10.0, uncertainty.reference_growth_exponent, out=shape, where=horizon > 0)
    sd = sd_type[:, None] * shape
    if own_references:
        sd[sorted(own_references)] = 0.0
    return sd if sd.any() else None


def actor_rows(actors: pd.DataFrame) -> np.ndarray:
    """Row of each actor (actors-table order) in the reference-growth normals: its rank by actor_id."""
    ids = actors["actor_id"].tolist()
    rank = {a: i for i, a in enumerate(sorted(ids))}
    return np.array([rank[a] for a in ids], dtype=np.int64)


def growth_normals(actors: pd.DataFrame, groups: pd.DataFrame, rho: float, seed: int
                   ) -> Callable[[int, int], np.ndarray]:
    """(s0, s1) -> (G, s1 - s0) standard normals z of each group's actor, correlated within a parent.

    One eps per actor of the case, rows in actor_id order (`actor_rows`: file order changes nothing);
    an actor's z adds sqrt(rho) times its parent's z when the parent is an actor of the case, so two
    actors of one parent correlate at rho."""
    ids = sorted(actors["actor_id"].tolist())
    position = {a: i for i, a in enumerate(ids)}
    parent_of = dict(zip(actors["actor_id"], actors["parent_id"], strict=True))
    parent = np.array([position.get(parent_of[a], -1) if parent_of[a] else -1 for a in ids], dtype=np.int64)
    depth = np.full(len(ids), -1, dtype=np.int64)
    for i in range(len(ids)):  # memoised walk up: every actor visited once
        chain, x = [], i
        while depth[x] < 0 and parent[x] >= 0 and x not in chain:
            chain.append(x)
            x = parent[x]
        if depth[x] < 0:
            depth[x] = 0
        d = depth[x]
        for y in reversed(chain):
            d += 1
            depth[y] = d
    levels = [np.flatnonzero(depth == d) for d in range(1, int(depth.max(initial=0)) + 1)]
    rows = groups["actor_id"].map(position).to_numpy(np.int64)
    keep, share = np.sqrt(1.0 - rho), np.sqrt(rho)

    def normals(s0: int, s1: int) -> np.ndarray:
        z = rnd.normals(seed, "reference_growth", len(ids), s0, s1)
        for level in levels:  # parents before children
            z[level] = share * z[parent[level]] + keep * z[level]
        return z[rows]

    return normals
