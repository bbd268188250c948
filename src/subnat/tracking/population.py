"""Population of each government: the case's actors.csv cross-checked against ClimActor's
subnational contextuals (Hsu et al. 2020; data.md §1: unreliable for some US places).

The case's value is used when it has one; ClimActor fills the gaps. When both exist and their
ratio (larger over smaller) exceeds ``tracking.population_ratio`` the row is flagged
``disagree`` and both values stay candidates (the MOU per-capita branch needs both to agree).
Flags: ``agree``, ``disagree``, ``case_only``, ``climactor_only``, ``none``,
``climactor_unavailable`` (no ClimActor file given), ``not_applicable`` (companies).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem

CLIMACTOR_COLUMNS = ["name", "iso", "entity_type", "population", "population_year"]
CLIMACTOR_SOURCE = "ClimActor subnational contextuals Dec 2022 (Hsu et al. 2020, Sci Data 7:374)"
_TYPES = {"City": "city", "Region": "region"}


def read_climactor(path: str | Path) -> pd.DataFrame:
    """The ClimActor contextuals (columns above), cities and regions with a population only."""
    p = Path(path)
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(Problem(p.name, None, None, f"cannot read ClimActor contextuals: {exc}")) from exc
    missing = [c for c in CLIMACTOR_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(Problem(p.name, 1, missing[0], "expected ClimActor contextual column "
                                 f"'{missing[0]}' (name, iso, entity_type, population, population_year)"))
    df = raw[CLIMACTOR_COLUMNS].copy()
    df["actor_type"] = df["entity_type"].map(_TYPES)
    df["population"] = pd.to_numeric(df["population"], errors="coerce")
    df["population_year"] = pd.to_numeric(df["population_year"], errors="coerce")
    df["_name"] = [match_name(n, t) for n, t in zip(df["name"], df["actor_type"], strict=True)]
    return df[df["actor_type"].notna() & (df["population"] > 0)].reset_index(drop=True)


def match_name(name: object, actor_type: object) -> str:
    """The key names are matched on: lower case, and for regions without a trailing " State"
    (ClimActor lists "New York State" and "Washington State").

    >>> match_name("New York State", "region"), match_name("Albany, NY", "city")
    ('new york', 'albany, ny')
    """
    key = str(name).strip().lower()
    return key.removesuffix(" state") if actor_type == "region" else key


def _unique(climactor: pd.DataFrame) -> pd.DataFrame:
    """One row per (iso, type, name); names ClimActor lists twice with different numbers are
    ambiguous and dropped (never picked at random)."""
    keys = ["iso", "actor_type", "_name"]
    n = climactor.groupby(keys)["population"].transform("nunique")
    return climactor[n == 1].drop_duplicates(keys)


def ratio(a: float, b: float) -> float:
    """Larger over smaller of two positive numbers.

    >>> ratio(100.0, 150.0)
    1.5
    """
    return max(a, b) / min(a, b)


def cross_check(actors: pd.DataFrame, climactor: pd.DataFrame | None, max_ratio: float
                ) -> pd.DataFrame:
    """Per actor: population, population_year, population_source, population_flag and the
    candidates (``population_case``, ``population_climactor``)."""
    ca = _unique(climactor).set_index(["iso", "actor_type", "_name"]) if climactor is not None else None
    rows = []
    for _, a in actors.iterrows():
        kind = str(a["actor_type"])
        p_case = pd.to_numeric(a.get("population"), errors="coerce")
        p_case = float(p_case) if pd.notna(p_case) and p_case > 0 else math.nan
        row = {"actor_id": a["actor_id"], "population": math.nan, "population_year": math.nan,
               "population_source": "", "population_flag": "none",
               "population_case": p_case, "population_climactor": math.nan}
        if kind == "company":
            row["population_flag"] = "not_applicable"
            rows.append(row)
            continue
        hit = None
        if ca is not None:
            k = (str(a["country"]), kind, match_name(a["name"], kind))
            hit = ca.loc[k] if k in ca.index else None
        p_ca = float(hit["population"]) if hit is not None else math.nan
        row["population_climactor"] = p_ca
        if math.isfinite(p_case):
            row.update(population=p_case, population_source=f"case actors.csv ({a.get('source', '')})")
            if math.isfinite(p_ca):
                r = ratio(p_case, p_ca)
                row["population_flag"] = "disagree" if r > max_ratio else "agree"
            else:
                row["population_flag"] = "case_only" if ca is not None else "climactor_unavailable"
        elif math.isfinite(p_ca):
            row.update(population=p_ca, population_year=float(hit["population_year"]),
                       population_source=CLIMACTOR_SOURCE, population_flag="climactor_only")
        elif ca is None:
            row["population_flag"] = "climactor_unavailable"
        rows.append(row)
    return pd.DataFrame(rows)


def candidates(row: pd.Series) -> list[float]:
    """The populations the MOU per-capita branch must hold under: both when they disagree."""
    if row["population_flag"] == "disagree":
        return [float(row["population_case"]), float(row["population_climactor"])]
    p = float(row["population"]) if pd.notna(row["population"]) else math.nan
    return [p] if math.isfinite(p) else []
