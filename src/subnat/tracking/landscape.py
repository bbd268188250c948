"""Case-level landscape (issue 19 item 1): targets by type and status, how many are on track,
and the average reduction below base year across reporting actors.

A reporting actor is one with a progress row; its reduction is that of its governing target
(progress.governing): ``100 * (1 - E(L)/E(BY))``. The unweighted mean averages actors; the
emissions-weighted one is ``100 * (sum E(BY) - sum E(L)) / sum E(BY)``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.tracking.progress import governing

COLUMNS = ["case", "metric", "actor_type", "category", "value", "unit", "source"]


def reductions(progress: pd.DataFrame) -> pd.DataFrame:
    """Per reporting actor: base and latest emissions of its governing target, reduction in %."""
    g = governing(progress)
    return g.assign(reduction_pct=100.0 * (1.0 - g["latest_emissions_mt"] / g["base_emissions_mt"]))


def average_reduction(red: pd.DataFrame) -> tuple[float, float]:
    """(unweighted mean, emissions-weighted) reduction below base year in percent.

    >>> average_reduction(pd.DataFrame({"reduction_pct": [10.0, 50.0],
    ...     "base_emissions_mt": [90.0, 10.0], "latest_emissions_mt": [81.0, 5.0]}))
    (30.0, 14.0)
    """
    base, latest = red["base_emissions_mt"].sum(), red["latest_emissions_mt"].sum()
    weighted = 100.0 * (base - latest) / base if base > 0 else float("nan")
    return float(red["reduction_pct"].mean()), float(weighted)


def landscape(case: str, commitments: pd.DataFrame, actor_types: pd.Series,
              progress: pd.DataFrame) -> pd.DataFrame:
    """landscape.csv: long table of the counts and averages (module docstring)."""
    src = "commitments.csv; progress.csv"
    rows = []
    c = commitments.assign(actor_type=commitments["actor_id"].map(actor_types).fillna("unknown"))
    for (kind, tt, st), n in c.groupby(["actor_type", "target_type", "status"]).size().items():
        rows.append((case, "targets", kind, f"{tt}/{st}", n, "count", "commitments.csv"))
    tracked = progress.set_index("commitment_id")["on_track"]
    state = c["commitment_id"].map(tracked).map({True: "on_track", False: "off_track"}).fillna("not_tracked")
    for (kind, s), n in c.assign(_s=state).groupby(["actor_type", "_s"]).size().items():
        rows.append((case, "tracking", kind, s, n, "count", src))
    red = reductions(progress)
    for kind, g in [("all", red), *red.groupby("actor_type")]:
        if g.empty:
            continue
        mean, weighted = average_reduction(g)
        rows += [(case, "reporting_actors", kind, "", len(g), "count", src),
                 (case, "mean_reduction_below_base", kind, "", round(mean, 6), "%", src),
                 (case, "weighted_reduction_below_base", kind, "", round(weighted, 6), "%", src)]
    return pd.DataFrame(rows, columns=COLUMNS)


def figure(table: pd.DataFrame, path: str | Path) -> None:
    """Two panels: targets by type and status; tracked targets on/off track, by actor type."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    t = table[table["metric"] == "targets"].copy()
    t[["target_type", "status"]] = t["category"].str.split("/", n=1, expand=True)
    wide = t.pivot_table(index="target_type", columns="status", values="value", aggfunc="sum").fillna(0)
    if len(wide):
        wide.plot.barh(stacked=True, ax=axes[0])
    axes[0].set(title="Targets by type and status", xlabel="number of targets", ylabel="")
    k = table[table["metric"] == "tracking"]
    wide = k.pivot_table(index="actor_type", columns="category", values="value", aggfunc="sum").fillna(0)
    if len(wide):
        wide.plot.barh(stacked=True, ax=axes[1])
    m = table[(table["metric"].str.endswith("reduction_below_base")) & (table["actor_type"] == "all")]
    note = ", ".join(f"{'emissions-weighted' if r.metric.startswith('weighted') else 'mean'} {r.value:.1f} %"
                     for r in m.itertuples())
    axes[1].set(title="Tracked targets at the latest inventory", xlabel="number of targets", ylabel="")
    for ax, title in zip(axes, ("status", "tracking"), strict=True):
        if ax.get_legend() is not None:
            ax.get_legend().set_title(title)
    fig.text(0.5, 0.01, "Reporting actors below their base years: " + (note or "none"), ha="center", fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, format="png", metadata={"Software": None})
    plt.close(fig)
