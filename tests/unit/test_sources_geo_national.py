"""UN/LOCODE nesting, ClimActor names and the national projection readers."""

from __future__ import annotations

import pandas as pd
import pytest
from sources_fixtures import FIXTURES

from subnat.sources import climactor, geo, us_national


@pytest.fixture(scope="module")
def index() -> geo.CityIndex:
    return geo.CityIndex(geo.read_unlocode(FIXTURES / "unlocode_2023-2_US.csv"))


@pytest.mark.parametrize(("name", "state", "expected"), [
    ("New York City, NY", None, ("US-NYC", "US-NY")),     # ranked over TX's New York
    ("City of Chicago, IL", None, ("US-CHI", "US-IL")),
    ("Aurora, IL", None, ("US-AUZ", "US-IL")),
    ("Aurora", "CO", ("US-AUR", "US-CO")),
    ("Washington D.C.", "DC", ("US-WAS", "US-DC")),
    ("Nashville and Davidson County, TN", None, ("US-BNA", "US-TN")),
    ("Dane County, WI", None, ("US-WI-DANE_COUNTY", "US-WI")),
    ("Oldtown, NY", None, ("US-NY-OLDTOWN", "US-NY")),     # LOCODE marked X (deleted)
    ("Los Angeles-Long Beach-Santa Ana", None, (None, None)),
])
def test_city_ids(index, name, state, expected):
    assert index.resolve(name, state) == expected


def test_read_states_drops_aliases():
    st = geo.read_states(FIXTURES / "addfips_states.csv")
    assert (st["actor_id"] == "US-DC").sum() == 1


def test_climactor_merges_company_variants():
    names = climactor.NameDictionary(climactor.read(FIXTURES / "key_dict_v100_slim.csv"))
    ids = {names.actor_id(n) for n in ("Acme Widgets Inc.", "ACME Widgets Corporation",
                                       "Acme Widgets, LLC")}
    assert ids == {"CO-ACME_WIDGETS"}
    assert names.standard("ACME Widgets Corporation") == "Acme Widgets"
    assert names.actor_id("Bière & Co") == "CO-BIERE"  # the "and" of "& Co" goes with the suffix


def test_brvs_totals_long():
    df = us_national.read_brvs_totals(FIXTURES / "brvs2023_total_net_emissions_by_model.csv")
    assert set(df["model"]) == {"MODEL-A", "MODEL-B", "MODEL-C"}
    assert df.query("model == 'MODEL-B' and year == 2030")["emissions_mt"].iloc[0] == 4000


def test_defect_draft_files_refused():
    with pytest.raises(us_national.DraftFileError):
        us_national.read(FIXTURES / "DRAFT_btr1_total_net_emissions.csv")


def test_defect_thousands_separators_in_2014_car_rows():
    v = us_national.read(FIXTURES / "us_past_projection_vintages_by_gas_ar4.csv")
    s = us_national.net_total_series(v, "2014 CAR", "WM_highseq")
    assert s.loc[1990] == pytest.approx(6100.0)
    assert s.index.max() == 2030


def test_net_total_falls_back_to_gross_plus_lulucf():
    v = pd.DataFrame({
        "publication": "P", "scenario": ["WM", "S"], "gwp": "AR4",
        "category": ["GrossTotal", "LULUCF"], "gas": "Total", "year": 2020,
        "emissions_mt": [7000.0, -800.0], "source": "x"})
    assert us_national.net_total_series(v, "P", "S").loc[2020] == pytest.approx(6200.0)
