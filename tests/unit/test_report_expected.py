"""The report with the `expected` scenario and a fitted achievement model (synthetic posterior).

The posterior is made up (tests/unit/report_demo.py); only the plumbing is checked: the expected
scenario flows into figures, IAMC, report.md, and the achievement figure appears when the
workflow declares it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from report_demo import config, synthetic_posterior

from subnat.report import figures
from subnat.report.layout import figure_names
from subnat.report.results import load
from subnat.report.steps import make_figures, run_all
from subnat.run import run_case

SCENARIOS = ["no_nsa", "full_implementation", "expected"]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("report-expected")
    posterior = synthetic_posterior(root / "posterior.nc")
    diagnostics = root / "diagnostics.csv"
    pd.DataFrame({"parameter": ["cut0"], "r_hat": [1.003], "ess_bulk": [900.0], "ess_tail": [700.0]}).to_csv(
        diagnostics, index=False)
    out = root / "results" / "demo"
    run_case("demo", out, config(), SCENARIOS, draws=64, posterior=posterior)
    run_all(out, ["en", "zh"], posterior, diagnostics)
    return out, posterior, diagnostics


def test_expected_scenario_reaches_every_output(fitted: tuple[Path, Path, Path]) -> None:
    out, _, _ = fitted
    names = figure_names(SCENARIOS, sensitivity=False, achievement_model=True)
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == sorted(f"{n}.png" for n in names)
    iamc = pd.read_csv(out / "iamc.csv")
    assert not iamc.query("scenario == 'demo|expected' and variable == 'NSA Reduction|Gross|Region'").empty
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "with expected delivery of the 12 commitments" in text
    assert "按成就模型预期的程度落实" in text
    assert "was not run for this case" not in text


def test_waterfall_of_expected_keeps_medians_honest(fitted: tuple[Path, Path, Path]) -> None:
    out, _, _ = fitted
    results = load(out)
    steps = figures.waterfall_steps(results, "expected", results.main_year)
    assert sum(v for _, v, _ in steps[:-1]) == pytest.approx(steps[-1][1], abs=1e-6)


def test_make_figures_step_checks_the_declared_outputs(fitted: tuple[Path, Path, Path], tmp_path: Path) -> None:
    out, posterior, diagnostics = fitted
    inputs = {"summary": str(out / "summary.csv"), "achievement": [str(posterior), str(diagnostics)]}
    names = figure_names(SCENARIOS, sensitivity=False, achievement_model=True)
    target = tmp_path / "figures"
    declared = {"png": [str(target / f"{n}.png") for n in names], "svg": [str(target / f"{n}.svg") for n in names]}
    written = make_figures(inputs, declared)
    assert {str(p) for p in written} == set(declared["png"]) | set(declared["svg"])
    with pytest.raises(RuntimeError, match="declared but not drawn"):
        make_figures({"summary": inputs["summary"]}, declared)  # no posterior: no achievement figure
