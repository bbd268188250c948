"""IAMC long-format export (iamc.csv, iamc.xlsx) checked against the codelist of variables.

Researchers load the numbers into their own tools (pyam, nomenclature); the `|`-hierarchical
variables and the codelist (definition and unit of every variable) make them self-describing.
Uncertainty is a `quantile` column (0.05 ... 0.95) beside the seven IAMC columns. The IAMC
scenario is `<case>|<scenario>` (e.g. `us2017|expected`): cases of one country share model and
region, so the case name keeps the tables of several cases distinct when combined (pyam.concat).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from subnat.outputs import reproducible_xlsx, write_atomic, write_csv, write_yaml
from subnat.report.results import ACTOR_TYPES, CaseResults

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "quantile", "value"]
QUANTILES = {"p05": 0.05, "p17": 0.17, "p50": 0.5, "p83": 0.83, "p95": 0.95}
CODELIST = "data/codelist/variables.yaml"

# variable -> (table, column stem, scale)
_QUANTILE_SERIES = (
    ("Emissions|Kyoto Gases", "national", "emissions_mt", 1.0),
    ("Emissions|Kyoto Gases|Current Policy", "national", "cps_emissions_mt", 1.0),
    ("NSA Reduction|Net", "national", "net_reduction_mt", 1.0),
    ("NSA Reduction|Gross", "national", "gross_reduction_mt", 1.0),
    ("Emissions Reduction from Base Year|Kyoto Gases", "summary", "pct_below_base", 1.0),
    ("NDC|Gap Closed", "summary", "ndc_gap_share", 100.0),
    ("NSA Reduction|Overlap Removed|O2", "overlaps", "o2_removed_mt", 1.0),
    ("NSA Reduction|Overlap Removed|O3", "overlaps", "o3_removed_mt", 1.0),
    ("NSA Reduction|Overlap Removed|O6", "overlaps", "o6_removed_mt", 1.0),
    ("NSA Coverage|Emissions", "overlaps", "coverage_mt", 1.0),
    ("NSA Coverage|Share of Current Policy Emissions", "overlaps", "coverage_share", 100.0),
)
_PREFIX = {"full_implementation": "full", "expected": "expected"}


@cache
def codelist() -> dict[str, dict[str, Any]]:
    """variable -> {description, unit, ...} from the packaged codelist YAML."""
    text = resources.files("subnat").joinpath(CODELIST).read_text("utf-8")
    return {name: spec for item in yaml.safe_load(text) for name, spec in item.items()}


def iamc_scenario(case: str, scenario: str) -> str:
    """The IAMC scenario name of a subnat scenario of a case: `<case>|<scenario>`."""
    return f"{case}|{scenario}"


def to_iamc(results: CaseResults) -> pd.DataFrame:
    """Long table: one row per scenario x variable x year x quantile (NaN statistics dropped)."""
    codes = codelist()
    model, region = f"subnat {results.version}", results.country
    frames = []
    for variable, table, stem, scale in _QUANTILE_SERIES:
        frame = results.tables[table]
        for label, q in QUANTILES.items():
            column = f"{stem}_{label}"
            if column not in frame:
                continue
            frames.append(pd.DataFrame({"scenario": frame["scenario"], "variable": variable, "year": frame["year"],
                                        "quantile": q, "value": frame[column] * scale}))
    com = results.tables["commitments"]
    for scenario, prefix in _PREFIX.items():
        if scenario not in results.scenarios:
            continue
        for kind in ("delivered", "net"):
            for year in results.reporting_years:
                column = f"{kind}_{prefix}_mt_{year}"
                if column not in com:
                    continue
                sums = com.groupby("actor_type")[column].sum()
                branch = "Gross" if kind == "delivered" else "Net"
                frames.append(pd.DataFrame({
                    "scenario": scenario, "year": year, "quantile": 0.5,
                    "variable": [f"NSA Reduction|{branch}|{t.capitalize()}" for t in ACTOR_TYPES],
                    "value": [float(sums.get(t, 0.0)) for t in ACTOR_TYPES]}))
    out = pd.concat(frames, ignore_index=True)
    out = out[np.isfinite(out["value"].to_numpy(float))]
    out = out.assign(model=model, region=region, unit=out["variable"].map(lambda v: codes[v]["unit"]),
                     scenario=[iamc_scenario(results.name, s) for s in out["scenario"]])
    out["year"] = out["year"].astype(int)
    order = {v: i for i, v in enumerate(codes)}
    out = out.sort_values(["scenario", "variable", "year", "quantile"],
                          key=lambda s: s.map(order) if s.name == "variable" else s)
    return out[COLUMNS].reset_index(drop=True)


def check(frame: pd.DataFrame) -> list[str]:
    """Problems of an IAMC table against the codelist (unknown variables, wrong units); empty = valid."""
    codes = codelist()
    problems = []
    for variable, unit in frame[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        if variable not in codes:
            problems.append(f"variable '{variable}' is not in {CODELIST}")
        elif codes[variable]["unit"] != unit:
            problems.append(f"variable '{variable}': unit '{unit}', codelist says '{codes[variable]['unit']}'")
    return problems


def metadata(results: CaseResults, frame: pd.DataFrame) -> dict[str, Any]:
    """The sidecar iamc.meta.yaml: what the columns mean, the variables used, and provenance."""
    codes = codelist()
    prov = results.provenance
    return {
        "case": results.name,
        "columns": {
            "model": "subnat and its version",
            "scenario": "<case>|<subnat scenario> (README: Scenarios), e.g. us2017|expected",
            "region": "ISO 3166-1 alpha-3 code of the country",
            "variable": f"IAMC variable, defined in subnat's {CODELIST}",
            "unit": "unit of the value", "year": "calendar year",
            "quantile": "quantile over Monte Carlo draws of the per-draw value (0.5 = median)",
            "value": "the number",
        },
        "variables": {v: {"description": " ".join(codes[v]["description"].split()), "unit": codes[v]["unit"]}
                      for v in sorted(frame["variable"].unique())},
        "model": f"subnat {results.version}", "region": results.country,
        "gwp_context": results.meta.get("gwp", ""), "lulucf": results.meta.get("lulucf", ""),
        "base_year": results.base_year, "draws": prov.get("draws"),
        "provenance": {**{k: prov.get(k) for k in ("config_sha256", "created_utc")},
                       "git_commit": "see provenance.yaml"},
        "inputs_sha256": {k: v.get("sha256") for k, v in prov.get("inputs", {}).items()},
        "sources": list(results.meta.get("sources", []) or []),
        "rows": len(frame),
    }


def wide(frame: pd.DataFrame) -> pd.DataFrame:
    """The IAMC wide layout of the xlsx (years as columns), as pyam reads and writes it."""
    index = [c for c in COLUMNS if c not in ("year", "value")]
    table = frame.pivot_table(index=index, columns="year", values="value", aggfunc="first", sort=False)
    table.columns = [int(c) for c in table.columns]
    return table.reset_index()


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Sheet `data` in the wide layout (pyam's default sheet), header frozen; no pyam import needed."""
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        wide(frame).to_excel(xl, sheet_name="data", index=False)
        xl.sheets["data"].freeze_panes = "A2"
    reproducible_xlsx(path)


def write(results: CaseResults, out_csv: str | Path, out_xlsx: str | Path, out_meta: str | Path) -> pd.DataFrame:
    """iamc.csv (long), iamc.xlsx (wide IAMC layout) and iamc.meta.yaml (sorted keys)."""
    frame = to_iamc(results)
    problems = check(frame)
    if problems:
        raise ValueError("IAMC export does not match the codelist:\n" + "\n".join(problems))
    write_atomic(Path(out_csv), lambda p: write_csv(frame, p))
    write_atomic(Path(out_xlsx), lambda p: _write_xlsx(frame, p))
    write_atomic(Path(out_meta), lambda p: write_yaml(metadata(results, frame), p))
    return frame
