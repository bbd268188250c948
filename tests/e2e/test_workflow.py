"""End-to-end: the real Snakemake workflow on the demo case in a temp directory (issue 2)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from subnat.aggregate.metrics import SUMMARY_COLUMNS
from tests.e2e import snake_helpers as sh

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("workflow")
    sh.run(path, 2)
    return path


def test_outputs_follow_the_contract(workdir):
    results = workdir / "results" / "demo"
    for name in ("summary.csv", "national.csv", "commitments.csv", "exclusions.csv", "overlaps.csv", "ndc.csv",
                 "sensitivity.csv", "draws.nc", "provenance.yaml", "config.resolved.yaml", "checks.yaml",
                 "uncertainty.csv", "projection_error.csv", "figures/uncertainty.png", "progress.csv", "actors.csv",
                 "consistency.csv", "landscape.csv", "figures/landscape.png"):
        assert (results / name).is_file(), name
    summary = pd.read_csv(results / "summary.csv")
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert set(summary["scenario"]) >= {"no_nsa", "full_implementation", "fixed_0.5"}
    assert sorted(summary["year"].unique()) == [2025, 2030, 2035]
    full = summary.set_index(["scenario", "year"]).loc[("full_implementation", 2030)]
    nsa = summary.set_index(["scenario", "year"]).loc[("no_nsa", 2030)]
    assert full["emissions_mt_p50"] < nsa["emissions_mt_p50"]
    assert full["net_reduction_mt_p50"] <= full["gross_reduction_mt_p50"]
    exclusions = pd.read_csv(results / "exclusions.csv")
    assert set(exclusions["reason_code"]) == {"duplicate", "unresolved_actor", "target_year_not_after_base_year",
                                              "unknown_target_type", "missing_base_year_emissions",
                                              "scope_not_counted"}
    checks = yaml.safe_load((results / "checks.yaml").read_text())
    assert checks["passed"] is True
    unc = pd.read_csv(results / "uncertainty.csv")
    assert set(unc["scenario"]) >= {"no_nsa", "full_implementation"}
    sums = unc[unc["source"] != "all"].groupby(["scenario", "year"])["share"].sum(min_count=1).dropna()
    assert (sums - 1).abs().max() < 1e-5  # shares are written with 6 decimals


def test_provenance_records_hashes_versions_and_config(workdir):
    provenance = yaml.safe_load((workdir / "results" / "demo" / "provenance.yaml").read_text())
    assert len(provenance["config_sha256"]) == 64
    assert {"case.yaml", "actors.csv", "commitments.csv", "national.csv"} <= set(provenance["inputs"])
    assert all(len(v["sha256"]) == 64 for v in provenance["inputs"].values())
    assert {"python", "subnat", "numpy", "snakemake"} <= set(provenance["versions"])
    assert provenance["created_utc"].endswith("Z")
    resolved = yaml.safe_load((workdir / "results" / "demo" / "config.resolved.yaml").read_text())
    assert resolved["cases"] == ["demo"]
    assert resolved["sampling"]["draws"]["value"] == 64


def test_commitments_trace_to_the_summary(workdir):
    """With one CPS member per draw differing, the median sum of the governing rows matches overlaps.csv."""
    results = workdir / "results" / "demo"
    commitments = pd.read_csv(results / "commitments.csv")
    overlaps = pd.read_csv(results / "overlaps.csv").set_index(["scenario", "year"])
    for year in (2025, 2030, 2035):
        gross = overlaps.loc[("full_implementation", year)]
        total = commitments[f"delivered_full_mt_{year}"].sum()
        assert gross["gross_mt_p05"] - 1e-6 <= total <= gross["gross_mt_p95"] + 1e-6


def test_rerun_does_nothing_and_dry_run_works(workdir):
    proc = sh.run(workdir, 2, "-n")
    assert "Nothing to be done" in proc.stdout + proc.stderr
