"""Read the outputs of one assessed case into one object the report writers share.

The writers never rerun the assessment: they read the tables of interfaces.md §4, so the
workbook, figures, report and IAMC file always agree with ``summary.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from subnat.report.layout import TABLE_NAMES

ACTOR_TYPES = ("region", "city", "company")


@dataclass
class CaseResults:
    """The tables, config and provenance of one case, plus its case.yaml and national history."""

    folder: Path
    tables: dict[str, pd.DataFrame]
    sensitivity: pd.DataFrame | None
    config: dict[str, Any]
    provenance: dict[str, Any]
    meta: dict[str, Any]
    history: pd.DataFrame
    uncertainty: pd.DataFrame | None = None  # uncertainty.csv (variance decomposition), when made

    @property
    def name(self) -> str:
        return str(self.provenance.get("case") or self.meta.get("name") or self.folder.name)

    @property
    def summary(self) -> pd.DataFrame:
        return self.tables["summary"]

    @property
    def scenarios(self) -> list[str]:
        """Scenarios in the order the assessment wrote them."""
        return list(dict.fromkeys(self.summary["scenario"]))

    @property
    def reporting_years(self) -> list[int]:
        return sorted(int(y) for y in self.summary["year"].unique())

    @property
    def base_year(self) -> int:
        return int(self.meta["base_year"])

    @property
    def country(self) -> str:
        return str(self.meta["country"])

    @property
    def version(self) -> str:
        return str(self.provenance.get("versions", {}).get("subnat", "unknown"))

    @property
    def main_year(self) -> int:
        """The year of the headline metric: the one sensitivity.csv used, else the config rule."""
        if self.sensitivity is not None and len(self.sensitivity):
            return int(self.sensitivity["year"].iloc[0])
        from subnat.aggregate.sensitivity import metric_year

        return metric_year(self.config, self.reporting_years)

    @property
    def headline_scenario(self) -> str:
        """The scenario the headline sentence reports: expected if assessed, else full implementation."""
        for name in ("expected", "full_implementation"):
            if name in self.scenarios:
                return name
        return self.scenarios[-1]


def load(result_dir: str | Path, case_yaml: str | Path | None = None,
         case_national: str | Path | None = None, sensitivity_csv: str | Path | None = "auto",
         uncertainty_csv: str | Path | None = "auto") -> CaseResults:
    """Read results/<case>/; the case inputs default to the paths recorded in provenance.yaml.
    `sensitivity_csv`: the sensitivity table to read, None for none; by default the folder's
    sensitivity.csv when present (a rule passes what it declares, so it reads nothing undeclared)."""
    folder = Path(result_dir)
    tables = {name: pd.read_csv(folder / f"{name}.csv") for name in TABLE_NAMES}
    sens_path = folder / "sensitivity.csv" if sensitivity_csv == "auto" else sensitivity_csv
    sensitivity = pd.read_csv(sens_path) if sens_path is not None and Path(sens_path).is_file() else None
    unc_path = folder / "uncertainty.csv" if uncertainty_csv == "auto" else uncertainty_csv
    uncertainty = pd.read_csv(unc_path) if unc_path is not None and Path(unc_path).is_file() else None
    config = yaml.safe_load((folder / "config.resolved.yaml").read_text(encoding="utf-8"))
    provenance = yaml.safe_load((folder / "provenance.yaml").read_text(encoding="utf-8"))
    inputs = provenance.get("inputs", {})
    case_yaml = Path(case_yaml or inputs["case.yaml"]["path"])
    case_national = Path(case_national or inputs["national.csv"]["path"])
    meta = yaml.safe_load(case_yaml.read_text(encoding="utf-8"))
    national = pd.read_csv(case_national)
    history = (national[national["series"] == "history"][["year", "emissions_mt"]]
               .sort_values("year").reset_index(drop=True))
    return CaseResults(folder, tables, sensitivity, config, provenance, meta, history, uncertainty)


def scenario_label(name: str) -> str:
    """Plain-language scenario name for figures and tables."""
    if name.startswith("fixed_"):
        return f"fixed delivery {100 * float(name.removeprefix('fixed_')):.0f} %"
    return {"no_nsa": "current policy (no NSA action)", "full_implementation": "full implementation",
            "expected": "expected delivery"}.get(name, name)
