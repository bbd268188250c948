"""Delivered fractions f for a case's commitments, from posterior draws, with numpy.

Per posterior draw s, the latent delivered fraction of commitment c of actor k is

    f[c, s] = mu + a_type[type] + a_source[source] + b_ambition * x_c + tau[type] * z[k, s]
              + shock[type, s]

- group-level parameters are shared within a draw (a source the model never saw gets one new
  level per draw from ``N(0, sigma_source)``, shared by its commitments);
- ``z[k, s]`` is one latent draw per *actor* (config ``achievement.correlation.per_actor``):
  California's 2020 and 2030 targets get the same actor effect, their ambition may differ;
  ``per_actor: false`` draws it per commitment (the independent sensitivity case);
- ``shock[type, s] ~ N(0, type_shock_sd)`` is a common shock per actor type and draw for the
  future period (``achievement.correlation.type_shock_sd``), so the aggregate interval does not
  collapse by the law of large numbers (method.md §9).

The data model allows f < 0 and f > 1; what the engine receives is ``achievement.engine_fraction``:
``clip`` (default, f clipped to [0, 1]: an actor does not undo national policy nor deliver more than
its pledge counts for) or ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from subnat.achievement.model import PARAMS, TYPES, ambition

#: Target types whose ``value`` is a reduction fraction, so ambition = value / (TY - BY).
REDUCTION_TYPES = ("absolute", "baseline", "intensity_gdp", "intensity_capita", "net_zero")
#: Prediction options (config achievement.engine_fraction and achievement.correlation.*).
DEFAULT_OPTIONS: dict[str, Any] = {"engine_fraction": "clip", "per_actor": True,
                                   "type_shock_sd": 0.3}


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[dict[str, np.ndarray], dict]:
    from subnat.achievement.posterior import read_posterior

    post, attrs = read_posterior(path, [p for p in PARAMS])
    return post, attrs


def load_posterior(posterior: str | Path | tuple) -> tuple[dict[str, np.ndarray], dict]:
    """(flattened draws by parameter, attrs) of a posterior.nc; a (post, attrs) tuple passes."""
    if isinstance(posterior, tuple):
        return posterior
    p = Path(posterior)
    return _load(str(p.resolve()), p.stat().st_mtime)


def options_from(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Prediction options from an ``achievement`` config section (``{value: ...}`` unwrapped)."""
    if not settings:
        return dict(DEFAULT_OPTIONS)
    val = lambda v: v["value"] if isinstance(v, Mapping) and "value" in v else v  # noqa: E731
    corr = settings.get("correlation", {}) or {}
    out = dict(DEFAULT_OPTIONS)
    if "engine_fraction" in settings:
        out["engine_fraction"] = val(settings["engine_fraction"])
    for k in ("per_actor", "type_shock_sd"):
        if k in corr:
            out[k] = val(corr[k])
    return out


def covariates(commitments: pd.DataFrame, attrs: dict) -> np.ndarray:
    """Standardised ambition of each commitment (0 = the data mean when unknown)."""
    value = pd.to_numeric(commitments["value"], errors="coerce").to_numpy(float)
    ok = commitments["target_type"].isin(REDUCTION_TYPES).to_numpy()
    value = np.where(ok, value, np.nan)
    by = pd.to_numeric(commitments["base_year"], errors="coerce").to_numpy(float)
    ty = pd.to_numeric(commitments["target_year"], errors="coerce").to_numpy(float)
    a = ambition(value, by, ty, float(attrs["ambition_clip_pct_per_year"]))
    return np.nan_to_num((a - attrs["ambition_center"]) / attrs["ambition_scale"], nan=0.0)


def _draw_index(n_post: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Posterior draws to use: a random subset, or whole permutations cycled when n_draws > n_post."""
    reps = -(-n_draws // n_post)
    return np.concatenate([rng.permutation(n_post) for _ in range(reps)])[:n_draws]


@dataclass(frozen=True)
class Predictors:
    """Predictors of n commitments, one entry per row (aligned arrays)."""

    type_idx: np.ndarray  # (n,) position in TYPES
    src: list[str]  # data source (a level of a_source, or an unseen one)
    x: np.ndarray  # (n,) standardised ambition
    covid: np.ndarray  # (n,) COVID indicator
    no_national: np.ndarray  # (n,) no national history indicator
    actor: list[str] | None = None  # actor of each row (shares its latent draw); None: own

    @classmethod
    def new_commitment(cls, type_idx: int, source: str) -> Predictors:
        """One commitment at mean ambition, no COVID effect, full national history."""
        return cls(np.array([type_idx]), [source], np.zeros(1), np.zeros(1), np.zeros(1))


def _per(v: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """(n, D) of a parameter by group (D, k) or scalar (D,)."""
    v = np.asarray(v)
    return v[:, idx].T if v.ndim == 2 else np.repeat(v[None, :], len(idx), axis=0)


def _clipped_normal_mean(m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """E[clip(X, 0, 1)] for X ~ N(m, s) (closed form)."""
    s = np.maximum(s, 1e-12)

    def part(c):  # E[min(X, c)] - c ... via E[(X - c)^+]
        u = (m - c) / s
        return (m - c) * ndtr(u) + s * np.exp(-0.5 * u * u) / np.sqrt(2 * np.pi)

    return part(0.0) - part(1.0)


def simulate(post: dict[str, np.ndarray], attrs: dict, rows: Predictors, n_draws: int,
             rng: np.random.Generator, expected: bool = False,
             options: Mapping[str, Any] | None = None) -> np.ndarray:
    """f (n, n_draws) as the engine receives it: one posterior draw per column.

    ``expected`` returns E[f | draw] over the actor effect and the type shock instead of a random
    outcome (for mean fractions). ``options``: see DEFAULT_OPTIONS.
    """
    opt = {**DEFAULT_OPTIONS, **(options or {})}
    if opt["engine_fraction"] not in ("clip", "raw"):
        raise ValueError(f"achievement.engine_fraction must be clip or raw, not {opt['engine_fraction']!r}")
    type_idx, src = rows.type_idx, rows.src
    n = len(type_idx)
    idx = _draw_index(len(post["mu"]), n_draws, rng)
    p = {k: v[idx] for k, v in post.items()}
    sources = list(attrs["sources"])
    new = sorted({s for s in src if s not in sources})
    z_new = rng.standard_normal((n_draws, len(new)))
    sig_s = np.broadcast_to(np.asarray(p.get("sigma_source", attrs.get("sigma_source", 0.0)),
                                       float), (n_draws,))
    # one column per level: the known sources, then one new level per unseen source
    levels = np.concatenate([p["a_source"], sig_s[:, None] * z_new], axis=1)
    col = {s: i for i, s in enumerate(sources)} | {s: len(sources) + j for j, s in enumerate(new)}
    mean = (p["mu"][None, :] + p["a_type"][:, type_idx].T + levels[:, [col[s] for s in src]].T
            + np.outer(rows.x, p["b_ambition"]) + np.outer(rows.covid, p["b_covid"])
            + np.outer(rows.no_national, p["b_no_national"]))
    tau = _per(p["tau"], type_idx)
    sd_shock = float(opt["type_shock_sd"])
    if expected:
        if opt["engine_fraction"] == "raw":
            return mean
        return _clipped_normal_mean(mean, np.sqrt(tau**2 + sd_shock**2))
    if opt["per_actor"] and rows.actor is not None:
        key = {a: i for i, a in enumerate(dict.fromkeys(rows.actor))}
        which = np.array([key[a] for a in rows.actor], dtype=int)
    else:
        key, which = None, np.arange(n)
    z = rng.standard_normal((len(key) if key is not None else n, n_draws))[which]
    shock = sd_shock * rng.standard_normal((len(TYPES), n_draws))[type_idx]
    f = mean + tau * z + shock
    return np.clip(f, 0.0, 1.0) if opt["engine_fraction"] == "clip" else f


def _predictors(commitments: pd.DataFrame, attrs: dict) -> Predictors:
    unknown = set(commitments["actor_type"]) - set(TYPES)
    if unknown:
        raise ValueError(f"commitments: unknown actor_type {sorted(unknown)} (expected {TYPES})")
    type_idx = np.array([TYPES.index(t) for t in commitments["actor_type"]], dtype=int)
    src = commitments["source"].fillna("unknown").astype(str).tolist()
    n = len(commitments)
    actor = (commitments["actor_id"].astype(str).tolist() if "actor_id" in commitments
             else None)
    return Predictors(type_idx, src, covariates(commitments, attrs), np.zeros(n), np.zeros(n),
                      actor)


def draw_fractions(posterior: str | Path, commitments: pd.DataFrame, n_draws: int,
                   seed: int, options: Mapping[str, Any] | None = None) -> np.ndarray:
    """Delivered fraction f, shape (len(commitments), n_draws), float64 ([0, 1] unless
    ``options['engine_fraction'] == 'raw'``).

    commitments has columns commitment_id, actor_id (targets of one actor share its latent draw;
    without it every commitment is its own actor), actor_type (region|city|company), source,
    target_type, value, base_year (may be NaN), target_year, status (law|policy|pledge).
    Deterministic for a given seed; future years carry no COVID effect and full national history.
    """
    post, attrs = load_posterior(posterior)
    rng = np.random.default_rng(seed)
    if len(commitments) == 0:
        return np.zeros((0, n_draws))
    return simulate(post, attrs, _predictors(commitments, attrs), n_draws, rng,
                    options=options).astype(np.float64)


def mean_fractions(posterior: str | Path, commitments: pd.DataFrame,
                   options: Mapping[str, Any] | None = None) -> np.ndarray:
    """Posterior mean delivered fraction of each commitment, shape (len(commitments),).

    Averages E[f | draw] over every posterior draw (unseen sources: one new level per draw from
    a fixed seed, so the result is deterministic).
    """
    post, attrs = load_posterior(posterior)
    if len(commitments) == 0:
        return np.zeros(0)
    n_post = len(post["mu"])
    f = simulate(post, attrs, _predictors(commitments, attrs), n_post, np.random.default_rng(0),
                 expected=True, options=options)
    return f.mean(axis=1)
