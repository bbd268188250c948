"""Achievement model: prediction API, coverage, gates, and a small real fit (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from subnat.achievement import fit as F
from subnat.achievement import model as M
from subnat.achievement.posterior import write_posterior
from subnat.achievement.predict import draw_fractions, mean_fractions

DATA = Path(__file__).resolve().parents[1] / "data"


def fake_posterior(path: Path, n_chain: int = 2, n_draw: int = 200, seed: int = 0) -> Path:
    """A posterior.nc with the model's variables, wide type effects (no sampling needed)."""
    import arviz as az

    rng = np.random.default_rng(seed)
    sh = (n_chain, n_draw)
    sources = ["src_a", "src_b"]
    post = {
        "cut0": rng.normal(-0.5, 0.2, sh), "cut_gap": np.abs(rng.normal(1.5, 0.2, sh)),
        "a_type": rng.normal(0.0, 1.5, (*sh, 3)), "a_source": rng.normal(0, 0.3, (*sh, 2)),
        "sigma_source": np.abs(rng.normal(0.5, 0.1, sh)),
        "b_ambition": rng.normal(-0.2, 0.1, sh), "b_covid": rng.normal(0, 0.1, sh),
        "b_no_national": rng.normal(0, 0.1, sh), "m0": rng.normal(0, 0.2, sh),
        "lam": rng.normal(0.3, 0.1, sh), "phi": np.abs(rng.normal(8, 1, sh)),
        "pi_stop": rng.uniform(0.2, 0.4, sh),
    }
    idata = az.from_dict(posterior=post, coords={"actor_type": list(M.TYPES), "source": sources},
                         dims={"a_type": ["actor_type"], "a_source": ["source"]})
    write_posterior(idata, path, {
        "sources": sources, "ambition_center": 2.0, "ambition_scale": 1.0,
        "ambition_clip_pct_per_year": 20.0, "stopped_shift": -1.0,
        "stopped_applies_to": ["company"]})
    return path


def commitments() -> pd.DataFrame:
    return pd.DataFrame({
        "commitment_id": ["c1", "c2", "c3", "c4", "c5"],
        "actor_type": ["company", "company", "city", "region", "city"],
        "source": ["src_a", "src_a", "new source", "src_b", "new source"],
        "target_type": ["absolute", "absolute", "net_zero", "absolute", "fixed_level"],
        "value": [0.3, 0.3, 1.0, 0.4, 12.0],
        "base_year": [2015, 2015, np.nan, 2005, 2010],
        "target_year": [2030, 2030, 2050, 2030, 2030],
        "status": ["pledge", "pledge", "policy", "law", "policy"],
    })


@pytest.fixture(scope="module")
def post(tmp_path_factory):
    return fake_posterior(tmp_path_factory.mktemp("post") / "posterior.nc")


def test_draw_fractions_shape_range_and_determinism(post):
    c = commitments()
    f = draw_fractions(post, c, 500, seed=7)
    assert f.shape == (5, 500) and f.dtype == np.float64
    assert np.all((f >= 0) & (f <= 1))
    np.testing.assert_array_equal(f, draw_fractions(post, c, 500, seed=7))
    assert not np.array_equal(f, draw_fractions(post, c, 500, seed=8))
    # more draws than the posterior holds (400): cycled permutations
    assert draw_fractions(post, c, 1000, seed=1).shape == (5, 1000)


def test_draw_fractions_share_group_parameters(post):
    """Two commitments of the same type (and source) move together across draws."""
    c = commitments()
    f = draw_fractions(post, c, 4000, seed=3)
    same = np.corrcoef(f[0], f[1])[0, 1]
    other = np.corrcoef(f[0], f[3])[0, 1]
    assert same > 0.15
    assert same > other + 0.1


def test_mean_fractions(post):
    c = commitments()
    m = mean_fractions(post, c)
    assert m.shape == (5,) and np.all((m > 0) & (m < 1))
    assert m[0] == pytest.approx(m[1])
    f = draw_fractions(post, c, 20000, seed=11)
    np.testing.assert_allclose(f.mean(axis=1)[[0, 3]], m[[0, 3]], atol=0.03)


def test_coverage_computation():
    rng = np.random.default_rng(0)
    draws = rng.uniform(0, 1, (2000, 4000))
    y = rng.uniform(0, 1, 2000)
    rows = F.coverage(draws, y, [0.5, 0.9])
    assert rows[0]["coverage"] == pytest.approx(0.5, abs=0.04)
    assert rows[1]["coverage"] == pytest.approx(0.9, abs=0.03)
    # point mass at 0: the plain interval [0, 0] covers an observed 0 always, the randomised
    # PIT only with the nominal probability (here: over 2,000 such observations)
    atom = F.coverage(np.zeros((2000, 10)), np.zeros(2000), [0.9])[0]
    assert atom["coverage_plain"] == 1.0
    assert atom["coverage"] == pytest.approx(0.9, abs=0.03)


def test_gates_fail_with_message():
    settings = F.resolve_settings({})
    g = lambda k: M.setting(settings, k)  # noqa: E731
    diag = pd.DataFrame({"parameter": ["a", "b"], "r_hat": [1.0, 1.05],
                         "ess_bulk": [1000, 50], "ess_tail": [900, 800]})
    fails = F.gate_failures(diag, 3, g)
    assert len(fails) == 3 and "R-hat 1.050 of b" in fails[0] and "ESS 50 of b" in fails[1]
    ok = pd.DataFrame({"parameter": ["a"], "r_hat": [1.001], "ess_bulk": [900], "ess_tail": [800]})
    assert F.gate_failures(ok, 0, g) == []


def test_holdout_split_seeded():
    a, b = F.holdout_split(100, 0.2, 5), F.holdout_split(100, 0.2, 5)
    assert a.sum() == 20 and np.array_equal(a, b)


def test_categorize():
    np.testing.assert_array_equal(M.categorize(np.array([-0.5, 0.0, 0.3, 1.0, 2.0])),
                                  [0, 0, 1, 2, 2])


@pytest.mark.slow
def test_small_fit_end_to_end(tmp_path):
    """A real fit on the synthetic table with the fast override: outputs and their structure."""
    settings = yaml.safe_load((DATA / "achievement_fast.yaml").read_text())["achievement"]
    out = {k: str(tmp_path / v) for k, v in {
        "posterior": "posterior.nc", "diagnostics": "diagnostics.csv", "holdout": "holdout.csv",
        "loo": "loo.csv", "summary": "summary.csv", "figures": "figures"}.items()}
    agg = Path(F.__file__).resolve().parents[1] / "data" / "progress" / "aggregates.csv"
    report = F.fit_achievement({"progress": str(DATA / "progress_small.csv"), "aggregates": str(agg)}, out,
                   settings)
    diag = pd.read_csv(out["diagnostics"])
    assert list(diag.columns) == ["parameter", "r_hat", "ess_bulk", "ess_tail", "divergences"]
    # the fast config's gate (1.05), far from the measured 1.008: the fit passed its own gates
    assert diag["r_hat"].max() < settings["gate_r_hat_max"]["value"] and report["divergences"] == 0
    hold = pd.read_csv(out["holdout"])
    assert set(hold["interval"]) == {0.5, 0.9}
    assert set(pd.read_csv(out["loo"])["model"]) == {"hierarchical", "pooled"}
    for fig in ("prior_predictive.png", "posterior_predictive.png", "holdout_coverage.png"):
        assert (tmp_path / "figures" / fig).stat().st_size > 1000
    c = commitments().assign(source="synthetic_cities")
    f = draw_fractions(out["posterior"], c, 50, seed=1)
    assert f.shape == (5, 50) and np.all((f >= 0) & (f <= 1))
