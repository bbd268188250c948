"""Physically impossible inventories (issue 14): an actor above the jurisdiction that contains it,
or above the nation. Such a case is a unit or data error (e.g. kt entered as Mt), never a result.

One pass over the inventory with dict lookups: linear in its size.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from subnat.case.scopes import ScopeError, parse_scope, scope_key
from subnat.errors import Problem

#: Relative slack for rounding in reported inventories (0.1 %).
TOLERANCE = 1e-3
MAX_PROBLEMS = 20


def inventory_problems(actors: pd.DataFrame, inventory: pd.DataFrame, national: pd.DataFrame) -> list[Problem]:
    """Inventory rows above the parent's row of the same scope and year, or above national history."""
    problems = list(_above_parent(actors, inventory)) + list(_above_national(inventory, national))
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS],
                    Problem("inventory.csv", None, "emissions_mt", f"... and {rest} more rows like these")]
    return problems


def _rows(inventory: pd.DataFrame) -> Iterator[tuple[str, str, int, float, int]]:
    """(actor, canonical scope, year, emissions, line) of every readable inventory row."""
    keys: dict[str, str | None] = {}
    for actor, scope, year, value, line in zip(inventory["actor_id"], inventory["scope"], inventory["year"],
                                               inventory["emissions_mt"], inventory["_line"], strict=True):
        if scope not in keys:
            try:
                keys[scope] = scope_key(parse_scope(scope))
            except ScopeError:
                keys[scope] = None  # reported by the scope check
        key = keys[scope]
        if key is not None and np.isfinite(year) and np.isfinite(value):
            yield str(actor), key, int(year), float(value), int(line)


def _above_parent(actors: pd.DataFrame, inventory: pd.DataFrame) -> Iterator[Problem]:
    parent = {a: p for a, p in zip(actors["actor_id"], actors["parent_id"], strict=True) if p}
    rows = list(_rows(inventory))
    level = {(actor, scope, year): value for actor, scope, year, value, _ in rows}
    for actor, scope, year, value, line in rows:
        up = parent.get(actor)
        bound = level.get((up, scope, year)) if up else None
        if bound is not None and value > bound * (1 + TOLERANCE) + 1e-9:
            yield Problem("inventory.csv", line, "emissions_mt",
                          f"{actor} reports {value:g} Mt ({scope}, {year}), more than {up}, which contains it "
                          f"({bound:g} Mt): check the unit (Mt CO2e, not kt or t) and the parent_id")


def _above_national(inventory: pd.DataFrame, national: pd.DataFrame) -> Iterator[Problem]:
    history = national[national["series"] == "history"]
    nation = dict(zip(history["year"].astype(int), history["emissions_mt"].astype(float), strict=True))
    for actor, scope, year, value, line in _rows(inventory):
        bound = nation.get(year)
        if bound is not None and bound > 0 and value > bound * (1 + TOLERANCE):
            yield Problem("inventory.csv", line, "emissions_mt",
                          f"{actor} reports {value:g} Mt ({scope}, {year}), more than the whole country "
                          f"({bound:g} Mt in national.csv): check the unit (Mt CO2e, not kt or t)")
