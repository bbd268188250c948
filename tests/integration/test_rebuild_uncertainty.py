"""Rebuild the committed calibration tables from ../shared/reference-data; the config equals them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from subnat.config import load, value
from subnat.uncertainty.calibrate import config_values, write

ROOT = Path(__file__).parents[2]
REFERENCE = ROOT / ".." / "shared" / "reference-data"
COMMITTED = ROOT / "src" / "subnat" / "data" / "uncertainty"


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data not present")
def test_rebuild_matches_committed(tmp_path):
    written = write(REFERENCE, tmp_path)
    assert {p.name for p in written} == {p.name for p in COMMITTED.glob("*.csv")}
    for path in written:
        new, old = pd.read_csv(path), pd.read_csv(COMMITTED / path.name)
        pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-5,
                                      obj=f"{path.name} (python -m subnat.uncertainty calibrate "
                                          f"--reference-data {REFERENCE} --out {COMMITTED})")


def test_config_values_equal_the_calibration():
    config = load([ROOT / "config" / "config.yaml"])
    for key, expected in config_values(COMMITTED).items():
        got = value(config, f"uncertainty.{key}")
        if isinstance(expected, dict):
            got = {k if isinstance(k, str) else int(k): v for k, v in got.items()}
        assert got == expected, key


def test_lovo_coverage_of_the_default_interval_is_near_nominal():
    """The committed calibration's own check (zero-centred 90 % interval, as applied by default)."""
    lovo = pd.read_csv(COMMITTED / "us_projection_error_lovo.csv")
    overall = lovo[(lovo["vintage"] == "all") & (lovo["centre"] == "zero")]["coverage"].item()
    assert 0.8 <= overall <= 1.0
