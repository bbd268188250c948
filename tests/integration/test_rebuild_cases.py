"""Rebuild the embedded US cases from ../shared/reference-data and compare with the committed ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parents[2] / ".." / "shared" / "reference-data"
TABLES = ["actors.csv", "inventory.csv", "commitments.csv", "national.csv",
          "build_exclusions.csv", "coverage.csv", "case.yaml", "settings.yaml", "observed.csv"]
OPTIONAL = {"settings.yaml", "observed.csv"}  # built only for some cases

pytestmark = [
    pytest.mark.refdata,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data not present"),
]


@pytest.mark.parametrize("name", ["us2017", "us2023"])
def test_rebuild_equals_committed(name, tmp_path):
    from subnat.harmonize.build import build_case, write_case

    out = write_case(build_case(name, REFERENCE), tmp_path / name)
    committed = Path(str(resources.files("subnat") / "data" / "cases" / name))
    for table in TABLES:
        if table in OPTIONAL and not (out / table).exists():
            assert not (committed / table).exists(), f"{name}: {table} is not built"
            continue
        fresh = (out / table).read_text(encoding="utf-8")
        kept = (committed / table).read_text(encoding="utf-8")
        assert fresh == kept, f"{name}/{table} differs from a fresh build: rebuild the case " \
            f"(python -m subnat.harmonize build-case {name} --reference-data {REFERENCE} " \
            f"--out src/subnat/data/cases/{name})"


def test_registry_hashes_match_reference_data():
    from subnat.harmonize import refdata
    from subnat.harmonize.retrieve import load_registry

    registry = load_registry(Path(__file__).parents[2] / "config" / "data_sources.yaml")
    by_path = {e["path"]: e for e in registry.values()}
    assert set(refdata.FILES.values()) <= set(by_path)  # every file the builder reads
    for rel in refdata.FILES.values():
        assert refdata.sha256(REFERENCE / rel) == by_path[rel]["sha256"], rel


def test_sbti_parse_share_on_real_export():
    from subnat.harmonize import refdata
    from subnat.sources import sbti_targets

    df = sbti_targets.read(refdata.path(REFERENCE, "sbti_targets"))
    share = sbti_targets.parse_share(df["target_text"])
    assert share > 0.9  # 96 % of 2023-01 texts parse (docs/data.md)
