"""Ex-post progress of each commitment against its own inventory (method.md §11).

For a commitment with base year ``BY``, base emissions ``E(BY)``, target year ``TY``, target level
``T`` (actor-scope basis: covered share ``k`` at the target, the rest held at ``E(BY)``) and the
actor's latest inventory ``E(L)`` of the same scope with ``L > BY``:

    pathway(L)     = E(BY) + min(1, (L - BY)/(TY - BY)) * (T - E(BY))    (linear, method §4)
    share_achieved = (E(BY) - E(L)) / (E(BY) - T)                         (NaN when T >= E(BY))
    required_rate  = 1 - (T/E(BY))^(1/(TY - BY))      (annual compound; NaN when T = 0)
    achieved_rate  = 1 - (E(L)/E(BY))^(1/(L - BY))
    on_track       = E(L) <= pathway(L)

Rates are in percent per year (positive = falling). Target levels exist for ``absolute``,
``net_zero``, ``fixed_level`` and ``baseline`` with a stated BAU; intensity, renewable and peaking
targets have no level without a projection of their driver, so they are not tracked here.
"""

from __future__ import annotations

import math

import pandas as pd

from subnat.case.load import Case
from subnat.case.scopes import ScopeError, parse_scope, scope_key

#: Columns of progress.csv, in order (the contract of issue 19; extras at the end).
COLUMNS = ["case", "commitment_id", "actor_id", "actor_type", "target_type", "base_year",
           "target_year", "base_emissions_mt", "target_level_mt", "latest_year",
           "latest_emissions_mt", "pathway_level_mt", "share_achieved", "required_rate_pct",
           "achieved_rate_pct", "on_track", "source",
           "status", "coverage", "base_emissions_source", "flags"]

LEVEL_TYPES = ("absolute", "net_zero", "fixed_level", "baseline")


def key(scope: object) -> str:
    """Canonical scope text ('' when unreadable: such rows never match)."""
    try:
        return scope_key(parse_scope(str(scope)))
    except ScopeError:
        return ""


def inventory_series(case: Case) -> dict[tuple[str, str], pd.Series]:
    """(actor_id, scope key) -> emissions by year (Mt), sorted by year."""
    inv = case.inventory.assign(_key=case.inventory["scope"].map(key))
    out = {}
    for (aid, sk), g in inv.groupby(["actor_id", "_key"], sort=True):
        s = g.groupby(g["year"].astype(int))["emissions_mt"].sum(min_count=1).astype(float)
        out[(str(aid), str(sk))] = s.dropna().sort_index()
    return out


def target_level(kind: str, value: float, e_by: float, coverage: float,
                 bau: float = float("nan"), residual_share: float = 0.0) -> float:
    """Actor-scope level in the target year (module docstring); NaN when it has no level.

    >>> target_level("absolute", 0.4, 100.0, 1.0)   # 100 * (1 - 0.4)
    60.0
    >>> target_level("absolute", 0.5, 100.0, 0.8)   # 0.8*100*0.5 + 0.2*100
    60.0
    >>> target_level("net_zero", 1.0, float("nan"), 1.0)   # no residual: 0 without E(BY)
    0.0
    """
    k = 1.0 if not math.isfinite(coverage) else coverage
    if kind == "absolute" and math.isfinite(value):
        covered = e_by * (1.0 - value)
    elif kind == "net_zero":
        covered = residual_share * e_by if residual_share else 0.0
    elif kind == "fixed_level" and math.isfinite(value):
        # the stated level is for the covered part (method §4)
        return value + (1.0 - k) * e_by if math.isfinite(e_by) else (value if k >= 1 else math.nan)
    elif kind == "baseline" and math.isfinite(bau) and math.isfinite(value):
        covered = bau * (1.0 - value)
    else:
        return math.nan
    return k * covered + ((1.0 - k) * e_by if k < 1 else 0.0)


def linear_level(e0: float, y0: int, e1: float, y1: int, year: int) -> float:
    """Level on the straight line from (y0, e0) to (y1, e1), held at e1 after y1.

    >>> linear_level(100.0, 2010, 60.0, 2030, 2020)   # halfway: 100 - 0.5 * 40
    80.0
    """
    if y1 <= y0:
        return e1
    w = min(1.0, max(0.0, (year - y0) / (y1 - y0)))
    return e0 + w * (e1 - e0)


def compound_rate_pct(e0: float, e1: float, years: float) -> float:
    """Annual compound reduction rate in percent: 100 * (1 - (e1/e0)^(1/years)); NaN when
    undefined (a zero or negative level, no years).

    >>> round(compound_rate_pct(100.0, 50.0, 10), 4)   # 1 - 0.5**0.1
    6.6967
    """
    if not (years > 0 and e0 > 0 and e1 > 0):
        return math.nan
    return 100.0 * (1.0 - (e1 / e0) ** (1.0 / years))


def metrics(e_by: float, by: int, target: float, ty: int, e_l: float, latest: int
            ) -> dict[str, object]:
    """Pathway level, share achieved, rates and on-track of one commitment (module docstring)."""
    path = linear_level(e_by, by, target, ty, latest)
    gap = e_by - target
    share = (e_by - e_l) / gap if gap > 0 else math.nan
    return {"pathway_level_mt": path, "share_achieved": share,
            "required_rate_pct": compound_rate_pct(e_by, target, ty - by),
            "achieved_rate_pct": compound_rate_pct(e_by, e_l, latest - by),
            "on_track": bool(e_l <= path + 1e-12)}


def _num(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return v


def commitment_levels(case: Case, residual_share: float) -> pd.DataFrame:
    """Every commitment with its base emissions and target level (NaN where unknown).

    Base emissions: the commitment's ``base_year_emissions_mt`` when given, else the inventory
    of its scope in the base year (``base_emissions_source`` says which)."""
    series = inventory_series(case)
    types = case.actors.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    rows = []
    for _, c in case.commitments.iterrows():
        aid, sk = str(c["actor_id"]), key(c["scope"])
        by = _num(c.get("base_year"))
        inv = series.get((aid, sk), pd.Series(dtype=float))
        e_by, how = _num(c.get("base_year_emissions_mt")), "commitments.csv"
        if not math.isfinite(e_by):
            e_by, how = (float(inv.loc[int(by)]), "inventory") if math.isfinite(by) and int(by) in inv.index \
                else (math.nan, "")
        cov = _num(c.get("coverage"))
        level = target_level(str(c["target_type"]), _num(c.get("value")), e_by,
                             1.0 if not math.isfinite(cov) else cov, _num(c.get("bau_emissions_mt")),
                             residual_share)
        rows.append({"commitment_id": c["commitment_id"], "actor_id": aid,
                     "actor_type": types.get(aid, ""), "target_type": c["target_type"],
                     "base_year": by, "target_year": _num(c.get("target_year")), "scope": sk,
                     "value": _num(c.get("value")),
                     "base_emissions_mt": e_by, "target_level_mt": level,
                     "coverage": 1.0 if not math.isfinite(cov) else cov,
                     "status": c.get("status", ""), "base_emissions_source": how,
                     "source": c.get("source", "")})
    return pd.DataFrame(rows)


def governing(rows: pd.DataFrame) -> pd.DataFrame:
    """One progress row per actor: the target governing its latest year (method §5: the nearest
    target year at or after it, else the last), ties by commitment_id."""
    if rows.empty:
        return rows
    r = rows.assign(_past=rows["target_year"] < rows["latest_year"],
                    _gap=(rows["target_year"] - rows["latest_year"]).abs())
    r = r.sort_values(["actor_id", "_past", "_gap", "commitment_id"])
    return r.groupby("actor_id").head(1).drop(columns=["_past", "_gap"])


def progress_table(case: Case, residual_share: float = 0.0, tolerance: float = 0.5) -> pd.DataFrame:
    """progress.csv: one row per commitment with a target level and an inventory after its
    base year (module docstring). ``flags``: ``basis_differs`` when the latest inventory is
    outside ``1 +- tolerance`` times the base emissions (config
    achievement.inventory_level_tolerance: a target's stated base year and the city-wide
    inventory can be on different protocols or boundaries); ``target_year_passed``."""
    series = inventory_series(case)
    rows = []
    for _, c in commitment_levels(case, residual_share).iterrows():
        if c["target_type"] not in LEVEL_TYPES or not math.isfinite(c["base_year"]):
            continue
        if not (math.isfinite(c["base_emissions_mt"]) and math.isfinite(c["target_level_mt"])):
            continue
        by, ty = int(c["base_year"]), int(c["target_year"])
        inv = series.get((c["actor_id"], c["scope"]), pd.Series(dtype=float))
        after = inv[inv.index > by]
        if after.empty or ty <= by:
            continue
        latest, e_l = int(after.index[-1]), float(after.iloc[-1])
        e_by = float(c["base_emissions_mt"])
        m = metrics(e_by, by, float(c["target_level_mt"]), ty, e_l, latest)
        flags = (["basis_differs"] if e_by > 0 and abs(e_l / e_by - 1.0) > tolerance else []) + \
            (["target_year_passed"] if latest > ty else [])
        rows.append({**c.to_dict(), "case": case.meta.name, "base_year": by, "target_year": ty,
                     "latest_year": latest, "latest_emissions_mt": e_l, **m, "flags": ";".join(flags),
                     "source": f"{c['source']}; inventory.csv {c['actor_id']} {latest}"})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"base_year": "Int64", "target_year": "Int64", "latest_year": "Int64"})
