"""The variance decomposition (issue 16 item 6) on cases built so that one source dominates."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest

from subnat.aggregate.settings import method_settings
from subnat.case.load import load_case
from subnat.config import load
from subnat.uncertainty.decompose import SOURCES, available, decompose, only
from tests.casebuilder import override, write_case

ACTORS = [{"actor_id": "S", "name": "State", "actor_type": "region"},
          {"actor_id": "C", "name": "City", "actor_type": "city", "parent_id": "S"}]
INVENTORY = [{"actor_id": a, "year": y, "emissions_mt": e} for a, e in (("S", 300.0), ("C", 30.0))
             for y in (2005, 2020)]
COMMITMENTS = [{"commitment_id": "s", "actor_id": "S", "target_type": "absolute", "target_year": 2030,
                "value": 0.4, "base_year": 2005},
               {"commitment_id": "c", "actor_id": "C", "target_type": "absolute", "target_year": 2030,
                "value": 0.6, "base_year": 2005}]
SCENARIOS = ("no_nsa", "full_implementation", "fixed_0.5")


def _case(tmp_path, spread: float):
    """CPS ensemble of three members, +-spread around a flat 1000 Mt."""
    years = range(2005, 2041)
    national = {"history": {2005: 1000.0}, "cps": {y: 1000.0 for y in years}}
    for name, k in (("low", -1), ("mid", 0), ("high", 1)):
        national[f"cps:{name}"] = {y: 1000.0 * (1 + k * spread * (y - 2005) / 35) for y in years}
    return load_case(write_case(tmp_path / "case", ACTORS, INVENTORY, COMMITMENTS, national=national))


def _settings(sigma: float, draws: int = 256, **switches):
    """Data-error sigma; the projection and reference-growth errors off unless switched on."""
    dotted = {"uncertainty__reference_growth": False, "uncertainty__projection_error": "off"} | switches
    config = load([], override(uncertainty__actor_data_sigma={"region": sigma, "city": sigma, "company": sigma},
                               **dotted))
    return replace(method_settings(config), draws=draws, seed=7)


def _shares(table: pd.DataFrame, scenario: str, year: int) -> pd.Series:
    rows = table[(table["scenario"] == scenario) & (table["year"] == year) & (table["source"] != "all")]
    return rows.set_index("source")["share"]


def test_only_switches_every_other_source_off():
    u = _settings(0.1).uncertainty
    names = {f.name for f in fields(u)}
    for source in available(u):
        v = only(u, source)
        for other, off in SOURCES.items():
            for field, value in off.items():
                if field in names:
                    expected = getattr(u, field) if other == source else value
                    assert getattr(v, field) == expected, (source, field)
    assert only(u, None).cps == "central" and not only(u, None).actor_data_error


def test_wide_ensemble_and_tiny_data_error_put_the_variance_on_the_cps(tmp_path):
    table = decompose(_case(tmp_path, 0.3), _settings(0.001), SCENARIOS)
    for scenario in SCENARIOS:
        shares = _shares(table, scenario, 2030)
        assert shares["cps"] > 0.99, scenario
        assert shares["actor_data_error"] < 0.01
        assert shares.sum() == pytest.approx(1.0)


def test_narrow_ensemble_and_large_data_error_put_the_variance_on_the_data(tmp_path):
    table = decompose(_case(tmp_path, 0.0005), _settings(0.3), SCENARIOS)
    shares = _shares(table, "fixed_0.5", 2030)
    assert shares["actor_data_error"] > 0.95
    assert shares.sum() == pytest.approx(1.0)
    # no data error in no_nsa: all of its (small) variance is the ensemble's
    assert _shares(table, "no_nsa", 2030)["cps"] == pytest.approx(1.0)


def test_shares_sum_to_one_and_zero_variance_has_no_share(tmp_path):
    """A flat national series (one CPS) gives no_nsa no variance at all: shares empty, not 0/0."""
    case = _case(tmp_path, 0.2)
    settings = _settings(0.2)
    table = decompose(case, replace(settings, uncertainty=replace(settings.uncertainty, cps="central")), SCENARIOS)
    flat = table[table["scenario"] == "no_nsa"]
    assert (flat["variance"] == 0).all() and flat["share"].isna().all()
    for (_, _), rows in table[table["scenario"] == "fixed_0.5"].groupby(["scenario", "year"]):
        parts = rows[rows["source"] != "all"]
        assert parts["share"].sum() == pytest.approx(1.0)
        assert rows.loc[rows["source"] == "all", "variance"].item() == pytest.approx(
            parts["variance"].sum())


def test_same_seed_same_table(tmp_path):
    case = _case(tmp_path, 0.2)
    a, b = decompose(case, _settings(0.1), SCENARIOS), decompose(case, _settings(0.1), SCENARIOS)
    pd.testing.assert_frame_equal(a, b)
    assert np.isfinite(a["variance"]).all()


def test_expected_is_left_out_without_a_posterior(tmp_path):
    table = decompose(_case(tmp_path, 0.2), _settings(0.1), ("no_nsa", "expected"))
    assert set(table["scenario"]) == {"no_nsa"}


def test_figure_and_report_table_from_the_table(tmp_path):
    from subnat.report import figures

    table = decompose(_case(tmp_path, 0.2), _settings(0.1), SCENARIOS)
    shares = figures.uncertainty_shares(table, 2030)
    assert list(shares.index) == list(SCENARIOS)
    assert shares.sum(axis=1).to_numpy() == pytest.approx(1.0)
    paths = figures.save(figures.uncertainty(table, 2030), tmp_path / "uncertainty")
    assert all(p.stat().st_size > 0 for p in paths)


def test_large_reference_growth_error_puts_the_variance_on_the_references(tmp_path):
    """Narrow ensemble, tiny data error, a wide reference-growth sd: full_implementation's variance
    comes from the references, no_nsa (no reduction) has none of it."""
    settings = _settings(0.001, uncertainty__reference_growth=True,
                         uncertainty__reference_growth_sd_per_decade={"region": 0.2, "city": 0.2, "company": 0.2})
    table = decompose(_case(tmp_path, 0.0005), settings, SCENARIOS)
    assert _shares(table, "full_implementation", 2030)["reference_growth"] > 0.95
    assert _shares(table, "no_nsa", 2030)["cps"] == pytest.approx(1.0)


def test_one_cps_with_projection_error_gives_no_nsa_an_interval_from_the_cps(tmp_path):
    """One CPS (central) and the projection error on: no_nsa's variance is all national projection."""
    settings = _settings(0.001, uncertainty__projection_error="auto")
    settings = replace(settings, uncertainty=replace(settings.uncertainty, cps="central"))
    table = decompose(_case(tmp_path, 0.2), settings, SCENARIOS)
    rows = table[(table["scenario"] == "no_nsa") & (table["year"] == 2030)]
    assert rows.loc[rows["source"] == "all", "variance"].item() > 0
    assert _shares(table, "no_nsa", 2030)["cps"] == pytest.approx(1.0)
