"""Building both US cases end to end from a miniature reference-data tree of fixtures."""

from __future__ import annotations

import pandas as pd
import pytest
from sources_fixtures import reference_tree

from subnat.harmonize.__main__ import main
from subnat.harmonize.build import build_case, write_case


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    return reference_tree(tmp_path_factory.mktemp("ref"))


@pytest.mark.parametrize("name", ["us2017", "us2023"])
def test_build_writes_a_valid_case(ref, tmp_path, name):
    from subnat.case.load import load_case

    built = build_case(name, ref)
    out = write_case(built, tmp_path / name)
    case = load_case(out)  # the lead's validator accepts it
    assert case.meta.base_year == 2005
    com = built.tables["commitments.csv"]
    assert com["source"].notna().all() and com["source"].str.len().gt(0).all()
    for fname in ("actors.csv", "inventory.csv", "national.csv"):
        assert built.tables[fname]["source"].notna().all()
    assert com["commitment_id"].is_unique
    actors = built.tables["actors.csv"].set_index("actor_id")
    cities = actors[actors["actor_type"] == "city"]
    from subnat.harmonize.build import COEXTENSIVE_WITH_PARENT

    nested = cities.drop(index=list(COEXTENSIVE_WITH_PARENT & set(cities.index)))
    assert nested["parent_id"].isin(actors.index).all()  # every city nests in a state, but D.C.
    assert cities.loc[list(COEXTENSIVE_WITH_PARENT & set(cities.index)), "parent_id"].isna().all()
    assert "US-GA" not in set(com["actor_id"])


def test_us2017_contents(ref):
    built = build_case("us2017", ref)
    com = built.tables["commitments.csv"]
    states = set(com.loc[com["actor_id"].str.fullmatch(r"US-[A-Z]{2}"), "actor_id"])
    assert {"US-CA", "US-NY", "US-CO", "US-FL"} <= states  # hand table + NZT (FL 2007)
    assert com.loc[com["actor_id"] == "US-CA", "source"].str.contains("AB 32").any()
    assert "US-NYC" in set(com["actor_id"])  # CDP target set in 2014
    assert "US-BOS" not in set(com["actor_id"])  # set in 2019
    ex = built.exclusions
    assert {"not_in_force", "missing_emissions"} <= set(ex["reason_code"])
    _acme_from_ghgrp(built)
    assert set(built.tables["national.csv"]["series"]) >= {"history", "cps"}
    assert built.case_yaml["gwp"] == "AR4GWP100"
    assert [n["value"] for n in built.case_yaml["ndc"]] == [0.26, 0.28]


def test_us2023_contents(ref):
    built = build_case("us2023", ref)
    com = built.tables["commitments.csv"]
    assert {"US-CA", "US-NV", "US-WI"} <= set(com["actor_id"])  # C2ES
    inv = built.tables["inventory.csv"]
    assert not ((inv["actor_id"] == "US-CLT") & (inv["year"] == 2019)).any()  # screened
    assert "US-BNA" in set(built.tables["actors.csv"]["actor_id"])  # NZT Nashville merged
    dup = built.exclusions[built.exclusions["reason_code"] == "duplicate"]
    assert len(dup) >= 1  # NY 2030: C2ES and NZT
    assert set(built.tables["national.csv"]["series"]) == {
        "history", "cps", "cps:MODEL-A", "cps:MODEL-B", "cps:MODEL-C", "lulucf", "lulucf:MODEL-A", "lulucf:MODEL-B",
        "lulucf_high", "lulucf_low"}
    cov = built.coverage.set_index("actor_type")
    assert cov.loc["total", "actors"] == cov.loc[["region", "city", "company"], "actors"].sum()


def test_rebuild_is_deterministic(ref, tmp_path):
    a = write_case(build_case("us2023", ref), tmp_path / "a")
    b = write_case(build_case("us2023", ref), tmp_path / "b")
    for f in ("actors.csv", "inventory.csv", "commitments.csv", "national.csv"):
        assert (a / f).read_bytes() == (b / f).read_bytes()


def test_cli_build_and_coverage(ref, tmp_path, capsys):
    assert main(["build-case", "us2017", "--reference-data", str(ref),
                 "--out", str(tmp_path / "c")]) == 0
    assert main(["coverage", str(tmp_path / "c"), "--out", str(tmp_path / "cov.csv")]) == 0
    cov = pd.read_csv(tmp_path / "cov.csv")
    assert list(cov["actor_type"]) == ["region", "city", "company", "total"]
    assert main(["build-case", "us2017", "--reference-data", str(tmp_path / "nowhere"),
                 "--out", str(tmp_path / "d")]) == 1
    assert "expected" in capsys.readouterr().err


def _wide(built):
    table = built.tables["national.csv"]
    assert table["source"].str.len().gt(0).all()
    return table.pivot(index="year", columns="series", values="emissions_mt")


def test_us2023_land_series(ref):
    """History: net minus the UNFCCC gross it is shaped on (so net - lulucf is that gross); after 2021
    linear to each model's own sink (MODEL-A: -800 in 2025); MODEL-C reports none and takes `lulucf`,
    the models' median; sinks of other scenarios or of models not in the totals are ignored."""
    built = build_case("us2023", ref)
    wide = _wide(built)
    un = pd.read_csv(ref / "openclimate-oef/processed/UNFCCC_Annex1/EmissionsAgg.csv")
    gross = un[un["actor_id"] == "US"].set_index("year")["total_emissions"] / 1e6
    for year in (2005, 2015, 2021):
        assert wide.loc[year, "history"] - wide.loc[year, "lulucf"] == pytest.approx(gross[year], abs=0.02)
    assert wide.loc[2025, "lulucf:MODEL-A"] == pytest.approx(-800.0)
    assert wide.loc[2030, "lulucf:MODEL-B"] == pytest.approx(-880.0)
    assert wide.loc[2025, "lulucf"] == pytest.approx(-850.0)  # median of -800 and -900
    assert (wide.loc[2025, "lulucf_high"], wide.loc[2025, "lulucf_low"]) == (-900.0, -800.0)  # strongest, weakest
    assert wide.loc[2015, "lulucf_high"] == wide.loc[2015, "lulucf"]  # one history
    h2021 = wide.loc[2021, "lulucf"]
    assert wide.loc[2023, "lulucf:MODEL-A"] == pytest.approx(h2021 + (-800.0 - h2021) / 2, abs=0.01)


def test_us2017_land_series(ref):
    """2021 CAR LULUCF history; each vintage member's land flux makes net - lulucf its vintage's gross
    ratio-harmonised to the 2015 gross history; the central `lulucf` adds the change of the 2016 BR
    mean sink since 2015 to the 2015 history value."""
    from subnat.sources import us_national

    wide = _wide(build_case("us2017", ref))
    from subnat.harmonize import refdata

    vintages = us_national.read_past_vintages(refdata.path(ref, "past_vintages_ar4"))
    land = us_national.category_series(vintages, "2021 CAR", "LULUCF", "WM_highseq")
    assert wide.loc[2010, "lulucf"] == pytest.approx(land[2010])
    g21 = us_national.category_series(vintages, "2021 CAR", "GrossTotal", "WM")
    for pub, name in (("2016 BR", "BR2016"), ("2014 CAR", "CAR2014")):
        gross = us_national.category_series(vintages, pub, "GrossTotal", "WM") * g21[2015] / \
            us_national.category_series(vintages, pub, "GrossTotal", "WM")[2015]
        for seq in ("highseq", "lowseq"):
            member = wide[f"cps:{name}_{seq}"] - wide[f"lulucf:{name}_{seq}"]
            assert member[2025] == pytest.approx(gross[2025], abs=0.02)
            assert member[2015] == pytest.approx(g21[2015], abs=0.02)
    mean = (us_national.category_series(vintages, "2016 BR", "LULUCF", "WM_highseq")
            + us_national.category_series(vintages, "2016 BR", "LULUCF", "WM_lowseq")) / 2
    assert wide.loc[2025, "lulucf"] == pytest.approx(land[2015] + mean[2025] - mean[2015], abs=0.01)
    for seq, name in (("WM_highseq", "lulucf_high"), ("WM_lowseq", "lulucf_low")):
        sink = us_national.category_series(vintages, "2016 BR", "LULUCF", seq)
        assert wide.loc[2025, name] == pytest.approx(land[2015] + sink[2025] - sink[2015], abs=0.01)


def test_us2023_declares_its_gwp_conversion(ref):
    """The EPA state inventory is AR4, the national series AR5: the case declares the cited factor
    (same vintage in both GWP sets; the fixture's AR5 rows are its AR4 rows x 1.01 in 2005-2015)."""
    built = build_case("us2023", ref)
    meta = built.case_yaml
    assert (meta["gwp"], meta["inventory_gwp"]) == ("AR5GWP100", "AR4GWP100")
    assert meta["inventory_gwp_factor"]["value"] == pytest.approx(1.01)
    assert "2005-2015" in meta["inventory_gwp_factor"]["source"]
    assert "inventory_gwp_factor" not in build_case("us2017", ref).case_yaml



def _acme_from_ghgrp(built):
    """Acme Widgets (SBTi 2017, scope 1+2 30 % below 2015 by 2030) gets GHGRP emissions up to RY2015
    (sources_fixtures.GHGRP_FACILITIES): NY 104,000 t x 60 % (RY2020 table, two owners) + CO 50,000 t
    (latest-owner table) + CA 30,000 t (percent missing: sole owner) + a basin 20,000 t x 50 %
    (not located) = 152,400 t; RY2014 has CA "confidential" (left out): 121,800 t."""
    com = built.tables["commitments.csv"].set_index("actor_id")
    assert com.loc["CO-ACME_WIDGETS", "scope"] == "scope1"
    inv = built.tables["inventory.csv"]
    acme = inv[inv["actor_id"] == "CO-ACME_WIDGETS"].set_index("year")["emissions_mt"]
    assert list(acme.index) == list(range(2011, 2016))  # RY <= 2015 in us2017
    assert acme[2015] == pytest.approx(0.1524) and acme[2014] == pytest.approx(0.1218)
    loc = built.tables["company_locations.csv"].set_index("jurisdiction_id")["share"]
    assert loc.to_dict() == pytest.approx({"US-CA": 0.19685, "US-CO": 0.328084, "US-NY": 0.409448}, abs=1e-6)
    report = built.company_matches.set_index("company_id")
    assert report.loc["CO-ACME_WIDGETS", "status"] == "matched"
    assert report.loc["CO-ACME_WIDGETS", "n_facilities"] == 4
