"""End-to-end: rule hindcast on a copy of the demo case with an observed.csv (only this rule runs)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.e2e import snake_helpers as sh

pytestmark = pytest.mark.e2e

OBSERVED = """actor_id,year,emissions_mt,scope,source
XDM-N,2021,195,territorial,synthetic
XDM-N,2022,190,territorial,synthetic
XDM-NC1,2021,19,territorial,synthetic
XDM,2021,870,national,synthetic
XDM,2022,860,national,synthetic
"""


def test_hindcast_rule_writes_table_summary_and_figure(tmp_path):
    case = tmp_path / "demo_h"
    shutil.copytree(Path(str(resources.files("subnat") / "data" / "cases" / "demo")), case)
    (case / "observed.csv").write_text(OBSERVED, encoding="utf-8")
    config = tmp_path / "hindcast.yaml"
    config.write_text(yaml.safe_dump({"cases": [str(case)],
                                      "hindcast": {"cases": {"value": ["demo_h"], "source": "test"}}}))
    work = tmp_path / "work"
    sh.run(work, 1, "results/demo_h/hindcast.csv", configs=[*sh.CONFIGS, config])
    results = work / "results" / "demo_h"
    rows = pd.read_csv(results / "hindcast.csv")
    assert set(rows["year"]) == {2021, 2022}
    north = rows.set_index(["actor_id", "year"]).loc[("XDM-N", 2021)]
    assert north["observed_mt"] == 195 and north["has_commitment"]
    assert north["full_implementation_mt"] <= north["reference_mt"]
    summary = pd.read_csv(results / "hindcast_summary.csv")
    assert {"region", "city", "national"} <= set(summary["group"])
    assert (results / "figures" / "hindcast.png").stat().st_size > 0
