"""Progress data of the achievement model: r arithmetic, exclusions, the SBTi loader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from subnat.achievement import progress as P
from subnat.sources import sbti_progress

REF = Path(__file__).resolve().parents[3] / "shared" / "reference-data"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "achievement" / "sbti_progress_small.xlsx"


def test_r_hand_computed_on_track():
    """g = 0.9, a = 0.5, x = 0.5, p = 0.4 (E(BY) = 1):
    B = 0.9, T = 1 - 0.5*0.4 = 0.8, E_obs = 1 - 0.5*0.4 = 0.8,
    r = (0.9 - 0.8) / (0.9 - 0.8) = 1.0 (on the pledge path, beyond the national trend)."""
    assert P.r_ratio(0.9, 0.5, 0.5, 0.4) == pytest.approx(1.0)


def test_r_hand_computed_partial():
    """g = 0.95, a = 0.25, x = 0.5, p = 0.4:
    B = 0.95, T = 0.8, E_obs = 1 - 0.1 = 0.9, r = (0.95 - 0.9) / (0.95 - 0.8) = 0.05/0.15 = 1/3.
    The base-year ratio a/x = 0.5 credits the actor with the national trend too."""
    assert P.r_ratio(0.95, 0.25, 0.5, 0.4) == pytest.approx(1 / 3)


def test_r_negative_when_behind_national_trend():
    """g = 0.9, a = 0.1, x = 0.5, p = 0.4: B = 0.9, T = 0.8, E_obs = 0.96:
    r = (0.9 - 0.96) / 0.1 = -0.6 (emissions fell less than the country's)."""
    assert P.r_ratio(0.9, 0.1, 0.5, 0.4) == pytest.approx(-0.6)


def test_counterfactual_meets_path_has_no_ratio():
    """g = 0.8, x = 0.5, p = 0.2: B - T = 0.8 - 0.9 = -0.1 <= 0: r undefined (the row is kept
    with b_le_t, test_achievement_window.py::test_b_le_t_is_a_flag_not_an_exclusion)."""
    assert np.isnan(P.r_ratio(0.8, 0.5, 0.5, 0.2))


def write_sbti_fixture(path: Path) -> None:
    """A 4-row workbook in the SBTi 2021 appendix layout (invented companies)."""
    cols = ["Company name", "Company Status Text", "Target completion  [%]",
            "Progress against target text", "Target elapsed timeframe  [%]", "Target Timeframe",
            "Target type", "Activity unit", "Target scope", "Scope 3 category",
            "Year target approved", "Organization type", "IsAggregateParent", "IsAggregated",
            "Target year", "Base year", "Target value", "Current target status",
            "Reporting year", "Progress source"]
    desc = ["", "", "Percentage of progress achieved (% completed)", "", "Time that passed",
            "Base year to target year", "", "Unit", "", "", "", "", "", "", "When", "Start",
            "Percent", "Percent of progress", "Latest year", "Source"]
    rows = [
        ["Alpha Co", "Alpha Co reported progress on all SBTs.", 0.5, "15 of a 30% reduction target",
         0.5, "2015 to 2025 (2020)", "Absolute", None, "Scope 1+2", None, 2019, "Company", None,
         None, 2025, 2015, 0.3, 0.15, 2020, "CDP"],
        ["Alpha Co", "Alpha Co reported progress on all SBTs.", 0.2, "x", 0.5, "2015 to 2025",
         "INtensity", "tonne", "Scope 3", None, 2019, "Company", None, None, 2025, 2015, 0.5,
         0.1, 2020, "CDP"],
        ["Beta Ltd", "No comparable progress data of SBT(s) was publicly found for Beta Ltd"]
        + [None] * 18,
        ["Gamma AG", "Gamma AG reported progress on all SBTs.", 1.2, "x", 0.25, "2018 to 2030",
         "Absolute", None, "Scope 1+2 (63% of total)", None, 2020, "Company", None, None, 2030,
         2018, 0.4, 0.48, 2021, "Public"],
    ]
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame([["Science-based targets progress (fixture)"]]).to_excel(
            xw, sheet_name="READ ME", header=False, index=False)
        pd.DataFrame([desc, *rows], columns=cols).to_excel(
            xw, sheet_name=sbti_progress.SHEET, index=False)


def test_sbti_loader_on_fixture(tmp_path):
    path = tmp_path / "sbti.xlsx"
    write_sbti_fixture(path)
    df = sbti_progress.read(path)
    assert df["company"].tolist() == ["Alpha Co", "Alpha Co", "Beta Ltd", "Gamma AG"]
    assert df["reported"].tolist() == [True, True, False, True]
    assert df["target_type"].tolist()[:2] == ["absolute", "intensity"]  # "INtensity" folded
    assert df.loc[3, "scope"] == "Scope 1+2" and df.loc[3, "scope_share"] == pytest.approx(0.63)
    assert df.loc[0, "progress"] == pytest.approx(0.15) and df.loc[0, "base_year"] == 2015
    assert df.loc[0, "record"] == "Appendix - Download row 3"  # header row 1, descriptions row 2
    assert df["source"].str.contains("sbti.xlsx").all()


def test_committed_fixture_matches_generator(tmp_path):
    """The committed fixture is the generator's output (regenerate with write_sbti_fixture)."""
    fresh = tmp_path / "f.xlsx"
    write_sbti_fixture(fresh)
    pd.testing.assert_frame_equal(sbti_progress.read(FIXTURE).drop(columns="source"),
                                  sbti_progress.read(fresh).drop(columns="source"))


@pytest.mark.refdata
@pytest.mark.skipif(not REF.exists(), reason="../shared/reference-data absent")
def test_committed_progress_rebuilds(tmp_path):
    """The committed progress table is what build-progress derives from the upstream files."""
    P.write(REF, tmp_path)
    pkg = Path(P.__file__).resolve().parents[1] / "data" / "progress"
    for name in ("progress.csv", "exclusions.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / name), pd.read_csv(pkg / name))
    prog = pd.read_csv(tmp_path / "progress.csv")
    assert prog["source"].notna().all()
    assert set(prog["actor_type"]) == {"region", "city", "company"}
    assert prog["r"].isna().eq(prog["b_le_t"]).all()  # B - T <= 0 kept, flagged


@pytest.mark.refdata
@pytest.mark.skipif(not REF.exists(), reason="../shared/reference-data absent")
def test_committed_progress_meets_issue_15():
    """Observed years stated for > 90 % of cities; every observation has an adoption year or a
    flag why not, and a window start; no window shorter than the configured minimum."""
    pkg = Path(P.__file__).resolve().parents[1] / "data" / "progress"
    prog = pd.read_csv(pkg / "progress.csv")
    cities = prog[prog["actor_type"] == "city"]
    assumed = cities["flags"].fillna("").str.contains("observed_year_assumed")
    assert assumed.mean() < 0.10
    flags = prog["window_flags"].fillna("")
    assert (prog["adoption_year"].notna() | flags.str.contains("adoption_year_unknown")).all()
    assert prog["window_start"].notna().all()
    assert (prog["window_start"] >= prog["base_year"]).all()
    assert (prog["window_years"] >= P.defaults()["min_window_years"]).all()
    states = prog[prog["source"] == P.SRC_STATES]
    assert states["adoption_source"].dropna().str.contains("us_state_target_adoption").all()
