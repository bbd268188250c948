"""Cross-country table (subnat.crosscountry) on small summary/coverage files written here."""

from __future__ import annotations

import pandas as pd
import pytest

from subnat import crosscountry
from subnat.errors import InputError


def _case(tmp, name, full_p50, thin=False):
    rows = []
    for sc, e, red in (("no_nsa", 100.0, 0.0), ("full_implementation", 100.0 - full_p50, full_p50),
                       ("expected", 100.0 - full_p50 / 2, full_p50 / 2)):
        rows.append({"case": name, "scenario": sc, "year": 2030, "emissions_mt_p05": e - 5,
                     "emissions_mt_p50": e, "emissions_mt_p95": e + 5, "net_reduction_mt_p05": red * 0.5,
                     "net_reduction_mt_p50": red, "net_reduction_mt_p95": red * 1.5, "ndc_gap_share_p05": 0.1,
                     "ndc_gap_share_p50": red / 40, "ndc_gap_share_p95": 0.9, "n_commitments": 0 if thin else 3})
        rows.append(rows[-1] | {"year": 2025})
    (tmp / name).mkdir()
    pd.DataFrame(rows).to_csv(tmp / name / "summary.csv", index=False)
    n = 0 if thin else 1
    pd.DataFrame({"actor_type": ["region", "city", "company", "total"], "actors": [n, 2 * n, 0, 3 * n],
                  "commitments": [n, 2 * n, 0, 3 * n], "share_of_national_net": [0.2, 0.05, 0, 0.25 * n]}
                 ).to_csv(tmp / name / "coverage.csv", index=False)
    (tmp / name / "case.yaml").write_text(f"country: {name.upper()[:3]}\n")
    return tmp / name / "summary.csv", tmp / name / "coverage.csv", tmp / name / "case.yaml"


def test_one_row_per_case_from_its_own_tables(tmp_path):
    cases = {"aaa": _case(tmp_path, "aaa", 20.0), "bbb": _case(tmp_path, "bbb", 0.0, thin=True)}
    df = crosscountry.write(cases, tmp_path / "g" / "countries.csv", tmp_path / "g" / "countries.png")
    assert list(df.columns) == crosscountry.COLUMNS
    a = df.set_index("case").loc["aaa"]
    assert (a["country"], a["year"], a["status"]) == ("AAA", 2030, "ok")
    assert a["cps_mt_p50"] == 100.0 and a["full_implementation_mt_p50"] == 80.0
    assert (a["full_implementation_reduction_mt_p05"], a["full_implementation_reduction_mt_p95"]) == (10.0, 30.0)
    assert a["expected_reduction_mt_p50"] == 10.0
    assert a["full_implementation_ndc_gap_share_p50"] == pytest.approx(0.5)
    assert (a["region_actors"], a["city_commitments"], a["coverage_share_net"]) == (1, 2, 0.25)
    assert df.set_index("case").loc["bbb", "status"] == "too_thin"
    assert (tmp_path / "g" / "countries.png").stat().st_size > 1000
    assert pd.read_csv(tmp_path / "g" / "countries.csv").shape == (2, len(crosscountry.COLUMNS))


def test_missing_scenario_is_a_clear_error(tmp_path):
    s, c, y = _case(tmp_path, "aaa", 20.0)
    t = pd.read_csv(s)
    t[t["scenario"] != "expected"].to_csv(s, index=False)
    with pytest.raises(InputError, match="no 'expected' row in 2030"):
        crosscountry.table({"aaa": (s, c, y)})
