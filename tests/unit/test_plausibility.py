"""Plausible or stop (issue 14): an actor above its parent or the nation, or negative national
emissions in any draw, is an error before anything is written."""

from __future__ import annotations

import copy
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from subnat.aggregate.assess import check_consistency
from subnat.case.load import load_case
from subnat.cli import main
from subnat.errors import ConsistencyError, InputError
from tests.casebuilder import run as assess_folder
from tests.casebuilder import write_case

DEMO = Path(str(resources.files("subnat") / "data" / "cases" / "demo"))


def _demo_with(tmp_path: Path, actor: str, year: int, emissions: float) -> tuple[Path, int]:
    """A copy of the demo case with one inventory row changed; returns the folder and the row's line."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    inventory = pd.read_csv(folder / "inventory.csv")
    row = inventory.index[(inventory["actor_id"] == actor) & (inventory["year"] == year)][0]
    inventory.loc[row, "emissions_mt"] = emissions
    inventory.to_csv(folder / "inventory.csv", index=False)
    return folder, int(row) + 2  # header is line 1


def test_a_city_entered_in_kt_is_invalid(tmp_path, capsys):
    """Found on main: a city inventory entered as 12000 instead of 12 inside a 52 Mt region was
    valid and gave national emissions of -8010.8 Mt."""
    folder, line = _demo_with(tmp_path, "XDM-EC1", 2020, 8000.0)
    with pytest.raises(InputError) as err:
        load_case(folder)
    messages = [str(p) for p in err.value.problems]
    assert any(m.startswith(f"inventory.csv:{line}: emissions_mt:") and "XDM-E, which contains it" in m
               for m in messages), messages
    assert any("more than the whole country" in m for m in messages), messages
    assert main(["validate", str(folder)]) == 1
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--draws", "4", "--scenario", "full_implementation"]) == 1
    assert not out.exists()
    assert "nothing was written" in capsys.readouterr().err


def test_a_city_above_the_nation_without_a_parent_row_that_year(tmp_path):
    folder, line = _demo_with(tmp_path, "XDM-NC1", 2019, 20000.0)  # XDM-N has no 2019 row
    with pytest.raises(InputError) as err:
        load_case(folder)
    assert [p.line for p in err.value.problems] == [line]


def test_the_embedded_cases_are_plausible():
    for name in ("demo", "us2017", "us2023", "can2024"):
        load_case(name)


def test_base_year_emissions_above_the_nation_stop_the_assessment(tmp_path):
    """No inventory, so validation cannot see it: the reference anchored on a base-year level of
    5000 Mt in a 1000 Mt country is caught by the assessment, at any nesting level."""
    folder = write_case(
        tmp_path / "case",
        actors=[{"actor_id": "R", "name": "R", "actor_type": "region"},
                {"actor_id": "C", "name": "C", "actor_type": "city", "parent_id": "R"}],
        inventory=[{"actor_id": "R", "year": 2015, "emissions_mt": 100.0, "scope": "territorial"}],
        commitments=[{"commitment_id": "r", "actor_id": "R", "target_type": "absolute", "target_year": 2030,
                      "value": 0.3, "base_year": 2005, "base_year_emissions_mt": 110.0, "scope": "territorial"},
                     {"commitment_id": "c", "actor_id": "C", "target_type": "absolute", "target_year": 2030,
                      "value": 0.5, "base_year": 2010, "base_year_emissions_mt": 5000.0, "scope": "territorial"}])
    with pytest.raises(ConsistencyError, match=r"C \(territorial\) has reference emissions 5000.0 Mt"):
        assess_folder(folder)


def test_negative_national_emissions_in_any_draw_stop_the_assessment(tmp_path):
    folder = write_case(
        tmp_path / "case",
        actors=[{"actor_id": "R", "name": "R", "actor_type": "region"}],
        inventory=[{"actor_id": "R", "year": 2015, "emissions_mt": 100.0, "scope": "territorial"}],
        commitments=[{"commitment_id": "r", "actor_id": "R", "target_type": "absolute", "target_year": 2030,
                      "value": 0.3, "base_year": 2005, "base_year_emissions_mt": 110.0, "scope": "territorial"}])
    a = assess_folder(folder, draws=3)
    check_consistency(a)  # plausible as computed
    broken = copy.deepcopy(a)
    result = broken.results["full_implementation"]
    result.net[-1, 1] = result.cps[-1, 1] + 1.0  # one draw, one year: emissions of -1 Mt
    result.gross[-1, 1] = result.net[-1, 1]
    with pytest.raises(ConsistencyError, match=r"national emissions -1.0 Mt in 2040 \(draw 1\) are negative"):
        check_consistency(broken)
    assert np.isfinite(a.results["full_implementation"].net).all()


def test_a_failed_output_check_keeps_nothing_that_looks_like_a_result(tmp_path, monkeypatch):
    """Found on main: under Snakemake check_outputs failed after assess_case had written summary.csv,
    which stayed in results/. The checks now run on the staged tables of assess_case itself."""
    from subnat.aggregate import checks
    from subnat.config import sources_from
    from subnat.run import run_case

    real = checks.evaluate
    monkeypatch.setattr(checks, "evaluate", lambda inputs: {**real(inputs), "scenarios_ordered": False})
    out = tmp_path / "results" / "demo"
    with pytest.raises(ConsistencyError, match="output checks failed: scenarios_ordered"):
        run_case("demo", out, sources_from(),
                 ["no_nsa", "full_implementation"], draws=4)
    assert not out.exists() and not any((tmp_path / "results").iterdir())
