"""Figures of the achievement model: prior and posterior predictive checks by actor type, and
the held-out coverage of every check. The checked quantity is the observed level relative to its
counterfactual, log(e / b): what the likelihood models (the ratio r is unstable where b - t is small).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from subnat.achievement.model import PARAMS, TYPES, ModelData, simulate_levels


def _by_type(d: ModelData, rep: np.ndarray, path: Path, title: str) -> None:
    """Observed log(e / b) (black) against replicated data (grey band 5-95 % of the replicated
    quantiles), one panel per actor type."""
    fig, axes = plt.subplots(1, len(TYPES), figsize=(12, 3.6))
    qs = np.linspace(0.05, 0.95, 19)
    for ax, (ti, t) in zip(axes, enumerate(TYPES), strict=True):
        sel = d.type_idx == ti
        if not sel.any():
            ax.set_axis_off()
            continue
        obs = np.log(d.e[sel] / d.b[sel])
        sim = np.log(np.maximum(rep[sel], 1e-6) / d.b[sel][:, None])
        sq = np.quantile(sim, qs, axis=0)  # (q, samples)
        ax.fill_between(qs, np.quantile(sq, 0.05, axis=1), np.quantile(sq, 0.95, axis=1),
                        color="0.7", label="replicated (5-95 %)")
        ax.plot(qs, np.quantile(obs, qs), "k-", lw=1.8, label="observed")
        ax.set_title(f"{t} (n = {int(sel.sum())})")
        ax.set_xlabel("quantile")
    axes[0].set_ylabel("log(observed level / counterfactual)")
    axes[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def prior_predictive(model, d: ModelData, path: Path, draws: int, seed: int) -> None:
    """Observations replicated from the priors alone (are the priors sensible?)."""
    import pymc as pm

    with model:
        pr = pm.sample_prior_predictive(draws=draws, random_seed=seed,
                                        var_names=[p for p in PARAMS if p in model.named_vars])
    post = {k: np.asarray(pr.prior[k].values).reshape(-1, *pr.prior[k].shape[2:])
            for k in pr.prior.data_vars}
    rep = simulate_levels(post, d, np.random.default_rng(seed))
    _by_type(d, rep, path, "Prior predictive: quantiles of log(e / b) by actor type")


def posterior_predictive(d: ModelData, rep: np.ndarray, path: Path) -> None:
    """Posterior predictive check by actor type (rep: obs x draws of the observed level)."""
    _by_type(d, rep, path, "Posterior predictive: quantiles of log(e / b) by actor type "
                           "(new latent delivery and error per observation)")


def holdout(d: ModelData, preds: dict[str, np.ndarray], path: Path) -> None:
    """Coverage of the 50 % and 90 % predictive intervals of held-out levels, per check and type."""
    fig, axes = plt.subplots(1, len(preds), figsize=(4 * len(preds), 3.4), squeeze=False)
    for ax, (check, pred) in zip(axes[0], preds.items(), strict=True):
        held = np.isfinite(pred).all(axis=1)
        groups = ["all", *TYPES]
        for k, p in enumerate((0.5, 0.9)):
            lo = np.quantile(pred[held], (1 - p) / 2, axis=1)
            hi = np.quantile(pred[held], (1 + p) / 2, axis=1)
            inside = (d.e[held] >= lo) & (d.e[held] <= hi)
            cov = [inside.mean() if g == "all" else
                   inside[d.type_idx[held] == TYPES.index(g)].mean()
                   if (d.type_idx[held] == TYPES.index(g)).any() else np.nan for g in groups]
            ax.bar(np.arange(len(groups)) + (k - 0.5) * 0.38, cov, width=0.36,
                   color=("C0", "C1")[k], label=f"{int(p * 100)} % interval")
            ax.axhline(p, color=("C0", "C1")[k], ls="--", lw=1)
        ax.set_xticks(range(len(groups)), groups)
        ax.set_ylim(0, 1)
        ax.set_title(check.replace("_", " "), fontsize=9)
    axes[0][0].set_ylabel("held-out coverage (dashed: nominal)")
    axes[0][0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
