"""Fetch one registered upstream file (config/data_sources.yaml) and check its SHA-256.

With a reference folder (config ``data.reference_dir``) the file is copied from there; else it
is downloaded from ``base_url/url`` (only entries marked ``retrievable``). Either way the hash
must match the registry, so a changed upstream file stops the build instead of silently
changing the embedded cases.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from subnat.harmonize.refdata import sha256


class RetrieveError(RuntimeError):
    """The file could not be obtained or its hash differs from the registry."""


def load_registry(path: str | Path) -> dict[str, dict[str, Any]]:
    """Registry entries by name."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return data["sources"]


def url_of(entry: dict[str, Any]) -> str:
    """Full download URL of an entry."""
    url = entry["url"]
    return url if url.startswith("http") else f"{entry['base_url'].rstrip('/')}/{url}"


def fetch(entry: dict[str, Any], dest: str | Path, reference_dir: str | Path | None = None,
          timeout: float = 60.0) -> Path:
    """Copy or download one file to ``dest``; raise RetrieveError on a missing file or bad hash."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    if reference_dir is not None:
        src = Path(reference_dir) / entry["path"]
        if not src.is_file():
            raise RetrieveError(f"{src}: not found in data.reference_dir")
        shutil.copyfile(src, tmp)
    else:
        if not entry.get("retrievable", False):
            raise RetrieveError(
                f"{entry['path']}: a transformed extract, not downloadable as is; set "
                "data.reference_dir to a folder holding it")
        try:
            with urllib.request.urlopen(url_of(entry), timeout=timeout) as r, open(tmp, "wb") as f:
                shutil.copyfileobj(r, f)
        except OSError as e:
            raise RetrieveError(f"{url_of(entry)}: download failed ({e})") from e
    digest = sha256(tmp)
    if digest != entry["sha256"]:
        tmp.unlink(missing_ok=True)
        raise RetrieveError(f"{entry['path']}: SHA-256 {digest} differs from the registry "
                            f"({entry['sha256']})")
    tmp.replace(dest)
    return dest
