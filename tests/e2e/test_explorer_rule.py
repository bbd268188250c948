"""Rules explorer and explorer_index on the demo case: the pages the workflow writes.

actors.csv and progress.csv come from rule tracking; the fixture copies placed in results/demo/
stand in where that rule is absent (a newer rule tracking rewrites them from the assessment).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.snake_helpers import REPO, run

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
FIXTURES = REPO / "tests" / "fixtures" / "explorer"


def test_explorer_rules_write_a_page_per_case_and_the_index(tmp_path: Path) -> None:
    (tmp_path / "results" / "demo").mkdir(parents=True)
    for name in ("actors.csv", "progress.csv"):
        shutil.copy(FIXTURES / name, tmp_path / "results" / "demo" / name)
    run(tmp_path, 1, "results/explorer.html")
    page = (tmp_path / "results" / "demo" / "explorer.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="explorer-data" type="application/json">(.*?)</script>', page,
                                re.DOTALL).group(1).replace("<\\/", "</"))
    actors = pd.read_csv(tmp_path / "results" / "demo" / "actors.csv")
    assert [a["actor_id"] for a in data["actors"]] == list(actors["actor_id"])
    pathways = pd.read_csv(tmp_path / "results" / "demo" / "pathways.csv")
    assert set(pathways["actor_id"]) == {a["actor_id"] for a in data["actors"] if a["paths"]}
    index = (tmp_path / "results" / "explorer.html").read_text(encoding="utf-8")
    assert 'href="demo/explorer.html"' in index
    benchmark = pd.read_csv(tmp_path / "benchmarks" / "explorer" / "demo.tsv", sep="\t")
    print(f"rule explorer (demo): {benchmark['s'].iloc[0]:.2f} s, {len(page) / 1e6:.2f} MB")
