"""GHGRP loader on small workbooks in the upstream layouts (tests/unit/sources_fixtures.py)."""

from __future__ import annotations

import openpyxl
import pytest
from sources_fixtures import (
    write_ghgrp_by_year,
    write_ghgrp_latest,
    write_ghgrp_parents,
    write_ghgrp_year,
)

from subnat.errors import InputError
from subnat.sources import ghgrp


@pytest.fixture(scope="module")
def by_year(tmp_path_factory):
    return ghgrp.read_by_year(write_ghgrp_by_year(tmp_path_factory.mktemp("g") / "ghgp_data_by_year_2023.xlsx"))


def test_banner_rows_skipped_and_years_read(by_year):
    ny = by_year[(by_year["facility_id"] == 1000001)].set_index("year")["emissions_t"]
    assert list(ny.index) == list(range(2011, 2024))
    assert ny[2011] == 100000.0 and ny[2023] == 112000.0
    assert set(by_year["source"]) == {"ghgp_data_by_year_2023.xlsx"}


def test_suppliers_sheet_is_never_counted(by_year):
    assert "Suppliers" not in set(by_year["sheet"])
    assert 1000030 not in set(by_year["facility_id"])  # the fuel supplier exists only there
    assert by_year["emissions_t"].max() < 1e6


def test_confidential_and_blank_are_missing_not_zero(by_year):
    ca = by_year[by_year["facility_id"] == 1000003].set_index("year")["emissions_t"]
    assert 2014 not in ca.index  # "confidential"
    assert 2011 not in ca.index and 2012 not in ca.index  # blank
    assert ca[2013] == 30000.0


def test_state_columns_per_sheet(by_year):
    pipe = by_year[by_year["sheet"] == "Transmission Pipelines"]
    assert set(pipe["state"]) == {"NY"}  # "New York" in 'State where Emissions Occur'
    assert set(pipe["year"]) == set(range(2011, 2018))
    basin = by_year[by_year["sheet"] == "Onshore Oil & Gas Prod."]
    assert not basin["located"].any()  # the reporter's address, not where the basin emits
    assert by_year.loc[by_year["sheet"] == "Direct Point Emitters", "located"].all()


@pytest.mark.parametrize(("year", "sheet"), [(2017, "Direct Emitters"), (2020, "Direct Point Emitters")])
def test_single_year_sheet_names_per_vintage(tmp_path, year, sheet):
    path = write_ghgrp_year(tmp_path / f"ghgp_data_{year}.xlsx", year)
    assert ghgrp.emitter_sheets(path) == [sheet]
    df = ghgrp.read_year(path, year)
    assert set(df["sheet"]) == {sheet}
    assert df.set_index("facility_id").loc[1000001, "emissions_t"] == 100000.0 + 1000 * (year - 2011)


def test_multiple_owners_and_missing_percent(tmp_path):
    df = ghgrp.read_parents_2020(write_ghgrp_parents(tmp_path / "p.xlsx"))
    two = df[df["facility_id"] == 1000001].set_index("parent")["share"]
    assert two.to_dict() == {"ACME WIDGETS CORP": 0.6, "OTHER OWNER LLC": 0.4}
    assert df.loc[df["facility_id"] == 1000003, "share"].isna().all()
    assert not df["lossy"].any() and set(df["reporting_year"]) == {2020}


def test_latest_owner_table_is_flagged_lossy(tmp_path):
    df = ghgrp.read_latest_parents(write_ghgrp_latest(tmp_path / "latest.csv"))
    assert df["lossy"].all()
    assert df.set_index("facility_id").loc[1000010, "share"] == 0.5


def test_layout_errors_name_file_and_sheet(tmp_path):
    path = tmp_path / "ghgp_data_2016.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Suppliers"
    wb.save(path)
    with pytest.raises(InputError, match=r"ghgp_data_2016.xlsx: no direct-emitter sheet"):
        ghgrp.emitter_sheets(path)
    wb = openpyxl.Workbook()
    wb.active.title = "Direct Emitters"
    for _ in range(12):
        wb.active.append(["banner"])
    wb.save(path)
    with pytest.raises(InputError, match=r"Direct Emitters: no header row starting with 'Facility Id'"):
        ghgrp.read_year(path, 2016)
    bad = tmp_path / "latest.csv"
    bad.write_text("Facility Id,State\n1,NY\n")
    with pytest.raises(InputError, match=r"latest.csv:1: Parent Company, Parent Ownership %"):
        ghgrp.read_latest_parents(bad)
