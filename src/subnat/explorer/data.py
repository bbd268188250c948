"""What one case's explorer shows, assembled from the case's result tables into one JSON-ready dict.

The explorer never recomputes a number: rows come from actors.csv and progress.csv (rule
tracking), commitments.csv and pathways.csv (rule assess_case) and the case's own inventory.
Every table is checked for the columns the page reads, so a wrong file fails with its name and the
missing column, not with a blank page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.case.load import load_case
from subnat.errors import InputError, Problem

ACTOR_COLUMNS = (
    "case", "actor_id", "name", "actor_type", "parent_id", "country", "latest_year", "latest_emissions_mt",
    "population", "population_year", "population_source", "population_flag", "per_capita_t", "emissions_1990_mt",
    "emissions_1990_source", "long_term_target_year", "long_term_target_level_mt", "n_commitments", "on_track",
    "mou2015", "mou2015_reason", "mou2021", "mou2021_reason", "required_rate_pct", "ar6_15c_rate_pct",
    "ar6_2c_rate_pct", "consistency_flag", "peer_rank_per_capita", "peer_rank_ambition", "peer_rank_progress",
    "peer_group_size",
)
PROGRESS_COLUMNS = (
    "case", "commitment_id", "actor_id", "actor_type", "target_type", "base_year", "target_year",
    "base_emissions_mt", "target_level_mt", "latest_year", "latest_emissions_mt", "pathway_level_mt",
    "share_achieved", "required_rate_pct", "achieved_rate_pct", "on_track", "source",
)
COMMITMENT_COLUMNS = ("commitment_id", "actor_id", "target_type", "target_year", "value", "base_year", "scope",
                      "status")
PATHWAY_COLUMNS = ("actor_id", "scope", "year", "reference_mt", "pathway_mt", "expected_mt_p05",
                   "expected_mt_p50", "expected_mt_p95")
NUMERIC = {"latest_year", "latest_emissions_mt", "population", "per_capita_t", "long_term_target_year",
           "long_term_target_level_mt", "n_commitments", "required_rate_pct", "ar6_15c_rate_pct", "ar6_2c_rate_pct",
           "peer_rank_per_capita", "peer_rank_ambition", "peer_rank_progress", "peer_group_size", "year",
           "reference_mt", "pathway_mt", "expected_mt_p05", "expected_mt_p50", "expected_mt_p95", "target_year",
           "base_year", "value", "share_achieved", "achieved_rate_pct", "pathway_level_mt", "target_level_mt"}
#: actors.csv columns the table shows, in order (label, column); the page adds targets and status
TABLE_COLUMNS = (
    ("Name", "name"), ("Type", "actor_type"), ("Parent", "parent_name"), ("Latest year", "latest_year"),
    ("Emissions (Mt)", "latest_emissions_mt"), ("t per person", "per_capita_t"), ("Targets", "targets"),
    ("Status", "status"), ("Long-term target", "long_term_target_year"), ("On track", "on_track"),
    ("MOU 2015", "mou2015"), ("MOU 2021", "mou2021"), ("Required rate (%/yr)", "required_rate_pct"),
    ("Peer rank per capita", "peer_rank_per_capita"), ("Peer rank ambition", "peer_rank_ambition"),
    ("Peer rank progress", "peer_rank_progress"),
)


@dataclass(frozen=True)
class ExplorerInputs:
    """The files of one case's explorer (the rule's inputs)."""

    actors: Path
    progress: Path
    commitments: Path
    pathways: Path
    case: Path  # the case folder (its inventory is the actors' history)


def read_table(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """A result table with the columns the explorer needs; numeric columns checked cell by cell."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(Problem(str(path), None, None, f"cannot read the table: {err}")) from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), 1, c, "missing column (expected in the header)") for c in missing])
    problems = []
    for column in (c for c in required if c in NUMERIC):
        values = pd.to_numeric(frame[column].replace("", None), errors="coerce")
        bad = values.isna() & (frame[column] != "")
        problems += [Problem(str(path), int(i) + 2, column, f"expected a number, got {frame[column][i]!r}")
                     for i in frame.index[bad]]
        frame[column] = values
    if problems:
        raise InputError(problems)
    return frame


def clean(value: Any) -> Any:
    """A JSON value: NaN and empty strings become null, numpy scalars plain Python, floats rounded
    to 6 significant digits (the tables' precision; keeps the page small)."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.6g}")
    return value


def targets_by_actor(commitments: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per actor: its kept targets in words ("absolute: 40 % below 2005 by 2030; ...") and their statuses."""
    out: dict[str, dict[str, str]] = {}
    for actor, rows in commitments.sort_values(["actor_id", "target_year", "commitment_id"]).groupby("actor_id"):
        words = [_target_words(r) for r in rows.itertuples(index=False)]
        out[str(actor)] = {"targets": "; ".join(words),
                           "status": ", ".join(sorted({s for s in rows["status"] if s}))}
    return out


def _target_words(row: Any) -> str:
    kind, year, value = row.target_type, int(row.target_year), row.value
    if kind in ("absolute", "baseline", "intensity_gdp", "intensity_capita") and pd.notna(value):
        base = int(row.base_year) if pd.notna(row.base_year) and kind != "baseline" else "BAU"
        return f"{kind.replace('_', ' ')}: {value * 100:.3g} % below {base} by {year}"
    if kind == "fixed_level" and pd.notna(value):
        return f"fixed level {value:.3g} Mt by {year}"
    if kind == "renewable_electricity" and pd.notna(value):
        return f"renewable electricity {value * 100:.0f} % by {year}"
    return f"{kind.replace('_', ' ')} by {year}"


def history_by_actor(inventory: pd.DataFrame) -> dict[str, dict[str, list[list[float]]]]:
    """Per actor and scope: the case's inventory as [[year, Mt], ...], years ascending."""
    out: dict[str, dict[str, list[list[float]]]] = {}
    scope = inventory["scope"].replace("", "territorial") if "scope" in inventory else "territorial"
    frame = inventory.assign(scope=scope).sort_values(["actor_id", "scope", "year"])
    for (actor, name), rows in frame.groupby(["actor_id", "scope"], sort=True):
        out.setdefault(str(actor), {})[str(name)] = [[int(y), clean(float(e))] for y, e in
                                                    zip(rows["year"], rows["emissions_mt"], strict=True)]
    return out


def paths_by_actor(pathways: pd.DataFrame) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """Per actor and scope: years and the reference, pathway and expected-delivery band (pathways.csv)."""
    out: dict[str, dict[str, dict[str, list[Any]]]] = {}
    for (actor, scope), rows in pathways.sort_values(["actor_id", "scope", "year"]).groupby(["actor_id", "scope"]):
        out.setdefault(str(actor), {})[str(scope)] = {
            key: [clean(v) for v in rows[column]] for key, column in
            (("years", "year"), ("reference", "reference_mt"), ("pathway", "pathway_mt"),
             ("p05", "expected_mt_p05"), ("p50", "expected_mt_p50"), ("p95", "expected_mt_p95"))}
    return out


def assemble(name: str, inputs: ExplorerInputs) -> dict[str, Any]:
    """The explorer's data for one case: one record per actor (the table's row and the chart's series)."""
    actors = read_table(inputs.actors, ACTOR_COLUMNS)
    progress = read_table(inputs.progress, PROGRESS_COLUMNS)
    commitments = read_table(inputs.commitments, COMMITMENT_COLUMNS)
    pathways = read_table(inputs.pathways, PATHWAY_COLUMNS)
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    targets = targets_by_actor(commitments)
    case = load_case(inputs.case)
    history, paths = history_by_actor(case.inventory), paths_by_actor(pathways)
    records = []
    for row in actors.to_dict("records"):
        actor = row["actor_id"]
        record = {column: clean(row[column]) for column in ACTOR_COLUMNS}
        record["parent_name"] = names.get(row["parent_id"], row["parent_id"]) or None
        record |= targets.get(actor, {"targets": None, "status": None})
        record["history"] = history.get(actor, {})
        record["paths"] = paths.get(actor, {})
        own = progress[progress["actor_id"] == actor]
        record["progress"] = [{c: clean(v) for c, v in r.items() if c not in ("case", "actor_id", "source")}
                              for r in own.to_dict("records")]
        records.append(record)
    return {"case": name, "description": case.meta.description, "columns": [list(c) for c in TABLE_COLUMNS],
            "n_commitments": len(commitments), "actors": records}
