"""IAMC export of the demo case: codelist, pyam, sidecar metadata, traceability to the tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from report_demo import SCENARIOS, build

from subnat.report.iamc import COLUMNS, check, codelist, to_iamc
from subnat.report.results import load


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.getbasetemp() / "report-demo")


def test_codelist_defines_every_variable_with_unit_and_definition() -> None:
    codes = codelist()
    assert "Emissions|Kyoto Gases" in codes and "NSA Reduction|Overlap Removed|O2" in codes
    for name, spec in codes.items():
        assert spec["unit"], name
        assert len(spec["description"].split()) >= 8, name


def test_export_matches_the_codelist(demo: Path) -> None:
    frame = pd.read_csv(demo / "iamc.csv")
    assert list(frame.columns) == COLUMNS
    assert check(frame) == []
    codes = codelist()
    for variable, unit in frame[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        assert codes[variable]["unit"] == unit
    expected = {"Emissions|Kyoto Gases", "Emissions|Kyoto Gases|Current Policy", "NSA Reduction|Net",
                "NSA Reduction|Gross", "NSA Reduction|Gross|Region", "NSA Reduction|Gross|City",
                "NSA Reduction|Gross|Company", "NSA Reduction|Overlap Removed|O2",
                "NSA Reduction|Overlap Removed|O3", "NSA Reduction|Overlap Removed|O6"}
    assert expected <= set(frame["variable"])
    assert set(frame["region"]) == {"XDM"}
    assert frame["model"].str.startswith("subnat ").all()
    assert set(frame["quantile"]) == {0.05, 0.17, 0.5, 0.83, 0.95}
    assert not frame.duplicated(["scenario", "variable", "year", "quantile"]).any()
    assert set(frame["scenario"]) == {f"demo|{s}" for s in SCENARIOS}


def test_check_reports_unknown_variables_and_units() -> None:
    bad = pd.DataFrame({"variable": ["Emissions|Kyoto Gases", "Made Up"], "unit": ["kt", "Mt CO2-equiv/yr"]})
    problems = check(bad)
    assert len(problems) == 2 and "Made Up" in problems[1]


def test_values_trace_back_to_the_result_tables(demo: Path) -> None:
    frame = pd.read_csv(demo / "iamc.csv")
    nat = pd.read_csv(demo / "national.csv").set_index(["scenario", "year"])
    row = frame.query("scenario == 'demo|full_implementation' and variable == 'Emissions|Kyoto Gases' "
                      "and year == 2030 and quantile == 0.95")
    assert row["value"].item() == pytest.approx(nat.loc[("full_implementation", 2030), "emissions_mt_p95"])
    com = pd.read_csv(demo / "commitments.csv")
    region = frame.query("scenario == 'demo|full_implementation' and variable == 'NSA Reduction|Gross|Region' "
                         "and year == 2030")
    assert region["value"].item() == pytest.approx(com.loc[com.actor_type == "region", "delivered_full_mt_2030"].sum())


def test_pyam_loads_csv_and_xlsx(demo: Path) -> None:
    pyam = pytest.importorskip("pyam")
    from_csv = pyam.IamDataFrame(demo / "iamc.csv")
    from_xlsx = pyam.IamDataFrame(demo / "iamc.xlsx")
    assert from_csv.extra_cols == ["quantile"]
    assert from_csv.equals(from_xlsx)
    assert set(from_csv.variable) <= set(codelist())
    assert "XDM" in from_csv.region


def test_sidecar_metadata_has_sorted_keys(demo: Path) -> None:
    text = (demo / "iamc.meta.yaml").read_text(encoding="utf-8")
    meta = yaml.safe_load(text)
    assert text == yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)
    assert meta["region"] == "XDM" and meta["columns"]["quantile"]
    assert set(meta["variables"]) == set(pd.read_csv(demo / "iamc.csv")["variable"])


def test_tables_of_two_cases_combine_in_pyam(demo: Path) -> None:
    """Cases of one country share model and region: the case name in the IAMC scenario keeps their
    rows distinct, so pyam.concat combines e.g. us2017 and us2023 (here: the demo under two names)."""
    pyam = pytest.importorskip("pyam")
    first = load(demo)
    second = load(demo)
    second.provenance = {**second.provenance, "case": "demo_later"}
    frames = [pyam.IamDataFrame(to_iamc(r)) for r in (first, second)]
    both = pyam.concat(frames)
    assert len(both.timeseries()) == len(frames[0].timeseries()) + len(frames[1].timeseries())
    assert set(both.scenario) == {f"{case}|{s}" for case in ("demo", "demo_later") for s in SCENARIOS}
    assert set(both.model) == set(frames[0].model) and set(both.region) == {"XDM"}
