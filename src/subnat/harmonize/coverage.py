"""Coverage report: actors and commitments by type, covered emissions and share of national.

Covered emissions of an actor: its inventory in the coverage year (or the latest year before
it; else its latest base-year emissions). ``covered_mt_net`` counts a city only when its state
has no commitment (nested coverage counted once, as in method §7 O2). The share is relative to
the national ``history`` series in the coverage year (latest year before it when missing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.case.folder import BUILD_EXCLUSIONS
from subnat.case.load import load_case

COLUMNS = ["actor_type", "actors", "commitments", "covered_mt", "covered_mt_net",
           "share_of_national", "share_of_national_net", "excluded_commitments", "year"]


def _latest(inventory: pd.DataFrame, year: int) -> pd.Series:
    inv = inventory[inventory["year"].astype(int) <= year]
    inv = inv.sort_values("year").groupby("actor_id")["emissions_mt"].last()
    return inv.astype(float)


def actor_type_of_exclusion(row: pd.Series) -> str | None:
    """Actor type of an exclusion-log row, from its actor id or upstream record id."""
    aid = row.get("actor_id")
    if isinstance(aid, str) and aid:
        if aid.startswith("CO-"):
            return "company"
        return "region" if re.fullmatch(r"US-[A-Z]{2}", aid) else "city"
    rec, src = str(row.get("record") or ""), str(row.get("source") or "")
    for prefix, kind in (("REG-", "region"), ("CIT-", "city"), ("COM-", "company")):
        if prefix in rec:
            return kind
    return {"cdp_targets": "city", "sbti_targets": "company", "c2es_states": "region",
            "cdp_citywide": "city"}.get(src)


def coverage(tables: dict[str, pd.DataFrame], year: int,
             excluded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage table (columns :data:`COLUMNS`), one row per actor type plus ``total``."""
    actors, com = tables["actors.csv"], tables["commitments.csv"]
    nat = tables["national.csv"]
    hist = nat[nat["series"] == "history"].astype({"year": int})
    hist = hist[hist["year"] <= year].sort_values("year")
    national = float(hist["emissions_mt"].iloc[-1]) if len(hist) else float("nan")
    level = _latest(tables["inventory.csv"], year)
    by = com.dropna(subset=["base_year_emissions_mt"]).sort_values("base_year")
    level = level.combine_first(by.groupby("actor_id")["base_year_emissions_mt"].last()
                                .astype(float))
    committed = set(com["actor_id"])
    kinds = actors.set_index("actor_id")["actor_type"]
    parents = actors.set_index("actor_id")["parent_id"]
    rows = []
    for t in ("region", "city", "company"):
        ids = [a for a in committed if kinds.get(a) == t]
        cov = float(level.reindex(ids).fillna(0).sum())
        net_ids = [a for a in ids if not (isinstance(parents.get(a), str)
                                          and parents.get(a) in committed)]
        cov_net = float(level.reindex(net_ids).fillna(0).sum())
        n_ex = 0
        if excluded is not None and not excluded.empty:
            n_ex = int((excluded.apply(actor_type_of_exclusion, axis=1) == t).sum())
        rows.append({"actor_type": t, "actors": len(ids),
                     "commitments": int(com["actor_id"].isin(ids).sum()),
                     "covered_mt": cov, "covered_mt_net": cov_net,
                     "share_of_national": cov / national, "share_of_national_net":
                     cov_net / national, "excluded_commitments": n_ex, "year": year})
    df = pd.DataFrame(rows, columns=COLUMNS)
    total = df[["actors", "commitments", "covered_mt", "covered_mt_net",
                "share_of_national", "share_of_national_net", "excluded_commitments"]].sum()
    df.loc[len(df)] = {"actor_type": "total", **total.to_dict(), "year": year}
    return df.astype({"actors": int, "commitments": int, "excluded_commitments": int})


def coverage_of_folder(case_dir: str | Path, year: int | None = None) -> pd.DataFrame:
    """Coverage of a case folder; ``year`` defaults to the latest national history year.

    The folder is validated first (InputError with file, line and column), so a broken case fails
    with the same message as the assessment instead of a traceback from the tables below."""
    folder = Path(case_dir)
    load_case(folder)
    tables = {n: pd.read_csv(folder / n) for n in
              ("actors.csv", "inventory.csv", "commitments.csv", "national.csv")}
    if year is None:
        nat = tables["national.csv"]
        hist = nat.loc[nat["series"] == "history", "year"]
        year = int(hist.max()) if len(hist) else int(tables["inventory.csv"]["year"].max())
    excl_path = folder / BUILD_EXCLUSIONS
    excluded = pd.read_csv(excl_path) if excl_path.exists() else None
    return coverage(tables, year, excluded)
