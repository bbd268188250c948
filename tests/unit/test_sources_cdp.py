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


# -- inventory years from every row of every vintage (achievement progress data, issue 15) ----

@pytest.mark.parametrize(("year", "expected"), [
    # 2016 "Measurement Year" (a date), 2017 "Accounting year" (a period), 2018/2019
    # "Accounting Year", 2020/2021 "Accounting year"; rows without a total are kept
    (2016, {"1002": 2014, "1001": 2013, "9999": 2013}),
    (2017, {"1002": 2015, "1007": 2015}),
    (2018, {"1002": 2016, "1001": 2015}),                 # Charlotte states no year: dropped
    (2019, {"1002": 2017, "1001": 2017}),                 # fiscal 2016-07..2017-06 -> 2017; '-' dropped
    (2020, {"1002": 2018, "1008": 2018}),
    (2021, {"1002": 2019, "1008": 2019, "1007": 2018}),   # Aurora's '-' dropped
])
def test_inventory_years_every_vintage_spelling(year, expected):
    df = cdp_citywide.inventory_years(FIXTURES / f"cdp_citywide_emissions_{year}.csv")
    assert dict(zip(df["account"], df["accounting_year"].astype(int), strict=True)) == expected
    assert (df["reporting_year"] == year).all()


def test_inventory_years_keep_rows_without_a_total():
    """`read` drops a row without an emissions number; `inventory_years` keeps its year."""
    y18 = FIXTURES / "cdp_citywide_emissions_2018.csv"
    assert "1001" not in set(cdp_citywide.read(y18)["account"])
    years = cdp_citywide.inventory_years(y18).set_index("account")
    assert years.loc["1001", "accounting_year"] == 2015 and pd.isna(years.loc["1001", "total_mt"])
    assert years.loc["1002", "total_mt"] == pytest.approx(50.0)  # BASIC total, Mt
    y19 = cdp_citywide.inventory_years(FIXTURES / "cdp_citywide_emissions_2019.csv")
    assert y19.set_index("account").loc["1001", "total_mt"] == pytest.approx(1.3)  # scope 1 + 2
