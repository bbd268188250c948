"""Build small cases in code (primap2's minimal_ds habit): explicit numbers, written to a tmp folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from subnat.aggregate.assess import Assessment, assess
from subnat.aggregate.settings import method_settings
from subnat.case.load import load_case
from subnat.config import deep_merge, load

COMMITMENT_COLUMNS = ["commitment_id", "actor_id", "target_type", "target_year", "value", "base_year",
                      "base_year_emissions_mt", "coverage", "scope", "status", "in_national_projection",
                      "bau_emissions_mt", "reference_share", "source"]


def write_case(folder: Path, actors: list[dict], inventory: list[dict], commitments: list[dict],
               national: dict[str, dict[int, float]] | None = None, locations: list[dict] | None = None,
               drivers: list[dict] | None = None, meta: dict[str, Any] | None = None) -> Path:
    """Write a case folder. `national` maps series -> {year: Mt}; default a flat CPS of 1000 Mt."""
    folder.mkdir(parents=True, exist_ok=True)
    case_yaml = {"country": "XTS", "base_year": 2005, "years": [2015, 2040], "reporting_years": [2025, 2030, 2035],
                 "gwp": "AR5GWP100", "lulucf": "excluded",
                 "ndc": [{"label": "NDC", "target_year": 2030, "type": "absolute", "value": 0.4}]}
    case_yaml.update(meta or {})
    (folder / "case.yaml").write_text(yaml.safe_dump(case_yaml), encoding="utf-8")
    actor_rows = [{"country": "XTS", "parent_id": "", "source": "test", **a} for a in actors]
    pd.DataFrame(actor_rows).to_csv(folder / "actors.csv", index=False)
    pd.DataFrame([{"source": "test", **r} for r in inventory],
                 columns=["actor_id", "year", "emissions_mt", "scope", "source"]).to_csv(folder / "inventory.csv",
                                                                                         index=False)
    rows = [{"coverage": 1, "status": "law", "in_national_projection": "false", "source": "test", **c}
            for c in commitments]
    pd.DataFrame(rows, columns=COMMITMENT_COLUMNS).to_csv(folder / "commitments.csv", index=False)
    if national is None:
        national = {"history": {2005: 1000.0}, "cps": {y: 1000.0 for y in range(2005, 2041)}}
    nat_rows = [{"series": s, "year": y, "emissions_mt": v, "source": "test"}
                for s, values in national.items() for y, v in values.items()]
    pd.DataFrame(nat_rows).to_csv(folder / "national.csv", index=False)
    if locations:
        pd.DataFrame([{"source": "test", **r} for r in locations]).to_csv(folder / "company_locations.csv",
                                                                          index=False)
    if drivers:
        pd.DataFrame([{"source": "test", **r} for r in drivers]).to_csv(folder / "drivers.csv", index=False)
    return folder


def run(folder: Path, scenarios: tuple[str, ...] = ("full_implementation",), draws: int = 1, seed: int = 1,
        overrides: dict[str, Any] | None = None) -> Assessment:
    """Assess a hand-built case. The drawn projection and reference-growth errors are off unless an
    override switches them on: the tests here check hand-computed numbers."""
    quiet = override(uncertainty__reference_growth=False, uncertainty__projection_error="off")
    settings = replace(method_settings(load([], deep_merge(quiet, overrides or {}))), draws=draws, seed=seed)
    return assess(load_case(folder), settings, list(scenarios))


def override(**dotted: Any) -> dict[str, Any]:
    """{'pathway.anchor': 'base_year'} -> nested override of the assumption's value."""
    out: dict[str, Any] = {}
    for key, value in dotted.items():
        parts = key.split("__")
        node: dict[str, Any] = {}
        leaf = node
        for part in parts[:-1]:
            leaf = leaf.setdefault(part, {})
        leaf[parts[-1]] = {"value": value}
        out = deep_merge(out, node)
    return out


def group_value(a: Assessment, scenario: str, commitment_id: str, year: int, what: str = "potential") -> float:
    """Value of the group of a commitment in a year (draw 0); what: reference|potential|delivered|net."""
    c = a.screened.commitments
    g = int(c.loc[c["commitment_id"] == commitment_id, "group"].iloc[0])
    i = a.case.meta.reporting_years.index(year)
    return float(a.results[scenario].by_group[what][g, i, 0])


def total(a: Assessment, scenario: str, year: int, what: str = "net") -> float:
    return float(getattr(a.results[scenario], what)[year - a.years[0], 0])


def approx(x: float) -> Any:
    import pytest

    return pytest.approx(x, rel=1e-9, abs=1e-9)


__all__ = ["approx", "group_value", "np", "override", "run", "total", "write_case"]
