"""The whole assessment of one case, from inputs to the files of interfaces.md §4.

Shared by `subnat run` and the Snakemake rule `assess_case`, which only calls `run_case`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from subnat.aggregate import checks, metrics
from subnat.aggregate.actor_paths import actor_pathways
from subnat.aggregate.assess import assess, prepare
from subnat.aggregate.scenarios import scenario_names
from subnat.config import ConfigSources, sampling_flags
from subnat.errors import InputError, Problem
from subnat.outputs import staging, write_csv, write_yaml
from subnat.provenance import stamp

log = logging.getLogger(__name__)

CHECKED_TABLES = ("summary", "national", "overlaps", "commitments")  # what the output checks read

NO_POSTERIOR_NOTE = (
    "the expected scenario was skipped: it needs the fitted achievement model, and no posterior was "
    "found (results/achievement/posterior.nc). Fit it with `snakemake --cores all "
    "results/achievement/posterior.nc` (takes minutes), then rerun, or pass --posterior FILE.")


@dataclass(frozen=True)
class Full:
    """What `subnat run` asks of `run_case` beyond the assessment tables (rule assess_case asks none).

    sensitivity: also run the configured sensitivity cases (sensitivity.csv, tornado figure).
    diagnostics: the achievement fit's diagnostics.csv, for the achievement figure.
    skip_expected: when no scenario is requested, the config enables `expected` and there is no
    posterior, run the other scenarios and give this callable a note (without it: an error)."""

    sensitivity: bool = False
    diagnostics: str | Path | None = None
    skip_expected: Callable[[str], None] | None = None


def run_case(case: str | Path, out_dir: str | Path, config: ConfigSources | Mapping[str, Any],
             scenarios: Sequence[str] | None = None, draws: int | None = None, seed: int | None = None,
             posterior: str | Path | None = None, full: Full | None = None) -> Path:
    """Assess one case and write its outputs into `out_dir` (all of them, or none on error).

    `config` is the sources of the run (package defaults, user files, flags; see `subnat.config`)
    or one resolved config; `draws` and `seed` are command-line flags, the last layer.
    Without `full`, the assessment tables only (rule assess_case: the report rules add the rest).
    With it, every output of interfaces.md §4 the package makes (what `subnat run` writes): also
    coverage.csv, checks.yaml, assumptions.csv, tables.xlsx, iamc.*, figures/, report.md and
    headline.html, from the same functions the rules call, in the same staging folder."""
    started = time.perf_counter()
    _check_out_dir(Path(out_dir))
    run = prepare(case, config, draws, seed)
    loaded = run.case
    if Path(out_dir).resolve() == loaded.path.resolve():
        # national.csv and commitments.csv are both inputs and outputs: never overwrite the user's case
        raise InputError(Problem(str(out_dir), None, None,
                                 "the output folder is the case folder; outputs would overwrite the inputs "
                                 "(choose another --out)"))
    names = scenario_names(run.config, scenarios)
    if full is not None and full.skip_expected and not scenarios and "expected" in names and posterior is None:
        names = [n for n in names if n != "expected"]
        full.skip_expected(NO_POSTERIOR_NOTE)
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
        write_csv(actor_pathways(a), tmp / "pathways.csv")
        ds = metrics.draws_dataset(a)
        ds.attrs |= {"config_sha256": provenance["config_sha256"], "git_commit": provenance["git_commit"],
                     "subnat_version": provenance["versions"].get("subnat", "")}
        ds.to_netcdf(tmp / "draws.nc", engine="h5netcdf")
        write_yaml(run.config, tmp / "config.resolved.yaml")
        write_yaml(provenance, tmp / "provenance.yaml")
        # the output checks before anything is kept: a failed check leaves no table that looks like a result
        checks.require(checks.evaluate({**{name: tmp / f"{name}.csv" for name in CHECKED_TABLES},
                                        "config": tmp / "config.resolved.yaml"}))
        if full is not None:
            _hindcast(a, run.config, tmp)
            sensitivity_sources = _sampled(config, draws, seed) if full.sensitivity else None
            _complete(tmp, run, sensitivity_sources, posterior if "expected" in names else None, full)
    log.info("%s: wrote %s in %.1f s", loaded.meta.name, out_dir, time.perf_counter() - started)
    return out_dir


def _hindcast(a: Any, config: Mapping[str, Any], tmp: Path) -> None:
    """Rule hindcast's outputs from this assessment, for a case in hindcast.cases with an observed.csv."""
    from subnat.hindcast import steps as hindcast

    if hindcast.wanted(a, config):
        rows, summary, _ = hindcast.from_assessment(a)
        hindcast.write(rows, summary, hindcast.outputs_in(tmp))


def _check_out_dir(out_dir: Path) -> None:
    """--out must be a folder or not exist yet (its nearest existing ancestor a folder)."""
    for path in (out_dir, *out_dir.parents):
        if path.exists():
            if not path.is_dir():
                raise InputError(Problem(str(out_dir), None, None,
                                         f"the output folder {'is' if path == out_dir else 'lies inside'} an "
                                         f"existing file ({path}); choose a folder for --out"))
            return


def _sampled(config: ConfigSources | Mapping[str, Any], draws: int | None, seed: int | None) -> ConfigSources:
    """The run's config sources with --draws and --seed as the last layer (as `prepare` does), for
    the sensitivity runs, so they sample like the main run."""
    return ConfigSources.coerce(config).with_flags(sampling_flags(draws, seed))


def _complete(tmp: Path, run: Any, sensitivity: ConfigSources | None, posterior: str | Path | None,
              full: Full) -> None:
    """The outputs the workflow's other rules write, into the staging folder `tmp` (which holds the
    assessment tables): rules case_coverage, check_outputs, assess_sensitivity + merge_sensitivity
    (when `sensitivity`, the sources to run them with), write_assumptions, make_tables,
    export_iamc, make_figures, tracking, uncertainty and write_report, in that order. `run` is the case's CaseRun."""
    import tempfile

    from subnat.aggregate.sensitivity import merge, run_one
    from subnat.harmonize.coverage import coverage_of_folder
    from subnat.report import steps
    from subnat.uncertainty.decompose import write_outputs

    case_dir = run.case.path
    # as `python -m subnat.harmonize coverage CASE --out FILE` (rule case_coverage)
    coverage_of_folder(case_dir).to_csv(tmp / "coverage.csv", index=False, float_format="%.6g")
    checks.check_outputs({name: str(tmp / f"{name}.csv") for name in CHECKED_TABLES}, str(tmp / "checks.yaml"))
    if sensitivity is not None:
        from subnat.workflow import sensitivity_names

        names = sensitivity_names(run.config)
        with tempfile.TemporaryDirectory(dir=tmp.parent, prefix=f"{tmp.name}-sensitivity-") as parts_dir:
            parts = [Path(parts_dir) / f"{name}.csv" for name in names]
            for name, part in zip(names, parts, strict=True):
                log.info("sensitivity case %s", name)
                run_one(case_dir, sensitivity, name, part, posterior=posterior)
            merge(tmp / "summary.csv", parts, run.config, tmp / "sensitivity.csv", posterior=posterior)
    # rule tracking (before the report and workbook, which show its tables)
    from subnat.tracking import steps as tracking

    tracking.write(tracking.from_case(run.case, run.config, tracking.climactor_path(run.config)),
                   tracking.outputs_in(tmp))
    # rule uncertainty (before the report, which shows its table)
    write_outputs(run.case, run.settings, run.config, tmp / "uncertainty.csv", posterior,
                  tmp / "figures" / "uncertainty.png")
    steps.run_all(tmp, run.config["report"]["languages"], posterior,
                  full.diagnostics if posterior is not None else None)


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
