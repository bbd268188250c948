"""The whole assessment of one case, from inputs to the files of interfaces.md §4.

Shared by `subnat run` and the Snakemake rule `assess_case`, which only calls `run_case`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from subnat.aggregate import metrics
from subnat.aggregate.assess import assess, prepare
from subnat.aggregate.scenarios import scenario_names
from subnat.config import ConfigSources
from subnat.errors import InputError, Problem
from subnat.outputs import staging, write_csv, write_yaml
from subnat.provenance import stamp

log = logging.getLogger(__name__)

def run_case(case: str | Path, out_dir: str | Path, config: ConfigSources | Mapping[str, Any],
             scenarios: Sequence[str] | None = None, draws: int | None = None, seed: int | None = None,
             posterior: str | Path | None = None) -> Path:
    """Assess one case and write its outputs into `out_dir` (all of them, or none on error).

    `config` is the sources of the run (package defaults, user files, flags; see `subnat.config`)
    or one resolved config; `draws` and `seed` are command-line flags, the last layer."""
    started = time.perf_counter()
    run = prepare(case, config, draws, seed)
    loaded = run.case
    if Path(out_dir).resolve() == loaded.path.resolve():
        # national.csv and commitments.csv are both inputs and outputs: never overwrite the user's case
        raise InputError(Problem(str(out_dir), None, None,
                                 "the output folder is the case folder; outputs would overwrite the inputs "
                                 "(choose another --out)"))
    names = scenario_names(run.config, scenarios)
    a = assess(loaded, run.settings, names, posterior if "expected" in names else None)
    inputs = {name: path for name, path in loaded.files.items()}
    if posterior is not None and "expected" in names:
        inputs["posterior.nc"] = Path(posterior)
    provenance = stamp(run.config, inputs, case=loaded.meta.name, scenarios=names, draws=run.settings.draws,
                       seed=run.settings.seed, config_sources=run.composed.sources,
                       config_set_by=dict(sorted(run.composed.set_by.items())))
    out_dir = Path(out_dir)
    with staging(out_dir) as tmp:
        write_csv(metrics.summary(a), tmp / "summary.csv")
        write_csv(metrics.national_table(a), tmp / "national.csv")
        write_csv(metrics.commitments_table(a), tmp / "commitments.csv")
        write_csv(metrics.exclusions_table(a), tmp / "exclusions.csv")
        write_csv(metrics.overlaps_table(a), tmp / "overlaps.csv")
        write_csv(metrics.ndc_table(a), tmp / "ndc.csv")
        ds = metrics.draws_dataset(a)
        ds.attrs |= {"config_sha256": provenance["config_sha256"], "git_commit": provenance["git_commit"],
                     "subnat_version": provenance["versions"].get("subnat", "")}
        ds.to_netcdf(tmp / "draws.nc", engine="h5netcdf")
        write_yaml(run.config, tmp / "config.resolved.yaml")
        write_yaml(provenance, tmp / "provenance.yaml")
    log.info("%s: wrote %s in %.1f s", loaded.meta.name, out_dir, time.perf_counter() - started)
    return out_dir


def headline(summary_path: str | Path) -> str:
    """A few lines for the terminal: emissions and % below base year per scenario."""
    import pandas as pd

    table = pd.read_csv(summary_path)
    lines = []
    for row in table.itertuples(index=False):
        gap = "" if np.isnan(row.ndc_gap_share_p50) else f", NDC gap closed {row.ndc_gap_share_p50:.0%}"
        lines.append(f"  {row.scenario:<20} {row.year}: {row.emissions_mt_p50:9.1f} Mt "
                     f"({row.pct_below_base_p50:5.1f} % below base year; 5-95 %: "
                     f"{row.pct_below_base_p05:.1f}-{row.pct_below_base_p95:.1f}){gap}")
    return "\n".join(lines)
