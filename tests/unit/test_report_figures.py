"""Figures of the demo case: every declared file, units on axes, grey-scale only, waterfall adds up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from report_demo import SCENARIOS, build, synthetic_posterior

from subnat.report import figures
from subnat.report.layout import figure_names
from subnat.report.results import load


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.getbasetemp() / "report-demo")


def test_every_declared_figure_is_written_as_png_and_svg(demo: Path) -> None:
    names = figure_names(SCENARIOS, sensitivity=True, achievement_model=False)
    assert names == ["fan_no_nsa", "fan_full_implementation", "fan_fixed_0.5", "waterfall", "coverage", "tornado"]
    written = sorted(p.name for p in (demo / "figures").iterdir())
    # plus the tracking rule's landscape figure, which the demo fixture also runs (issue 19)
    assert written == sorted([f"{n}.{ext}" for n in names for ext in ("png", "svg")] + ["landscape.png"])
    for name in names:
        assert (demo / "figures" / f"{name}.png").stat().st_size > 10_000


@pytest.mark.parametrize("name", ["fan_full_implementation", "waterfall", "coverage", "tornado"])
def test_figures_are_grey_scale_and_label_units(demo: Path, name: str) -> None:
    pixels = imread(demo / "figures" / f"{name}.png")[..., :3]
    spread = pixels.max(axis=-1) - pixels.min(axis=-1)
    assert spread.max() < 0.02, "colour used: the figure must read in grey scale"
    svg = (demo / "figures" / f"{name}.svg").read_text(encoding="utf-8")
    assert "Date" not in svg.split("</metadata>")[0]
    assert ("Mt CO" in svg) or ("(%)" in svg)


def test_waterfall_steps_add_up_to_the_scenario(demo: Path) -> None:
    """Means over draws add up draw by draw, so the bars sum exactly to the last bar shown (mean
    emissions of the scenario); no 'medians not additive' step, and the median is marked apart."""
    import xarray as xr

    results = load(demo)
    year = results.main_year
    steps = figures.waterfall_steps(results, "full_implementation", year)
    with xr.open_dataset(demo / "draws.nc", engine="h5netcdf") as ds:
        cell = ds.sel(scenario="full_implementation", year=year)
        cps, emissions = float(cell["cps_emissions"].mean()), float(cell["emissions"].mean())
        gross, net = float(cell["gross_reduction"].mean()), float(cell["net_reduction"].mean())
    assert steps[0] == ("current policy", pytest.approx(cps), "total")
    assert steps[-1][1] == pytest.approx(emissions)
    assert sum(v for _, v, _ in steps[:-1]) == pytest.approx(steps[-1][1], abs=1e-6)
    kinds = [k for _, _, k in steps]
    assert {"region", "city", "company", "overlap"} <= set(kinds)
    assert "residual" not in kinds and not any("not additive" in label for label, _, _ in steps)
    assert -sum(v for _, v, k in steps if k in ("region", "city", "company")) == pytest.approx(gross)
    assert sum(v for _, v, k in steps if k == "overlap") == pytest.approx(gross - net)
    nat = pd.read_csv(demo / "national.csv").query("scenario == 'full_implementation'").set_index("year")
    assert figures.waterfall_median(results, "full_implementation", year) == nat.loc[year, "emissions_mt_p50"]
    svg = (demo / "figures" / "waterfall.svg").read_text(encoding="utf-8")
    assert "means over draws" in svg and f"median {nat.loc[year, 'emissions_mt_p50']:,.1f}" in svg
    assert "not additive" not in svg


def test_coverage_counts_each_commitment_once(demo: Path) -> None:
    results = load(demo)
    table = figures.coverage_by_type(results, results.main_year)
    com = pd.read_csv(demo / "commitments.csv")
    assert table.loc[table["group"] != "all, overlaps counted once", "commitments"].sum() == len(com)
    assert np.all(table["share_of_cps"].between(0, 1))


def test_achievement_figure_from_a_posterior(tmp_path: Path) -> None:
    posterior = synthetic_posterior(tmp_path / "posterior.nc")
    diagnostics = tmp_path / "diagnostics.csv"
    pd.DataFrame({"parameter": ["cut0"], "r_hat": [1.002], "ess_bulk": [812.0], "ess_tail": [650.0]}).to_csv(
        diagnostics, index=False)
    draws = figures.delivered_fraction_by_type(posterior)
    assert set(draws["actor_type"]) == {"region", "city", "company"}
    assert draws["delivered_fraction"].between(0, 1).all()
    written = figures.save(figures.achievement(posterior, diagnostics), tmp_path / "achievement")
    assert [p.name for p in written] == ["achievement.png", "achievement.svg"]
    assert "R-hat 1.002" in written[1].read_text(encoding="utf-8") or written[0].stat().st_size > 10_000


def test_a_rule_reads_only_the_sensitivity_table_it_declares(demo: Path) -> None:
    """With no sensitivity input declared (sensitivity disabled) a sensitivity.csv left in the
    folder by an earlier run is not read; by hand (default) the folder's is read."""
    assert load(demo, sensitivity_csv=None).sensitivity is None
    assert load(demo, sensitivity_csv=demo / "sensitivity.csv").sensitivity is not None
    assert load(demo).sensitivity is not None


def test_achievement_figure_shows_the_sources_the_case_uses(demo: Path, tmp_path: Path) -> None:
    """One box per actor type the case has commitments of, drawn with the source config
    `achievement.prediction_sources` maps it to (as the expected scenario draws), and labelled so."""
    from subnat.config import value

    posterior = synthetic_posterior(tmp_path / "posterior.nc")
    diagnostics = tmp_path / "diagnostics.csv"
    pd.DataFrame({"parameter": ["cut0"], "r_hat": [1.002]}).to_csv(diagnostics, index=False)
    results = load(demo)
    mapping = value(results.config, "achievement.prediction_sources")
    assert figures.case_sources(results) == {t: mapping[t] for t in ("region", "city", "company")}
    # a case without companies: no company box
    results.tables["commitments"] = results.tables["commitments"].query("actor_type != 'company'")
    results.config["achievement"]["prediction_sources"]["value"] = {**mapping, "city": "a", "region": "new"}
    sources = figures.case_sources(results)
    assert sources == {"region": "new", "city": "a"}
    draws = figures.delivered_fraction_by_type(posterior, sources)
    assert list(dict.fromkeys(draws["actor_type"])) == ["region", "city"]
    assert set(zip(draws["actor_type"], draws["source"], strict=True)) == {("region", "new"), ("city", "a")}
    # the city box uses the posterior's level of source `a`, not an unseen one
    unseen = figures.delivered_fraction_by_type(posterior, {"city": "new"})
    assert not np.allclose(draws.query("actor_type == 'city'")["delivered_fraction"], unseen["delivered_fraction"])
    svg = figures.save(figures.achievement(posterior, diagnostics, sources), tmp_path / "a")[1].read_text("utf-8")
    assert "unseen source" in svg and "(a)" in svg and "company" not in svg


def test_figures_are_byte_identical_when_drawn_again(demo: Path, tmp_path: Path) -> None:
    """SVG ids are hashed with the fixed svg.hashsalt at save time (random otherwise)."""
    results = load(demo)
    first = figures.save(figures.coverage(results, results.main_year), tmp_path / "a")
    second = figures.save(figures.coverage(results, results.main_year), tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
