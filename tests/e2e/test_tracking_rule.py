"""End-to-end: rule tracking writes progress.csv and actors.csv (and the rest) for the demo case."""

from __future__ import annotations

import pandas as pd
import pytest

from subnat.tracking.actors import COLUMNS as ACTOR_COLUMNS
from subnat.tracking.progress import COLUMNS as PROGRESS_COLUMNS
from tests.e2e import snake_helpers as sh

pytestmark = pytest.mark.e2e

PROGRESS_CONTRACT = ["case", "commitment_id", "actor_id", "actor_type", "target_type", "base_year",
                     "target_year", "base_emissions_mt", "target_level_mt", "latest_year",
                     "latest_emissions_mt", "pathway_level_mt", "share_achieved", "required_rate_pct",
                     "achieved_rate_pct", "on_track", "source"]
ACTORS_CONTRACT = ["case", "actor_id", "name", "actor_type", "parent_id", "country", "latest_year",
                   "latest_emissions_mt", "population", "population_year", "population_source",
                   "population_flag", "per_capita_t", "emissions_1990_mt", "emissions_1990_source",
                   "long_term_target_year", "long_term_target_level_mt", "n_commitments", "on_track",
                   "mou2015", "mou2015_reason", "mou2021", "mou2021_reason", "required_rate_pct",
                   "ar6_15c_rate_pct", "ar6_2c_rate_pct", "consistency_flag", "peer_rank_per_capita",
                   "peer_rank_ambition", "peer_rank_progress", "peer_group_size"]


def test_tracking_rule_writes_both_tables_for_demo(tmp_path):
    work = tmp_path / "work"
    sh.run(work, 1, "results/demo/progress.csv", "results/demo/actors.csv", "results/global/peers.csv")
    results = work / "results" / "demo"
    progress = pd.read_csv(results / "progress.csv")
    actors = pd.read_csv(results / "actors.csv", keep_default_na=False)
    assert list(progress.columns[:len(PROGRESS_CONTRACT)]) == PROGRESS_CONTRACT == PROGRESS_COLUMNS[:17]
    assert list(actors.columns[:len(ACTORS_CONTRACT)]) == ACTORS_CONTRACT == ACTOR_COLUMNS[:31]
    demo_actors = pd.read_csv(sh.REPO / "src/subnat/data/cases/demo/actors.csv")
    assert sorted(actors["actor_id"]) == sorted(demo_actors["actor_id"])
    assert actors["mou2015"].isin(["met", "not_met", "unknown"]).all()
    assert (actors["mou2015_reason"] != "").all() and (actors["mou2021_reason"] != "").all()
    # XDM-N: -40 % on 2005 (220 Mt) by 2030, 200 Mt in 2020: pathway 220 - 15/25 * 88 = 167.2, off track
    north = progress.set_index("commitment_id").loc["N-2030"]
    assert north["pathway_level_mt"] == pytest.approx(167.2) and not north["on_track"]
    assert (progress["source"].str.len() > 0).all()
    assert actors.set_index("actor_id").loc["XDM-N", "consistency_flag"] == "dead_end"
    for name in ("consistency.csv", "landscape.csv", "figures/landscape.png"):
        assert (results / name).stat().st_size > 0
    peers = pd.read_csv(work / "results" / "global" / "peers.csv")  # one case here: the case's own ranks
    assert len(peers) == len(actors)
    own = pd.to_numeric(actors.set_index("actor_id")["peer_rank_per_capita"], errors="coerce").fillna(-1)
    glob = peers.set_index("actor_id")["global_rank_per_capita"].fillna(-1)
    assert glob.to_dict() == own.loc[glob.index].to_dict()
