"""Rebuild the embedded US, Canadian and country-builder cases from ../shared/reference-data and compare
with the committed ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parents[2] / ".." / "shared" / "reference-data"
TABLES = ["actors.csv", "inventory.csv", "commitments.csv", "national.csv",
          "build_exclusions.csv", "coverage.csv", "case.yaml", "settings.yaml", "observed.csv",
          "company_locations.csv", "company_match_report.csv", "README.md"]
OPTIONAL = {"settings.yaml", "observed.csv", "company_locations.csv",
            "company_match_report.csv"}  # built only for some cases (companies: the US ones)
GENERATED_ONLY = {"README.md"}  # compared where the build writes it (country-builder cases); others hand-written

pytestmark = [
    pytest.mark.refdata,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data not present"),
]


@pytest.mark.parametrize("name", ["us2017", "us2023", "can2024", "jpn2024", "deu2024", "mex2024", "bra2024"])
def test_rebuild_equals_committed(name, tmp_path):
    from subnat.harmonize.build import build_case, write_case

    out = write_case(build_case(name, REFERENCE), tmp_path / name)
    committed = Path(str(resources.files("subnat") / "data" / "cases" / name))
    for table in TABLES:
        if table in GENERATED_ONLY and not (out / table).exists():
            continue
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


def test_eccc_real_files_match_published_totals():
    """The provinces' sum is the national total (732.2 Mt in 2005, 670.4 in 2021) and each edition's
    2030 reference case is the figure of its SOURCE.md (700.9 ... 625.6)."""
    from subnat.harmonize import refdata
    from subnat.sources import eccc

    inv = eccc.read_inventory(refdata.path(REFERENCE, "eccc_inventory"))
    assert inv["actor_id"].nunique() == 13
    total = eccc.national_from_inventory(inv)
    assert round(total[2005], 1) == 732.2 and round(total[2021], 1) == 670.4
    published = {2018: 700.9, 2019: 673.1, 2020: 674.3, 2021: 659.5, 2022: 637.7, 2023: 591.8, 2024: 625.6}
    for year, mt in published.items():
        edition = eccc.read_edition(refdata.path(REFERENCE, f"eccc_{year}"))
        ref = eccc.national_series(edition, eccc.scenarios(edition)[1])
        assert round(ref[2030], 1) == mt, year


def test_can2024_acceptance():
    """All 13 provinces and territories are actors; the CPS lies within the editions' 2030 range."""
    from subnat.harmonize.build import build_case

    built = build_case("can2024", REFERENCE)
    actors = built.tables["actors.csv"]
    assert set(actors.loc[actors["actor_type"] == "region", "actor_id"]) == {
        "CA-AB", "CA-BC", "CA-MB", "CA-NB", "CA-NL", "CA-NS", "CA-NT", "CA-NU", "CA-ON", "CA-PE", "CA-QC",
        "CA-SK", "CA-YT"}
    nat = built.tables["national.csv"]
    cps2030 = float(nat[(nat["series"] == "cps") & (nat["year"] == 2030)]["emissions_mt"].iloc[0])
    assert 591.8 <= cps2030 <= 700.9
    cities = actors[actors["actor_type"] == "city"]
    assert cities["parent_id"].str.match(r"CA-[A-Z]{2}$").all()
    assert built.tables["commitments.csv"]["source"].notna().all()
