"""provenance.stamp: what every output records about how it was made (style.md §10)."""

from __future__ import annotations

import hashlib
import json
import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from subnat import provenance
from subnat.config import config_hash

CONFIG = {"sampling": {"draws": {"value": 10}, "random_seed": 7}, "reference": {"method": "ets"}}


@pytest.fixture
def inputs(tmp_path):
    small = tmp_path / "a.csv"
    small.write_bytes(b"actor_id,year\nX,2020\n")
    big = tmp_path / "posterior.nc"  # larger than one read block (1 MiB)
    big.write_bytes(bytes(range(256)) * (5 * 2**12 + 3))
    return {"z_posterior": big, "a_table": small}


def test_config_hash_is_sha256_of_canonical_json():
    canonical = json.dumps(CONFIG, sort_keys=True, separators=(",", ":"))
    assert provenance.stamp(CONFIG, {})["config_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    reordered = {"reference": {"method": "ets"}, "sampling": {"random_seed": 7, "draws": {"value": 10}}}
    assert config_hash(reordered) == config_hash(CONFIG)  # key order does not matter
    assert config_hash({**CONFIG, "reference": {"method": "growth_index"}}) != config_hash(CONFIG)


def test_input_hashes_are_sha256_of_the_bytes(inputs):
    record = provenance.stamp(CONFIG, inputs)
    assert list(record["inputs"]) == ["a_table", "z_posterior"]  # sorted by name
    for name, path in inputs.items():
        entry = record["inputs"][name]
        assert entry == {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_versions_present():
    found = provenance.stamp(CONFIG, {})["versions"]
    assert found["python"] == platform.python_version()
    for name in ("subnat", "numpy", "pandas"):
        assert re.match(r"\d+\.\d+", found[name]), name


def test_source_date_epoch_pins_the_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert provenance.stamp(CONFIG, {})["created_utc"] == "2023-11-14T22:13:20Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", provenance.utc_now())
    assert provenance.utc_now() != "2023-11-14T22:13:20Z"


def test_same_inputs_same_record(monkeypatch, inputs):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert provenance.stamp(CONFIG, inputs) == provenance.stamp(CONFIG, dict(inputs))


def test_extra_fields_pass_through():
    record = provenance.stamp(CONFIG, {}, case="demo", scenarios=["no_nsa"], seed=3)
    assert (record["case"], record["scenarios"], record["seed"]) == ("demo", ["no_nsa"], 3)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_outside_a_repository_is_unknown(monkeypatch, tmp_path):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "pkg").mkdir()
    monkeypatch.setattr(provenance, "__file__", str(tmp_path / "pkg" / "provenance.py"))
    assert provenance.git_commit() == "unknown"


def test_git_commit_without_git_is_unknown(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(provenance.subprocess, "run", missing)
    assert provenance.git_commit() == "unknown"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_inside_the_repository():
    here = Path(provenance.__file__).resolve().parent
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("package not installed from a git checkout")
    assert re.fullmatch(head.stdout.strip() + r"(-dirty)?", provenance.git_commit())
