"""CDP 2021 city targets and CDP city-wide inventories (2016–2021 header variants)."""

from __future__ import annotations

import pandas as pd
import pytest
from sources_fixtures import FIXTURES

from subnat.sources import cdp_citywide, cdp_targets

TARGETS = FIXTURES / "cdp_2021_cities_emissions_reduction_targets.csv"


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return cdp_targets.read(TARGETS)


def test_targets_units_and_fractions(targets):
    nyc = targets[(targets["account"] == "1002") & (targets["target_year"] == 2050)].iloc[0]
    assert nyc["base_year_emissions_mt"] == pytest.approx(61.062452)
    assert nyc["pct_reduction"] == pytest.approx(0.80)
    assert nyc["pct_achieved"] == pytest.approx(0.17)  # "% of target achieved so far" / 100
    assert nyc["year_set"] == 2014 and nyc["state"] == "NY"


def test_defect_ddl_name_in_wrong_state_is_corrected(targets):
    """DDL cleaned 'City of Aurora, IL' to 'Aurora, CO'; the organisation's state wins."""
    aurora = targets[targets["account"] == "1001"].iloc[0]
    assert aurora["state"] == "IL"
    assert aurora["name"] == "Aurora, IL"


@pytest.mark.parametrize(("account", "expected"), [
    ("1002", ("absolute", 0.8, None)),
    ("1003", ("net_zero", 1.0, None)),          # fixed level 0 t = net zero
    ("1004", (None, None, "missing_value")),     # fixed level without a level
    ("1005", (None, None, "no_target")),
    ("1007", ("baseline", 0.5, None)),
    ("1009", ("intensity_capita", 0.25, None)),
])
def test_classify(targets, account, expected):
    row = targets[targets["account"] == account].iloc[0]
    assert cdp_targets.classify(row) == expected


def test_to_commitments_cutoff_scope_and_exclusions(targets):
    ids = pd.Series([f"ID{i}" for i in range(len(targets))], index=targets.index)
    com, excl = cdp_targets.to_commitments(targets, ids)
    reasons = dict(zip(excl["record"].str.extract(r"account (\d+)")[0], excl["reason_code"],
                       strict=True))
    assert reasons["1006"] == "partial_sector"
    assert reasons["1010"] == "partial_boundary"
    assert reasons["1005"] == "no_target"
    bau = com[com["source"].str.endswith("account 1007")].iloc[0]
    assert bau["target_type"] == "baseline"
    assert bau["bau_emissions_mt"] == pytest.approx(12.0)
    com17, excl17 = cdp_targets.to_commitments(targets, ids, set_by=2017)
    assert "not_in_force" in set(excl17["reason_code"])
    assert len(com17) < len(com)


def test_citywide_header_variants_and_countries():
    y16 = cdp_citywide.read(FIXTURES / "cdp_citywide_emissions_2016.csv")
    y17 = cdp_citywide.read(FIXTURES / "cdp_citywide_emissions_2017.csv")
    y21 = cdp_citywide.read(FIXTURES / "cdp_citywide_emissions_2021.csv")
    nyc16 = y16[y16["account"] == "1002"].iloc[0]
    assert nyc16["accounting_year"] == 2014 and nyc16["total_mt"] == pytest.approx(52.0)
    assert nyc16["iso"] == "USA"  # 'USA' before 2018
    assert y16.loc[y16["account"] == "9999", "iso"].isna().all()
    dc17 = y17[y17["account"] == "1007"].iloc[0]
    assert dc17["accounting_year"] == 2015  # fiscal year named by its end
    assert dc17["total_mt"] == pytest.approx(8.0)  # no total: scope 1 + scope 2
    assert set(y21["iso"]) == {"USA"}  # 'United States of America' after 2018
    assert "1001" not in set(y21["account"])  # accounting year '-' dropped


@pytest.mark.parametrize(("text", "year"), [
    ("12/31/2013 12:00:00 AM", 2013), ("2013-07-01 - 2014-06-30", 2014), ("-", None),
    (None, None), ("2019", 2019),
])
def test_accounting_year(text, year):
    assert cdp_citywide.accounting_year(text) == year
