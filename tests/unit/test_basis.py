"""One emissions basis (issue 16, item 5): actor inventories and the national growth index on the
same LULUCF basis and GWP set, converted with a cited land-sector series or refused at validation."""

from __future__ import annotations

import numpy as np
import pytest

from subnat.aggregate.national import national_series
from subnat.case.load import load_case
from subnat.cli import main
from subnat.errors import InputError
from tests.casebuilder import group_value, run, write_case

ACTORS = [{"actor_id": "R", "name": "R", "actor_type": "region"}]
INVENTORY = [{"actor_id": "R", "year": 2015, "emissions_mt": 100.0, "scope": "territorial"}]
COMMITMENTS = [{"commitment_id": "r", "actor_id": "R", "target_type": "absolute", "target_year": 2030,
                "value": 0.5, "base_year": 2005, "base_year_emissions_mt": 110.0, "scope": "territorial"}]
YEARS = range(2015, 2041)
# national net emissions: 900 Mt in 2015 rising by 10 Mt a year; land sink -100 Mt in 2015 growing by
# 10 Mt a year, so the gross series is 1000 in 2015 and 1000 + 20 (t - 2015) after
NET = {"history": {2005: 1000.0, 2015: 900.0}, "cps": {y: 900.0 + 10 * (y - 2015) for y in YEARS}}
LAND = {"lulucf": {2005: -100.0, **{y: -100.0 - 10 * (y - 2015) for y in YEARS}}}
NET_META = {"lulucf": "included", "inventory_lulucf": "excluded"}


def _case(tmp_path, national=None, meta=None, name="case"):
    return write_case(tmp_path / name, ACTORS, INVENTORY, COMMITMENTS, national=national or {**NET, **LAND},
                      meta={**NET_META, **(meta or {})})


def _problems(folder):
    with pytest.raises(InputError) as info:
        load_case(folder)
    return info.value.problems


def test_a_basis_mismatch_without_a_land_series_is_a_validation_error(tmp_path, capsys):
    """The mismatch of the embedded US cases before this change (gross inventories, net nation) must
    not pass silently: validate names case.yaml, the inventory_lulucf line and what is missing."""
    folder = _case(tmp_path, national=NET)
    lines = (folder / "case.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("inventory_lulucf:"))
    [problem] = _problems(folder)
    assert (problem.file, problem.line, problem.column) == ("case.yaml", line, "inventory_lulucf")
    assert "series 'lulucf'" in problem.message and "gross" in problem.message
    assert main(["validate", str(folder)]) == 1
    assert f"case.yaml:{line}: inventory_lulucf:" in capsys.readouterr().err


def test_a_gwp_mismatch_is_an_error(tmp_path):
    folder = _case(tmp_path, meta={"inventory_gwp": "AR4GWP100"})  # national AR5GWP100 (casebuilder)
    [problem] = _problems(folder)
    assert (problem.file, problem.column) == ("case.yaml", "inventory_gwp")
    assert "AR4GWP100" in problem.message and "AR5GWP100" in problem.message


def test_a_declared_gwp_factor_converts_the_actor_figures(tmp_path):
    """inventory_gwp_factor multiplies the inventories, base-year, BAU and fixed levels at load."""
    commitments = [*COMMITMENTS, {"commitment_id": "f", "actor_id": "R", "target_type": "fixed_level",
                                  "target_year": 2035, "value": 40.0, "scope": "territorial"}]
    meta = {**NET_META, "inventory_gwp": "AR4GWP100",
            "inventory_gwp_factor": {"value": 1.02, "source": "test: made up"}}
    case = load_case(write_case(tmp_path / "f", ACTORS, INVENTORY, commitments, national={**NET, **LAND}, meta=meta))
    assert case.inventory["emissions_mt"].tolist() == pytest.approx([102.0])
    by_id = case.commitments.set_index("commitment_id")
    assert by_id.loc["r", "base_year_emissions_mt"] == pytest.approx(110.0 * 1.02)
    assert by_id.loc["f", "value"] == pytest.approx(40.0 * 1.02)
    assert by_id.loc["r", "value"] == pytest.approx(0.5)  # a fraction is not an emission figure


def test_a_gwp_factor_without_a_mismatch_is_an_error(tmp_path):
    folder = _case(tmp_path, meta={"inventory_gwp_factor": {"value": 1.02, "source": "test"}})
    [problem] = _problems(folder)
    assert (problem.file, problem.column) == ("case.yaml", "inventory_gwp_factor")


def test_an_unknown_inventory_code_gets_a_suggestion(tmp_path):
    folder = _case(tmp_path, meta={"inventory_lulucf": "Excluded", "inventory_gwp": "AR5GWP10"})
    columns = {p.column: p.message for p in _problems(folder)}
    assert "did you mean 'excluded'?" in columns["inventory_lulucf"]
    assert "did you mean 'AR5GWP100'?" in columns["inventory_gwp"]


def test_gross_growth_index_is_the_ratio_of_net_minus_lulucf(tmp_path):
    """Hand-computed: the reference of an actor with 100 Mt in 2015 is 100 * gross(t) / gross(2015),
    gross = net - lulucf = 1000 + 20 (t - 2015); the headline CPS stays the net series."""
    a = run(_case(tmp_path), scenarios=("no_nsa", "full_implementation"))
    for year in (2025, 2030, 2035):
        gross = 1000.0 + 20 * (year - 2015)
        assert group_value(a, "full_implementation", "r", year, "reference") == pytest.approx(100.0 * gross / 1000.0)
        i = a.case.meta.reporting_years.index(year)
        assert a.results["no_nsa"].cps[year - a.years[0], 0] == pytest.approx(900.0 + 10 * (year - 2015))
        assert i >= 0
    # the target path: 2030 level 55 Mt (half of 110), so the 2030 potential is the gross reference minus 55
    assert group_value(a, "full_implementation", "r", 2030, "potential") == pytest.approx(130.0 - 55.0)


def test_same_basis_is_no_conversion(tmp_path):
    """Inventories on the national basis: the growth index is the national series even when a land
    series is present."""
    folder = _case(tmp_path, meta={"inventory_lulucf": "included"})
    national = national_series(load_case(folder), "central")
    assert national.actor_index is None
    assert np.array_equal(national.growth, national.index)
    a = run(folder)
    assert group_value(a, "full_implementation", "r", 2025, "reference") == pytest.approx(100.0 * 1000.0 / 900.0)


def test_gross_nation_and_net_inventories_add_the_land_flux(tmp_path):
    gross = {"history": {2005: 1100.0, 2015: 1000.0}, "cps": {y: 1000.0 + 20 * (y - 2015) for y in YEARS}}
    folder = _case(tmp_path, national={**gross, **LAND}, meta={"lulucf": "excluded", "inventory_lulucf": "included"})
    national = national_series(load_case(folder), "central")
    i15, i25 = national.position(2015), national.position(2025)
    assert national.growth[0, i25] / national.growth[0, i15] == pytest.approx((1200.0 - 200.0) / (1000.0 - 100.0))
    assert national.index[0, i25] == pytest.approx(1200.0)


def test_each_member_uses_its_own_land_series_else_lulucf(tmp_path):
    members = {"cps:a": NET["cps"], "cps:b": NET["cps"]}
    own = {"lulucf:a": {y: -100.0 for y in YEARS}}  # a constant sink: gross of member a = net + 100
    folder = _case(tmp_path, national={"history": NET["history"], **members, **LAND, **own})
    national = national_series(load_case(folder), "ensemble")
    i15, i25 = national.position(2015), national.position(2025)
    growth = dict(zip(national.names, national.growth[:, i25] / national.growth[:, i15], strict=True))
    assert growth["cps:a"] == pytest.approx(1100.0 / 1000.0)
    assert growth["cps:b"] == pytest.approx(1200.0 / 1000.0)
    # the headline is untouched: both members are the same net series
    assert national.index[0] == pytest.approx(national.index[1], nan_ok=True)


def test_low_and_high_rules_take_the_envelope_on_each_basis(tmp_path):
    members = {"cps:a": {y: 900.0 for y in YEARS}, "cps:b": {y: 950.0 for y in YEARS}}
    own = {"lulucf:a": {y: -100.0 - 40 * (y - 2015) for y in YEARS}, "lulucf:b": {y: -100.0 for y in YEARS}}
    folder = _case(tmp_path, national={"history": NET["history"], **members, **LAND, **own})
    case = load_case(folder)
    low, high = national_series(case, "low"), national_series(case, "high")
    i25 = low.position(2025)
    assert (low.index[0, i25], high.index[0, i25]) == (900.0, 950.0)
    assert (low.growth[0, i25], high.growth[0, i25]) == (1050.0, 1400.0)  # gross: b 950 + 100, a 900 + 500


def test_the_land_sink_switch_picks_the_variant_for_series_without_their_own(tmp_path):
    """uncertainty.land_sink high/low: lulucf_high/lulucf_low convert history, cps and members without
    a land series; a member's own land series is kept; a variant the case lacks is an error."""
    members = {"cps:a": NET["cps"], "cps:b": NET["cps"]}
    land = {**LAND, "lulucf_high": {y: v - 50 for y, v in LAND["lulucf"].items()},
            "lulucf:a": {y: -100.0 for y in YEARS}}
    case = load_case(_case(tmp_path, national={"history": NET["history"], **members, **land}))
    i25 = 2025 - 2005
    central, high = national_series(case, "ensemble"), national_series(case, "ensemble", "high")
    assert central.growth[:, i25] == pytest.approx([1100.0, 1200.0])
    assert high.growth[:, i25] == pytest.approx([1100.0, 1250.0])  # a keeps its own; b gets the stronger sink
    assert np.array_equal(high.index, central.index)  # the headline never moves
    with pytest.raises(InputError, match="lulucf_low"):
        national_series(case, "ensemble", "low")
    shared = {k: v for k, v in land.items() if ":" not in k}
    a = run(_case(tmp_path, national={**NET, **shared}, name="switch"),
            overrides={"uncertainty": {"land_sink": {"value": "high", "source": "test"}}})
    assert group_value(a, "full_implementation", "r", 2025, "reference") == pytest.approx(100.0 * 1250.0 / 1050.0)


def test_a_land_series_missing_a_year_is_named(tmp_path):
    land = {"lulucf": {y: v for y, v in LAND["lulucf"].items() if y != 2020}}
    [problem] = _problems(_case(tmp_path, national={**NET, **land}))
    assert (problem.file, problem.column) == ("national.csv", "year")
    assert "'lulucf' misses years 2020" in problem.message


def test_a_member_land_series_needs_its_member(tmp_path):
    folder = _case(tmp_path, national={**NET, **LAND, "lulucf:nobody": {2015: -100.0}})
    [problem] = _problems(folder)
    assert (problem.file, problem.column) == ("national.csv", "series")
    assert "cps:nobody" in problem.message


def test_only_the_land_series_may_be_negative(tmp_path):
    net = {"history": {2005: 1000.0, 2015: -900.0}, "cps": NET["cps"]}
    [problem] = _problems(_case(tmp_path, national={**net, **LAND}))
    assert (problem.file, problem.column) == ("national.csv", "emissions_mt")
    assert "only the land-sector series" in problem.message


def test_an_old_case_without_the_new_keys_stays_valid(tmp_path):
    """Defaults: inventory_lulucf and inventory_gwp follow lulucf and gwp, so a case written before
    this change loads and runs as before (no land series needed)."""
    folder = write_case(tmp_path / "old", ACTORS, INVENTORY, COMMITMENTS, national=NET, meta={"lulucf": "included"})
    text = (folder / "case.yaml").read_text()
    assert "inventory_" not in text
    case = load_case(folder)
    assert (case.meta.inventory_lulucf, case.meta.inventory_gwp) == ("included", "AR5GWP100")
    assert main(["validate", str(folder)]) == 0
    a = run(folder)
    assert group_value(a, "full_implementation", "r", 2025, "reference") == pytest.approx(100.0 * 1000.0 / 900.0)


@pytest.mark.parametrize("name", ["us2017", "us2023"])
def test_embedded_us_cases_index_actors_on_the_gross_basis(name):
    """The embedded cases declare gross inventories and carry the land series: every member's growth
    index is its net minus its land flux, and the headline stays net."""
    case = load_case(name)
    assert (case.meta.lulucf, case.meta.inventory_lulucf) == ("included", "excluded")
    national = national_series(case, "ensemble")
    wide = case.national.pivot(index="year", columns="series", values="emissions_mt")
    for m, member in enumerate(national.names):
        land = member.replace("cps:", "lulucf:") if member.replace("cps:", "lulucf:") in wide else "lulucf"
        own = wide[member].dropna()
        pos = own.index.to_numpy().astype(int) - int(national.years[0])
        assert national.index[m, pos] == pytest.approx(own.to_numpy())
        assert national.growth[m, pos] == pytest.approx((own - wide[land].reindex(own.index)).to_numpy())


def test_us2017_land_sink_no_longer_moves_the_growth_index():
    """Issue 16: the 2016 BR high- and low-sequestration members share one gross projection; on the
    net basis their 2015-25 growth differed (0.927 vs 0.971), on the inventories' basis it is one."""
    national = national_series(load_case("us2017"), "ensemble")
    i15, i25 = national.position(2015), national.position(2025)
    net = dict(zip(national.names, national.index[:, i25] / national.index[:, i15], strict=True))
    gross = dict(zip(national.names, national.growth[:, i25] / national.growth[:, i15], strict=True))
    assert net["cps:BR2016_lowseq"] - net["cps:BR2016_highseq"] > 0.04
    assert gross["cps:BR2016_lowseq"] == pytest.approx(gross["cps:BR2016_highseq"], abs=1e-4)
    assert gross["cps:CAR2014_lowseq"] == pytest.approx(gross["cps:CAR2014_highseq"], abs=1e-4)


def test_consistency_checks_compare_on_the_actors_basis(tmp_path):
    """An actor with 880 of the nation's 1000 gross Mt in 2015 grows to 1320 Mt in 2040 with the gross
    index, above the net national 1150 Mt but not above the gross 1500: no consistency error (on main
    the check compared the gross reference with the net nation)."""
    inventory = [{"actor_id": "R", "year": 2015, "emissions_mt": 880.0, "scope": "territorial"}]
    commitments = [{**COMMITMENTS[0], "base_year_emissions_mt": 950.0}]
    folder = write_case(tmp_path / "big", ACTORS, inventory, commitments, national={**NET, **LAND}, meta=NET_META)
    a = run(folder)
    assert a.paths.X[0, -1, 0] == pytest.approx(880.0 * 1.5)
    assert a.paths.X[0, -1, 0] > a.national.over(a.years)[0, -1]
