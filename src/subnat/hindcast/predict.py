"""Each actor's own emissions per year and draw, as the case's assessment predicted them.

An actor's predicted emissions are its reference minus what it delivers: reference - potential
under full implementation, reference - fraction x potential in the expected scenario (per draw,
with the draws' data error and achievement). These are the actor's *own* emissions: the overlap
rule (method §7 O2) changes the net national impact, not what a city or state emits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from subnat.aggregate.assess import Assessment
from subnat.aggregate.engine import ScenarioDraws, aggregate_draws

log = logging.getLogger(__name__)

SCOPE = "territorial"  # observed inventories (observed.csv) are territorial


@dataclass
class Predictions:
    """Per actor (rows of `actors`) and year (columns of `years`): reference, full-implementation
    emissions (medians over the CPS draws) and, when the expected scenario ran, its draws (A, Y, S)."""

    actors: pd.DataFrame  # actor_id, actor_type, ref_year, ref_level (the case's latest inventory)
    years: np.ndarray  # (Y,)
    reference: np.ndarray  # (A, Y)
    full_implementation: np.ndarray  # (A, Y)
    expected: np.ndarray | None  # (A, Y, S) emissions per draw


def predict(a: Assessment, years: list[int] | np.ndarray) -> Predictions:
    """Reruns the engine at `years` (per-group values are kept only at the positions asked for)."""
    years = np.asarray([y for y in years if a.years[0] <= y <= a.years[-1]], dtype=np.int64)
    positions = years - a.years[0]
    groups = a.screened.groups
    territorial = groups[groups["scope"] == SCOPE]
    actors = territorial.drop_duplicates("actor_id")[["actor_id", "actor_type", "ref_year", "ref_level"]]
    actors = actors.reset_index(drop=True)
    # groups -> actors (one territorial group per actor; the sum keeps any split exact)
    rows = territorial["group"].to_numpy()
    member = pd.Index(actors["actor_id"]).get_indexer(territorial["actor_id"])
    to_actor = np.zeros((len(actors), len(groups)))
    to_actor[member, rows] = 1.0
    index = a.national.over(a.years)
    log.info("%s hindcast: full implementation at %d years", a.case.meta.name, len(years))
    full = aggregate_draws(a.prepared, index, ScenarioDraws(a.members, None, 1.0), report_positions=positions)
    reference = np.einsum("ag,gys->ays", to_actor, full.by_group["reference"])
    pathway = reference - np.einsum("ag,gys->ays", to_actor, full.by_group["potential"])
    expected = None
    if "expected" in a.specs:
        log.info("%s hindcast: expected scenario, %d draws", a.case.meta.name, len(a.members))
        run = aggregate_draws(a.prepared, index, a.specs["expected"], report_positions=positions)
        emitted = run.by_group["reference"] - run.by_group["delivered"]
        expected = np.einsum("ag,gys->ays", to_actor, emitted)
    return Predictions(actors, years, np.median(reference, axis=2), np.median(pathway, axis=2), expected)
