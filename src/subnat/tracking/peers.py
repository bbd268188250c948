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
