"""The demo case assessed once per test session, with every report output built from it.

Shared by the test_report_*.py modules: one `run_case` (64 draws), one sensitivity case and the
report steps, so each module checks real outputs without recomputing them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from subnat.aggregate.sensitivity import merge, run_one
from subnat.config import load
from subnat.run import run_case

SCENARIOS = ["no_nsa", "full_implementation", "fixed_0.5"]
_BUILT: dict[str, Path] = {}


TEST_CONFIG = Path(__file__).resolve().parents[1] / "data" / "config.test.yaml"


def config() -> dict:
    """The end-to-end test config (64 draws, demo scenarios, two sensitivity cases) over the defaults."""
    return load([TEST_CONFIG])


def build(root: Path) -> Path:
    """results/demo under `root` with summary ... sensitivity.csv and every report output (cached)."""
    if "demo" in _BUILT:
        return _BUILT["demo"]
    from subnat.report.steps import run_all

    cfg = config()
    out = root / "results" / "demo"
    run_case("demo", out, cfg, SCENARIOS, draws=64)
    part = root / "laws_only.csv"
    run_one("demo", cfg, "laws_only", part)
    merge(out / "summary.csv", [part], cfg, out / "sensitivity.csv")
    from subnat.tracking import steps as tracking

    tracking.write(tracking.tables("demo", cfg), tracking.outputs_in(out))  # rule tracking: workbook sheets
    run_all(out, languages=["en", "zh"])
    _BUILT["demo"] = out
    return out


def synthetic_posterior(path: Path, draws: int = 40) -> Path:
    """A made-up posterior with the variables and attributes of the achievement model (for figures only)."""
    import arviz as az

    from subnat.achievement.model import PARAMS, TYPES
    from subnat.achievement.posterior import write_posterior

    rng = np.random.default_rng(1)
    post = {}
    for name in PARAMS:  # follow the model's own parameter list, so the fixture tracks its changes
        if name.endswith("_type") and not name.startswith("sigma"):
            post[name] = rng.normal(0.0, 0.8, (2, draws, len(TYPES)))
        elif name.endswith("_source") and not name.startswith("sigma"):
            post[name] = rng.normal(0.0, 0.5, (2, draws, 2))
        elif name == "pi_stop":
            post[name] = rng.uniform(0.1, 0.3, (2, draws))
        elif name in ("cut_gap", "phi", "lam") or name.startswith("sigma"):
            post[name] = np.abs(rng.normal(2.0, 0.2, (2, draws)))
        else:
            post[name] = rng.normal(-0.5 if name == "cut0" else 0.0, 0.2, (2, draws))
    dims = {n: ["actor_type"] if post[n].ndim == 3 and post[n].shape[2] == len(TYPES) else ["source"]
            for n in post if post[n].ndim == 3}
    idata = az.from_dict(posterior=post, coords={"actor_type": list(TYPES), "source": ["a", "b"]},
                         dims=dims)
    write_posterior(idata, path, {"sources": ["a", "b"], "actor_types": list(TYPES), "stopped_shift": -1.0,
                                  "stopped_applies_to": ["company"], "ambition_center": 2.0, "ambition_scale": 1.0,
                                  "ambition_clip_pct_per_year": 10.0})
    return path
