"""Data registry (config/data_sources.yaml) and the retrieve step (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from subnat.harmonize import refdata
from subnat.harmonize.retrieve import RetrieveError, fetch, load_registry, url_of

REGISTRY = Path(__file__).parents[2] / "config" / "data_sources.yaml"
KEYS = {"title", "version", "url", "sha256", "licence", "citation", "path", "retrievable"}


def test_registry_complete_for_the_builder():
    reg = load_registry(REGISTRY)
    for name, entry in reg.items():
        assert set(entry) >= KEYS, name
        assert len(entry["sha256"]) == 64
        assert url_of(entry).startswith("https://")
    assert set(refdata.FILES.values()) <= {e["path"] for e in reg.values()}


def test_fetch_from_reference_dir_checks_hash(tmp_path):
    ref = tmp_path / "ref"
    (ref / "a").mkdir(parents=True)
    (ref / "a" / "f.csv").write_text("x,y\n1,2\n")
    entry = {"path": "a/f.csv", "sha256": refdata.sha256(ref / "a" / "f.csv"),
             "url": "https://example.invalid/f.csv", "retrievable": True}
    out = fetch(entry, tmp_path / "raw" / "a" / "f.csv", ref)
    assert out.read_text() == "x,y\n1,2\n"
    with pytest.raises(RetrieveError, match="differs"):
        fetch(entry | {"sha256": "0" * 64}, tmp_path / "raw2" / "f.csv", ref)
    assert not (tmp_path / "raw2" / "f.csv").exists()
    with pytest.raises(RetrieveError, match="not found"):
        fetch(entry | {"path": "a/missing.csv"}, tmp_path / "raw3" / "f.csv", ref)


def test_non_retrievable_entry_needs_reference_dir(tmp_path):
    entry = {"path": "x.csv", "sha256": "0" * 64, "url": "https://example.invalid/x",
             "retrievable": False}
    with pytest.raises(RetrieveError, match="reference_dir"):
        fetch(entry, tmp_path / "x.csv", None)
