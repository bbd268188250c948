"""The achievement fit is bit-for-bit reproducible: same seed, same draws, in any process, on any
number of cores and whatever the machine compiled before (issue 14). Two fresh interpreters sample
the small synthetic fit; the second is pinned to a single CPU with one numba and OpenMP thread,
another hash seed and an empty PyTensor compile cache (a fresh machine, as in CI). Found: PyTensor's
numba file cache gave other numbers than a fresh compile, so the first fit on a machine differed
from every later one with the same seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import hashlib, sys
import numpy as np, pandas as pd
from subnat import config
from subnat.achievement import model as M
from subnat.achievement.fit import resolve_settings
from subnat.achievement.progress import load

root = sys.argv[1]
files = [f"{root}/tests/data/config.expected.yaml", f"{root}/tests/data/achievement_fast.yaml"]
settings = resolve_settings(config.load(files)["achievement"])
settings["progress"] = f"{root}/tests/data/progress_small.csv"
d = M.prepare(load(settings["progress"]), settings)
idata = M.sample(M.build(d, settings), settings, 123)
digest = hashlib.sha256()
for name in sorted(idata.posterior.data_vars):
    digest.update(name.encode())
    digest.update(np.ascontiguousarray(idata.posterior[name].values).tobytes())
print(digest.hexdigest())
"""


def _sample(env_changes: dict[str, str], prefix: list[str]) -> str:
    env = {**os.environ, **env_changes}
    proc = subprocess.run([*prefix, sys.executable, "-c", SCRIPT, str(ROOT)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_same_seed_gives_identical_posterior_across_processes_and_cores(tmp_path):
    first = _sample({"PYTHONHASHSEED": "1"}, [])  # the machine's compile cache, warm after a first run
    single_cpu = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    second = _sample({"PYTHONHASHSEED": "2", "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                      "PYTENSOR_FLAGS": f"base_compiledir={tmp_path / 'cold'}"}, single_cpu)
    assert len(first) == 64
    assert first == second
