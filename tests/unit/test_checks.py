"""Output checks of rule check_outputs: a consistent set of tables passes, and breaking one
invariant at a time fails with that check (and only that one) named in the ConsistencyError."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import yaml

from subnat.aggregate import checks
from subnat.errors import ConsistencyError

ENTRY = checks.check_outputs
YEARS = (2025, 2030)
REDUCTION = {"no_nsa": 0.0, "fixed_0.5": 50.0, "full_implementation": 100.0}


def tables() -> dict[str, pd.DataFrame]:
    """Tables that satisfy every invariant: one CPS member, so gross/net medians add up exactly."""
    rows = [(s, y) for s in REDUCTION for y in YEARS]
    summary = pd.DataFrame({
        "scenario": [s for s, _ in rows], "year": [y for _, y in rows],
        "net_reduction_mt_p50": [REDUCTION[s] for s, _ in rows],
        "pct_below_base_p05": 10.0, "pct_below_base_p50": 20.0, "pct_below_base_p95": 30.0,
        "prob_meets_ndc": [0.0, 0.5, 1.0] * 2,
    })
    national = pd.DataFrame({
        "scenario": [s for s, _ in rows], "year": [y for _, y in rows],
        "emissions_mt_p05": 900.0, "emissions_mt_p50": 950.0, "emissions_mt_p95": 1000.0,
    })
    overlaps = pd.DataFrame({
        "scenario": [s for s, _ in rows], "year": [y for _, y in rows],
        "gross_mt_p05": 120.0, "gross_mt_p50": 120.0, "gross_mt_p95": 120.0,
        "net_mt_p50": 100.0, "o2_removed_mt_p50": 10.0, "o3_removed_mt_p50": 6.0,
        "o6_removed_mt_p50": 4.0,
    })
    commitments = pd.DataFrame({"commitment_id": ["a", "b"],
                                "delivered_full_mt_2025": [70.0, 50.0],
                                "delivered_full_mt_2030": [20.0, 100.0]})
    return {"summary": summary, "national": national, "overlaps": overlaps,
            "commitments": commitments}


def run_checks(frames: dict[str, pd.DataFrame], tmp_path) -> dict:
    inputs = {}
    for name, frame in frames.items():
        inputs[name] = str(tmp_path / f"{name}.csv")
        frame.to_csv(inputs[name], index=False)
    out = tmp_path / "checks.yaml"
    ENTRY(inputs, str(out))
    return yaml.safe_load(out.read_text(encoding="utf-8"))


def test_consistent_tables_pass(tmp_path):
    record = run_checks(tables(), tmp_path)
    assert record["passed"] is True
    assert all(record["checks"].values())
    assert len(record["checks"]) == 8


def _set(table: str, column: str, value: float, row: int = 0) -> Callable[[dict], None]:
    def change(frames: dict[str, pd.DataFrame]) -> None:
        frames[table].loc[row, column] = value
    return change


def _net_above_gross(frames):
    frames["overlaps"].loc[0, ["net_mt_p50", "o2_removed_mt_p50"]] = [121.0, -11.0]  # split still adds up


BROKEN = {
    "net_not_above_gross": _net_above_gross,
    "no_negative_emissions": _set("national", "emissions_mt_p05", -1.0),
    "quantiles_ordered": _set("national", "emissions_mt_p05", 960.0),
    "probabilities_in_unit_interval": _set("summary", "prob_meets_ndc", 1.2),
    "no_nsa_has_zero_reduction": _set("summary", "net_reduction_mt_p50", 0.5, row=0),
    "scenarios_ordered": _set("summary", "net_reduction_mt_p50", 150.0, row=2),  # fixed above full
    "commitments_sum_to_total": _set("commitments", "delivered_full_mt_2025", 71.0),
    "overlap_split_adds_up": _set("overlaps", "o2_removed_mt_p50", 11.0),
}


@pytest.mark.parametrize("check", sorted(BROKEN))
def test_one_broken_invariant_is_named(check, tmp_path):
    frames = tables()
    BROKEN[check](frames)
    with pytest.raises(ConsistencyError, match=check) as caught:
        run_checks(frames, tmp_path)
    # found on main: the message pointed to checks.yaml, which Snakemake then removed with the failed
    # job; now no file is written and the message names every failed check (and the passed ones)
    assert not (tmp_path / "checks.yaml").exists()
    message = str(caught.value)
    assert message.startswith(f"output checks failed: {check} (passed: ") and "see " not in message


def test_percent_quantiles_out_of_order_fail(tmp_path):
    frames = tables()
    frames["summary"].loc[3, "pct_below_base_p95"] = 15.0  # below the median
    with pytest.raises(ConsistencyError, match="quantiles_ordered"):
        run_checks(frames, tmp_path)


def test_scenario_below_zero_fails(tmp_path):
    frames = tables()
    frames["summary"].loc[2, "net_reduction_mt_p50"] = -1.0  # fixed_0.5 increases emissions
    with pytest.raises(ConsistencyError, match="scenarios_ordered"):
        run_checks(frames, tmp_path)


def test_what_is_allowed_passes(tmp_path):
    """Missing quantiles, missing probabilities, spread draws and no full_implementation are fine."""
    frames = tables()
    frames["summary"].loc[0, "pct_below_base_p05"] = np.nan  # row skipped by the ordering check
    frames["summary"].loc[1, "prob_meets_ndc"] = np.nan
    over = frames["overlaps"]
    over.loc[over["scenario"] == "full_implementation", "gross_mt_p95"] = 130.0  # sums need not add
    frames["commitments"]["delivered_full_mt_2025"] = [1.0, 2.0]
    summary = frames["summary"]
    frames["summary"] = summary[summary["scenario"] != "full_implementation"].reset_index(drop=True)
    assert run_checks(frames, tmp_path)["passed"] is True


def test_within_tolerance_passes(tmp_path):
    frames = tables()
    frames["summary"].loc[0, "net_reduction_mt_p50"] = checks.TOLERANCE / 2
    frames["national"].loc[0, "emissions_mt_p05"] = -checks.TOLERANCE / 2
    assert run_checks(frames, tmp_path)["passed"] is True


def _with_data_error(tmp_path, drawn: bool) -> str:
    path = tmp_path / "config.resolved.yaml"
    path.write_text(f"uncertainty:\n  actor_data_error: {{value: {str(drawn).lower()}, source: test}}\n",
                    encoding="utf-8")
    return str(path)


def test_scenario_above_full_is_allowed_only_where_it_draws_data_error_full_does_not(tmp_path):
    """full_implementation draws no actor-data error (interfaces.md §4): with it drawn, a fixed_x
    median may exceed full's (a potential at zero is above zero in half the draws); a scenario below
    zero still fails, and without data error the upper bound holds as before."""
    frames = tables()
    frames["summary"].loc[2, "net_reduction_mt_p50"] = 150.0  # fixed above full
    for name, frame in frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    inputs = {name: str(tmp_path / f"{name}.csv") for name in frames}
    assert checks.evaluate({**inputs, "config": _with_data_error(tmp_path, True)})["scenarios_ordered"]
    assert not checks.evaluate({**inputs, "config": _with_data_error(tmp_path, False)})["scenarios_ordered"]
    assert not checks.evaluate(inputs)["scenarios_ordered"]
    frames["summary"].loc[2, "net_reduction_mt_p50"] = -1.0
    frames["summary"].to_csv(tmp_path / "summary.csv", index=False)
    assert not checks.evaluate({**inputs, "config": _with_data_error(tmp_path, True)})["scenarios_ordered"]
