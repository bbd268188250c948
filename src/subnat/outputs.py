"""Write the outputs of one case (interfaces.md §4) atomically: all files, or none.

Everything is rendered into a temporary folder beside the destination and moved into place
file by file with os.replace, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from subnat.provenance import utc_now

FLOAT_FORMAT = "%.6f"


STAGING_PREFIX = ".subnat-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: exists, owned by someone else
        return True
    return True


def remove_stale(folder: Path, prefix: str) -> None:
    """Remove temporary files/folders `<prefix><pid>-*` left by a killed process (SIGKILL skips
    `finally`), so a rerun leaves no half-written debris. Live writers' files are kept."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if not path.name.startswith(prefix):
            continue
        pid = path.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A temporary folder whose files replace those of `out_dir` only when the block succeeds; a
    failed block leaves `out_dir` as it was (not even an empty folder when it did not exist)."""
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir, STAGING_PREFIX)
    tmp = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if created and not any(out_dir.iterdir()):
                out_dir.rmdir()
            raise
        # provenance.yaml goes first out and last in: when it is present, every file beside it is
        # from the same run, even if a run was killed between two renames
        marker = out_dir / "provenance.yaml"
        staged = sorted(p for p in tmp.rglob("*") if p.is_file())
        if (tmp / "provenance.yaml") in staged:
            marker.unlink(missing_ok=True)
            staged = [p for p in staged if p != tmp / "provenance.yaml"] + [tmp / "provenance.yaml"]
        for path in staged:
            target = out_dir / path.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    """Write one file through a temporary file in the same folder, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, f".{path.name}.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", dir=path.parent)
    # mkstemp creates the file private (0600); an output gets the mode of any new file (0644 under umask 022)
    os.fchmod(fd, 0o666 & ~_umask())
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    """The process umask (reading it means setting it; it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def reproducible_xlsx(path: Path) -> None:
    """Stamp a workbook with the run's time (provenance.utc_now, pinned by SOURCE_DATE_EPOCH) instead
    of the save time openpyxl writes into docProps/core.xml and every zip entry, so reruns with the
    same inputs give byte-identical workbooks."""
    when = utc_now()
    date_time = (int(when[0:4]), int(when[5:7]), int(when[8:10]), int(when[11:13]), int(when[14:16]),
                 int(when[17:19]) // 2 * 2)  # zip stores even seconds
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + when.encode(), data)
            archive.writestr(zipfile.ZipInfo(name, date_time=date_time), data, compress_type=zipfile.ZIP_DEFLATED)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_yaml(data: Mapping[str, Any], path: Path) -> None:
    path.write_text(yaml.safe_dump(_plain(data), sort_keys=True, allow_unicode=True), encoding="utf-8")


def _plain(value: Any) -> Any:
    """YAML-safe copy: numpy scalars to Python, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
