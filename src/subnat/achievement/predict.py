"""Delivered fractions f for a case's commitments, from posterior draws, with numpy.

Group-level parameters are shared within a draw: all commitments of one actor type use the same
``a_type[type, s]``, and all commitments of one data source the same ``a_source[source, s]``
(a source the model never saw gets one new level per draw from ``N(0, sigma_source[s])``,
shared by its commitments). So commitments are correlated across draws and the aggregate
interval does not collapse by the law of large numbers (method.md §9).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from subnat.achievement.model import PARAMS, TYPES, ambition, category_probs, gap_of

#: Target types whose ``value`` is a reduction fraction, so ambition = value / (TY - BY).
REDUCTION_TYPES = ("absolute", "baseline", "intensity_gdp", "intensity_capita", "net_zero")


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
    """Predictors of n commitments, one entry per row; one value so the five arrays stay aligned."""

    type_idx: np.ndarray  # (n,) position in TYPES
    src: list[str]  # data source (a level of a_source, or an unseen one)
    x: np.ndarray  # (n,) standardised ambition
    covid: np.ndarray  # (n,) COVID indicator
    no_national: np.ndarray  # (n,) no national history indicator

    @classmethod
    def new_commitment(cls, type_idx: int, source: str) -> Predictors:
        """One commitment at mean ambition, no COVID effect, full national history."""
        return cls(np.array([type_idx]), [source], np.zeros(1), np.zeros(1), np.zeros(1))


def simulate(post: dict[str, np.ndarray], attrs: dict, rows: Predictors, n_draws: int,
             rng: np.random.Generator, expected: bool = False) -> np.ndarray:
    """f (n, n_draws): one posterior draw per column, its group levels shared by all rows.

    ``expected`` returns E[f | draw] instead of a random outcome (for mean fractions).
    """
    type_idx, src = rows.type_idx, rows.src
    n_post = len(post["cut0"])
    idx = _draw_index(n_post, n_draws, rng)
    p = {k: v[idx] for k, v in post.items()}
    sources = list(attrs["sources"])
    a_t = p["a_type"][:, type_idx].T  # (n, D)
    a_s_known = p["a_source"]  # (D, n_sources)
    new = sorted({s for s in src if s not in sources})
    z_new = rng.standard_normal((n_draws, len(new)))
    # one column per level: the known sources, then one new level per unseen source
    levels = np.concatenate([a_s_known, p["sigma_source"][:, None] * z_new], axis=1)
    col = {s: i for i, s in enumerate(sources)} | {s: len(sources) + j for j, s in enumerate(new)}
    a_s = levels[:, [col[s] for s in src]].T  # (n, D)
    eta = (a_t + a_s + np.outer(rows.x, p["b_ambition"]) + np.outer(rows.covid, p["b_covid"])
           + np.outer(rows.no_national, p["b_no_national"]))
    stop_types = [TYPES.index(t) for t in attrs["stopped_applies_to"]]
    can_stop = np.isin(type_idx, stop_types)[:, None]
    shift = float(attrs["stopped_shift"])
    if expected:
        gap = gap_of(p["cut_gap"], type_idx)
        f_rep = _expected_f(eta, p, gap)
        f_stop = _expected_f(eta + shift, p, gap)
        return np.where(can_stop, (1 - p["pi_stop"]) * f_rep + p["pi_stop"] * f_stop, f_rep)
    stopped = can_stop & (rng.random(eta.shape) < p["pi_stop"][None, :])
    eta = np.where(stopped, eta + shift, eta)
    gap = gap_of(p["cut_gap"], type_idx)
    probs = category_probs(eta.T, p["cut0"], gap)  # (D, n, 3)
    u = rng.random(eta.shape).T
    m = 1 / (1 + np.exp(-(p["m0"][:, None] + p["lam"][:, None] * eta.T)))
    phi = p["phi"][:, None]
    beta = rng.beta(np.maximum(m * phi, 1e-6), np.maximum((1 - m) * phi, 1e-6))
    f = np.where(u < probs[..., 0], 0.0, np.where(u > 1 - probs[..., 2], 1.0, beta))
    return f.T.astype(np.float64)


def _expected_f(eta: np.ndarray, p: dict[str, np.ndarray], gap: np.ndarray) -> np.ndarray:
    probs = category_probs(eta.T, p["cut0"], gap)
    m = 1 / (1 + np.exp(-(p["m0"][:, None] + p["lam"][:, None] * eta.T)))
    return (probs[..., 1] * m + probs[..., 2]).T


def _predictors(commitments: pd.DataFrame, attrs: dict) -> Predictors:
    unknown = set(commitments["actor_type"]) - set(TYPES)
    if unknown:
        raise ValueError(f"commitments: unknown actor_type {sorted(unknown)} (expected {TYPES})")
    type_idx = np.array([TYPES.index(t) for t in commitments["actor_type"]], dtype=int)
    src = commitments["source"].fillna("unknown").astype(str).tolist()
    n = len(commitments)
    return Predictors(type_idx, src, covariates(commitments, attrs), np.zeros(n), np.zeros(n))


def draw_fractions(posterior: str | Path, commitments: pd.DataFrame, n_draws: int,
                   seed: int) -> np.ndarray:
    """Delivered fraction f in [0, 1], shape (len(commitments), n_draws), float64.

    commitments has columns commitment_id, actor_type (region|city|company), source, target_type,
    value, base_year (may be NaN), target_year, status (law|policy|pledge).
    Deterministic for a given seed; future years carry no COVID effect and full national history.
    """
    post, attrs = load_posterior(posterior)
    rng = np.random.default_rng(seed)
    if len(commitments) == 0:
        return np.zeros((0, n_draws))
    f = simulate(post, attrs, _predictors(commitments, attrs), n_draws, rng)
    return np.clip(f, 0.0, 1.0)


def mean_fractions(posterior: str | Path, commitments: pd.DataFrame) -> np.ndarray:
    """Posterior mean delivered fraction of each commitment, shape (len(commitments),).

    Averages E[f | draw] over every posterior draw (unseen sources: one new level per draw from
    a fixed seed, so the result is deterministic).
    """
    post, attrs = load_posterior(posterior)
    if len(commitments) == 0:
        return np.zeros(0)
    n_post = len(post["cut0"])
    f = simulate(post, attrs, _predictors(commitments, attrs), n_post, np.random.default_rng(0),
                 expected=True)
    return f.mean(axis=1)
