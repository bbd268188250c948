"""End-to-end with the achievement model: fit on synthetic progress data, expected scenario on demo."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e import snake_helpers as sh

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_expected_scenario_lies_between_the_bounds(tmp_path):
    configs = [sh.REPO / "config" / "config.yaml", sh.REPO / "tests" / "data" / "config.expected.yaml",
               sh.REPO / "tests" / "data" / "achievement_fast.yaml"]
    sh.run(tmp_path, 2, configs=configs, timeout=1200)
    diagnostics = pd.read_csv(tmp_path / "results" / "achievement" / "diagnostics.csv")
    assert {"parameter", "r_hat", "ess_bulk", "ess_tail"} <= set(diagnostics.columns)
    summary = pd.read_csv(tmp_path / "results" / "demo" / "summary.csv").set_index(["scenario", "year"])
    for year in (2025, 2030, 2035):
        low = summary.loc[("no_nsa", year), "net_reduction_mt_p50"]
        high = summary.loc[("full_implementation", year), "net_reduction_mt_p50"]
        expected = summary.loc[("expected", year)]
        assert low <= expected["net_reduction_mt_p50"] <= high
        assert expected["net_reduction_mt_p05"] < expected["net_reduction_mt_p95"]
    assert 0 <= summary.loc[("expected", 2030), "prob_meets_ndc"] <= 1  # the demo's NDC year
    commitments = pd.read_csv(tmp_path / "results" / "demo" / "commitments.csv")
    assert commitments["achievement_p50"].between(0, 1).all()
