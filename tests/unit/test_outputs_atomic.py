"""Atomic outputs (issue 8): a failed block writes nothing, debris of killed writers is cleaned up,
and provenance.yaml is replaced last so its presence marks a complete set of one run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from subnat.outputs import STAGING_PREFIX, staging, write_atomic


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout)


def test_failed_block_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staging(out) as tmp:
        (tmp / "summary.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("killed half way")
    assert list(out.iterdir()) == []


def test_stale_debris_of_dead_writers_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = _dead_pid()
    stale_dir = out / f"{STAGING_PREFIX}{dead}-abc"
    stale_dir.mkdir()
    (stale_dir / "summary.csv").write_text("partial", encoding="utf-8")
    stale_file = out / f".checks.yaml.{dead}-xyz"
    stale_file.write_text("partial", encoding="utf-8")
    live_dir = out / f"{STAGING_PREFIX}{os.getppid()}-live"  # a running process: left alone
    live_dir.mkdir()
    with staging(out) as tmp:
        (tmp / "summary.csv").write_text("ok\n", encoding="utf-8")
    write_atomic(out / "checks.yaml", lambda p: p.write_text("ok\n", encoding="utf-8"))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["summary.csv", "checks.yaml", live_dir.name])


def test_provenance_is_replaced_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "provenance.yaml").write_text("old\n", encoding="utf-8")
    moved: list[str] = []
    real = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        moved.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    with staging(out) as tmp:
        for name in ("provenance.yaml", "summary.csv", "draws.nc", "z.csv"):
            (tmp / name).write_text("new\n", encoding="utf-8")
    assert moved[-1] == "provenance.yaml" and len(moved) == 4
    assert (out / "provenance.yaml").read_text(encoding="utf-8") == "new\n"
