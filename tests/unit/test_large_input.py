"""Large inputs (issue 8): validating a synthetic 100,000-commitment case takes well under 60 s, and
50,000 bad rows give a short, capped report instead of a flood or a traceback.

The measured figure is in tests/corpus/README.md; the test prints it with `-s`.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from subnat.case.csvfiles import MAX_PROBLEMS_PER_COLUMN
from subnat.case.folder import embedded_cases
from subnat.cli import main

N_COMMITMENTS = 100_000
N_ACTORS = 20_000
LIMIT_S = 60.0
TYPES = ["absolute", "baseline", "net_zero", "fixed_level", "peaking", "renewable_electricity",
         "intensity_gdp", "intensity_capita"]


def make_case(folder: Path, n_commitments: int = N_COMMITMENTS, n_actors: int = N_ACTORS, seed: int = 1) -> Path:
    """A synthetic case on the demo's country and national series: regions, nested cities, companies."""
    rng = np.random.default_rng(seed)
    demo = embedded_cases()["demo"]
    folder.mkdir(parents=True)
    for name in ("case.yaml", "national.csv"):
        shutil.copy(demo / name, folder / name)
    n_regions, n_companies = 100, n_actors // 2
    n_cities = n_actors - n_regions - n_companies
    actors = ["actor_id,name,actor_type,country,parent_id,population,gdp_musd,source"]
    actors += [f"R{i},Region {i},region,XDM,,{1_000_000 + i},{50_000 + i},synthetic" for i in range(n_regions)]
    actors += [f"C{i},City {i},city,XDM,R{i % n_regions},{50_000 + i},{2_000 + i},synthetic" for i in range(n_cities)]
    actors += [f"K{i},Company {i},company,XDM,,,,synthetic" for i in range(n_companies)]
    ids = [f"R{i}" for i in range(n_regions)] + [f"C{i}" for i in range(n_cities)] + \
          [f"K{i}" for i in range(n_companies)]
    inventory = ["actor_id,year,emissions_mt,scope,source"]
    drivers = ["actor_id,driver,year,value,source"]
    for i, actor in enumerate(ids):
        scope = "scope1+2" if actor.startswith("K") else "territorial"
        level = round(0.01 + 5 * rng.random(), 4)
        if actor.startswith("C"):
            level = round(level / 10, 4)  # a city stays below its region (plausibility check)
        elif actor.startswith("R"):
            level = round(0.6 + 0.88 * level, 4)  # 0.6-5 Mt: above each of its cities (at most 0.5 Mt)
        inventory += [f"{actor},2010,{level * 1.1:.4f},{scope},synthetic",
                      f"{actor},2019,{level:.4f},{scope},synthetic"]
        if i % 50 == 0 and not actor.startswith("K"):
            drivers += [f"{actor},gdp,2010,100,synthetic", f"{actor},gdp,2050,150,synthetic",
                        f"{actor},population,2010,100,synthetic", f"{actor},population,2050,120,synthetic"]
    commitments = ["commitment_id,actor_id,target_type,target_year,value,base_year,base_year_emissions_mt,"
                   "coverage,scope,status,in_national_projection,source"]
    statuses = ["law", "policy", "pledge"]
    for j in range(n_commitments):
        actor = ids[j % len(ids)]
        kind = TYPES[j % len(TYPES)]
        year = 2025 + (j // len(ids)) % 26
        value = {"peaking": "", "net_zero": "1.0", "fixed_level": "0.5"}.get(kind, f"{0.1 + 0.5 * rng.random():.3f}")
        commitments.append(f"P{j},{actor},{kind},{year},{value},2010,,1,,{statuses[j % 3]},false,synthetic")
    for name, rows in (("actors.csv", actors), ("inventory.csv", inventory), ("commitments.csv", commitments),
                       ("drivers.csv", drivers)):
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, float]:
    """Run `subnat validate`; assert the time limit and return (exit code, stdout, stderr, wall seconds).

    Validation is single-threaded and CPU-bound, so its CPU time is the figure that holds on any
    machine; wall time is asserted too unless other processes crowd the cores (a shared box during
    development), where it would only measure them."""
    started, cpu = time.perf_counter(), time.process_time()
    code = main(["validate", str(folder)])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    out, err = capsys.readouterr()
    print(f"\nvalidate {folder.name}: wall {elapsed:.1f} s, CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}")
    assert cpu < LIMIT_S
    if os.getloadavg()[0] <= 1.5 * (os.cpu_count() or 1):
        assert elapsed < LIMIT_S
    return code, out, err, elapsed


@pytest.mark.slow
def test_validate_100k_commitments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_case(tmp_path / "large")
    code, out, err, _ = _validate(folder, capsys)
    assert code == 0, err[-2000:]
    assert f"{N_ACTORS} actors, {N_COMMITMENTS} commitments" in out


@pytest.mark.slow
def test_validate_100k_with_50k_bad_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_case(tmp_path / "large")
    path = folder / "commitments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for n in range(1, len(lines), 2):  # every other row: coverage 7 (out of range) and a text target year
        cells = lines[n].split(",")
        cells[3], cells[7] = "soon", "7"
        lines[n] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err, _ = _validate(folder, capsys)
    assert code == 1
    assert "Traceback" not in err
    for column in ("target_year", "coverage"):
        reported = [ln for ln in err.splitlines() if ln.startswith("commitments.csv:") and f": {column}: " in ln]
        assert len(reported) == MAX_PROBLEMS_PER_COLUMN + 1, column
        assert reported[0].startswith(f"commitments.csv:2: {column}: ")
        assert "and 49980 more problems in this column" in reported[-1]
    assert len(err) < 20_000
