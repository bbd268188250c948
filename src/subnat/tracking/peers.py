"""Peer ranks among the actors of the same type in a case: 1 is the best (lowest per-capita
emissions, steepest required rate, largest share of the targeted reduction achieved); actors
without the number get no rank; ties share the lowest rank."""

from __future__ import annotations

import pandas as pd

#: actors.csv column -> (rank column, ascending: True when lower is better)
RANKED = {"per_capita_t": ("peer_rank_per_capita", True),
          "required_rate_pct": ("peer_rank_ambition", False),
          "share_achieved": ("peer_rank_progress", False)}


def ranks(actors: pd.DataFrame) -> pd.DataFrame:
    """The three rank columns and ``peer_group_size`` (actors of the type in the case).

    >>> df = pd.DataFrame({"actor_type": ["city"] * 3, "per_capita_t": [5.0, 2.0, None],
    ...     "required_rate_pct": [1.0, 3.0, 2.0], "share_achieved": [0.5, 0.5, 0.1]})
    >>> ranks(df)["peer_rank_per_capita"].tolist()
    [2, 1, <NA>]
    """
    out = pd.DataFrame(index=actors.index)
    by = actors.groupby("actor_type")
    for col, (name, asc) in RANKED.items():
        out[name] = by[col].rank(method="min", ascending=asc).astype("Int64")
    out["peer_group_size"] = by["actor_type"].transform("size").astype(int)
    return out


#: Columns of results/global/peers.csv.
GLOBAL_COLUMNS = ["actor_id", "name", "actor_type", "country", "case", "latest_year", "per_capita_t",
                  "required_rate_pct", "share_achieved", "global_rank_per_capita", "global_rank_ambition",
                  "global_rank_progress", "global_group_size", "source"]


def global_ranks(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Ranks across cases (results/global/peers.csv): the actors.csv rows of every case, one per actor
    (actor_id and country; an actor in several cases, e.g. us2017 and us2023, counts once, with the case
    of its latest inventory, the later table on a tie), ranked among actors of the same type.

    >>> a = pd.DataFrame({"case": ["x"], "actor_id": ["A"], "name": ["A"], "actor_type": ["city"],
    ...     "country": ["USA"], "latest_year": [2015], "per_capita_t": [5.0], "required_rate_pct": [1.0],
    ...     "share_achieved": [0.2]})
    >>> b = a.assign(case="y", latest_year=2020, per_capita_t=4.0)
    >>> global_ranks([a, b])[["case", "per_capita_t", "global_group_size"]].values.tolist()
    [['y', 4.0, 1]]
    """
    parts = [t.assign(_order=i) for i, t in enumerate(tables) if len(t)]
    if not parts:
        return pd.DataFrame(columns=GLOBAL_COLUMNS)
    rows = pd.concat(parts, ignore_index=True)
    rows["_latest"] = pd.to_numeric(rows["latest_year"], errors="coerce").fillna(-1)
    rows = rows.sort_values(["actor_id", "country", "_latest", "_order"])
    rows = rows.drop_duplicates(["actor_id", "country"], keep="last").sort_values(["actor_type", "actor_id"])
    ranked = ranks(rows)
    out = rows.assign(**{name.replace("peer_", "global_"): ranked[name] for name in ranked.columns
                         if name != "peer_group_size"}, global_group_size=ranked["peer_group_size"])
    out["source"] = "results/" + out["case"].astype(str) + "/actors.csv"
    out["latest_year"] = pd.to_numeric(out["latest_year"], errors="coerce").astype("Int64")
    return out[GLOBAL_COLUMNS].reset_index(drop=True)
