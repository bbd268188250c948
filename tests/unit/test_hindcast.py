"""The hindcast on a tiny hand-made case: one state with a target, one city inside it, one state without
(the control), a flat CPS and an observed national series below it. Every expected number is by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subnat.case.load import load_case
from subnat.errors import InputError
from subnat.hindcast.compare import _aggregate, actor_rows, summary
from subnat.hindcast.predict import Predictions, predict
from tests.casebuilder import approx, override, run, write_case

OBSERVED = [
    # state S: reference 100 (flat CPS), pathway 100 - 50 (t - 2010) / 20: 85 in 2016, 82.5 in 2017
    {"actor_id": "S", "year": 2016, "emissions_mt": 88.0, "scope": "territorial"},
    {"actor_id": "S", "year": 2017, "emissions_mt": 80.0, "scope": "territorial"},
    # city C (MRY 2014, 8 Mt; half by 2030): pathway 8 - 0.25 (t - 2014): 7.5 in 2016; fixed 0.5 -> 7.75
    {"actor_id": "C", "year": 2016, "emissions_mt": 7.75, "scope": "territorial"},
    {"actor_id": "T", "year": 2016, "emissions_mt": 46.0, "scope": "territorial"},  # no commitment
    {"actor_id": "XTS", "year": 2016, "emissions_mt": 900.0, "scope": "national"},
    {"actor_id": "XTS", "year": 2017, "emissions_mt": 950.0, "scope": "national"},
]


#: the tiny case's actors, inventories and commitments (shared by the net-nation variant below)
TABLES = dict(
        actors=[{"actor_id": "S", "name": "State", "actor_type": "region"},
                {"actor_id": "T", "name": "Other state", "actor_type": "region"},
                {"actor_id": "C", "name": "City", "actor_type": "city", "parent_id": "S"}],
        inventory=[{"actor_id": "S", "year": 2005, "emissions_mt": 100.0, "scope": "territorial"},
                   {"actor_id": "S", "year": 2010, "emissions_mt": 100.0, "scope": "territorial"},
                   {"actor_id": "T", "year": 2010, "emissions_mt": 50.0, "scope": "territorial"},
                   {"actor_id": "C", "year": 2014, "emissions_mt": 8.0, "scope": "territorial"}],
        commitments=[{"commitment_id": "S1", "actor_id": "S", "target_type": "absolute", "target_year": 2030,
                      "value": 0.5, "base_year": 2005, "scope": "territorial"},
                     {"commitment_id": "C1", "actor_id": "C", "target_type": "absolute", "target_year": 2030,
                      "value": 0.5, "base_year": 2014, "scope": "territorial"}],
)


def tiny_case(folder, observed=OBSERVED):
    write_case(folder, **TABLES, national={"history": {y: 1000.0 for y in range(2005, 2015)},
                                           "cps": {y: 1000.0 for y in range(2005, 2041)}})
    pd.DataFrame([{"source": "test", **r} for r in observed]).to_csv(folder / "observed.csv", index=False)
    return folder


@pytest.fixture
def hindcast(tmp_path):
    a = run(tiny_case(tmp_path / "case"), scenarios=("full_implementation", "fixed_0.5"),
            overrides=override(uncertainty__actor_data_error=False))  # one exact draw
    a.specs["expected"] = a.specs["fixed_0.5"]  # a known delivered fraction stands in for the posterior
    pred = predict(a, [2016, 2017])
    rows = actor_rows(a.case, pred)
    return a, pred, rows, summary(a.case, pred, rows).set_index(["group", "year"])


def test_rows_by_hand(hindcast):
    _, _, rows, _ = hindcast
    r = rows.set_index(["actor_id", "year"])
    s16, s17, c16 = r.loc[("S", 2016)], r.loc[("S", 2017)], r.loc[("C", 2016)]
    assert s16["reference_mt"] == approx(100.0)
    assert s16["full_implementation_mt"] == approx(85.0)
    assert s17["full_implementation_mt"] == approx(82.5)
    assert s16["expected_p50_mt"] == approx(92.5)  # 100 - 0.5 x 15
    assert s16["trend_mt"] == approx(90.0)  # 100 x 900 / 1000 (MRY 2010 from history)
    assert s17["trend_mt"] == approx(95.0)
    assert c16["full_implementation_mt"] == approx(7.5)  # the city's own emissions: no overlap rule
    assert c16["trend_mt"] == approx(7.2)
    assert (s16["inside_90"], s16["beat_trend"], s16["on_pledged_path"]) == ("false", "true", "false")
    assert (s17["beat_trend"], s17["on_pledged_path"]) == ("true", "true")
    assert c16["inside_90"] == "true"  # observed on the (one-draw) prediction: the interval is closed
    assert np.isnan(r.loc[("C", 2017), "observed_mt"]) and r.loc[("C", 2017), "inside_90"] == ""
    control = r.loc[("T", 2016)]
    assert not control["has_commitment"] and np.isnan(control["reference_mt"])
    assert control["trend_mt"] == approx(45.0) and control["beat_trend"] == "false"


def test_summary_decomposition_by_hand(hindcast):
    _, _, _, s = hindcast
    states = s.loc[("region", 2016)]
    assert states["n_actors"] == 1  # only actors with commitments; T is the control
    assert states["observed_mt"] == approx(88.0)
    assert states["miss_mt"] == approx(88.0 - 92.5)
    assert states["national_trend_mt"] == approx(90.0 - 100.0)
    assert states["actor_part_mt"] == approx(88.0 - 90.0 + 7.5)
    assert states["national_trend_mt"] + states["actor_part_mt"] == approx(states["miss_mt"])
    assert states["full_implementation_miss_mt"] == approx(3.0)
    assert states["full_implementation_miss_mt"] == approx(
        states["national_trend_mt"] + states["full_implementation_actor_part_mt"])
    assert states["coverage_90"] == approx(0.0)
    assert s.loc[("city", 2016), "coverage_90"] == approx(1.0)
    assert ("city", 2017) not in s.index  # no city observed in 2017
    control = s.loc[("region_without_commitments", 2016)]
    assert control["actor_beyond_trend_mt"] == approx(1.0) and control["n_beat_trend"] == 0
    nation = s.loc[("national", 2017)]
    assert (nation["observed_mt"], nation["reference_mt"], nation["miss_mt"]) == (950.0, 1000.0, -50.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 500), st.floats(1, 500), st.floats(1, 500), st.floats(0, 1)),
                min_size=1, max_size=6),
       st.integers(1, 40))
def test_decomposition_identity(actors, n_draws):
    """national trend + actor part = miss, for the expected mean and for full implementation."""
    rng = np.random.default_rng(n_draws)
    observed, trend, reference, share = (np.array(x) for x in zip(*actors, strict=True))
    full = reference * (1 - share)
    draws = reference[:, None] * (1 - share[:, None] * rng.uniform(0, 1, (len(actors), n_draws)))
    pred = Predictions(pd.DataFrame({"actor_id": range(len(actors))}), np.array([2019]), reference[:, None],
                       full[:, None], draws[:, None, :])
    sel = pd.DataFrame({"observed_mt": observed, "trend_mt": trend, "reference_mt": reference,
                        "full_implementation_mt": full, "beat_trend": "true", "on_pledged_path": "false",
                        "inside_90": "true"})
    rec = _aggregate(sel, pred, list(range(len(actors))), 0, "region", 2019)
    assert rec["national_trend_mt"] + rec["actor_part_mt"] == pytest.approx(rec["miss_mt"], abs=1e-9 * 500 * 6)
    assert rec["national_trend_mt"] + rec["full_implementation_actor_part_mt"] == pytest.approx(
        rec["full_implementation_miss_mt"], abs=1e-9 * 500 * 6)
    assert rec["expected_p05_mt"] <= rec["expected_p50_mt"] <= rec["expected_p95_mt"]


# The same case on two LULUCF bases: national series net (history and CPS 900 Mt = gross 1000 + land -100),
# inventories gross. Observed: net 800 in 2016 with a land flux of -150 (gross 950), net 850 in 2017 with -50
# (gross 900). The trend must follow the gross change (0.95, 0.90), not the net one (0.889, 0.944), nor the
# net with national.csv's projected land flux (0.90, 0.95).
BASIS_OBSERVED = [
    *[r for r in OBSERVED if r["scope"] == "territorial"],
    {"actor_id": "XTS", "year": 2016, "emissions_mt": 800.0, "scope": "national"},
    {"actor_id": "XTS", "year": 2017, "emissions_mt": 850.0, "scope": "national"},
    {"actor_id": "XTS", "year": 2016, "emissions_mt": -150.0, "scope": "national_lulucf"},
    {"actor_id": "XTS", "year": 2017, "emissions_mt": -50.0, "scope": "national_lulucf"},
]


def basis_case(folder, observed=BASIS_OBSERVED):
    tiny_case(folder, observed)
    write_case(  # same actors, inventories and commitments; a net nation with a land series
        folder, **TABLES,
        national={"history": {y: 900.0 for y in range(2005, 2015)},
                  "cps": {y: 900.0 for y in range(2005, 2041)},
                  "lulucf": {y: -100.0 for y in range(2005, 2041)}},
        meta={"lulucf": "included", "inventory_lulucf": "excluded"},
    )
    return folder


def test_trend_on_the_actors_basis_by_hand(tmp_path):
    """Gross inventories, net nation: R_obs grows with observed net minus the observed land flux, like the
    reference grows with the CPS minus national.csv's land series; the national row stays net."""
    a = run(basis_case(tmp_path / "case"), scenarios=("full_implementation", "fixed_0.5"),
            overrides=override(uncertainty__actor_data_error=False))
    a.specs["expected"] = a.specs["fixed_0.5"]
    pred = predict(a, [2016, 2017])
    rows = actor_rows(a.case, pred)
    r = rows.set_index(["actor_id", "year"])
    assert r.loc[("S", 2016), "reference_mt"] == approx(100.0)  # 100 x (900 + 100) / (900 + 100)
    assert r.loc[("S", 2016), "trend_mt"] == approx(95.0)  # 100 x (800 + 150) / (900 + 100)
    assert r.loc[("S", 2017), "trend_mt"] == approx(90.0)  # 100 x (850 + 50) / 1000
    assert r.loc[("C", 2016), "trend_mt"] == approx(7.6)  # MRY 2014 from history: 8 x 950 / 1000
    assert r.loc[("T", 2016), "trend_mt"] == approx(47.5)  # the control against the same (gross) trend
    assert r.loc[("S", 2017), "beat_trend"] == "true"  # 80 < 90
    s = summary(a.case, pred, rows).set_index(["group", "year"])
    states = s.loc[("region", 2016)]
    assert states["miss_mt"] == approx(88.0 - 92.5)
    assert states["national_trend_mt"] == approx(95.0 - 100.0)
    assert states["actor_part_mt"] == approx(88.0 - 95.0 + 7.5)
    assert states["national_trend_mt"] + states["actor_part_mt"] == approx(states["miss_mt"])
    assert s.loc[("region", 2017), "national_trend_mt"] == approx(-10.0)
    assert s.loc[("region_without_commitments", 2016), "actor_beyond_trend_mt"] == approx(46.0 - 47.5)
    nation = s.loc[("national", 2016)]  # the headline basis: observed net against the net CPS
    assert (nation["observed_mt"], nation["reference_mt"], nation["miss_mt"]) == (800.0, 900.0, -100.0)


def test_basis_case_needs_the_observed_land_flux(tmp_path):
    rows = [r for r in BASIS_OBSERVED if not (r["scope"] == "national_lulucf" and r["year"] == 2017)]
    with pytest.raises(InputError) as info:
        load_case(basis_case(tmp_path / "case", rows))
    problems = info.value.problems
    national_2017 = next(i for i, r in enumerate(rows) if r["scope"] == "national" and r["year"] == 2017)
    assert [(p.file, p.line, p.column) for p in problems] == [("observed.csv", national_2017 + 2, "scope")]
    assert "no national_lulucf row" in problems[0].message and "2017" in problems[0].message


@pytest.mark.parametrize(("row", "column", "message"), [
    ({"actor_id": "Z", "year": 2016, "emissions_mt": 1.0, "scope": "territorial"}, "actor_id", "unknown actor"),
    ({"actor_id": "S", "year": 2016, "emissions_mt": 1.0, "scope": "national"}, "actor_id", "country"),
    ({"actor_id": "S", "year": 2016, "emissions_mt": 1.0, "scope": "scope3"}, "scope", ""),
    ({"actor_id": "S", "year": 2016, "emissions_mt": "12,5", "scope": "territorial"}, "emissions_mt", ""),
    ({"actor_id": "S", "year": 2016, "emissions_mt": 5.0, "scope": "territorial"}, "year", "duplicate"),
    ({"actor_id": "T", "year": 2017, "emissions_mt": -1.0, "scope": "territorial"}, "emissions_mt", "negative"),
    ({"actor_id": "XTS", "year": 2018, "emissions_mt": -1.0, "scope": "national"}, "emissions_mt", "negative"),
    ({"actor_id": "S", "year": 2016, "emissions_mt": -9.0, "scope": "national_lulucf"}, "actor_id", "country"),
])
def test_observed_bad_rows_name_file_line_column(tmp_path, row, column, message):
    folder = tiny_case(tmp_path / "case", [*OBSERVED, row])
    with pytest.raises(InputError) as info:
        load_case(folder)
    problems = info.value.problems
    assert [(p.file, p.line, p.column) for p in problems] == [("observed.csv", len(OBSERVED) + 2, column)]
    assert message in problems[0].message


def test_observed_missing_source_column(tmp_path):
    folder = tiny_case(tmp_path / "case")
    pd.read_csv(folder / "observed.csv").drop(columns="source").to_csv(folder / "observed.csv", index=False)
    with pytest.raises(InputError) as info:
        load_case(folder)
    assert [(p.file, p.line, p.column) for p in info.value.problems] == [("observed.csv", 1, "source")]


def test_case_without_observed_loads(tmp_path):
    folder = tiny_case(tmp_path / "case")
    (folder / "observed.csv").unlink()
    assert load_case(folder).observed is None


def test_report_section_states_the_finding(hindcast):
    from subnat.hindcast.report import section

    a, pred, rows, _ = hindcast
    text = "\n".join(section(rows, summary(a.case, pred, rows)))
    # 2017, the last year observed: S emitted 80 Mt, below its pathway (82.5) and its trend (95)
    assert "By 2017 the states were on their pledged paths in aggregate (1 of 1 individually)" in text
    assert "they beat the national trend (-15 Mt against it)" in text
    assert "missed its 90 % interval" in text  # one exact draw at 91.25 Mt, 80 observed


def test_report_section_without_expected(tmp_path):
    from subnat.hindcast.report import section

    a = run(tiny_case(tmp_path / "case"), scenarios=("full_implementation",))
    pred = predict(a, [2016, 2017])
    rows = actor_rows(a.case, pred)
    assert pred.expected is None and (rows["inside_90"] == "").all()
    assert "coverage not computed" in "\n".join(section(rows, summary(a.case, pred, rows)))


def test_subnat_run_writes_the_hindcast_of_a_listed_case(tmp_path):
    """`subnat run` (run_case with every output) writes rule hindcast's files and the report section
    for a case in hindcast.cases that has an observed.csv, from its own assessment."""
    from subnat.config import load
    from subnat.run import Full, run_case

    folder = tiny_case(tmp_path / "case")
    config = load([], {"hindcast": {"cases": {"value": ["case"], "source": "test"}},
                       "sensitivity": {"enabled": False}})
    out = run_case(folder, tmp_path / "out", config, ["no_nsa", "full_implementation"], draws=4, full=Full())
    rows = pd.read_csv(out / "hindcast.csv").set_index(["actor_id", "year"])
    assert rows.loc[("S", 2016), "full_implementation_mt"] == approx(85.0)
    assert (out / "hindcast_summary.csv").is_file() and (out / "figures" / "hindcast.png").is_file()
    assert "## Hindcast" in (out / "report.md").read_text(encoding="utf-8")
    unlisted = run_case(folder, tmp_path / "out2", load([], {"sensitivity": {"enabled": False}}),
                        ["no_nsa", "full_implementation"], draws=4, full=Full())
    assert not (unlisted / "hindcast.csv").exists()
