"""Provenance of every output: config hash, input hashes, versions, git commit, UTC time."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from subnat.config import config_hash

PACKAGES = ("subnat", "numpy", "pandas", "xarray", "scipy", "statsmodels", "pymc", "arviz", "nutpie",
            "snakemake", "matplotlib")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def git_commit() -> str:
    """The commit of the code that ran (working tree of the installed package), or 'unknown'."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def utc_now() -> str:
    """UTC time; SOURCE_DATE_EPOCH (reproducible-builds convention) pins it for byte-identical reruns."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(config: Mapping[str, Any], inputs: Mapping[str, str | Path], **extra: Any) -> dict[str, Any]:
    """The provenance record written to provenance.yaml and into netCDF attrs."""
    return {
        "config_sha256": config_hash(config),
        "inputs": {name: {"path": str(path), "sha256": sha256(path)} for name, path in sorted(inputs.items())},
        "versions": versions(),
        "git_commit": git_commit(),
        "created_utc": utc_now(),
        **extra,
    }
