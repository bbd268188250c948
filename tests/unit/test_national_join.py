"""National series (issue 14, point 8): a projection may start at its last inventory year when
history covers the years before; a jump at the join is refused above checks.max_join_jump."""

from __future__ import annotations

import pytest
import yaml

from subnat.cli import main
from subnat.errors import InputError
from tests.casebuilder import run, write_case

ACTORS = [{"actor_id": "R", "name": "R", "actor_type": "region"}]
INVENTORY = [{"actor_id": "R", "year": 2015, "emissions_mt": 100.0, "scope": "territorial"}]
COMMITMENTS = [{"commitment_id": "r", "actor_id": "R", "target_type": "absolute", "target_year": 2030,
                "value": 0.3, "base_year": 2005, "base_year_emissions_mt": 110.0, "scope": "territorial"}]


def _case(tmp_path, cps_start: int, join_level: float):
    history = {y: 1000.0 for y in range(2005, 2020)}
    cps = {y: join_level for y in range(cps_start, 2041)}
    return write_case(tmp_path / "case", ACTORS, INVENTORY, COMMITMENTS,
                      national={"history": history, "cps": cps})


def test_a_projection_may_start_at_the_last_inventory_year(tmp_path):
    """Found on main: `series 'cps' misses projection years 2015...2018` although history covers them."""
    folder = _case(tmp_path, 2019, 1000.0)  # case years 2015-2040, history to 2019, CPS from 2019
    assert main(["validate", str(folder)]) == 0
    a = run(folder)
    assert a.national.over(a.years)[0, 0] == pytest.approx(1000.0)


def test_a_gap_history_does_not_cover_is_still_an_error(tmp_path):
    folder = _case(tmp_path, 2021, 1000.0)  # 2020 in neither series
    assert main(["validate", str(folder)]) == 1


def test_a_jump_at_the_join_is_refused_with_the_line(tmp_path, capsys):
    """Found on main: a 16 % jump between history and projection was accepted silently."""
    folder = _case(tmp_path, 2020, 1160.0)
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "national.csv:" in err and "jumps +16.0% from history in 2020" in err
    with pytest.raises(InputError):
        run(folder)


def test_the_join_threshold_is_a_setting(tmp_path):
    folder = _case(tmp_path, 2020, 1160.0)
    relaxed = tmp_path / "relaxed.yaml"
    relaxed.write_text(yaml.safe_dump({"checks": {"max_join_jump": {"value": 0.3, "source": "test"}}}))
    assert main(["validate", str(folder), "--config", str(relaxed)]) == 0
    run(folder, overrides={"checks": {"max_join_jump": {"value": 0.3, "source": "test"}}})
