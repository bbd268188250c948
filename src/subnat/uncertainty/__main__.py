"""CLI: ``python -m subnat.uncertainty calibrate --reference-data DIR --out DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m subnat.uncertainty")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("calibrate", help="rebuild the projection-error and reference-growth tables")
    c.add_argument("--reference-data", required=True, type=Path)
    c.add_argument("--out", required=True, type=Path)
    a = ap.parse_args(argv)
    from subnat.errors import InputError
    from subnat.uncertainty.calibrate import config_values, write

    try:
        for path in write(a.reference_data, a.out):
            print(f"wrote {path}")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("config values (uncertainty.*):")
    print(yaml.safe_dump(config_values(a.out), sort_keys=False, default_flow_style=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
