"""Country case builder (harmonize/country.py) on a fixture country (Colombia, invented numbers).

Fixtures: tests/fixtures/country/ (CAT Data Explorer CSV layout, OpenClimate EmissionsAgg and
ActorName layouts, UN/LOCODE subdivisions, ClimActor country dictionary and contextuals) plus the
shared source fixtures (CDP targets with a Bogotá row, key dictionary, CDP city-wide files) and a
Net Zero Tracker xlsx written here in the real column layout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sources_fixtures import FIXTURES, NZT_COLUMNS

from subnat.case.load import load_case
from subnat.errors import InputError
from subnat.harmonize import country, refdata
from subnat.harmonize.build import write_case
from subnat.harmonize.places import Lookup, key
from subnat.sources import cat

COUNTRY = Path(__file__).parents[1] / "fixtures" / "country"

NZT_ROWS = [
    {"id_code": "REG-9001", "name": "Antioquia Department", "country": "COL", "actor_type": "Region",
     "end_target": "Emissions reduction target", "end_target_percentage_reduction": 50,
     "end_target_baseline_year": 2015, "end_target_year": 2030, "end_target_status": "In law",
     "status_date": 2021, "ghg": 2.0e7, "inventory_year": 2018},
    {"id_code": "CIT-9002", "name": "Medellín", "country": "COL", "actor_type": "City",
     "end_target": "Emissions reduction target", "end_target_percentage_reduction": 25,
     "end_target_baseline_year": 2015, "end_target_baseline_emissions": 4.0e6, "end_target_year": 2030,
     "end_target_status": "In policy document", "status_date": 2020, "ghg": 4.2e6, "inventory_year": 2018,
     "population": 2.5e6},
    {"id_code": "CIT-9003", "name": "Cali", "country": "COL", "actor_type": "City",
     "end_target": "Net zero", "end_target_year": 2050, "end_target_status": "Declaration / pledge",
     "status_date": 2021, "ghg": 3.3e6, "inventory_year": 2017, "population": 2.2e6},
    {"id_code": "REG-9004", "name": "Tokyo Metropolitan Government", "country": "JPN", "actor_type": "Region",
     "end_target": "Net zero", "end_target_year": 2050, "end_target_status": "In policy document",
     "status_date": 2019, "ghg": 6.0e7, "inventory_year": 2018},
]


def _tree(root: Path) -> Path:
    copies = {
        "cat_2025": COUNTRY / "CAT_30092025_CountryAssessmentData_DataExplorer.csv",
        "climate_watch": COUNTRY / "climate_watch_EmissionsAgg.csv",
        "iso3166_2_names": COUNTRY / "iso3166_2_ActorName.csv",
        "unlocode_subdivisions": COUNTRY / "unlocode_2023-2_SubdivisionCodes.csv",
        "unlocode_names": COUNTRY / "unlocode_ActorName.csv",
        "climactor_countries": COUNTRY / "country_dict_Oct2023.csv",
        "climactor_contextuals": COUNTRY / "subnational_contextuals_database_Dec2022.csv",
        "unfccc_annex1": FIXTURES / "UNFCCC_EmissionsAgg.csv",
        "cdp_targets": FIXTURES / "cdp_2021_cities_emissions_reduction_targets.csv",
        "climactor_keydict": FIXTURES / "key_dict_v100_slim.csv",
        **{f"cdp_citywide_{y}": FIXTURES / f"cdp_citywide_emissions_{ {2016: '2016', 2017: '2017'}.get(y, '2021')}.csv"
           for y in country.CITYWIDE_YEARS},
    }
    for name, src in copies.items():
        dest = root / refdata.FILES[name]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)
    dest = root / refdata.FILES["net_zero_tracker"]
    df = pd.DataFrame([{c: r.get(c) for c in NZT_COLUMNS} for r in NZT_ROWS], columns=NZT_COLUMNS)
    df.to_excel(dest, index=False, sheet_name="Sheet1")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ref = _tree(tmp_path_factory.mktemp("ref"))
    out = tmp_path_factory.mktemp("case") / "country_col"
    b = country.build("COL", ref, release="cat_2025")
    write_case(b, out)
    return b, out, ref


def test_cat_reader_finds_the_header_and_gwp():
    rows = cat.read(COUNTRY / "CAT_30092025_CountryAssessmentData_DataExplorer.csv")
    assert cat.countries(rows) == ["COL"]
    assert cat.series(rows, "COL", "Current Policy, Min")[2030] == pytest.approx(275.0)
    assert cat.gwp_of(rows, "COL") == "AR4GWP100"
    assert "September 2025" in cat.citation(COUNTRY / "CAT_30092025_CountryAssessmentData_DataExplorer.csv")


def test_cat_reader_refuses_a_file_without_header(tmp_path):
    p = tmp_path / "CAT_01012025_x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="Version"):
        cat.read(p)


def test_case_validates_and_cps_is_the_harmonised_cat_range(built):
    b, out, _ = built
    case = load_case(out)
    assert case.meta.country == "COL"
    nat = b.tables["national.csv"].set_index(["series", "year"])["emissions_mt"]
    # hand arithmetic: history 2019 = 300 Mt (Climate Watch), CAT history 2019 = 247.5 Mt, so every CAT
    # level is multiplied by 300 / 247.5; CAT min 2030 = 275, max 302.5, NDC 165
    f = 300 / 247.5
    assert nat[("cps:cat_min", 2030)] == pytest.approx(275 * f, abs=1e-3)
    assert nat[("cps:cat_max", 2030)] == pytest.approx(302.5 * f, abs=1e-3)
    assert nat[("cps", 2030)] == pytest.approx((275 + 302.5) / 2 * f, abs=1e-3)
    assert nat[("cps:cat_min", 2019)] == pytest.approx(300.0)
    assert b.case_yaml["years"] == [2020, 2035]
    ndc = {n["label"]: n for n in b.case_yaml["ndc"]}
    assert ndc["CAT NDC Unconditional, Min (2030)"]["value"] == pytest.approx(165 * f, abs=1e-3)
    assert ndc["CAT NDC Conditional, Min (2030)"]["conditional"] is True
    assert b.settings["uncertainty"]["cps"]["value"] == "range"
    assert all("Climate Action Tracker" in s for s in b.tables["national.csv"].query("series != 'history'")["source"])


def test_actors_nested_by_codes_and_one_actor_by_hand(built):
    b, _, _ = built
    actors = b.tables["actors.csv"].set_index("actor_id")
    assert actors.loc["CO-MDE", "parent_id"] == "CO-ANT"  # UN/LOCODE city in its ISO 3166-2 region
    assert actors.loc["CO-CLO", "parent_id"] == "CO-VAC"  # parent added though it has no commitment
    assert actors.loc["CO-VAC", "actor_type"] == "region"
    com = b.tables["commitments.csv"].set_index("commitment_id")
    m = com.loc["CO-MDE:territorial:2030"]
    assert (m["target_type"], m["value"], m["base_year"], m["base_year_emissions_mt"]) == ("absolute", 0.25, 2015, 4.0)
    assert com.loc["CO-ANT:territorial:2030", "value"] == pytest.approx(0.5)
    # Bogotá (CDP) has no region in the contextuals while Antioquia has a commitment: excluded
    ex = b.exclusions
    assert set(ex.loc[ex["actor_id"] == "CO-BOG", "reason_code"]) == {"unnested_city"}
    # coverage: Antioquia 20 Mt (2018), Medellín and Cali inside regions; net share = (20 + 3.3) / 300
    cov = b.coverage.set_index("actor_type")
    assert cov.loc["region", "covered_mt"] == pytest.approx(20.0)
    assert cov.loc["total", "covered_mt_net"] == pytest.approx(23.3)
    assert cov.loc["total", "share_of_national_net"] == pytest.approx(23.3 / 300)
    assert set(cov["status"]) == {"ok"}


def test_unknown_country_is_one_clear_error(built):
    _, _, ref = built
    with pytest.raises(InputError, match=r"'XYZ' is not in the CAT table; known: COL"):
        country.build("XYZ", ref, release="cat_2025")


def test_too_thin_country_still_gives_a_valid_case(tmp_path, built):
    _, _, ref = built
    thin = tmp_path / "ref"
    shutil.copytree(ref, thin)
    nzt = thin / refdata.FILES["net_zero_tracker"]
    only_japan = [r for r in NZT_ROWS if r["country"] == "JPN"]
    pd.DataFrame([{c: r.get(c) for c in NZT_COLUMNS} for r in only_japan], columns=NZT_COLUMNS).to_excel(
        nzt, index=False)
    cdp = thin / refdata.FILES["cdp_targets"]
    lines = cdp.read_text(encoding="utf-8").splitlines()
    cdp.write_text("\n".join([lines[0]] + [x for x in lines[1:] if '"COL"' not in x]) + "\n", encoding="utf-8")
    country.cached_read.cache_clear()
    b = country.build("COL", thin, release="cat_2025")
    country.cached_read.cache_clear()
    write_case(b, tmp_path / "case")
    load_case(tmp_path / "case")
    assert b.status == "too_thin" and set(b.coverage["status"]) == {"too_thin"}
    assert "too thin" in b.coverage["status_detail"].iloc[0]


def test_place_keys_meet_across_languages():
    lk = Lookup(pd.DataFrame({"code": ["JP-13", "DE-BY", "X-1", "X-2"],
                              "name": ["Tokyo", "Bayern", "Same", "Same"]}),
                {key("Bavaria"): "Bayern"})
    assert lk.code("Tokyo Metropolitan Government") == "JP-13"
    assert lk.code("Bavaria") == "DE-BY"
    assert lk.code("Same") is None  # two codes: no guess


def test_user_projection_replaces_the_cat_range(tmp_path, built):
    _, _, ref = built
    p = tmp_path / "proj.csv"
    p.write_text("year,emissions_mt\n" + "".join(f"{y},{300 + (y - 2019)}\n" for y in range(2019, 2036)))
    b = country.build("COL", ref, release="cat_2025", projection=p)
    nat = b.tables["national.csv"]
    assert set(nat["series"]) == {"history", "cps"}
    assert b.settings == {}
    bad = tmp_path / "bad.csv"
    bad.write_text("year,emissions_mt\n2030,lots\n")
    with pytest.raises(InputError, match=r"bad\.csv:2: emissions_mt"):
        country.build("COL", ref, release="cat_2025", projection=bad)


def test_same_inputs_same_files(tmp_path, built):
    _, out, ref = built
    country.cached_read.cache_clear()  # a fresh read of every source, as in a new process
    again = write_case(country.build("COL", ref, release="cat_2025"), tmp_path / "again")
    for f in sorted(p.name for p in out.iterdir()):
        assert (again / f).read_bytes() == (out / f).read_bytes(), f
