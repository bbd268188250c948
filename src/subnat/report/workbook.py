"""tables.xlsx: every result table of a case in one workbook, with a README sheet.

Policy teams open the workbook rather than the CSV files, so it carries what the CSV files
cannot: what each column means, its unit, the case description and the data vintages.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from subnat.outputs import reproducible_xlsx, write_atomic
from subnat.report.columns import describe
from subnat.report.results import CaseResults

SHEETS = ("summary", "national", "commitments", "exclusions", "overlaps", "ndc", "sensitivity", "assumptions",
          "progress", "actors")
SHEET_PURPOSE = {
    "summary": "Headline table: one row per scenario x reporting year",
    "national": "National emissions and NSA reduction per scenario x year (quantiles over draws)",
    "commitments": "One row per commitment kept after screening: target, reference, pathway and impacts",
    "exclusions": "One row per commitment excluded by screening, with the reason",
    "overlaps": "Gross and net NSA reduction and the overlap removed by type, per scenario x reporting year",
    "ndc": "Every NDC level of the case against every scenario",
    "sensitivity": "Headline metric under each one-at-a-time sensitivity case (tornado)",
    "progress": "Ex-post progress: one row per commitment with an inventory after its base year (method §11)",
    "actors": "One row per actor: population, per-capita emissions, 1990 emissions, long-term target, Under2 MOU "
              "verdicts with reasons, AR6 rates, 2050 consistency, peer ranks",
    "assumptions": "Assumption register: every configurable assumption, its source, and the sensitivity "
                   "cases that vary it",
}


def number_format(column: str, unit: str) -> str | None:
    """Excel number format from the unit, so Mt, %, shares and years read naturally."""
    if unit == "year" or column in ("line", "n_commitments"):
        return "0"
    if unit.startswith("Mt"):
        return "#,##0.00"
    if unit in ("%", "percentage points"):
        return "0.0"
    if unit.startswith(("share", "probability")):
        return "0.000"
    return None


def readme(results: CaseResults, sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """README rows: case facts, data vintages, then every sheet's columns with meaning and unit."""
    meta, prov = results.meta, results.provenance
    rows: list[tuple[str, str, str, str]] = [
        ("case", results.name, "", ""),
        ("description", str(meta.get("description", "")), "", ""),
        ("country", results.country, "ISO 3166-1 alpha-3", ""),
        ("base year", str(results.base_year), "year", ""),
        ("years", f"{meta['years'][0]}-{meta['years'][1]}", "year", ""),
        ("GWP context", str(meta.get("gwp", "")), "", ""),
        ("LULUCF", str(meta.get("lulucf", "")), "", ""),
        ("draws", str(prov.get("draws", "")), "count", "Monte Carlo draws behind every quantile"),
        ("model version", f"subnat {results.version}", "", f"git {prov.get('git_commit', '')}"),
        ("config SHA-256", str(prov.get("config_sha256", "")), "", "of config.resolved.yaml (canonical JSON)"),
        ("run at (UTC)", str(prov.get("created_utc", "")), "", ""),
    ]
    for source in meta.get("sources", []) or []:
        rows.append(("data source / vintage", str(source), "", ""))
    for name, info in sorted(prov.get("inputs", {}).items()):
        rows.append(("input file", name, "SHA-256", str(info.get("sha256", ""))))
    rows.append(("", "", "", ""))
    rows.append(("sheet", "column", "unit", "meaning"))
    for sheet, frame in sheets.items():
        rows.append((sheet, "", "", SHEET_PURPOSE.get(sheet, "")))
        for column in frame.columns:
            meaning, unit = describe(column) or ("(not documented)", "")
            rows.append((sheet, column, unit, meaning))
    return pd.DataFrame(rows, columns=["item", "value", "unit", "note"])


def _style(ws: Worksheet, frame: pd.DataFrame, formats: bool) -> None:
    """Bold frozen header, autofilter, widths from content, number formats by unit."""
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if len(frame.columns):
        ws.auto_filter.ref = ws.dimensions
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        sample = frame[column].astype(str).head(200)
        width = max([len(str(column)), *sample.str.len().tolist()]) if len(sample) else len(str(column))
        ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        if not formats:
            continue
        info = describe(str(column))
        fmt = number_format(str(column), info[1]) if info else None
        if fmt and pd.api.types.is_numeric_dtype(frame[column]):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt


def write_workbook(results: CaseResults, assumptions_csv: str | Path, out_xlsx: str | Path,
                   tracking: Mapping[str, str | Path] | None = None) -> None:
    """Write tables.xlsx: README first, then one sheet per table (sensitivity only when run; progress and
    actors when `tracking` names their files, rule tracking)."""
    sheets: dict[str, pd.DataFrame] = {name: results.tables[name] for name in SHEETS if name in results.tables}
    if results.sensitivity is not None:
        sheets["sensitivity"] = results.sensitivity
    sheets["assumptions"] = pd.read_csv(assumptions_csv, keep_default_na=False)
    for name, path in (tracking or {}).items():
        if name in SHEETS:
            sheets[name] = pd.read_csv(path)
    sheets = {name: sheets[name] for name in SHEETS if name in sheets}
    intro = readme(results, sheets)

    def writer(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            intro.to_excel(xl, sheet_name="README", index=False)
            _style(xl.sheets["README"], intro, formats=False)
            for name, frame in sheets.items():
                frame.to_excel(xl, sheet_name=name, index=False)
                _style(xl.sheets[name], frame, formats=True)
        reproducible_xlsx(path)

    write_atomic(Path(out_xlsx), writer)
