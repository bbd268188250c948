"""Fit the achievement model once per configuration, check it, and store the posterior.

``fit_achievement(inputs, outputs, settings)`` is what the Snakemake rule ``fit_achievement``
and the CLI ``python -m subnat.achievement fit`` call. It writes the posterior, the diagnostics
table, the held-out coverage, the LOO comparison, a summary by actor type and the figures, and
raises :class:`GateError` (one line) when a gate of config ``achievement.gates_*`` fails.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat.achievement import model as M
from subnat.achievement import posterior as P
from subnat.achievement.predict import Predictors, simulate
from subnat.errors import SubnatError

log = logging.getLogger(__name__)

#: Published ex-post figures (data.md §3) shown beside the model's numbers, never fitted to.
PUBLISHED = {
    "company": "CDP corporate targets ending 2020: 60.8 % achieved, 8.5 % failed, 30.7 % stopped "
               "reporting (Jiang, Kim & Lu 2025); 55 % of 4,341 CDP scope 1+2 targets on track "
               "(Bolay et al. 2024)",
    "city": "60 % of >1,000 EU Covenant of Mayors cities on track for 2020 (Hsu et al. 2020)",
    "region": "1 of 5 US states with 2020 targets met them (C2ES)",
}
PUBLISHED_SHARE = {"company": 0.608, "city": 0.60, "region": 0.20}


class GateError(SubnatError, RuntimeError):
    """A convergence or calibration gate failed: the posterior must not be used."""


def resolve_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill missing keys of the ``achievement`` section from the config schema's defaults."""
    from subnat.config import fill_defaults, load_schema

    return fill_defaults(dict(settings), load_schema()["properties"]["achievement"])


def _attrs(d: M.ModelData, settings: dict[str, Any], g, seed: int) -> dict[str, Any]:
    return {"sources": d.sources, "actor_types": list(M.TYPES), "categories": list(M.CATEGORIES),
            "ambition_center": d.amb_center, "ambition_scale": d.amb_scale,
            "ambition_clip_pct_per_year": float(g("ambition_clip_pct_per_year")),
            "stopped_shift": float(g("stopped_shift")),
            "stopped_applies_to": list(g("stopped_applies_to")),
            "random_seed": seed, "n_observations": len(d.cat),
            "settings": json.dumps(settings, sort_keys=True, default=str)}


def _fit(d: M.ModelData, settings: dict[str, Any], seed: int, pooled: bool = False):
    model = M.build(d, settings, pooled=pooled)
    idata = M.sample(model, settings, seed)
    post = P.flat_draws(idata, list(M.PARAMS))
    P.add_log_likelihood(idata, M.pointwise_loglik(post, d, pooled), "obs", list(d.obs_id))
    return model, idata, post


def gate_failures(diag: pd.DataFrame, n_div: int, g) -> list[str]:
    """Human-readable gate failures (empty when all pass)."""
    out = []
    if diag["r_hat"].max() >= float(g("gate_r_hat_max")):
        row = diag.loc[diag["r_hat"].idxmax()]
        out.append(f"R-hat {row['r_hat']:.3f} of {row['parameter']} >= {g('gate_r_hat_max')}")
    ess = diag[["ess_bulk", "ess_tail"]].min(axis=1)
    if ess.min() < float(g("gate_ess_min")):
        row = diag.loc[ess.idxmin()]
        out.append(f"ESS {ess.min():.0f} of {row['parameter']} < {g('gate_ess_min')}")
    if n_div > int(g("gate_divergences_max")):
        out.append(f"{n_div} divergences > {g('gate_divergences_max')}")
    return out


def holdout_split(n: int, fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of held-out observations (seeded, exactly round(fraction * n) of them)."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(n, dtype=bool)
    mask[rng.permutation(n)[: round(fraction * n)]] = True
    return mask


def randomized_pit(f_draws: np.ndarray, observed: np.ndarray, seed: int) -> np.ndarray:
    """Randomised PIT u = F(y-) + V (F(y) - F(y-)) of each observation (uniform if calibrated)."""
    rng = np.random.default_rng(seed)
    below = (f_draws < observed[:, None] - 1e-12).mean(axis=1)
    at_or_below = (f_draws <= observed[:, None] + 1e-12).mean(axis=1)
    return below + rng.random(len(observed)) * (at_or_below - below)


def coverage(f_draws: np.ndarray, observed: np.ndarray, probs: list[float],
             seed: int = 0) -> list[dict]:
    """Share of observations inside the central predictive interval of each probability.

    ``observed`` is r clipped to [0, 1] (the scale of f). f has point masses at 0 and 1, so an
    interval [q_lo, q_hi] that touches an atom covers every observation on it and the plain
    coverage overstates calibration. The calibrated check uses the randomised PIT
    ``u = F(y-) + V (F(y) - F(y-))``, V ~ U(0, 1) (Czado, Gneiting & Held 2009, Biometrics
    65:1254): y is inside the central p-interval when |u - 0.5| <= p/2, which holds with
    probability p exactly when the predictions are calibrated. Both are reported.
    """
    u = randomized_pit(f_draws, observed, seed)
    rows = []
    for p in probs:
        lo, hi = P.central_interval(f_draws, p, axis=1)
        inside = (observed >= lo - 1e-12) & (observed <= hi + 1e-12)
        pit_inside = np.abs(u - 0.5) <= p / 2
        n = len(observed)
        rows.append({"interval": p, "n": n, "covered": int(pit_inside.sum()),
                     "coverage": float(pit_inside.mean()) if n else float("nan"),
                     "covered_plain": int(inside.sum()),
                     "coverage_plain": float(inside.mean()) if n else float("nan")})
    return rows


def _predict_obs(post: dict, attrs: dict, d: M.ModelData, idx: np.ndarray, n: int,
                 seed: int) -> np.ndarray:
    a = {**attrs, "stopped_applies_to": []}  # observed actors are reporters
    src = [d.sources[i] for i in d.src_idx[idx]]
    rows = Predictors(d.type_idx[idx], src, d.x[idx], d.covid[idx], d.no_national[idx])
    return simulate(post, a, rows, n, np.random.default_rng(seed))


def summary_by_type(post: dict, attrs: dict, d: M.ModelData, seed: int,
                    shifts: list[float]) -> pd.DataFrame:
    """Posterior mean delivered fraction by actor type beside the published ex-post figures."""
    n = len(post["cut0"])
    rows = []
    for ti, t in enumerate(M.TYPES):
        own = sorted({d.sources[s] for s, tt in zip(d.src_idx, d.type_idx, strict=True) if tt == ti})
        for basis, src in [("new source (case commitments)", "__new__"),
                           *[(f"source {s}", s) for s in own]]:
            for shift in [attrs["stopped_shift"], *shifts]:
                a = {**attrs, "stopped_shift": shift}
                one = Predictors.new_commitment(ti, src)
                ef = simulate(post, a, one, n, np.random.default_rng(seed), expected=True)[0]
                pf = simulate(post, {**a, "stopped_applies_to": []}, one, n,
                              np.random.default_rng(seed), expected=False)[0]
                lo, hi = P.central_interval(ef, 0.9)
                rows.append({"actor_type": t, "basis": basis, "stopped_shift": shift,
                             "mean_f": float(ef.mean()), "mean_f_p05": float(lo),
                             "mean_f_p95": float(hi), "share_full": float((pf >= 1).mean()),
                             "published_on_track_share": PUBLISHED_SHARE[t],
                             "published": PUBLISHED[t]})
                if t != "company" or basis != "new source (case commitments)":
                    break  # the stopped shift only acts on companies' population prediction
    obs = pd.DataFrame({"actor_type": [M.TYPES[i] for i in d.type_idx], "cat": d.cat,
                        "r": d.r})
    for t, g in obs.groupby("actor_type"):
        rows.append({"actor_type": t, "basis": "observed (this data, r clipped to [0, 1])",
                     "stopped_shift": np.nan, "mean_f": float(np.clip(g["r"], 0, 1).mean()),
                     "share_full": float((g["cat"] == 2).mean()),
                     "published_on_track_share": PUBLISHED_SHARE[t], "published": PUBLISHED[t]})
    return pd.DataFrame(rows)


def fit_achievement(inputs: dict[str, str], outputs: dict[str, str], settings: dict[str, Any]) -> dict:
    """Fit, check, store. inputs: progress[, aggregates]; outputs: posterior, diagnostics,
    holdout, loo, summary, figures (a folder). Returns a small report dict."""
    settings = resolve_settings(settings)
    g = lambda k: M.setting(settings, k)  # noqa: E731
    seed = int(g("random_seed"))
    from subnat.achievement.progress import load

    prog = load(inputs["progress"])
    # inputs["aggregates"] = "" (or None) fits without the study-level layer
    agg_path = inputs["aggregates"] if "aggregates" in inputs else g("aggregates")
    agg = pd.read_csv(agg_path) if agg_path and Path(agg_path).exists() else None
    d = M.prepare(prog, agg, settings)
    if len(d.cat) < 10:
        raise GateError(f"{inputs['progress']}: only {len(d.cat)} usable observations (need >= 10)")
    figdir = Path(outputs["figures"])
    figdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"n_obs": len(d.cat)}

    from subnat.achievement import figures

    figures.prior_predictive(M.build(d, settings), d, figdir / "prior_predictive.png",
                             int(g("prior_predictive_draws")), seed)

    t0 = time.perf_counter()
    _, idata, post = _fit(d, settings, seed)
    report["fit_seconds"] = time.perf_counter() - t0
    attrs = _attrs(d, settings, g, seed)
    attrs["fit_seconds"] = report["fit_seconds"]
    diag = P.diagnostics(idata, [p for p in M.PARAMS])
    n_div = P.divergences(idata)
    diag["divergences"] = n_div
    Path(outputs["diagnostics"]).parent.mkdir(parents=True, exist_ok=True)
    diag.to_csv(outputs["diagnostics"], index=False, float_format="%.5g")
    report.update(max_r_hat=float(diag["r_hat"].max()),
                  min_ess=float(diag[["ess_bulk", "ess_tail"]].min().min()), divergences=n_div)
    fails = gate_failures(diag, n_div, g)
    if fails:
        raise GateError("achievement model gates failed: " + "; ".join(fails)
                        + f" (see {outputs['diagnostics']})")
    P.write_posterior(idata, outputs["posterior"], attrs)

    # Posterior predictive check on the fitted observations.
    f_obs = _predict_obs(post, attrs, d, np.arange(len(d.cat)), 1000, seed + 1)
    figures.posterior_predictive(d, f_obs, figdir / "posterior_predictive.png")

    # PSIS-LOO against a pooled model (no groups, no covariates, no aggregate layer).
    _, idata_pooled, _ = _fit(d, settings, seed, pooled=True)
    loo = P.loo_table({"hierarchical": idata, "pooled": idata_pooled})
    loo.to_csv(outputs["loo"], index=False, float_format="%.4f")
    report["loo"] = loo.to_dict("records")

    # Held-out split: refit without 20 % of the observations, predict them.
    mask = holdout_split(len(d.cat), float(g("holdout_fraction")), seed)
    keep_ids = set(d.obs_id[~mask])
    train = prog[prog["observation_id"].astype(str).isin(keep_ids)] if "observation_id" in prog \
        else prog.iloc[np.flatnonzero(~mask)]
    d_train = M.prepare(train, agg, settings, sources=d.sources, amb=(d.amb_center, d.amb_scale))
    _, idata_h, post_h = _fit(d_train, settings, seed + 2)
    f_h = _predict_obs(post_h, attrs, d, np.flatnonzero(mask), 4000, seed + 3)
    y_h = np.clip(d.r[mask], 0, 1)
    probs = [float(p) for p in g("interval_probs")]
    rows = [{"group": "all", **r} for r in coverage(f_h, y_h, probs, seed + 4)]
    types_h = np.array([M.TYPES[i] for i in d.type_idx[mask]])
    for t in M.TYPES:
        sel = types_h == t
        if sel.any():
            rows += [{"group": t, **r} for r in coverage(f_h[sel], y_h[sel], probs, seed + 4)]
    hold = pd.DataFrame(rows)
    hold["divergences_holdout_fit"] = P.divergences(idata_h)
    hold["seed"] = seed
    hold.to_csv(outputs["holdout"], index=False, float_format="%.4f")
    figures.holdout(f_h, y_h, types_h, randomized_pit(f_h, y_h, seed + 4),
                    figdir / "holdout_coverage.png")
    report["holdout"] = hold.to_dict("records")

    summ = summary_by_type(post, attrs, d, seed, [float(s) for s in g("stopped_shift_sensitivity")])
    if outputs.get("summary"):
        summ.to_csv(outputs["summary"], index=False, float_format="%.4f")
    report["summary"] = summ.to_dict("records")

    lo, hi = g("gate_holdout_coverage_90")
    c90 = hold[(hold["group"] == "all") & (np.isclose(hold["interval"], 0.9))]["coverage"]
    if len(c90) and not lo <= float(c90.iloc[0]) <= hi:
        raise GateError(f"held-out coverage of the 90 % interval {float(c90.iloc[0]):.2f} outside "
                        f"[{lo}, {hi}] (see {outputs['holdout']})")
    log.info("achievement fit: %s", {k: v for k, v in report.items() if k != "summary"})
    return report
