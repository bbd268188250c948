"""Command line: ``python -m subnat.harmonize build-case|build-country|coverage`` (the functions of the rules)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from subnat.errors import InputError
from subnat.harmonize import refdata
from subnat.harmonize.build import ALL_CASES
from subnat.harmonize.steps import build_case_folder, build_country_folder, case_coverage


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 bad input)."""
    p = argparse.ArgumentParser(prog="python -m subnat.harmonize")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-case", help="build an embedded case from the raw sources")
    b.add_argument("case", choices=ALL_CASES)
    b.add_argument("--reference-data", required=True, type=Path)
    b.add_argument("--out", required=True, type=Path)
    b.add_argument("--duplicates", default="most_complete",
                   choices=["most_complete", "keep_all"])
    k = sub.add_parser("build-country", help="build a case for any country of the CAT table")
    k.add_argument("iso3", help="ISO3 code of a CAT country (e.g. JPN, DEU, MEX)")
    k.add_argument("--reference-data", required=True, type=Path)
    k.add_argument("--out", required=True, type=Path)
    k.add_argument("--release", default="cat_2024", choices=["cat_2024", "cat_2025"],
                   help="CAT release of the CPS range and NDC levels (cat_2024: every country AR4)")
    k.add_argument("--projection", type=Path, default=None,
                   help="CSV year,emissions_mt replacing the CAT range as the CPS")
    k.add_argument("--duplicates", default="most_complete", choices=["most_complete", "keep_all"])
    c = sub.add_parser("coverage", help="print (and write) the coverage table of a case")
    c.add_argument("case_dir", type=Path)
    c.add_argument("--year", type=int, default=None)
    c.add_argument("--out", type=Path, default=None, help="CSV file to write")
    args = p.parse_args(argv)
    try:
        if args.cmd == "build-case":
            built = build_case_folder(args.case, args.reference_data, args.out, args.duplicates)
            print(built.coverage.to_string(index=False))
            return 0
        if args.cmd == "build-country":
            built = build_country_folder(args.iso3, args.reference_data, args.out, args.duplicates,
                                         args.release, args.projection)
            print(built.coverage.to_string(index=False))
            return 0
        cov = case_coverage(args.case_dir, args.out, args.year)
        print(cov.to_string(index=False))
        return 0
    except (InputError, refdata.MissingReferenceData, FileNotFoundError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
