"""Checks on the scientific outputs of a case (rule check_outputs): sums, bounds, orderings.

A failed check stops the workflow: a result that breaks an invariant of method.md is a bug or
an input inconsistency, never something to publish.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from subnat.errors import ConsistencyError
from subnat.outputs import write_atomic, write_yaml

TOLERANCE = 1e-6


def evaluate(inputs: Mapping[str, str | Path]) -> dict[str, bool]:
    """Every check on the case's tables (summary, national, overlaps, commitments CSVs): name -> passed.
    An optional `config` (the run's config.resolved.yaml) says whether actor-data error was drawn."""
    summary = pd.read_csv(inputs["summary"])
    data_error = _draws_data_error(inputs["config"]) if "config" in inputs else False
    national = pd.read_csv(inputs["national"])
    overlaps = pd.read_csv(inputs["overlaps"])
    commitments = pd.read_csv(inputs["commitments"])
    return {
        "net_not_above_gross": _net_le_gross(overlaps),
        "no_negative_emissions": bool((national.filter(like="emissions_mt_p").to_numpy() >= -TOLERANCE).all()),
        "quantiles_ordered": _ordered(national, "emissions_mt") and _ordered(summary, "pct_below_base"),
        "probabilities_in_unit_interval": bool(summary["prob_meets_ndc"].dropna().between(0, 1).all()),
        "no_nsa_has_zero_reduction": _no_nsa_zero(summary),
        "scenarios_ordered": _scenarios_ordered(summary, bounded_by_full=not data_error),
        "commitments_sum_to_total": _commitments_sum(commitments, overlaps),
        "overlap_split_adds_up": _split_adds_up(overlaps),
    }


def require(results: Mapping[str, bool]) -> None:
    """Raise naming every failed check (the message is self-contained: a failed run keeps no file)."""
    failed = [name for name, ok in results.items() if not ok]
    if failed:
        passed = [name for name, ok in results.items() if ok]
        raise ConsistencyError("output checks failed: " + ", ".join(failed)
                               + (f" (passed: {', '.join(passed)})" if passed else ""))


def check_outputs(inputs: Mapping[str, str], out_yaml: str) -> None:
    """Rule check_outputs: checks.yaml when every check passes, else an error naming the failures."""
    results = evaluate(inputs)
    require(results)
    write_atomic(Path(out_yaml), lambda p: write_yaml({"checks": results, "passed": True}, p))


def _net_le_gross(overlaps: pd.DataFrame) -> bool:
    return bool((overlaps["net_mt_p50"] <= overlaps["gross_mt_p50"] + TOLERANCE).all())


def _ordered(frame: pd.DataFrame, prefix: str) -> bool:
    cols = [f"{prefix}_p05", f"{prefix}_p50", f"{prefix}_p95"]
    values = frame[cols].to_numpy()
    ok = np.isnan(values).any(axis=1) | ((values[:, 0] <= values[:, 1] + TOLERANCE)
                                         & (values[:, 1] <= values[:, 2] + TOLERANCE))
    return bool(ok.all())


def _no_nsa_zero(summary: pd.DataFrame) -> bool:
    rows = summary[summary["scenario"] == "no_nsa"]
    return bool((rows["net_reduction_mt_p50"].abs() <= TOLERANCE).all())


def _scenarios_ordered(summary: pd.DataFrame, bounded_by_full: bool = True) -> bool:
    """Medians: no_nsa <= fixed_x / expected <= full_implementation reduction (method §6).

    The upper bound holds only where the scenarios share every draw. full_implementation draws no
    actor-data error (interfaces.md §4) while fixed_x and expected do, so with that error on, a
    potential that sits at zero (a target at today's level) is above zero in half their draws, and
    their median can exceed full_implementation's: then only the lower bound is checked."""
    wide = summary.pivot(index="year", columns="scenario", values="net_reduction_mt_p50")
    if "full_implementation" not in wide:
        return True
    top = wide["full_implementation"]
    for name in wide.columns:
        if name == "full_implementation":
            continue
        above = wide[name] > top * (1 + 1e-9) + TOLERANCE
        if ((wide[name] < -TOLERANCE) | (above & bounded_by_full)).any():
            return False
    return True


def _draws_data_error(config_path: str | Path) -> bool:
    """uncertainty.actor_data_error of a resolved config (entries are {value, source} or plain)."""
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    entry = config.get("uncertainty", {}).get("actor_data_error", False)
    return bool(entry.get("value", False) if isinstance(entry, dict) else entry)


def _commitments_sum(commitments: pd.DataFrame, overlaps: pd.DataFrame) -> bool:
    """Gross full-implementation impact of the commitment rows equals the case total when the
    draws are identical (one CPS member); otherwise medians need not add up and it is skipped."""
    full = overlaps[overlaps["scenario"] == "full_implementation"]
    ok = True
    for row in full.itertuples(index=False):
        column = f"delivered_full_mt_{row.year}"
        if column not in commitments or abs(row.gross_mt_p95 - row.gross_mt_p05) > TOLERANCE:
            continue
        ok &= abs(commitments[column].sum() - row.gross_mt_p50) <= 1e-4 * max(1.0, row.gross_mt_p50)
    return bool(ok)


def _split_adds_up(overlaps: pd.DataFrame) -> bool:
    """gross - net = O2 + O3 + O6 holds per draw, so the medians of a degenerate distribution match."""
    same = (overlaps["gross_mt_p95"] - overlaps["gross_mt_p05"]).abs() <= TOLERANCE
    rows = overlaps[same]
    removed = rows["o2_removed_mt_p50"] + rows["o3_removed_mt_p50"] + rows["o6_removed_mt_p50"]
    return bool(((rows["gross_mt_p50"] - rows["net_mt_p50"] - removed).abs() <= 1e-4).all())
