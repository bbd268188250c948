"""pathways.csv: each actor-scope group's reference, target pathway and expected delivery per year.

The explorer draws one actor's chart from this table. It restates what the assessment already
computed (the draw-independent arrays of `aggregate.pathways` and the achievement draws), at
central actor data (error factor e = 1) and the median over CPS members:

    reference(t) = X(t)
    pathway(t)   = X(t) - k_gov(t) * max(0, U(t) - PB(t), V(t))      (method §4-§5, unweighted)
    expected(t)  = X(t) - f_q(gov) * k_gov(t) * max(0, U(t) - PB(t), V(t))

with f_q the 5/50/95 % quantiles of the governing commitment's delivered fraction (method §6), so
the band shows the achievement uncertainty alone (not the data or projection error of summary.csv).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from subnat.aggregate.assess import Assessment

COLUMNS = ["case", "actor_id", "scope", "year", "commitment_id", "reference_mt", "pathway_mt",
           "expected_mt_p05", "expected_mt_p50", "expected_mt_p95", "source"]
SOURCE = "subnat assessment: method.md §3-§6 (central actor data, median over CPS members)"


def covered_gap(a: Assessment) -> np.ndarray:
    """(G, T) reference minus pathway over the actor-scope, median over CPS members: the covered
    share k_gov of max(0, U - PB, V); zero where no pathway applies."""
    p = a.paths
    gap = p.U if p.PB is None else p.U - p.PB
    if p.V is not None:
        gap = np.maximum(gap, p.V)
    gap = np.median(np.maximum(gap, 0.0), axis=2)
    coverage = p.row_coverage[p.gov] if p.row_coverage is not None else np.ones_like(gap)
    on_path = p.on_path if p.on_path is not None else np.ones(gap.shape, dtype=bool)
    return np.where(on_path, coverage * gap, 0.0)


def actor_pathways(a: Assessment) -> pd.DataFrame:
    """One row per group and case year from the group's reference year on (before it the reference
    is only the national index run backwards); expected_* empty without the expected scenario."""
    groups, c, p = a.screened.groups, a.screened.commitments, a.paths
    if groups.empty:
        return pd.DataFrame(columns=COLUMNS)
    reference = np.median(p.X, axis=2)
    gap = covered_gap(a)
    position = pd.Index(c.index).get_indexer(p.gov.ravel()).reshape(p.gov.shape)  # governing row per (g, t)
    n_groups, n_years = reference.shape
    frame = pd.DataFrame({
        "case": a.case.meta.name,
        "actor_id": np.repeat(groups["actor_id"].to_numpy(), n_years),
        "scope": np.repeat(groups["scope"].to_numpy(), n_years),
        "year": np.tile(a.years, n_groups),
        "commitment_id": c["commitment_id"].to_numpy()[position].ravel(),
        "reference_mt": reference.ravel(),
        "pathway_mt": (reference - gap).ravel(),
    })
    for name, q in (("p05", 0.95), ("p50", 0.5), ("p95", 0.05)):  # more delivered -> lower emissions
        if a.fractions is not None and len(a.fractions):
            f = np.quantile(a.fractions, q, axis=1)[position]
            frame[f"expected_mt_{name}"] = (reference - f * gap).ravel()
        else:
            frame[f"expected_mt_{name}"] = np.nan
    frame["source"] = SOURCE
    keep = frame["year"].to_numpy() >= np.repeat(groups["ref_year"].to_numpy(), n_years)
    return frame.loc[keep, COLUMNS].reset_index(drop=True)
