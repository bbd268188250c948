"""One-at-a-time sensitivity analysis (method §10): one run per named config change.

Each sensitivity case is its own job (`assess_sensitivity`), merged by `merge_sensitivity`, so a
cluster runs them side by side. The headline metric is the % below the base year in the metric
year; `low`/`central`/`high` are its 5th, 50th and 95th percentiles over draws.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat.aggregate.assess import assess, prepare
from subnat.aggregate.national import base_year_emissions, pct_below_base
from subnat.aggregate.scenarios import scenario_names
from subnat.aggregate.settings import method_settings
from subnat.config import ConfigSources, compose, resolve, set_dotted
from subnat.errors import InputError, Problem
from subnat.outputs import write_atomic, write_csv

COLUMNS = ["case", "sensitivity", "description", "changes", "scenario", "year", "low", "central", "high",
           "delta_central"]


def metric_year(config: Mapping[str, Any], reporting_years: Sequence[int]) -> int:
    """Configured year, else the first reporting year at or after 2025, else the last."""
    chosen = config["sensitivity"]["metric_year"]
    if chosen is not None:
        if chosen not in reporting_years:
            raise InputError(Problem("config", None, "sensitivity.metric_year",
                                     f"{chosen} is not a reporting year of the case ({list(reporting_years)})"))
        return int(chosen)
    later = [y for y in reporting_years if y >= 2025]
    return int(later[0] if later else reporting_years[-1])


def find(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    for item in config["sensitivity"]["cases"]:
        if item["name"] == name:
            return item
    raise InputError(Problem("config", None, "sensitivity.cases", f"no sensitivity case named '{name}'"))


def apply(config: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """The config of one sensitivity case, validated again after the change."""
    changed = dict(config)
    for key, new in item["set"].items():
        changed = set_dotted(changed, key, new)
    return resolve(changed, origin=f"sensitivity case {item['name']}")


def headline_scenario(config: Mapping[str, Any], posterior: str | Path | None) -> str:
    names = scenario_names(config)
    return "expected" if "expected" in names and posterior is not None else "full_implementation"


def run_one(case: str | Path, config: ConfigSources | Mapping[str, Any], name: str, out_csv: str | Path,
            posterior: str | Path | None = None) -> None:
    """Run one sensitivity case and write its metric row."""
    run = prepare(case, config)
    loaded = run.case
    item = find(run.config, name)
    scenario = headline_scenario(run.config, posterior)
    a = assess(loaded, method_settings(apply(run.config, item)), [scenario],
               posterior if scenario == "expected" else None)
    year = metric_year(run.config, loaded.meta.reporting_years)
    t = year - a.years[0]
    result = a.results[scenario]
    pct = pct_below_base(result.cps[t] - result.net[t], base_year_emissions(loaded, loaded.meta.base_year))
    low, central, high = np.quantile(pct, [0.05, 0.5, 0.95])
    row = {"case": loaded.meta.name, "sensitivity": name, "description": item.get("description", ""),
           "changes": json.dumps(item["set"], sort_keys=True), "scenario": scenario, "year": year,
           "low": low, "central": central, "high": high, "delta_central": np.nan}
    write_atomic(Path(out_csv), lambda p: write_csv(pd.DataFrame([row], columns=COLUMNS), p))


def merge(summary_csv: str | Path, parts: Sequence[str | Path], config: ConfigSources | Mapping[str, Any],
          out_csv: str | Path, posterior: str | Path | None = None) -> None:
    """sensitivity.csv: the default run, the achievement scenarios, and every sensitivity case."""
    config = compose(ConfigSources.coerce(config)).config
    summary = pd.read_csv(summary_csv)
    case = str(summary["case"].iloc[0])
    scenario = headline_scenario(config, posterior)
    year = metric_year(config, sorted(summary["year"].unique().tolist()))
    rows = []
    for name, label, description in (
        (scenario, "default", "Default configuration"),
        ("full_implementation", "achievement_full", "Achievement: every commitment fully delivered"),
        ("expected", "achievement_expected", "Achievement: drawn from the fitted model"),
        *[(s, f"achievement_{s.removeprefix('fixed_')}", f"Achievement: fixed fraction {s.removeprefix('fixed_')}")
          for s in summary["scenario"].unique() if s.startswith("fixed_")],
    ):
        match = summary[(summary["scenario"] == name) & (summary["year"] == year)]
        if match.empty or (label != "default" and name == scenario):
            continue
        r = match.iloc[0]
        rows.append({"case": case, "sensitivity": label, "description": description, "changes": "{}",
                     "scenario": name, "year": year, "low": r["pct_below_base_p05"],
                     "central": r["pct_below_base_p50"], "high": r["pct_below_base_p95"]})
    frame = pd.concat([pd.DataFrame(rows), *[pd.read_csv(p) for p in parts]], ignore_index=True)
    frame["delta_central"] = frame["central"] - frame.loc[frame["sensitivity"] == "default", "central"].iloc[0]
    write_atomic(Path(out_csv), lambda p: write_csv(frame[COLUMNS], p))
