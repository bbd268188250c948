"""Snakemake glue for rule fit_achievement: unpack snakemake.* into subnat.achievement.fit.fit_achievement."""

import logging
import sys

from subnat.achievement.fit import GateError, fit_achievement

snakemake = globals()["snakemake"]
logging.basicConfig(filename=snakemake.log[0], level=logging.INFO)
try:
    report = fit_achievement(
        {"progress": snakemake.input.progress, "aggregates": snakemake.input.aggregates},
        dict(snakemake.output.items()),
        dict(snakemake.params.settings),
    )
    logging.info("achievement fit: %s", {k: v for k, v in report.items() if k != "summary"})
except GateError as exc:
    logging.error("%s", exc)
    print(f"fit_achievement: {exc}", file=sys.stderr)
    sys.exit(1)
