"""Stock-take (method §2): screen commitments, record exclusions, resolve what each one needs.

Every dropped commitment gets a reason code (docs/case-format.md). Kept commitments are grouped
by actor and scope: the targets of one group form one pathway (method §4).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from subnat.aggregate.national import NationalSeries
from subnat.aggregate.settings import ScreenSettings
from subnat.case.csvfiles import suggest_code
from subnat.case.load import TARGET_TYPES, Case, value_problem
from subnat.case.scopes import parse_scope, scope_key

log = logging.getLogger(__name__)

REDUCTION_TYPES = {"absolute", "baseline", "intensity_gdp", "intensity_capita"}
NEEDS_BASE_YEAR = {"absolute", "intensity_gdp", "intensity_capita"}
DRIVER_OF = {"intensity_gdp": "gdp", "intensity_capita": "population"}
COMPLETENESS_COLUMNS = ["value", "base_year", "base_year_emissions_mt", "coverage", "status", "source"]


Inventory = dict[str, dict[str, dict[int, float]]]  # actor -> scope key -> {year: emissions}, years ascending


@dataclass
class Screened:
    """Kept commitments (resolved), their groups, and the exclusion log."""

    commitments: pd.DataFrame
    groups: pd.DataFrame
    exclusions: pd.DataFrame
    inventory: Inventory  # the case's inventory by actor and scope, built once for every later stage
    notes: list[str] = field(default_factory=list)


class _Log:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def exclude(self, row: Mapping[str, Any], code: str, detail: str) -> None:
        self.rows.append({"commitment_id": row["commitment_id"], "actor_id": row["actor_id"],
                          "reason_code": code, "detail": detail, "line": int(row["_line"])})

    def frame(self) -> pd.DataFrame:
        columns = ["commitment_id", "actor_id", "reason_code", "detail", "line"]
        return pd.DataFrame(self.rows, columns=columns)


def screen(case: Case, settings: ScreenSettings, national: NationalSeries) -> Screened:
    """Apply the validation rules of method §2 and resolve emissions, drivers and anchors."""
    excl = _Log()
    # plain dicts, not DataFrame.at: this loop runs over 100,000 commitments (issue 8)
    countries = dict(zip(case.actors["actor_id"], case.actors["country"], strict=True))
    actor_types = dict(zip(case.actors["actor_id"], case.actors["actor_type"], strict=True))
    parsed: dict[str, frozenset[str]] = {}
    weights, residual = settings.scope_weights, settings.residual_share
    inventory = inventory_by_actor(case.inventory)
    drivers = _driver_index(case.drivers)

    kept = []
    for row in case.commitments.to_dict("records"):
        row["status"] = row["status"] or "pledge"
        reason = _row_reason(row, countries, case, settings.statuses, residual)
        if reason:
            excl.exclude(row, *reason)
            continue
        if row["scope"] not in parsed:
            parsed[row["scope"]] = parse_scope(row["scope"])
        scopes = parsed[row["scope"]]
        row["scope"] = scope_key(scopes)
        if all(weights[s] == 0 for s in scopes):
            excl.exclude(row, "scope_not_counted", f"scope {row['scope']} is not counted (config scope.*)")
            continue
        row["actor_type"] = actor_types[row["actor_id"]]
        row["coverage"] = 1.0 if pd.isna(row["coverage"]) else float(row["coverage"])
        row["e_by"] = _base_year_emissions(row, inventory)
        row["e_by_from"] = base_year_measurement(row)
        if (row["target_type"] in NEEDS_BASE_YEAR or (row["target_type"] == "net_zero" and residual > 0)) \
                and not np.isfinite(row["e_by"]):
            excl.exclude(row, "missing_base_year_emissions",
                         f"no base_year_emissions_mt and no {row['scope']} inventory row in {_year(row['base_year'])}")
            continue
        if row["target_type"] in DRIVER_OF:
            ratio = _driver_ratio(drivers, row)
            if ratio is None:
                excl.exclude(row, "missing_driver",
                             f"no {DRIVER_OF[row['target_type']]} series covering {_year(row['base_year'])} "
                             f"and {int(row['target_year'])} in drivers.csv")
                continue
            row["driver_ratio"] = ratio
        kept.append(row)

    kept = _drop_duplicates(kept, excl, settings.duplicates)
    kept = _drop_scope_overlaps(kept, excl)
    grouping = _build_groups(kept, inventory, national, settings)
    for row, code, detail in grouping.excluded:
        excl.exclude(row, code, detail)
    frame = pd.DataFrame(grouping.kept)
    if frame.empty:
        frame = pd.DataFrame(columns=[*case.commitments.columns, "actor_type", "e_by", "e_by_from", "group"])
    for note in grouping.notes:
        log.info(note)
    return Screened(commitments=frame.reset_index(drop=True), groups=grouping.groups,
                    exclusions=excl.frame(), inventory=inventory, notes=grouping.notes)


def _row_reason(row: dict, countries: Mapping[str, str], case: Case, statuses: frozenset[str], residual: float
                ) -> tuple[str, str] | None:
    """The first reason this commitment cannot be computed, or None.

    load_case already refuses values that can only be typos (a fraction above 1, a net_zero
    value other than 1, a target type in another case); these checks stay as a safety net for
    a Case built otherwise, with the same messages."""
    actor = row["actor_id"]
    if not actor or actor not in countries:
        return "unresolved_actor", f"actor '{actor}' is not in actors.csv"
    if countries[actor] != case.meta.country:
        return "outside_country", f"actor country {countries[actor]} is not {case.meta.country}"
    kind = row["target_type"]
    if kind not in TARGET_TYPES:
        close = suggest_code(kind, TARGET_TYPES)
        hint = f": did you mean '{close}'?" if close else ""
        return "unknown_target_type", f"'{str(kind)[:60]}' is not one of {', '.join(sorted(TARGET_TYPES))}{hint}"
    if row["status"] not in statuses:
        return "status_filtered", f"status {row['status']} not in inclusion.statuses"
    value = row["value"]
    if kind != "peaking" and not np.isfinite(value):
        return "missing_value", "value is empty"
    if kind in REDUCTION_TYPES | {"renewable_electricity"} and not 0 <= value <= 1:
        return "missing_value", value_problem(kind, value) or f"a {kind} value is a fraction in [0, 1], found {value:g}"
    if value_problem(kind, value):  # a net_zero value other than 1
        return "missing_value", value_problem(kind, value)
    target_year = int(row["target_year"])
    if np.isfinite(row["base_year"]) and target_year <= row["base_year"]:
        return "target_year_not_after_base_year", f"target year {target_year} <= base year {int(row['base_year'])}"
    if target_year < case.meta.first_year:
        return "target_year_before_start", f"target year {target_year} before the first projection year"
    if kind in NEEDS_BASE_YEAR and not np.isfinite(row["base_year"]):
        return "missing_base_year_emissions", "no base_year given"
    return None


def _year(value: float) -> str:
    return str(int(value)) if np.isfinite(value) else "(no base year)"


def inventory_by_actor(inventory: pd.DataFrame) -> Inventory:
    """actor -> scope key -> emissions by year (single scopes summed into combinations later).

    Plain dicts, not a pandas Series per actor: building 100,000 small Series costs seconds."""
    keys = {s: scope_key(parse_scope(s)) for s in inventory["scope"].unique()}  # parse each spelling once
    order = np.argsort(inventory["year"].to_numpy(float), kind="stable")
    out: Inventory = {}
    for actor, scope, year, emissions in zip(inventory["actor_id"].to_numpy()[order],
                                             inventory["scope"].map(keys).to_numpy()[order],
                                             inventory["year"].to_numpy(float)[order].astype(int).tolist(),
                                             inventory["emissions_mt"].to_numpy(float)[order].tolist(), strict=True):
        out.setdefault(actor, {}).setdefault(scope, {})[year] = emissions
    return out


def emissions_by_year(inventory: Inventory, actor: str, scope: str) -> dict[int, float]:
    """An actor's emissions of a scope set by year: the exact rows, else the sum of its single
    scopes in the years where all of them are reported."""
    rows = inventory.get(actor, {})
    if scope in rows:
        return rows[scope]
    scopes = parse_scope(scope)
    parts = [rows.get(scope_key(frozenset({s}))) for s in sorted(scopes)]
    if len(scopes) > 1 and all(p is not None for p in parts):
        return {y: sum(p[y] for p in parts) for y in parts[0] if all(y in p for p in parts)}  # type: ignore[union-attr]
    return {}


def emissions_series(inventory: Inventory, actor: str, scope: str) -> pd.Series:
    """`emissions_by_year` as a Series indexed by year."""
    by_year = emissions_by_year(inventory, actor, scope)
    return pd.Series(list(by_year.values()), index=pd.Index(list(by_year), name="year"), name="emissions_mt",
                     dtype=float)


def base_year_measurement(row: Mapping[str, Any]) -> str:
    """Where a commitment's base-year emissions come from: `stated` (base_year_emissions_mt in
    commitments.csv, a measurement of its own), `inventory` (the case's inventory row of that year),
    or "" (none). The data errors of method §9 correlate by this (perturb.data_factors)."""
    if np.isfinite(row["base_year_emissions_mt"]):
        return "stated"
    return "inventory" if np.isfinite(row["e_by"]) else ""


def scope_split(inventory: Inventory, actor: str, scope: str, year: int) -> dict[str, float] | None:
    """An actor's emissions by single scope in one year, None unless every scope of the set is reported."""
    rows = inventory.get(actor, {})
    split = {}
    for s in parse_scope(scope):
        by_year = rows.get(s)
        if by_year is None or year not in by_year:
            return None
        split[s] = by_year[year]
    return split


def _base_year_emissions(row: dict, inventory: Inventory) -> float:
    if np.isfinite(row["base_year_emissions_mt"]):
        return float(row["base_year_emissions_mt"])
    if not np.isfinite(row["base_year"]):
        return np.nan
    return float(emissions_by_year(inventory, row["actor_id"], row["scope"]).get(int(row["base_year"]), np.nan))


def _driver_index(drivers: pd.DataFrame) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """(actor, driver) -> (years, values) sorted by year: built once, not filtered per commitment."""
    out = {}
    years_all, values_all = drivers["year"].to_numpy(float), drivers["value"].to_numpy(float)
    for key, positions in drivers.groupby(["actor_id", "driver"], sort=False).indices.items():
        years, values = years_all[positions], values_all[positions]
        order = np.argsort(years)
        out[key] = (years[order], values[order])
    return out


def _driver_ratio(drivers: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]], row: dict) -> float | None:
    """A(TY)/A(BY), linearly interpolated inside the driver series; None when not covered."""
    found = drivers.get((row["actor_id"], DRIVER_OF[row["target_type"]]))
    if found is None:
        return None
    years, values = found
    by, ty = float(row["base_year"]), float(row["target_year"])
    if by < years[0] or ty > years[-1]:
        return None
    a_by, a_ty = np.interp([by, ty], years, values)
    return float(a_ty / a_by) if a_by > 0 else None


def _completeness(row: dict) -> int:
    return sum(1 for c in COMPLETENESS_COLUMNS
               if not (row.get(c) is None or (isinstance(row.get(c), float) and np.isnan(row[c])) or row.get(c) == ""))


def _drop_duplicates(rows: list[dict], excl: _Log, rule: str) -> list[dict]:
    """The same target reported twice (same actor, scope, target year, type and value): keep one
    (method §2; rule in config). Two different targets in one year are both kept and the lower
    level wins in the pathway (method §4)."""
    best: dict[tuple, dict] = {}
    for row in rows:
        value = round(float(row["value"]), 9) if np.isfinite(row["value"]) else None
        key = (row["actor_id"], row["scope"], int(row["target_year"]), row["target_type"], value)
        if key not in best:
            best[key] = row
        elif rule == "most_complete" and (-_completeness(row), str(row["commitment_id"])) < (
                -_completeness(best[key]), str(best[key]["commitment_id"])):
            excl.exclude(best[key], "duplicate", f"same target (actor, scope, year, type, value) as "
                                                f"{row['commitment_id']}")
            best[key] = row
        else:
            excl.exclude(row, "duplicate", f"same target (actor, scope, year, type, value) as "
                                          f"{best[key]['commitment_id']}")
    keep = {id(r) for r in best.values()}
    return [r for r in rows if id(r) in keep]


def _drop_scope_overlaps(rows: list[dict], excl: _Log) -> list[dict]:
    """One actor, overlapping but different scope sets: keep the broader set (ties: alphabetical)."""
    by_actor: dict[str, list[str]] = {}
    for row in rows:
        scopes = by_actor.setdefault(row["actor_id"], [])
        if row["scope"] not in scopes:
            scopes.append(row["scope"])
    dropped: dict[tuple[str, str], str] = {}
    for actor, scopes in by_actor.items():
        ranked = sorted(scopes, key=lambda s: (-len(parse_scope(s)), s))
        chosen: list[str] = []
        for s in ranked:
            clash = next((c for c in chosen if parse_scope(c) & parse_scope(s)), None)
            if clash:
                dropped[(actor, s)] = clash
            else:
                chosen.append(s)
    kept = []
    for row in rows:
        clash = dropped.get((row["actor_id"], row["scope"]))
        if clash:
            excl.exclude(row, "scope_overlap", f"scope {row['scope']} overlaps the actor's {clash} target")
        else:
            kept.append(row)
    return kept


@dataclass
class _Grouping:
    """The result of grouping: the groups table, kept rows, rows it could not anchor, log lines."""

    groups: pd.DataFrame
    kept: list[dict]
    excluded: list[tuple[dict, str, str]]  # (row, reason code, detail), in the order found
    notes: list[str]


def _build_groups(rows: list[dict], inventory: Inventory, national: NationalSeries,
                  settings: ScreenSettings) -> _Grouping:
    """One group per actor and scope: reference anchor (MRY or base year), scope weight, path anchor."""
    weights = settings.scope_weights
    fallback = settings.base_year_fallback
    anchor_rule = settings.anchor
    excluded: list[tuple[dict, str, str]] = []
    notes: list[str] = []
    by_group: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_group.setdefault((row["actor_id"], row["scope"]), []).append(row)
    groups, kept = [], []
    for (actor, scope), members in by_group.items():
        members.sort(key=lambda r: int(r["target_year"]))
        by_year = emissions_by_year(inventory, actor, scope)
        with_by = [r for r in members if np.isfinite(r["e_by"]) and np.isfinite(r["base_year"])]
        if by_year:
            ref_year = max(by_year)
            ref_level, how = float(by_year[ref_year]), "mry"
        elif fallback and with_by:
            ref_year, ref_level, how = int(with_by[0]["base_year"]), float(with_by[0]["e_by"]), "base_year"
            notes.append(f"{actor} ({scope}): no inventory, reference anchored on base year {ref_year}")
        else:
            for r in members:
                excluded.append((r, "missing_emissions",
                                 f"no {scope} inventory" + ("" if fallback else " (base-year fallback switched off)")))
            continue
        if not national.covers(ref_year):
            for r in members:
                excluded.append((r, "missing_emissions", f"no national emissions in {ref_year} for the growth index"))
            continue
        if anchor_rule == "base_year" and with_by:
            path_year, path_level, path_anchor = int(with_by[0]["base_year"]), float(with_by[0]["e_by"]), "base_year"
        else:
            path_year, path_level, path_anchor = ref_year, ref_level, "mry"
        split = scope_split(inventory, actor, scope, ref_year)
        parts = parse_scope(scope)
        if split and sum(split.values()) > 0:
            weight = sum(weights[s] * e for s, e in split.items()) / sum(split.values())
        else:
            weight = float(np.mean([weights[s] for s in parts]))
        gid = len(groups)
        groups.append({"group": gid, "actor_id": actor, "actor_type": members[0]["actor_type"], "scope": scope,
                       "ref_year": ref_year, "ref_level": ref_level, "ref_anchor": how,
                       "path_year": path_year, "path_level": path_level, "weight": weight,
                       "path_anchor": path_anchor, "base_year_from": _group_base_year(with_by, how, ref_year)})
        for r in members:
            r["group"] = gid
            kept.append(r)
    columns = ["group", "actor_id", "actor_type", "scope", "ref_year", "ref_level", "ref_anchor",
               "path_year", "path_level", "weight", "path_anchor", "base_year_from"]
    return _Grouping(pd.DataFrame(groups, columns=columns), kept, excluded, notes)


def _group_base_year(with_by: list[dict], ref_anchor: str, ref_year: int) -> str:
    """How a group's base-year emissions relate to its reference anchor (one base-year error per group):
    `same` (the reference is anchored on them, or they are the inventory's MRY row itself), `stated`
    (any target states its own), `inventory` (another year of the case's inventory), "" (none used)."""
    if not with_by:
        return ""
    if ref_anchor == "base_year":
        return "same"
    if any(r["e_by_from"] == "stated" for r in with_by):
        return "stated"
    return "same" if all(int(r["base_year"]) == ref_year for r in with_by) else "inventory"
