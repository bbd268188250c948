"""Draws of the national projection error, the actors' reference-growth error and their data
errors (method §9).

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

Data errors (issue 16 item 4), lognormal with median 1, by actor type and measurement:

    e_a,s = exp(sigma_mry z_a,s)            latest inventory (MRY): the reference, the MRY anchor of
                                            the pathway, peaking caps, reference-based target levels
    b_g,s = exp(sigma_by zb_g,s)            base-year emissions: absolute, intensity and net-zero
                                            target levels (and the start anchor under anchor: base_year)
    zb_g,s = r_g z_a,s + sqrt(1 - r_g^2) eps_a,s
    c_g,s = w'_g,s / w_g                    scope split: the scope weight from drawn scope shares

r_g is the rule for one measurement or two: 1 (b = e) where the base year is the reference's own
anchor (base-year fallback) or the inventory's MRY row itself; `actor_base_year_correlation` where
the base year is another row of the case's inventory (one inventory, one method: level errors that
persist from year to year); 0 where a target states its own base-year emissions (commitments.csv
base_year_emissions_mt: a separate report). A group's targets share one base-year factor (they
normally share one base year). The scope split: shares q_s of the group's single scopes in the MRY
are drawn as q_s exp(sigma_split eps_s) renormalised, so the total stays the measured one (its
error is e); it moves only groups whose scopes count with different weights (scope 3, market-based
scope 2) and whose split is reported. c multiplies everything of the group (the weight does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from subnat import draws as rnd
from subnat.aggregate.national import NationalSeries
from subnat.aggregate.screen import Screened, scope_split
from subnat.aggregate.settings import UncertaintySettings
from subnat.case.scopes import parse_scope

Factor = Callable[[int, int], np.ndarray]  # (s0, s1) -> (G, s1 - s0), screened group order


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


@dataclass(frozen=True)
class DataErrors:
    """The data-error draws of one case, each (s0, s1) -> (G, s1 - s0) in screened group order."""

    latest: Factor  # e: latest inventory (MRY) and everything anchored on it
    base_year: Factor | None = None  # b: base-year emissions; None: one factor for both (e)
    scope_split: Factor | None = None  # c: factor on the scope weight; None: not drawn

    def fields(self) -> dict[str, Factor | None]:
        """The engine's ScenarioDraws fields."""
        return {"data_factor": self.latest, "base_factor": self.base_year, "weight_factor": self.scope_split}


def data_errors(screened: Screened, uncertainty: UncertaintySettings, scope_weights: Mapping[str, float],
                seed: int) -> DataErrors | None:
    """The lognormal actor-data errors of method §9, None when `actor_data_error` is off. Without
    `actor_data_separate` one factor per actor scales base-year, MRY and reference alike (as before)."""
    groups = screened.groups
    if not uncertainty.actor_data_error or groups.empty:
        return None
    actors = list(dict.fromkeys(groups["actor_id"]))
    position = {a: i for i, a in enumerate(actors)}
    type_of = dict(zip(groups["actor_id"], groups["actor_type"], strict=False))
    sigma = np.array([uncertainty.actor_data_sigma[type_of[a]] for a in actors])[:, None]
    rows = groups["actor_id"].map(position).to_numpy()

    identity = np.array_equal(rows, np.arange(len(actors)))  # one group per actor: no gather

    def latest(s0: int, s1: int) -> np.ndarray:
        z = rnd.normals(seed, "data_error", len(actors), s0, s1)
        z *= sigma
        e = np.exp(z, out=z)
        return e if identity else e[rows]

    if not uncertainty.actor_data_separate:
        return DataErrors(latest)
    return DataErrors(latest, _base_year_factor(groups, uncertainty, seed, latest),
                      _scope_split_factor(screened, uncertainty, scope_weights, seed))


def base_year_correlation(groups: pd.DataFrame, correlation: float) -> np.ndarray:
    """(G,) correlation of each group's base-year error with its MRY error (the rule of the module
    docstring, from screen's `base_year_from`)."""
    source = groups["base_year_from"] if "base_year_from" in groups else pd.Series("same", index=groups.index)
    return source.map({"same": 1.0, "": 1.0, "inventory": float(correlation), "stated": 0.0}).to_numpy(float)


def _base_year_factor(groups: pd.DataFrame, uncertainty: UncertaintySettings, seed: int, latest: Factor
                      ) -> Factor:
    """b per group and draw; exactly e where the two are one measurement."""
    actors = list(dict.fromkeys(groups["actor_id"]))
    position = {a: i for i, a in enumerate(actors)}
    rows = groups["actor_id"].map(position).to_numpy()
    types = groups["actor_type"].to_numpy()
    by_sigma = np.array([uncertainty.actor_base_year_sigma[k] for k in types])[:, None]
    r = base_year_correlation(groups, uncertainty.actor_base_year_correlation)
    same = r >= 1.0
    keep, own = r[:, None], np.sqrt(1.0 - np.minimum(r, 1.0) ** 2)[:, None]

    identity = np.array_equal(rows, np.arange(len(actors)))  # one group per actor: no gather

    def base(s0: int, s1: int) -> np.ndarray:
        z = rnd.normals(seed, "data_error", len(actors), s0, s1)  # the MRY error's normals
        eps = rnd.normals(seed, "data_error_base_year", len(actors), s0, s1)
        if not identity:
            z, eps = z[rows], eps[rows]
        z *= keep  # in place: by_sigma (keep z + own eps), then exp
        eps *= own
        z += eps
        z *= by_sigma
        b = np.exp(z, out=z)
        if same.any():
            b[same] = latest(s0, s1)[same]
        return b

    return base


def _scope_split_factor(screened: Screened, uncertainty: UncertaintySettings, scope_weights: Mapping[str, float],
                        seed: int) -> Factor | None:
    """c per group and draw, None when no group has a reported split of scopes with different weights."""
    groups = screened.groups
    sigma_by_type = uncertainty.actor_scope_split_sigma
    shares, weights, active = [], [], []
    for g, group in enumerate(groups.itertuples(index=False)):
        parts = sorted(parse_scope(group.scope))
        split = scope_split(screened.inventory, group.actor_id, group.scope, int(group.ref_year))
        w = [float(scope_weights[p]) for p in parts]
        sigma = float(sigma_by_type.get(group.actor_type, 0.0))
        if split is None or len(parts) < 2 or len(set(w)) < 2 or sigma <= 0 or sum(split.values()) <= 0:
            continue
        total = sum(split.values())
        active.append((g, sigma))
        shares.append([split[p] / total for p in parts])
        weights.append(w)
    if not active:
        return None
    width = max(len(q) for q in shares)
    q = np.zeros((len(active), width))
    w = np.zeros((len(active), width))
    for i, (qi, wi) in enumerate(zip(shares, weights, strict=True)):
        q[i, :len(qi)], w[i, :len(wi)] = qi, wi
    index = np.array([g for g, _ in active])
    sig = np.array([x for _, x in active])[:, None, None]
    w0 = (q * w).sum(axis=1)[:, None]  # the group's weight at the reported split
    n_groups = len(groups)

    def split(s0: int, s1: int) -> np.ndarray:
        z = rnd.normals(seed, "scope_split", n_groups * width, s0, s1).reshape(n_groups, width, s1 - s0)[index]
        drawn = q[:, :, None] * np.exp(sig * z)
        drawn /= drawn.sum(axis=1, keepdims=True)
        out = np.ones((n_groups, s1 - s0))
        out[index] = (drawn * w[:, :, None]).sum(axis=1) / np.where(w0 > 0, w0, 1.0)
        return out

    return split
