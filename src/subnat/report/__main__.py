"""`python -m subnat.report RESULT_DIR [--languages en,zh]`: rebuild the report outputs of a case."""

from __future__ import annotations

import argparse
import logging

from subnat.report.steps import run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m subnat.report", description=__doc__)
    parser.add_argument("result_dir", help="results/<case> folder written by `subnat run` or the workflow")
    parser.add_argument("--languages", default="en,zh", help="summary languages, comma-separated (en, zh)")
    parser.add_argument("--posterior", default=None, help="results/achievement/posterior.nc (optional)")
    parser.add_argument("--diagnostics", default=None, help="results/achievement/diagnostics.csv (optional)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    run_all(args.result_dir, args.languages.split(","), args.posterior, args.diagnostics)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
