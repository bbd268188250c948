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


def test_scenario_not_run_leaves_its_columns_empty_and_says_so(tmp_path, monkeypatch):
    """A case run without the achievement model has no `expected` rows: its columns stay empty, the
    source names it, and the table, page and figure are still written; a missing no_nsa is an error."""
    s, c, y = _case(tmp_path, "aaa", 20.0)
    t = pd.read_csv(s)
    t[t["scenario"] != "expected"].to_csv(s, index=False)
    out = tmp_path / "g"
    df = crosscountry.write({"aaa": (s, c, y)}, out / "countries.csv", out / "countries.png", out / "countries.md")
    row = df.iloc[0]
    assert pd.isna(row["expected_reduction_mt_p50"]) and row["full_implementation_mt_p50"] == 80.0
    assert "scenarios not run: expected" in row["source"]
    assert (out / "countries.png").exists() and "| aaa |" in (out / "countries.md").read_text()
    t[t["scenario"] != "no_nsa"].to_csv(s, index=False)
    with pytest.raises(InputError, match="no 'no_nsa' row in 2030"):
        crosscountry.table({"aaa": (s, c, y)})


def test_published_figures_sit_beside_ours_and_on_the_page(tmp_path):
    """The economy's row of the hand table fills the published columns; the page shows both."""
    cases = {"usa": _case(tmp_path, "usa", 20.0), "zzz": _case(tmp_path, "zzz", 5.0)}
    pub = tmp_path / "pub.csv"
    pd.DataFrame({"economy": ["USA"], "year": [2030], "metric": [crosscountry.PUBLISHED_METRIC], "low": [670],
                  "high": [810], "citation": ["Study (2018)"], "note": ["verified"]}).to_csv(pub, index=False)
    md = tmp_path / "g" / "countries.md"
    df = crosscountry.write(cases, tmp_path / "g" / "countries.csv", tmp_path / "g" / "countries.png", md, pub)
    assert list(df.columns[-3:]) == crosscountry.PUBLISHED_COLUMNS
    u = df.set_index("case").loc["usa"]
    assert (u["published_reduction_mt_low"], u["published_reduction_mt_high"]) == (670, 810)
    assert u["published_source"].startswith("Study (2018)")
    assert pd.isna(df.set_index("case").loc["zzz", "published_source"])
    page = md.read_text(encoding="utf-8")
    assert "| usa | USA | ok | 100 (95-105) | 20 (10-30) | 10 (5-15) | 25 % | 0.50 / 0.25 | 1/2/0 | 670-810 |" in page
    assert "| USA | 2030 | full_implementation_reduction_mt | 670 | 810 | Study (2018) | verified |" in page


def test_published_figure_without_citation_is_refused(tmp_path):
    pub = tmp_path / "pub.csv"
    pd.DataFrame({"economy": ["USA"], "year": [2030], "metric": ["m"], "low": [1], "high": [2],
                  "citation": [None], "note": ["x"]}).to_csv(pub, index=False)
    with pytest.raises(InputError, match=r"pub.csv:2: citation"):
        crosscountry.published_table(pub)


def test_committed_hand_table_is_cited():
    pub = crosscountry.published_table()
    assert pub["citation"].str.len().gt(20).all() and pub["note"].notna().all()
    assert {"USA", "EUU", "CHN"} <= set(pub["economy"])
    us = pub[(pub["economy"] == "USA") & (pub["metric"] == crosscountry.PUBLISHED_METRIC)].iloc[0]
    assert (us["low"], us["high"]) == (670, 810)


def test_one_row_per_default_case_with_documented_columns(tmp_path):
    """countries.csv of the default `cases` (config/config.yaml): one row each, in order, every column
    named in docs/country-builder.md, and each case's country taken from its embedded case.yaml."""
    from importlib import resources
    from pathlib import Path

    import yaml

    root = Path(__file__).parents[2]
    default = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))["cases"]
    assert {"can2024", "jpn2024", "deu2024", "mex2024", "bra2024"} <= set(default)
    cases = {}
    for name in default:
        s, c, _ = _case(tmp_path, name, 10.0)
        cases[name] = (s, c, Path(str(resources.files("subnat") / "data" / "cases" / name / "case.yaml")))
    df = crosscountry.write(cases, tmp_path / "countries.csv", tmp_path / "countries.png", tmp_path / "c.md")
    assert list(df["case"]) == default and list(df.columns) == crosscountry.COLUMNS
    assert df.set_index("case").loc["jpn2024", "country"] == "JPN"
    assert df["published_source"].notna().sum() >= 2  # USA (us2017, us2023), and the CAN / JPN ... notes
    doc = (root / "docs" / "country-builder.md").read_text(encoding="utf-8")
    for col in crosscountry.COLUMNS:
        stem = col.replace("full_implementation_", "<s>_").replace("expected_", "<s>_")
        stem = stem.rsplit("_p", 1)[0] if stem.endswith(("_p05", "_p50", "_p95")) else stem
        assert stem in doc or col in doc, f"{col} not documented in docs/country-builder.md"
