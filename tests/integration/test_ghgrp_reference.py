"""The GHGRP loader on the real EPA files reproduces the counts and sums of epa-ghgrp/SOURCE.md."""

from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).parents[2] / ".." / "shared" / "reference-data"
GHGRP = REFERENCE / "epa-ghgrp"

pytestmark = [
    pytest.mark.refdata,
    pytest.mark.skipif(not GHGRP.is_dir(), reason="../shared/reference-data/epa-ghgrp not present"),
]


def test_by_year_direct_emitters_match_source_md():
    from subnat.sources import ghgrp

    df = ghgrp.read_by_year(GHGRP / "ghgp_data_by_year_2023.xlsx")
    direct = df[df["sheet"] == "Direct Point Emitters"]
    assert direct["facility_id"].nunique() == 8737
    totals = direct.groupby("year")["emissions_t"].sum() / 1e6
    for year, mt in {2011: 3208, 2017: 2735, 2020: 2403, 2023: 2383}.items():
        assert totals[year] == pytest.approx(mt, abs=0.5), year
    assert "Suppliers" not in set(df["sheet"])


@pytest.mark.parametrize(("year", "sheet", "rows"), [(2017, "Direct Emitters", 6488),
                                                     (2020, "Direct Point Emitters", 6556)])
def test_single_year_files(year, sheet, rows):
    from subnat.sources import ghgrp

    df = ghgrp.read_year(GHGRP / f"ghgp_data_{year}.xlsx", year)
    assert df.loc[df["sheet"] == sheet, "facility_id"].nunique() == rows


def test_parent_table_match_source_md():
    from subnat.sources import ghgrp

    df = ghgrp.read_parents_2020(GHGRP / "edgi_ghgp_data_parent_company_10_2021_RY2020.xlsx")
    assert len(df) == 9144 and df["facility_id"].nunique() == 8156
    assert (df.groupby("facility_id").size() > 1).sum() == 419
