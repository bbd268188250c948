"""Where the interval comes from (method §9, issue 16 item 6): a variance decomposition of the
headline metric (% below the base year, per draw) by uncertainty source.

For each source the assessment runs with that source alone (every other source off) and the same
seed, so the draws share their random numbers with the all-sources run (common random numbers);
share = Var(alone) / Var(all) and `interaction` = 1 - sum of shares (what the sources add only
together, e.g. achievement times a wider CPS), so the shares sum to 1. The shares are first-order
(main-effect) variances: with strong interactions a negative interaction row says the sources
partly offset each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat.aggregate.assess import Assessment, assess, prepare
from subnat.aggregate.national import base_year_emissions, pct_below_base
from subnat.aggregate.settings import MethodSettings, UncertaintySettings
from subnat.config import ConfigSources

log = logging.getLogger(__name__)

METRIC = "pct_below_base"
SCENARIOS = ("no_nsa", "full_implementation", "expected")
ZERO_VARIANCE = 1e-12  # %^2: a metric's rounding noise across draws of identical inputs is ~1e-29
COLUMNS = ["case", "scenario", "year", "metric", "source", "variance", "share"]
# Each source and how it is switched off: UncertaintySettings field -> value meaning "off". A field
# the settings do not have yet (sources still being added to the engine) is skipped.
SOURCES: dict[str, dict[str, Any]] = {
    "cps": {"cps": "central", "projection_error": "off"},
    "reference_growth": {"reference_growth": False},
    "actor_data_error": {"actor_data_error": False},
    "achievement": {"achievement": False},
    "ets_paths": {"ets_paths": False},
}


def available(u: UncertaintySettings) -> list[str]:
    """The sources these settings can switch (at least one of their fields exists)."""
    names = {f.name for f in fields(u)}
    return [s for s, off in SOURCES.items() if names & off.keys()]


def only(u: UncertaintySettings, source: str | None) -> UncertaintySettings:
    """The settings with every source off except `source` (None: all off), which keeps its value."""
    names = {f.name for f in fields(u)}
    changes = {k: v for s, off in SOURCES.items() if s != source for k, v in off.items() if k in names}
    return replace(u, **changes)


def metric_draws(a: Assessment, scenario: str) -> dict[int, np.ndarray]:
    """Headline metric per draw at each reporting year."""
    base = base_year_emissions(a.case, a.case.meta.base_year)
    r = a.results[scenario]
    return {int(y): pct_below_base(r.cps[y - a.years[0]] - r.net[y - a.years[0]], base)
            for y in a.case.meta.reporting_years}


def variance(values: np.ndarray) -> float:
    """Var over draws; rounding noise of a constant metric (below ZERO_VARIANCE, in %^2) counts as 0."""
    var = float(np.var(values))
    return var if var > ZERO_VARIANCE else 0.0


def variances(a: Assessment, scenarios: Sequence[str]) -> dict[tuple[str, int], float]:
    """Var over draws of the metric, by (scenario, year)."""
    return {(s, y): variance(v) for s in scenarios for y, v in metric_draws(a, s).items()}


def decompose(case: Any, settings: MethodSettings, scenarios: Sequence[str] = SCENARIOS,
              posterior: str | Path | None = None,
              progress: Callable[[str], None] = log.info) -> pd.DataFrame:
    """uncertainty.csv rows for one loaded case (`subnat.case.load.Case`)."""
    scenarios = [s for s in scenarios if s != "expected" or posterior is not None]
    u = settings.uncertainty
    runs: list[tuple[UncertaintySettings, dict[tuple[str, int], float]]] = []

    def run(label: str, us: UncertaintySettings) -> dict[tuple[str, int], float]:
        for known, result in runs:  # a source already off runs as the all-off case: run it once
            if known == us:
                return result
        progress(f"uncertainty: {case.meta.name}: {label} ({len(runs) + 1} runs so far)")
        a = assess(case, replace(settings, uncertainty=us), scenarios,
                   posterior if "expected" in scenarios else None)
        result = variances(a, scenarios)
        runs.append((us, result))
        return result

    total = run("all sources", u)
    alone = {s: run(f"{s} alone", only(u, s)) for s in available(u)}
    rows = []
    for (scenario, year), var_all in total.items():
        key = {"case": case.meta.name, "scenario": scenario, "year": year, "metric": METRIC}
        rows.append({**key, "source": "all", "variance": var_all, "share": 1.0 if var_all > 0 else np.nan})
        parts = {s: v[(scenario, year)] for s, v in alone.items()}
        for s, var in parts.items():
            rows.append({**key, "source": s, "variance": var, "share": var / var_all if var_all > 0 else np.nan})
        rest = var_all - sum(parts.values())
        rows.append({**key, "source": "interaction", "variance": rest,
                     "share": rest / var_all if var_all > 0 else np.nan})
    return pd.DataFrame(rows, columns=COLUMNS)


#: The calibration table of each country that has its own past projections (others: the US one,
#: the documented default of uncertainty.projection_error_sd).
LOVO_TABLES = {"CAN": "can_us_pooled_projection_error_lovo.csv"}


def projection_error_coverage(case_name: str, country: str = "USA") -> pd.DataFrame:
    """projection_error.csv beside uncertainty.csv: the leave-one-vintage-out coverage of the 90 %
    interval of the calibrated national projection error (src/subnat/data/uncertainty/), whose sd the
    case draws when its national series has one member (uncertainty.projection_error); the country's
    own calibration where one exists (Canada: the ECCC editions pooled with the US vintages, set in
    can2024's settings.yaml)."""
    from importlib.resources import files

    name = LOVO_TABLES.get(country, "us_projection_error_lovo.csv")
    path = files("subnat") / "data" / "uncertainty" / name
    with path.open(encoding="utf-8") as f:
        lovo = pd.read_csv(f)
    return lovo.assign(case=case_name)[["case", "centre", "vintage", "n_errors", "coverage", "scale", "exponent",
                                        "drift", "source"]]


def write_uncertainty(case: str | Path, config: ConfigSources | Mapping[str, Any], out_csv: str | Path,
                      posterior: str | Path | None = None, figure: str | Path | None = None) -> pd.DataFrame:
    """Rule `uncertainty`: the decomposition of one case to uncertainty.csv and, given `figure`
    (results/<case>/figures/uncertainty.png; the .svg beside it), its stacked bar for the headline year."""
    run = prepare(case, config)
    return write_outputs(run.case, run.settings, run.config, out_csv, posterior, figure)


def write_outputs(case: Any, settings: MethodSettings, config: Mapping[str, Any], out_csv: str | Path,
                  posterior: str | Path | None = None, figure: str | Path | None = None) -> pd.DataFrame:
    """The decomposition of a loaded case with its settings and resolved config (also `subnat run`)."""
    from subnat.aggregate.sensitivity import metric_year
    from subnat.outputs import write_atomic, write_csv

    table = decompose(case, settings, posterior=posterior)
    write_atomic(Path(out_csv), lambda p: write_csv(table, p))
    coverage = projection_error_coverage(case.meta.name, case.meta.country)
    write_atomic(Path(out_csv).parent / "projection_error.csv", lambda p: write_csv(coverage, p))
    if figure is not None:
        from subnat.report import figures

        year = metric_year(config, case.meta.reporting_years)
        stem = Path(figure)
        figures.save(figures.uncertainty(table, year), stem.parent / stem.name.removesuffix(".png"))
    return table
