"""Shared helpers of the end-to-end reliability tests: run Snakemake on the demo case in a tmp dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import xarray as xr

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
CONFIGS = [REPO / "config" / "config.yaml", REPO / "tests" / "data" / "config.test.yaml"]
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: provenance time pinned, so reruns are byte-identical


def env() -> dict[str, str]:
    """The test environment: pinned time, no user site or config leaking in."""
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}


def prepare(workdir: Path) -> Path:
    """A fresh working directory for `snakemake -d`. Some rules read `config/...` relative to the
    working directory (e.g. the data registry), so the repository's config folder is linked in."""
    workdir.mkdir(parents=True, exist_ok=True)
    link = workdir / "config"
    if not link.exists():
        link.symlink_to(REPO / "config", target_is_directory=True)
    return workdir


def command(workdir: Path, cores: int, *extra: str, configs: list[Path] | None = None) -> list[str]:
    """The Snakemake command line on the repository's Snakefile, run in `workdir` (prepared here)."""
    prepare(workdir)
    files = [str(p) for p in (configs or CONFIGS)]
    return [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", *files,
            "--cores", str(cores), *extra]


def run(workdir: Path, cores: int, *extra: str, configs: list[Path] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """One complete Snakemake run; fails the test with its log when Snakemake fails."""
    proc = subprocess.run(command(workdir, cores, *extra, configs=configs), cwd=workdir, env=env(),
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"snakemake failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    return proc


def outputs(workdir: Path) -> dict[str, Path]:
    """Every file under results/, by relative path."""
    root = workdir / "results"
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def without_commit(text: str) -> str:
    """provenance.yaml minus its git_commit line: a commit by a colleague during the test changes it."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("git_commit:"))


def assert_same_results(a: Path, b: Path) -> None:
    """Byte-identical CSV and YAML (git commit aside), equal netCDF data and attributes, same file set."""
    files_a, files_b = outputs(a), outputs(b)
    assert sorted(files_a) == sorted(files_b)
    for name, path in files_a.items():
        other = files_b[name]
        if name.endswith(".nc"):
            with xr.open_dataset(path, engine="h5netcdf") as da, xr.open_dataset(other, engine="h5netcdf") as db:
                xr.testing.assert_identical(da.drop_attrs(deep=False), db.drop_attrs(deep=False))
                attrs_a = {k: v for k, v in da.attrs.items() if k != "git_commit"}
                attrs_b = {k: v for k, v in db.attrs.items() if k != "git_commit"}
                assert attrs_a.keys() == attrs_b.keys()
                assert all(str(attrs_a[k]) == str(attrs_b[k]) for k in attrs_a), name
        elif name.endswith("provenance.yaml"):
            assert without_commit(path.read_text()) == without_commit(other.read_text()), name
        elif name.endswith((".csv", ".yaml", ".xlsx")):
            assert path.read_bytes() == other.read_bytes(), f"{name} differs"
        # figures and reports may embed creation times; only their presence is compared
