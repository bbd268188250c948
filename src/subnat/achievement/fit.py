"""Fit the achievement model once per configuration, check it, and store the posterior.

``fit_achievement(inputs, outputs, settings)`` is what the Snakemake rule ``fit_achievement``
and the CLI ``python -m subnat.achievement fit`` call. It writes the posterior, the diagnostics
table, the held-out checks, the LOO comparison, a summary by actor type and the figures, and
raises :class:`GateError` (one line) when a gate of config ``achievement.gate_*`` fails.

One compiled model serves every fit (model.Sampler): the held-out refits only switch rows out of
the likelihood, so a whole rule run compiles once. Only the main fit is gated; the refits of the
held-out checks and the pooled LOO variant use ``cv_draws``/``cv_tune`` (fewer draws: they
estimate interval coverage and elpd, not posterior tails).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat.achievement import model as M
from subnat.achievement import posterior as P
from subnat.achievement.predict import Predictors, simulate
from subnat.errors import SubnatError

log = logging.getLogger(__name__)

#: Parameters the gates check (sigma_source is a fixed scale, not sampled).
GATED = [p for p in M.PARAMS if p != "sigma_source"] + ["z_type", "z_source"]
#: Columns of results/achievement/holdout.csv, one row per check x group x interval:
#: check (random: one seeded split of holdout_fraction; leave_one_source_out: each source held
#: out in turn and predicted as a new source; actor_kfold: whole actors in holdout_kfold folds),
#: group (all or an actor type), interval (central predictive probability), n (held-out
#: observations), covered / coverage (observed level inside the interval of its predicted level),
#: folds (refits of the check), divergences (summed over its refits; not gated),
#: draws_per_chain (cv_draws of the refits), seed.
HOLDOUT_COLUMNS = ["check", "group", "interval", "n", "covered", "coverage", "folds",
                   "divergences", "draws_per_chain", "seed"]


class GateError(SubnatError, RuntimeError):
    """A convergence or calibration gate failed: the posterior must not be used."""


def resolve_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill missing keys of the ``achievement`` section from the config schema's defaults."""
    from subnat.config import fill_defaults, load_schema

    return fill_defaults(dict(settings), load_schema()["properties"]["achievement"])


def _attrs(d: M.ModelData, settings: dict[str, Any], g, seed: int) -> dict[str, Any]:
    return {"sources": d.sources, "actor_types": list(M.TYPES), "likelihood": "level",
            "ambition_center": d.amb_center, "ambition_scale": d.amb_scale,
            "ambition_clip_pct_per_year": float(g("ambition_clip_pct_per_year")),
            "random_seed": seed, "n_observations": len(d),
            "settings": json.dumps(settings, sort_keys=True, default=str)}


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


def actor_folds(actor_id: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold (0..k-1) of each row, whole actors per fold (seeded): all targets of an actor are
    held out together, so the check asks how the model transfers to actors it never saw."""
    actors = np.array(sorted(set(actor_id.tolist())))
    fold_of = dict(zip(actors[np.random.default_rng(seed).permutation(len(actors))],
                       np.arange(len(actors)) % k, strict=True))
    return np.array([fold_of[a] for a in actor_id], dtype=int)


def folds(d: M.ModelData, settings: dict[str, Any], seed: int) -> dict[str, list[np.ndarray]]:
    """Held-out masks of every check: random split, leave-one-source-out, grouped-by-actor K-fold."""
    g = lambda k: M.setting(settings, k)  # noqa: E731
    k = int(g("holdout_kfold"))
    fa = actor_folds(d.actor_id, k, seed)
    return {"random": [holdout_split(len(d), float(g("holdout_fraction")), seed)],
            "leave_one_source_out": [d.src_idx == s for s in sorted(set(d.src_idx.tolist()))],
            "actor_kfold": [fa == j for j in range(k) if (fa == j).any()]}


def subset(d: M.ModelData, idx: np.ndarray) -> M.ModelData:
    """The observations ``idx`` of ``d`` (same sources and ambition scaling)."""
    arr = {k: getattr(d, k)[idx] for k in ("obs_id", "actor_id", "type_idx", "src_idx", "x",
                                             "covid", "no_national", "b", "t", "e")}
    return replace(d, **arr)


def coverage(draws: np.ndarray, observed: np.ndarray, probs: list[float]) -> list[dict]:
    """Share of observations inside the central predictive interval of each probability
    (draws: n x samples; the predictive of the level is continuous, so no atoms to randomise)."""
    rows = []
    for p in probs:
        lo, hi = P.central_interval(draws, p, axis=1)
        inside = (observed >= lo) & (observed <= hi)
        n = len(observed)
        rows.append({"interval": p, "n": n, "covered": int(inside.sum()),
                     "coverage": float(inside.mean()) if n else float("nan")})
    return rows


def run_checks(smp: M.Sampler, d: M.ModelData, settings: dict[str, Any], seed: int
               ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Refit without each fold, predict its observed levels; coverage per check and actor type.

    A held-out source's level and error scale come from their priors in the refit (no row
    informs them), so leave-one-source-out predicts a *new* source."""
    g = lambda k: M.setting(settings, k)  # noqa: E731
    probs = [float(p) for p in g("interval_probs")]
    draws, tune = int(g("cv_draws")), int(g("cv_tune"))
    rows, pred_all = [], {}
    for ci, (check, masks) in enumerate(folds(d, settings, seed).items()):
        pred = np.full((len(d), 2 * draws if int(g("chains")) >= 2 else draws), np.nan)
        held = np.zeros(len(d), dtype=bool)
        n_div = 0
        for fi, mask in enumerate(masks):
            idata = smp.sample(seed + 100 * (ci + 1) + fi, weights=(~mask).astype(float),
                               draws=draws, tune=tune)
            n_div += P.divergences(idata)
            post = P.flat_draws(idata, list(M.PARAMS))
            idx = np.flatnonzero(mask)
            sim = M.simulate_levels(post, subset(d, idx), np.random.default_rng(seed + 7 + fi))
            pred = pred if pred.shape[1] == sim.shape[1] else np.full((len(d), sim.shape[1]), np.nan)
            pred[idx] = sim
            held |= mask
        pred_all[check] = pred
        for group in ["all", *M.TYPES]:
            sel = held & (True if group == "all" else d.type_idx == M.TYPES.index(group))
            if not np.any(sel):
                continue
            for r in coverage(pred[sel], d.e[sel], probs):
                rows.append({"check": check, "group": group, **r, "folds": len(masks),
                             "divergences": n_div, "draws_per_chain": draws, "seed": seed})
    return pd.DataFrame(rows, columns=HOLDOUT_COLUMNS), pred_all


def summary_by_type(post: dict, attrs: dict, d: M.ModelData, seed: int) -> pd.DataFrame:
    """Delivered fraction by actor type (the quantity the engine draws) beside the data."""
    n = len(post["mu"])
    rows = []
    for ti, t in enumerate(M.TYPES):
        own = sorted({d.sources[s] for s, tt in zip(d.src_idx, d.type_idx, strict=True) if tt == ti})
        for basis, src in [("new source", f"new:{t}"), *[(f"source {s}", s) for s in own]]:
            one = Predictors.new_commitment(ti, src)
            mean_raw = simulate(post, attrs, one, n, np.random.default_rng(seed), expected=True,
                                options={"engine_fraction": "raw"})[0]
            mean_clip = simulate(post, attrs, one, n, np.random.default_rng(seed), expected=True)[0]
            f = simulate(post, attrs, one, n, np.random.default_rng(seed),
                         options={"engine_fraction": "raw"})[0]
            lo, hi = P.central_interval(mean_raw, 0.9)
            clo, chi = P.central_interval(mean_clip, 0.9)
            rows.append({"actor_type": t, "basis": basis, "mean_f": float(mean_raw.mean()),
                         "mean_f_p05": float(lo), "mean_f_p95": float(hi),
                         "mean_f_clipped": float(mean_clip.mean()),
                         "mean_f_clipped_p05": float(clo), "mean_f_clipped_p95": float(chi),
                         "share_f_below_0": float((f < 0).mean()),
                         "share_f_above_1": float((f > 1).mean())})
    r = d.r
    for ti, t in enumerate(M.TYPES):
        sel = (d.type_idx == ti) & np.isfinite(r)
        if sel.any():
            rows.append({"actor_type": t, "basis": "observed r clipped to [0, 1] (this data)",
                         "mean_f_clipped": float(np.clip(r[sel], 0, 1).mean()),
                         "share_f_below_0": float((r[sel] < 0).mean()),
                         "share_f_above_1": float((r[sel] > 1).mean())})
    return pd.DataFrame(rows)


def _published(agg_path: str | None) -> pd.DataFrame:
    """The published outcome counts (aggregates.csv), kept for comparison only (not fitted)."""
    if not agg_path or not Path(agg_path).exists():
        return pd.DataFrame()
    agg = pd.read_csv(agg_path)
    return agg.assign(share_full=agg["n_full"] / agg["n_total"])[
        ["study", "actor_type", "share_full", "measure", "citation"]]


def fit_achievement(inputs: dict[str, str], outputs: dict[str, str], settings: dict[str, Any]) -> dict:
    """Fit, check, store. inputs: progress[, aggregates]; outputs: posterior, diagnostics,
    holdout, loo, summary, figures (a folder). Returns a small report dict."""
    settings = resolve_settings(settings)
    g = lambda k: M.setting(settings, k)  # noqa: E731
    seed = int(g("random_seed"))
    from subnat.achievement import figures
    from subnat.achievement.progress import load

    t_start = time.perf_counter()
    prog = load(inputs["progress"])
    d = M.prepare(prog, settings)
    if len(d) < 10:
        raise GateError(f"{inputs['progress']}: only {len(d)} usable observations (need >= 10)")
    figdir = Path(outputs["figures"])
    figdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"n_obs": len(d)}

    model = M.build(d, settings)
    figures.prior_predictive(model, d, figdir / "prior_predictive.png",
                             int(g("prior_predictive_draws")), seed)
    t0 = time.perf_counter()
    smp = M.Sampler(model, settings)
    report["compile_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    idata = smp.sample(seed)
    report["fit_seconds"] = time.perf_counter() - t0
    post = P.flat_draws(idata, list(M.PARAMS))
    P.add_log_likelihood(idata, M.pointwise_loglik(post, d), "obs", list(d.obs_id))
    attrs = _attrs(d, settings, g, seed)
    attrs["fit_seconds"] = report["fit_seconds"]
    diag = P.diagnostics(idata, GATED)
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
    P.write_posterior(P.keep_variables(idata, list(M.PARAMS)), outputs["posterior"], attrs)

    rep = M.simulate_levels(post, d, np.random.default_rng(seed + 1))
    figures.posterior_predictive(d, rep, figdir / "posterior_predictive.png")

    # PSIS-LOO of the grouped model against its pooled variant (same likelihood, same data scale).
    idata_p = smp.sample(seed + 2, data=M.pooled_data(d), draws=int(g("cv_draws")),
                         tune=int(g("cv_tune")))
    post_p = M.pooled_post(P.flat_draws(idata_p, list(M.PARAMS)))
    P.add_log_likelihood(idata_p, M.pointwise_loglik(post_p, d), "obs", list(d.obs_id))
    loo = P.loo_table({"level_grouped": idata, "level_pooled": idata_p})
    loo.to_csv(outputs["loo"], index=False, float_format="%.4f")
    report["loo"] = loo.to_dict("records")

    hold, preds = run_checks(smp, d, settings, seed)
    hold.to_csv(outputs["holdout"], index=False, float_format="%.4f")
    figures.holdout(d, preds, figdir / "holdout_coverage.png")
    report["holdout"] = hold.to_dict("records")

    summ = summary_by_type(post, attrs, d, seed)
    pub = _published(inputs.get("aggregates") or g("aggregates"))
    if len(pub):  # published success shares beside the model (not fitted: base-year-relative)
        summ = pd.concat([summ, pd.DataFrame({
            "actor_type": pub["actor_type"], "basis": "published: " + pub["study"],
            "published_share_full": pub["share_full"], "published": pub["citation"]})],
            ignore_index=True)
    if outputs.get("summary"):
        summ.to_csv(outputs["summary"], index=False, float_format="%.4f")
    report["summary"] = summ.to_dict("records")
    report["rule_seconds"] = time.perf_counter() - t_start

    lo, hi = g("gate_holdout_coverage_90")
    c90 = hold[(hold["check"] == "random") & (hold["group"] == "all")
               & np.isclose(hold["interval"], 0.9)]["coverage"]
    if len(c90) and not lo <= float(c90.iloc[0]) <= hi:
        raise GateError(f"held-out coverage of the 90 % interval {float(c90.iloc[0]):.2f} outside "
                        f"[{lo}, {hi}] (random split; see {outputs['holdout']})")
    log.info("achievement fit: %s", {k: v for k, v in report.items() if k != "summary"})
    return report
