"""observed.csv rows built from the upstream tables (harmonize/observed.py), on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from subnat.harmonize import observed


def test_national_rows_splice_the_extension_by_its_change():
    car = pd.Series({2015: 100.0, 2018: 90.0, 2019: 80.0, 2020: 999.0})  # 2020 is a projection: not used
    ext = pd.Series({2019: 200.0, 2020: 180.0, 2021: 190.0})  # another basis: only its change is used
    rows = observed.national_rows("XTS", car, 2019, ext, 2018, 2021, "inv", "ext").set_index("year")
    assert list(rows.index) == [2018, 2019, 2020, 2021]
    assert rows.loc[2019, "emissions_mt"] == 80.0
    assert rows.loc[2020, "emissions_mt"] == pytest.approx(72.0)  # 80 x 180 / 200
    assert rows.loc[2021, "emissions_mt"] == pytest.approx(76.0)
    assert (rows["scope"] == "national").all() and rows.loc[2020, "source"].startswith("derived:")


def test_land_rows_inventory_then_net_minus_spliced_gross():
    """The flux: the inventory's land row to its last year, then observed net - observed gross, the gross
    spliced on a gross series by the same rule as the net rows; so net - flux is that gross exactly."""
    net = observed.national_rows("XTS", pd.Series({2018: 90.0, 2019: 80.0}), 2019,
                                 pd.Series({2019: 200.0, 2020: 180.0}), 2018, 2020, "inv", "ext")  # 90, 80, 72
    gross = observed.national_rows("XTS", pd.Series({2018: 100.0, 2019: 95.0}), 2019,
                                   pd.Series({2019: 50.0, 2020: 40.0}), 2018, 2020, "gross inv", "gross ext")  # .., 76
    land = pd.Series({2018: -10.0, 2019: -15.0, 2020: -99.0})  # 2020 is a projection: not used
    rows = observed.land_rows("XTS", land, net, gross, 2019, "land inv").set_index("year")
    assert rows["emissions_mt"].to_dict() == {2018: -10.0, 2019: -15.0, 2020: pytest.approx(72.0 - 76.0)}
    assert (rows["scope"] == "national_lulucf").all() and rows.loc[2019, "source"] == "land inv"
    assert rows.loc[2020, "source"].startswith("derived: observed net") and "gross ext" in rows.loc[2020, "source"]


def test_city_rows_only_from_the_same_account_and_screened():
    actors = pd.DataFrame({"actor_id": ["C1", "C2", "C3", "S"], "actor_type": ["city", "city", "city", "region"],
                           "population": [100_000, 100_000, 100_000, None]})
    inventory = pd.DataFrame({
        "actor_id": ["C1", "C1", "C2", "C3"], "year": [2010, 2015, 2015, 2014],
        "emissions_mt": [1.2, 1.0, 1.0, 1.0],
        "source": ["CDP city-wide emissions (x.csv), account 11", "CDP city-wide emissions (y.csv), account 11",
                   "Net Zero Tracker", "CDP city-wide emissions (y.csv), account 33"]})
    citywide = pd.DataFrame({
        "account": ["11", "11", "11", "22", "33"], "accounting_year": [2017, 2017, 2018, 2017, 2017],
        "reporting_year": [2018, 2019, 2019, 2019, 2019], "total_mt": [0.9, 0.95, 9.0, 1.0, 0.5],
        "source": "CDP city-wide emissions (z.csv)"})
    rows = observed.city_rows(citywide, inventory, actors, 2016, 2021)
    # C1: 2017 twice (the later report wins), 2018 at 90 t/person is a unit error (screen); C2's inventory is
    # not CDP (no comparable later report); account 22 belongs to no case city; C3 at half its MRY passes
    assert rows[["actor_id", "year", "emissions_mt"]].values.tolist() == [["C1", 2017, 0.95], ["C3", 2017, 0.5]]
    assert rows["source"].str.endswith("account 11").iloc[0]


def test_us2017_observed_covers_the_hindcast():
    """The hindcast's acceptance (issue 15): every state observed 2016-2020, the nation 2016-2021."""
    from importlib import resources
    from pathlib import Path

    from subnat.case.load import load_case

    case = load_case(Path(str(resources.files("subnat") / "data" / "cases" / "us2017")))
    observed = case.observed
    states = set(case.actors.loc[case.actors["actor_type"] == "region", "actor_id"])
    for year in range(2016, 2021):
        assert states <= set(observed.loc[observed["year"] == year, "actor_id"])
    nation = observed[observed["scope"] == "national"]
    assert sorted(nation["year"]) == list(range(2016, 2022))
    # the land flux of every observed national year (the trend on the states' gross basis), cited, a sink
    land = observed[observed["scope"] == "national_lulucf"]
    assert sorted(land["year"]) == list(range(2016, 2022))
    assert (land["emissions_mt"] < 0).all() and (land["source"].str.len() > 0).all()
