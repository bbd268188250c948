"""Bad input through Snakemake (interfaces.md §5): the rule fails with the problem's file, line and
column in its log, no traceback, and no output of the failed case is left in results/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from snake_helpers import CONFIGS, command, env

from subnat.case.folder import embedded_cases


@pytest.mark.e2e
@pytest.mark.slow
def test_snakemake_bad_case_fails_cleanly(tmp_path: Path) -> None:
    case = tmp_path / "cases" / "broken"
    shutil.copytree(embedded_cases()["demo"], case)
    actors = case / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8").replace("XDM-NC2,Hillview", "XDM-NC1,Hillview"),
                      encoding="utf-8")
    before = actors.read_bytes()
    override = tmp_path / "cases.yaml"
    override.write_text(f"cases: ['{case}']\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(command(work, 2, configs=[*CONFIGS, override]), cwd=work, env=env(),
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode != 0
    # whichever job of the case ran first (assessment or a sensitivity case) reports the problem
    logs = [p.read_text(encoding="utf-8") for p in sorted((work / "logs").rglob("*.log"))]
    assert any("actors.csv:6: actor_id: duplicate actor_id 'XDM-NC1'" in log for log in logs), logs
    assert not any("Traceback" in log for log in logs)
    assert "Traceback" not in proc.stderr
    results = work / "results" / "broken"
    assert not results.exists() or not [p for p in results.rglob("*") if p.is_file()]
    assert actors.read_bytes() == before
