"""Entry points of the harmonize rules and of ``python -m subnat.harmonize``: plain paths in, files out."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from subnat.harmonize import country
from subnat.harmonize.build import BuiltCase, build_case, write_case
from subnat.harmonize.coverage import coverage_of_folder

log = logging.getLogger(__name__)


def build_case_folder(case: str, reference_dir: str | Path, out_dir: str | Path,
                      duplicates: str = "most_complete") -> BuiltCase:
    """Build case ``case`` (us2017, us2023) from the raw files in ``reference_dir`` into ``out_dir``."""
    built = build_case(case, reference_dir, duplicates)
    write_case(built, out_dir)
    log.info("wrote %s; coverage:\n%s", out_dir, built.coverage.to_string(index=False))
    return built


def build_country_folder(iso3: str, reference_dir: str | Path, out_dir: str | Path,
                         duplicates: str = "most_complete", release: str = "cat_2024",
                         projection: str | Path | None = None) -> country.CountryBuilt:
    """Build the case of any CAT country into ``out_dir`` (coverage.csv carries the status)."""
    built = country.build(iso3, reference_dir, duplicates, release, Path(projection) if projection else None)
    write_case(built, out_dir)
    log.info("wrote %s (status %s); coverage:\n%s", out_dir, built.status, built.coverage.to_string(index=False))
    return built


def case_coverage(case_dir: str | Path, out_csv: str | Path | None = None,
                  year: int | None = None) -> pd.DataFrame:
    """The coverage table of a case folder, written to ``out_csv`` when given."""
    table = coverage_of_folder(case_dir, year)
    if out_csv:
        table.to_csv(out_csv, index=False, float_format="%.6g")
    log.info("coverage of %s:\n%s", case_dir, table.to_string(index=False))
    return table
