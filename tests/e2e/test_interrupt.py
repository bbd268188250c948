"""Interrupted runs (issue 8): SIGTERM, then SIGKILL, part way through the workflow.

After each interruption no visible output is half-written (every output present is complete and
equal to the uninterrupted run's); after `snakemake --rerun-incomplete` the results equal an
uninterrupted run byte for byte (SOURCE_DATE_EPOCH pins provenance time) and no temporary debris
of the killed jobs is left in results/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xarray as xr
from snake_helpers import CONFIGS, assert_same_results, command, env, outputs, run, without_commit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float = 300) -> bool:
    """True once `condition` holds; False when the workflow ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    raise AssertionError("workflow did not reach the interruption point in time")


def _text(path: Path) -> str:
    """A log's text so far, empty before the job has opened it."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _group_gone(pgid: int, timeout: float = 60) -> None:
    """Wait until every process of the workflow's group is gone (no orphan keeps writing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)
    raise AssertionError("jobs survived the interrupted snakemake process")


def _complete(path: Path, reference: Path | None) -> None:
    """A visible output is complete: equal to the reference run's (tables) or structurally whole."""
    data = path.read_bytes()
    assert data, f"{path} is empty"
    name = path.name
    if name.endswith(".nc"):
        with xr.open_dataset(path, engine="h5netcdf") as ds, xr.open_dataset(reference, engine="h5netcdf") as ref:
            xr.testing.assert_identical(ds.drop_attrs(deep=False), ref.drop_attrs(deep=False))
    elif name == "provenance.yaml":
        assert without_commit(data.decode()) == without_commit(reference.read_text())
    elif name.endswith((".csv", ".yaml")):
        assert reference is not None and data == reference.read_bytes(), f"{path} differs from the full run"
    elif name.endswith(".png"):
        assert data.endswith(b"IEND\xaeB`\x82"), f"{path} is truncated"
    elif name.endswith(".xlsx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, f"{path} is corrupt"
    elif name.endswith(".svg"):
        assert data.rstrip().endswith(b"</svg>"), f"{path} is truncated"


def _check_no_partial(work: Path, baseline: Path) -> list[str]:
    """Every visible output is complete; returns the hidden temporary names left by killed jobs."""
    reference = outputs(baseline)
    debris = []
    for name, path in outputs(work).items():
        if any(part.startswith(".") for part in Path(name).parts):
            debris.append(name)
            continue
        assert name in reference, f"unexpected output {name}"
        _complete(path, reference[name])
    return debris


def test_sigterm_then_sigkill_then_rerun(tmp_path: Path) -> None:
    heavier = tmp_path / "heavier.yaml"  # more draws: assess_case aggregates for a second or two
    heavier.write_text("sampling:\n  draws: {value: 20000, source: interrupt test}\n", encoding="utf-8")
    configs = [*CONFIGS, heavier]
    baseline, work = tmp_path / "baseline", tmp_path / "work"
    run(baseline, 2, configs=configs)
    work.mkdir()

    # 1. SIGTERM to snakemake while assess_case aggregates, and nothing else runs (--cores 1): snakemake
    # 9.27's SIGTERM handler takes the scheduler's lock, so a signal that lands while the scheduler
    # holds it to finish another job deadlocks snakemake (seen once in CI after the engine got faster)
    first = subprocess.Popen(command(work, 1, configs=configs), cwd=work, env=env(), start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = _wait_for(lambda: "scenario" in _text(work / "logs" / "assess_case" / "demo.log"), first)
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=120)
    _group_gone(first.pid)
    assert started and first.returncode != 0, "the first attempt should have been interrupted"
    _check_no_partial(work, baseline)

    # 2. SIGKILL the whole process group (snakemake and its jobs: a crash) part way through the rerun
    second = subprocess.Popen(command(work, 2, "--rerun-incomplete", configs=configs), cwd=work, env=env(),
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    summary = work / "results" / "demo" / "summary.csv"
    _wait_for(summary.exists, second)
    time.sleep(0.5)
    assert second.poll() is None, "the second attempt finished before it could be killed"
    os.killpg(second.pid, signal.SIGKILL)
    second.wait(timeout=60)
    _group_gone(second.pid)
    assert second.returncode == -signal.SIGKILL
    _check_no_partial(work, baseline)
    assert set(outputs(work)) != set(outputs(baseline)) or (work / ".snakemake" / "incomplete").exists()

    # 3. a killed snakemake leaves its lock: unlock, rerun incomplete jobs, compare
    run(work, 1, "--unlock", configs=configs)
    run(work, 2, "--rerun-incomplete", configs=configs)
    assert _check_no_partial(work, baseline) == [], "temporary files of killed jobs were left behind"
    assert_same_results(baseline, work)
