"""Rule tracking: progress.csv, actors.csv, consistency.csv, landscape.csv and the landscape
figure of one case, from its folder, the config and (optionally) ClimActor's contextuals."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.case.load import Case
from subnat.config import ConfigSources
from subnat.outputs import write_atomic, write_csv
from subnat.tracking import landscape, population
from subnat.tracking.actors import TrackingSettings, actors_table
from subnat.tracking.progress import commitment_levels, progress_table

log = logging.getLogger(__name__)

#: Output names of rule tracking (keys of ``outputs``) -> file in the case's result folder.
OUTPUTS = {"progress": "progress.csv", "actors": "actors.csv", "consistency": "consistency.csv",
           "landscape": "landscape.csv", "figure": "figures/landscape.png"}


@dataclass
class Tracking:
    """The tables of one case."""

    progress: pd.DataFrame
    actors: pd.DataFrame
    consistency: pd.DataFrame
    landscape: pd.DataFrame


def climactor_path(config: Mapping[str, Any]) -> Path | None:
    """The ClimActor contextuals under ``data.reference_dir`` when that file exists, else None."""
    ref = config["data"].get("reference_dir")
    rel = config["tracking"]["climactor_contextuals"]["value"]
    if not ref or not rel:
        return None
    path = Path(ref) / rel
    return path if path.is_file() else None


def tables(case: str | Path, config: ConfigSources | Mapping[str, Any],
           climactor: str | Path | None = None) -> Tracking:
    """All tracking tables of one case (the case's own settings.yaml applies)."""
    from subnat.aggregate.assess import prepare

    run = prepare(case, config)
    return from_case(run.case, run.config, climactor)


def from_case(loaded: Case, config: Mapping[str, Any], climactor: str | Path | None = None) -> Tracking:
    """All tracking tables of a loaded case under its resolved config."""
    s = TrackingSettings.from_config(config)
    ca = population.read_climactor(climactor) if climactor else None
    levels = commitment_levels(loaded, s.residual_share)
    tolerance = float(config["achievement"]["inventory_level_tolerance"]["value"])
    prog = progress_table(loaded, s.residual_share, tolerance)
    actors, cons = actors_table(loaded, levels, prog, ca, s)
    types = loaded.actors.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    land = landscape.landscape(loaded.meta.name, loaded.commitments, types, prog)
    log.info("%s tracking: %d progress rows, %d actors, %d consistency rows", loaded.meta.name,
             len(prog), len(actors), len(cons))
    return Tracking(prog, actors, cons, land)


def write(t: Tracking, outputs: Mapping[str, str]) -> None:
    """Write every table (atomically, file by file) and the landscape figure."""
    for name in ("progress", "actors", "consistency", "landscape"):
        frame = getattr(t, name)
        write_atomic(Path(outputs[name]), lambda p, f=frame: write_csv(f, p))
    write_atomic(Path(outputs["figure"]), lambda p: landscape.figure(t.landscape, p))


def outputs_in(folder: Path) -> dict[str, str]:
    """Where rule tracking writes, in a case's result folder."""
    return {name: str(folder / rel) for name, rel in OUTPUTS.items()}


def tracking(case: str | Path, config: ConfigSources | Mapping[str, Any], climactor: str | None,
             outputs: Mapping[str, str]) -> None:
    """Rule tracking (workflow/rules/tracking.smk)."""
    write(tables(case, config, climactor or None), outputs)


def global_peers(actors_csvs: list[str], out_csv: str) -> None:
    """Rule tracking_global: results/global/peers.csv from every case's actors.csv."""
    from subnat.tracking.peers import global_ranks

    tables = [pd.read_csv(p, keep_default_na=False, na_values=[""]) for p in actors_csvs]
    table = global_ranks(tables)
    write_atomic(Path(out_csv), lambda p: write_csv(table, p))
    log.info("global peers: %d actors from %d cases", len(table), len(tables))
