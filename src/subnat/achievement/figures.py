"""Figures of the achievement model: prior and posterior predictive checks, held-out coverage."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from subnat.achievement.model import CATEGORIES, TYPES, ModelData


def _shares(cat: np.ndarray) -> np.ndarray:
    return np.array([(cat == k).mean() for k in range(3)])


def prior_predictive(model, d: ModelData, path: Path, draws: int, seed: int) -> None:
    """Category shares implied by the priors alone, by actor type (are the priors sensible?)."""
    import pymc as pm

    with model:
        pp = pm.sample_prior_predictive(draws=draws, random_seed=seed, var_names=["y", "r_partial"])
    y = np.asarray(pp.prior_predictive["y"]).reshape(-1, len(d.cat))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax = axes[0]
    for ti in range(len(TYPES)):
        sel = d.type_idx == ti
        if not sel.any():
            continue
        sh = np.array([_shares(row[sel]) for row in y])
        for k in range(3):
            ax.violinplot(sh[:, k], positions=[k * 4 + ti], widths=0.8, showmedians=True)
    ax.set_xticks([k * 4 + 1 for k in range(3)], CATEGORIES)
    ax.set_ylabel("share of observations (prior predictive)")
    ax.set_title("Prior predictive: outcome shares\n(violins left to right: region, city, company)")
    rp = np.asarray(pp.prior_predictive["r_partial"]).ravel()
    axes[1].hist(rp, bins=40, color="0.5")
    axes[1].set_xlabel("r among partial outcomes (prior predictive)")
    axes[1].set_title("Prior predictive: partial delivery")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def posterior_predictive(d: ModelData, f: np.ndarray, path: Path) -> None:
    """Observed vs posterior predictive outcome shares by data source (f: obs x draws)."""
    fig, ax = plt.subplots(figsize=(9, 4.4))
    obs_cat = d.cat
    pred_cat = np.where(f <= 0, 0, np.where(f >= 1, 2, 1))
    srcs = sorted(set(d.src_idx))
    for j, s in enumerate(srcs):
        sel = d.src_idx == s
        for k in range(3):
            sh = (pred_cat[sel] == k).mean(axis=0)
            x = j * 4 + k
            ax.vlines(x, np.quantile(sh, 0.05), np.quantile(sh, 0.95), color="C0", lw=6, alpha=0.5)
            ax.plot(x, (obs_cat[sel] == k).mean(), "kD", ms=6)
    ax.set_xticks([j * 4 + k for j in range(len(srcs)) for k in range(3)],
                  [f"{c}" for _ in srcs for c in CATEGORIES], fontsize=7)
    for j, s in enumerate(srcs):
        ax.text(j * 4 + 1, -0.16, d.sources[s], ha="center", va="top", fontsize=8,
                transform=ax.get_xaxis_transform())
    ax.set_ylabel("share of observations")
    ax.set_title("Posterior predictive check: bars 5-95 % of replicated shares, diamonds observed")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def holdout(f: np.ndarray, y: np.ndarray, types: np.ndarray, pit: np.ndarray, path: Path) -> None:
    """Held-out observations (r clipped to [0, 1]) against their 50 % and 90 % intervals, and the
    randomised PIT histogram (flat when the predictions are calibrated)."""
    order = np.argsort(np.median(f, axis=1))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 4), width_ratios=[2.2, 1])
    ax2.hist(pit, bins=10, range=(0, 1), color="0.5", edgecolor="white")
    ax2.axhline(len(pit) / 10, color="k", ls="--", lw=1)
    ax2.set_xlabel("randomised PIT of held-out observations")
    ax2.set_title("Calibration (dashed: uniform)")
    x = np.arange(len(order))
    for p, lw in ((0.9, 1.5), (0.5, 4)):
        lo = np.quantile(f[order], (1 - p) / 2, axis=1)
        hi = np.quantile(f[order], (1 + p) / 2, axis=1)
        ax.vlines(x, lo, hi, color="C0", lw=lw, alpha=0.5, label=f"{int(p * 100)} % interval")
    colors = {t: f"C{i + 1}" for i, t in enumerate(TYPES)}
    for t in TYPES:
        sel = types[order] == t
        ax.plot(x[sel], y[order][sel], "o", ms=3, color=colors[t], label=f"observed ({t})")
    ax.set_xlabel("held-out observation (sorted by predictive median)")
    ax.set_ylabel("delivered fraction f (r clipped)")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
