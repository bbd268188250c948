"""The tracking section of report.md: the landscape of targets, progress below base years, the Under2
MOU check and the 2050 consistency, in words, from progress.csv, actors.csv and landscape.csv only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

GOVERNMENTS = ("region", "city")


def _value(land: pd.DataFrame, metric: str, kind: str = "all") -> float | None:
    sel = land[(land["metric"] == metric) & (land["actor_type"] == kind)]
    return None if sel.empty else float(sel["value"].iloc[0])


def _targets_table(land: pd.DataFrame) -> list[str]:
    t = land[land["metric"] == "targets"].copy()
    if t.empty:
        return ["No commitments in the case.", ""]
    t[["target_type", "status"]] = t["category"].str.split("/", n=1, expand=True)
    wide = t.pivot_table(index="target_type", columns="status", values="value", aggfunc="sum", fill_value=0)
    cols = list(wide.columns)
    out = ["| target type | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    out += [f"| {tt} | " + " | ".join(f"{int(v)}" for v in row) + " |" for tt, row in wide.iterrows()]
    return [*out, ""]


def _mou_sentence(gov: pd.DataFrame, column: str, label: str) -> str:
    counts = gov[column].value_counts()
    met, not_met, unknown = (int(counts.get(k, 0)) for k in ("met", "not_met", "unknown"))
    return f"{label}: {met} met, {not_met} not met, {unknown} unknown."


def section(progress: pd.DataFrame, actors: pd.DataFrame, land: pd.DataFrame,
            figure: str | Path | None = None) -> list[str]:
    """Markdown lines of the section."""
    out = ["## Progress, Under2 MOU and 2050 consistency (tracking)", "",
           "From `progress.csv` (one row per commitment with an inventory after its base year), `actors.csv` "
           "(one row per actor) and `landscape.csv`; columns in docs/outputs.md.", "",
           "**Targets by type and status** (`commitments.csv`):", ""]
    out += _targets_table(land)
    on = int(progress["on_track"].astype(str).str.lower().eq("true").sum())
    out.append(f"{len(progress)} commitments have an inventory after their base year; {on} of them are at or below "
               "their linear pathway at the latest inventory year.")
    n = _value(land, "reporting_actors")
    if n:
        mean, weighted = _value(land, "mean_reduction_below_base"), _value(land, "weighted_reduction_below_base")
        parts = []
        for kind in ("region", "city", "company"):
            k = _value(land, "reporting_actors", kind)
            if k:
                parts.append(f"{kind} {_value(land, 'mean_reduction_below_base', kind):.1f} % "
                             f"({int(k)} actors; weighted {_value(land, 'weighted_reduction_below_base', kind):.1f} %)")
        out.append(f"Across the {int(n)} reporting actors, emissions at the latest inventory were on average "
                   f"{mean:.1f} % below their targets' base years (emissions-weighted {weighted:.1f} %): "
                   + "; ".join(parts) + ". Each actor counts with the target governing its latest year.")
    out.append("")
    gov = actors[actors["actor_type"].isin(GOVERNMENTS) & (actors["n_commitments"].astype(int) > 0)]
    if len(gov):
        cons = gov["consistency_flag"].value_counts()
        out += [f"**Under2 MOU check** for the {len(gov)} states, regions and cities with targets "
                "(`actors.csv`, every verdict with its reason):", "",
                f"- {_mou_sentence(gov, 'mou2015', '2015 MOU (80 % below 1990 or < 2 t per person by 2050)')}",
                f"- {_mou_sentence(gov, 'mou2021', '2021 update (net zero by 2050)')}",
                f"- 2050 consistency: {int(cons.get('dead_end', 0))} governments have a dead-end interim target "
                f"(above the straight path from the latest inventory to the long-term target; `consistency.csv`), "
                f"{int(cons.get('consistent', 0))} are consistent, {int(cons.get('no_interim', 0))} have a "
                "long-term target without an interim target.", ""]
        flags = gov["population_flag"].value_counts()
        out += ["Population: " + ", ".join(f"{k} {int(v)}" for k, v in flags.items()) +
                " (case actors.csv cross-checked against ClimActor; `disagree` rows keep both values).", ""]
    if figure:
        out += [f"![Targets by type and status, and progress of tracked targets](figures/{Path(figure).name})", ""]
    return out
