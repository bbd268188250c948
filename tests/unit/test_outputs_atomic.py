"""Atomic outputs (issue 8): a failed block writes nothing, debris of killed writers is cleaned up,
and provenance.yaml is replaced last so its presence marks a complete set of one run."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from subnat.outputs import STAGING_PREFIX, reproducible_xlsx, staging, write_atomic


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout)


def test_failed_block_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staging(out) as tmp:
        (tmp / "summary.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("killed half way")
    assert not out.exists()  # not even the empty folder it made
    out.mkdir()
    with pytest.raises(RuntimeError), staging(out) as tmp:
        (tmp / "summary.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("killed half way")
    assert list(out.iterdir()) == []  # a folder that existed stays, as it was


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


def test_workbooks_carry_the_run_time_not_the_save_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl stamps the save time into docProps/core.xml and every zip entry; after
    reproducible_xlsx both carry the run time (pinned by SOURCE_DATE_EPOCH), so reruns are identical."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    paths = []
    for name in ("a.xlsx", "b.xlsx"):
        path = tmp_path / name
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            pd.DataFrame({"x": [1.5, 2.5]}).to_excel(xl, sheet_name="data", index=False)
        reproducible_xlsx(path)
        paths.append(path)
    with zipfile.ZipFile(paths[0]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2023-11-14T22:13:20Z") == 2
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert openpyxl.load_workbook(paths[0])["data"]["A3"].value == 2.5


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_atomic_files_get_the_mode_of_a_new_file(tmp_path: Path, umask: int) -> None:
    """mkstemp makes private 0600 files; an output gets 0666 minus the umask, like the tables."""
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "checks.yaml", lambda p: p.write_text("ok\n", encoding="utf-8"))
        (tmp_path / "summary.csv").write_text("plain\n", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "checks.yaml").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "checks.yaml").stat().st_mode & 0o777 == (tmp_path / "summary.csv").stat().st_mode & 0o777
