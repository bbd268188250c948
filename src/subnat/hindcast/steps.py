"""Rule hindcast: assess the case as it stood, predict its actors' years after the MRY, compare."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.aggregate.assess import Assessment, assess, prepare
from subnat.aggregate.scenarios import scenario_names
from subnat.config import ConfigSources
from subnat.errors import InputError, Problem
from subnat.hindcast.compare import actor_rows, summary
from subnat.hindcast.predict import Predictions, predict
from subnat.outputs import write_csv

log = logging.getLogger(__name__)


def hindcast_tables(case: str | Path, config: ConfigSources | Mapping[str, Any], posterior: str | Path | None = None,
                    draws: int | None = None, seed: int | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, Predictions]:
    """(hindcast rows, summary, predictions) of one case with an observed.csv."""
    run = prepare(case, config, draws, seed)
    loaded = run.case
    if loaded.observed is None:
        raise InputError(Problem("observed.csv", None, None,
                                 f"case {loaded.meta.name} has no observed.csv: nothing to hindcast against"))
    enabled = scenario_names(run.config)
    names = ["full_implementation"] + (["expected"] if "expected" in enabled and posterior is not None else [])
    log.info("%s hindcast: assessing (%s)", loaded.meta.name, ", ".join(names))
    return from_assessment(assess(loaded, run.settings, names, posterior))


def from_assessment(a: Assessment) -> tuple[pd.DataFrame, pd.DataFrame, Predictions]:
    """(hindcast rows, summary, predictions) from an assessment of a case with an observed.csv (its
    expected scenario, when it ran, gives the intervals)."""
    years = sorted(set(a.case.observed["year"].astype(int)))
    pred = predict(a, years)
    rows = actor_rows(a.case, pred)
    return rows, summary(a.case, pred, rows), pred


def wanted(a: Assessment, config: Mapping[str, Any]) -> bool:
    """The case has observed.csv and config hindcast.cases names it (by its name in case.yaml)."""
    return a.case.observed is not None and a.case.meta.name in config["hindcast"]["cases"]["value"]


def outputs_in(folder: Path) -> dict[str, str]:
    """Where rule hindcast writes, in a case's result folder."""
    return {"table": str(folder / "hindcast.csv"), "summary": str(folder / "hindcast_summary.csv"),
            "figure": str(folder / "figures" / "hindcast.png")}


def write(rows: pd.DataFrame, summ: pd.DataFrame, outputs: Mapping[str, str]) -> None:
    """hindcast.csv, hindcast_summary.csv and the figure (outputs: table, summary, figure)."""
    from subnat.hindcast.figures import hindcast_figure

    write_csv(rows, Path(outputs["table"]))
    write_csv(summ, Path(outputs["summary"]))
    hindcast_figure(rows, Path(outputs["figure"]), summ)
    log.info("hindcast: %d actor-years (%d observed) written", len(rows), int(rows["observed_mt"].notna().sum()))


def hindcast(case: str | Path, config: ConfigSources | Mapping[str, Any], posterior: str | Path | None,
             outputs: Mapping[str, str]) -> None:
    """Rule hindcast: assess the case, predict the observed years, write the tables and the figure."""
    rows, summ, _ = hindcast_tables(case, config, posterior)
    write(rows, summ, outputs)
