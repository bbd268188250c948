"""Figure of the hindcast: per actor with commitments (states, small multiples) the expected
scenario's 5-95 % band and median, the full-implementation pathway, the national-trend
counterfactual and the observed inventory; the last panel is the states' aggregate."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

MAX_PANELS = 30  # beyond this the panels are unreadable; the largest emitters are shown


def _panel(ax, frame: pd.DataFrame, title: str) -> None:
    frame = frame.sort_values("year")
    years = frame["year"]
    if frame["expected_p05_mt"].notna().any():
        ax.fill_between(years, frame["expected_p05_mt"], frame["expected_p95_mt"], color="tab:blue", alpha=0.25,
                        lw=0, label="expected 5-95 %")
        ax.plot(years, frame["expected_p50_mt"], color="tab:blue", lw=1.2, label="expected median")
    ax.plot(years, frame["full_implementation_mt"], color="tab:green", lw=1.0, ls="--", label="full implementation")
    ax.plot(years, frame["trend_mt"], color="grey", lw=1.0, ls=":", label="MRY x observed national trend")
    seen = frame[frame["observed_mt"].notna()]
    ax.plot(seen["year"], seen["observed_mt"], "o", color="black", ms=3, label="observed")
    ax.set_title(title, fontsize=8)
    ax.tick_params(labelsize=6)


def hindcast_figure(rows: pd.DataFrame, path: Path, summary: pd.DataFrame | None = None) -> Path:
    """Small multiples of the states with commitments (largest first) and, with `summary`, their aggregate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    states = rows[rows["has_commitment"].astype(bool) & (rows["actor_type"] == "region")]
    order = states.groupby("actor_id")["mry_emissions_mt"].first().sort_values(ascending=False).index[:MAX_PANELS]
    aggregate = None
    if summary is not None:
        aggregate = summary[summary["group"] == "region"]
    n = len(order) + (aggregate is not None and len(aggregate) > 0)
    cols = min(6, max(1, n))
    nrows = max(1, math.ceil(n / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(2.3 * cols, 1.9 * nrows + 0.6), squeeze=False)
    flat = axes.ravel()
    for ax, actor in zip(flat, order, strict=False):
        frame = states[states["actor_id"] == actor]
        _panel(ax, frame, f"{frame['name'].iloc[0]} (Mt)")
    if aggregate is not None and len(aggregate):
        _panel(flat[len(order)], aggregate, f"all {int(aggregate['n_actors'].max())} states (Mt)")
    for ax in flat[n:]:
        ax.set_visible(False)
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=7, frameon=False)
    fig.suptitle("Predicted as of the assessment vs observed, states with commitments", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path
