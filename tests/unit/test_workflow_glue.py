"""The glue between Snakemake and the package (subnat.workflow): one logging wrapper for every
rule's script, and rule files that stay light to parse."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from subnat.errors import ConsistencyError, InputError, Problem
from subnat.workflow import run_logged

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]
HEAVY = ("numba", "pandas", "matplotlib", "pymc", "pytensor", "xarray")
IMPORT = re.compile(r"^\s*(?:from\s+(subnat[\w.]*)\s+import|import\s+(subnat[\w.]*))", re.MULTILINE)


def _raise(exc: Exception) -> None:
    logging.getLogger("subnat.step").info("starting")
    raise exc


@pytest.mark.parametrize("exc", [
    InputError(Problem("actors.csv", 6, "actor_id", "duplicate actor_id 'X'")),
    ConsistencyError("output checks failed: quantiles_ordered"),
])
def test_user_errors_exit_1_with_message_and_no_traceback(exc: Exception, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "logs" / "step.log"
    with pytest.raises(SystemExit) as info:
        run_logged(str(log), _raise, exc)
    assert info.value.code == 1
    text = log.read_text(encoding="utf-8")
    assert str(exc) in text and "starting" in text and "Traceback" not in text
    err = capsys.readouterr().err
    assert str(exc) in err and "Traceback" not in err


def test_gate_error_of_the_achievement_fit_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from subnat.achievement.fit import GateError

    log = tmp_path / "fit_achievement.log"
    with pytest.raises(SystemExit) as info:
        run_logged(str(log), _raise, GateError("achievement model gates failed: max R-hat 1.2 > 1.01"))
    assert info.value.code == 1
    assert "max R-hat 1.2 > 1.01" in log.read_text(encoding="utf-8")
    assert "max R-hat 1.2 > 1.01" in capsys.readouterr().err


def test_other_errors_keep_their_traceback(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        run_logged(str(tmp_path / "step.log"), _raise, KeyError("bug"))


def test_result_is_returned(tmp_path: Path) -> None:
    assert run_logged(str(tmp_path / "step.log"), lambda a, b=0: a + b, 1, b=2) == 3


def test_rule_files_import_only_light_modules_at_parse_time() -> None:
    """Every `subnat` module a rule file imports (Snakemake runs these imports on each parse, also
    for `snakemake -n` and on every cluster job) loads without numba, pandas, matplotlib or pymc."""
    modules = sorted({a or b for path in RULE_FILES for a, b in IMPORT.findall(path.read_text(encoding="utf-8"))})
    assert "subnat.workflow" in modules, modules
    code = ("import importlib, json, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            f"print(json.dumps([h for h in {HEAVY!r} if h in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(proc.stdout) == [], f"{modules} import {proc.stdout.strip()}"
