"""tables.xlsx and assumptions.csv of the demo case: sheets, README, formats, register."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_demo import build, config

from subnat.config import assumptions
from subnat.report.assumptions import register, varied_by
from subnat.report.columns import describe
from subnat.report.workbook import SHEETS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.getbasetemp() / "report-demo")


def test_workbook_has_every_table_with_frozen_headers(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "tables.xlsx")
    assert wb.sheetnames == ["README", *SHEETS]
    for name in wb.sheetnames:
        assert wb[name].freeze_panes == "A2", name
    summary = pd.read_csv(demo / "summary.csv")
    ws = wb["summary"]
    header = [c.value for c in ws[1]]
    assert header == list(summary.columns)
    col = header.index("emissions_mt_p50") + 1
    assert ws.cell(row=2, column=col).number_format == "#,##0.00"
    assert ws.cell(row=2, column=col).value == pytest.approx(summary["emissions_mt_p50"].iloc[0])
    assert ws.cell(row=2, column=header.index("pct_below_base_p50") + 1).number_format == "0.0"


def test_readme_documents_every_column_and_the_case(demo: Path) -> None:
    readme = pd.read_excel(demo / "tables.xlsx", sheet_name="README", keep_default_na=False)
    assert "(not documented)" not in set(readme["note"])
    items = dict(zip(readme["item"], readme["value"], strict=False))
    assert items["case"] == "demo"
    assert items["data source / vintage"].startswith("synthetic")
    assert "input file" in set(readme["item"])
    for name in ("summary", "national", "commitments", "exclusions", "overlaps", "ndc", "sensitivity"):
        for column in pd.read_csv(demo / f"{name}.csv").columns:
            assert describe(column) is not None, f"{name}.{column}"
            assert ((readme["item"] == name) & (readme["value"] == column)).any(), f"{name}.{column}"


def test_assumption_register_lists_every_assumption_and_its_sensitivity_cases(demo: Path) -> None:
    table = pd.read_csv(demo / "assumptions.csv", keep_default_na=False)
    cfg = config()
    assert sorted(table["key"]) == sorted(row["key"] for row in assumptions(cfg))
    assert set(table.columns) >= {"key", "value", "unit", "source", "rationale", "sensitivity_cases"}
    row = table.set_index("key").loc["inclusion.statuses"]
    assert row["sensitivity_cases"] == "laws_only"
    assert table.set_index("key").loc["pathway.after_target", "sensitivity_cases"] == "after_target_cps_trend"
    assert all(table["source"].str.len() > 0)


def test_varied_by_matches_nested_set_keys() -> None:
    cfg = {"sensitivity": {"cases": [{"name": "a", "set": {"x.y.value": 1}},
                                     {"name": "b", "set": {"x.y.value.city": 2, "x.yz.value": 3}}]}}
    assert varied_by("x.y", cfg) == [("a", 1), ("b", 2)]
    assert varied_by("x.yz", cfg) == [("b", 3)]
    assert register(config())["sensitivity_values"].str.contains("cps_trend").any()
