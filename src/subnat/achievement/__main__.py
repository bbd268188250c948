"""CLI: ``python -m subnat.achievement build-progress|fit`` (same functions as the workflow)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def outputs_in(out: Path) -> dict[str, str]:
    """Output paths of one fit in a folder (the layout of results/achievement/)."""
    return {"posterior": str(out / "posterior.nc"), "diagnostics": str(out / "diagnostics.csv"),
            "holdout": str(out / "holdout.csv"), "loo": str(out / "loo.csv"),
            "summary": str(out / "summary.csv"), "figures": str(out / "figures")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m subnat.achievement")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-progress", help="derive progress.csv + exclusions.csv from upstream files")
    b.add_argument("--reference-data", required=True, type=Path)
    b.add_argument("--out", required=True, type=Path)
    b.add_argument("--config", type=Path, action="append", default=[],
                   help="config file(s) merged over config/config.yaml (achievement.min_window_years, "
                        "achievement.inventory_level_tolerance)")
    f = sub.add_parser("fit", help="fit the achievement model and write results")
    f.add_argument("--progress", required=True, type=Path)
    f.add_argument("--out", required=True, type=Path)
    f.add_argument("--config", type=Path, action="append", default=[],
                   help="config file(s) merged over config/config.yaml defaults (achievement section)")
    a = ap.parse_args(argv)
    if a.cmd == "build-progress":
        from subnat import config
        from subnat.achievement.progress import write

        ach = config.load(a.config)["achievement"]
        p, e = write(a.reference_data, a.out, ach["min_window_years"]["value"],
                     ach["inventory_level_tolerance"]["value"])
        print(f"wrote {p} and {e}")
        return 0
    from subnat import config
    from subnat.achievement.fit import GateError, fit_achievement

    settings = config.load(a.config)["achievement"] if a.config else {}
    try:
        report = fit_achievement({"progress": str(a.progress)}, outputs_in(a.out), settings)
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({k: v for k, v in report.items() if k != "summary"}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
