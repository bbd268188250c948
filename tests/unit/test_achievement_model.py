"""Achievement model: the level likelihood, prediction API (engine fraction, per-actor sharing,
type shock), held-out checks, gates, parameter recovery and a small real fit (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from subnat.achievement import fit as F
from subnat.achievement import model as M
from subnat.achievement.posterior import write_posterior
from subnat.achievement.predict import _clipped_normal_mean, draw_fractions, mean_fractions

DATA = Path(__file__).resolve().parents[1] / "data"
NO_SHOCK = {"type_shock_sd": 0.0}


def fake_posterior(path: Path, n_chain: int = 2, n_draw: int = 200, seed: int = 0,
                   tau: float = 0.8) -> Path:
    """A posterior.nc with the model's variables (no sampling needed)."""
    import arviz as az

    rng = np.random.default_rng(seed)
    sh = (n_chain, n_draw)
    sources = ["src_a", "src_b"]
    post = {
        "mu": rng.normal(0.5, 0.05, sh), "a_type": rng.normal(0.0, 0.2, (*sh, 3)),
        "a_source": rng.normal(0, 0.1, (*sh, 2)), "sigma_source": np.full(sh, 0.3),
        "b_ambition": rng.normal(-0.1, 0.02, sh), "b_covid": rng.normal(0, 0.05, sh),
        "b_no_national": rng.normal(0, 0.05, sh), "tau": np.abs(rng.normal(tau, 0.05, (*sh, 3))),
        "sigma_obs": np.abs(rng.normal(0.1, 0.01, (*sh, 2))),
    }
    idata = az.from_dict(posterior=post, coords={"actor_type": list(M.TYPES), "source": sources},
                         dims={"a_type": ["actor_type"], "a_source": ["source"],
                               "tau": ["actor_type"], "sigma_obs": ["source"]})
    write_posterior(idata, path, {"sources": sources, "ambition_center": 2.0,
                                  "ambition_scale": 1.0, "ambition_clip_pct_per_year": 20.0})
    return path


def commitments() -> pd.DataFrame:
    return pd.DataFrame({
        "commitment_id": ["c1", "c2", "c3", "c4", "c5"],
        "actor_id": ["A", "A", "B", "C", "D"],
        "actor_type": ["company", "company", "city", "region", "city"],
        "source": ["src_a", "src_a", "new source", "src_b", "new source"],
        "target_type": ["absolute", "absolute", "net_zero", "absolute", "fixed_level"],
        "value": [0.3, 0.5, 1.0, 0.4, 12.0],
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
    assert draw_fractions(post, c, 1000, seed=1).shape == (5, 1000)  # cycled permutations


def test_engine_fraction_switch(post):
    """raw keeps negative and over-delivery; clip is exactly raw clipped to [0, 1]."""
    c = commitments()
    raw = draw_fractions(post, c, 2000, seed=2, options={"engine_fraction": "raw"})
    clip = draw_fractions(post, c, 2000, seed=2, options={"engine_fraction": "clip"})
    assert (raw < 0).mean() > 0.05 and (raw > 1).mean() > 0.05  # tau 0.8 around mean 0.5
    np.testing.assert_array_equal(clip, np.clip(raw, 0, 1))
    with pytest.raises(ValueError, match="clip or raw"):
        draw_fractions(post, c, 10, seed=2, options={"engine_fraction": "half"})


def test_targets_of_one_actor_share_the_latent_draw(post):
    """c1 and c2 (actor A) differ only by their ambition term; other actors do not share."""
    c = commitments()
    raw = draw_fractions(post, c, 3000, seed=4, options={"engine_fraction": "raw", **NO_SHOCK})
    diff = raw[0] - raw[1]
    # x differs by (0.3 - 0.5) / 15 * 100 / scale 1 = -1.333; diff = b_ambition * dx, b ~ -0.1
    assert np.std(diff) < 0.05 and np.mean(diff) == pytest.approx(0.1 * 1.333, abs=0.02)
    assert np.corrcoef(raw[0], raw[1])[0, 1] > 0.99
    assert abs(np.corrcoef(raw[2], raw[4])[0, 1]) < 0.2  # two city actors, own latent draws
    indep = draw_fractions(post, c, 3000, seed=4,
                           options={"engine_fraction": "raw", "per_actor": False, **NO_SHOCK})
    assert np.corrcoef(indep[0], indep[1])[0, 1] < 0.2
    # without actor_id every commitment is its own actor
    alone = draw_fractions(post, c.drop(columns="actor_id"), 3000, seed=4,
                           options={"engine_fraction": "raw", **NO_SHOCK})
    assert np.corrcoef(alone[0], alone[1])[0, 1] < 0.2


def test_type_shock_correlates_actors_of_one_type(post):
    """Two city actors (B, D) correlate through the type shock, about sd^2 / (sd^2 + tau^2)."""
    c = commitments()
    opts = {"engine_fraction": "raw", "type_shock_sd": 0.8}
    raw = draw_fractions(post, c, 20000, seed=5, options=opts)
    rho_same = np.corrcoef(raw[2], raw[4])[0, 1]
    rho_other = np.corrcoef(raw[2], raw[3])[0, 1]  # city vs region: independent shocks
    assert rho_same == pytest.approx(0.5, abs=0.08)  # 0.64 / (0.64 + 0.64) plus shared params
    assert abs(rho_other) < 0.05


def test_mean_fractions_match_draws(post):
    c = commitments()
    m = mean_fractions(post, c)
    assert m.shape == (5,) and np.all((m > 0) & (m < 1))
    f = draw_fractions(post, c, 40000, seed=11)
    np.testing.assert_allclose(f.mean(axis=1), m, atol=0.01)
    m_raw = mean_fractions(post, c, {"engine_fraction": "raw"})
    f_raw = draw_fractions(post, c, 40000, seed=11, options={"engine_fraction": "raw"})
    np.testing.assert_allclose(f_raw.mean(axis=1), m_raw, atol=0.02)


@settings(max_examples=60, deadline=None)
@given(st.floats(-3, 3), st.floats(0.01, 3))
def test_clipped_normal_mean_in_unit_interval_and_matches_simulation(m, s):
    val = float(_clipped_normal_mean(np.array(m), np.array(s)))
    assert 0.0 <= val <= 1.0
    x = np.random.default_rng(0).normal(m, s, 200_000)
    assert val == pytest.approx(np.clip(x, 0, 1).mean(), abs=0.01)


def test_levels_from_base_year_columns_reproduce_r():
    """Without window columns, (b, t, e) come from the base-year columns and give the table's r."""
    from subnat.achievement.progress import load

    df = load(DATA / "progress_small.csv")
    d = M.prepare(df, {"ambition_clip_pct_per_year": 20.0})
    ok = np.isfinite(d.r)
    ref = M.usable(df)["r"].to_numpy(float)
    np.testing.assert_allclose(d.r[ok], ref[ok], rtol=1e-3, atol=1e-3)


def test_window_columns_win_when_present():
    from subnat.achievement.progress import load

    df = load(DATA / "progress_small.csv").assign(b_window=0.9, t_window=0.8, e_obs=0.85)
    d = M.prepare(df, {"ambition_clip_pct_per_year": 20.0})
    assert np.allclose(d.b, 0.9) and np.allclose(d.t, 0.8) and np.allclose(d.r, 0.5)
    # b <= t: the gap is 0, so f cannot move the expected level
    df2 = df.assign(b_window=0.7)
    assert np.all(M.prepare(df2, {"ambition_clip_pct_per_year": 20.0}).gap == 0)


def test_soft_level_is_a_smooth_floor():
    x = np.array([-1.0, 0.0, 0.05, 0.5, 1.2])
    s = M.soft_level(x)
    assert np.all(s > 0)
    np.testing.assert_allclose(s[3:], x[3:], rtol=1e-6)
    assert s[0] < 1e-10


def _toy_data(n: int, seed: int, mu: float, tau: float, sigma: float) -> M.ModelData:
    rng = np.random.default_rng(seed)
    type_idx = np.arange(n) % 3
    b = rng.uniform(0.85, 1.05, n)
    t = b - rng.uniform(0.1, 0.4, n)
    f = mu + tau * rng.standard_normal(n)
    e = M.soft_level(b - f * (b - t)) * np.exp(sigma * rng.standard_normal(n))
    return M.ModelData(obs_id=np.arange(n).astype(str), actor_id=np.arange(n).astype(str),
                       type_idx=type_idx, src_idx=type_idx.copy(), x=np.zeros(n),
                       covid=np.zeros(n), no_national=np.zeros(n), b=b, t=t, e=e,
                       sources=["s0", "s1", "s2"], amb_center=0.0, amb_scale=1.0)


def test_pointwise_loglik_integrates_the_latent_out():
    """The Gauss-Hermite likelihood equals a Monte Carlo average over the latent z."""
    d = _toy_data(30, 1, 0.6, 0.5, 0.1)
    post = {"mu": np.array([0.6, 0.4]), "tau": np.array([0.5, 0.3]),
            "sigma_obs": np.array([0.1, 0.2])}
    gh = M.pointwise_loglik(post, d)
    z = np.random.default_rng(0).standard_normal(200_000)
    for s in range(2):
        for i in (0, 7, 19):
            m = M.soft_level(d.b[i] - (post["mu"][s] + post["tau"][s] * z) * d.gap[i])
            sig = post["sigma_obs"][s]
            dens = np.exp(-0.5 * ((np.log(d.e[i]) - np.log(m)) / sig) ** 2) / (
                sig * np.sqrt(2 * np.pi) * d.e[i])
            assert gh[s, i] == pytest.approx(np.log(dens.mean()), abs=0.01)


def test_coverage_computation():
    rng = np.random.default_rng(0)
    rows = F.coverage(rng.uniform(0, 1, (2000, 4000)), rng.uniform(0, 1, 2000), [0.5, 0.9])
    assert rows[0]["coverage"] == pytest.approx(0.5, abs=0.04)
    assert rows[1]["coverage"] == pytest.approx(0.9, abs=0.03)


def test_gates_fail_with_message():
    settings_ = F.resolve_settings({})
    g = lambda k: M.setting(settings_, k)  # noqa: E731
    diag = pd.DataFrame({"parameter": ["a", "b"], "r_hat": [1.0, 1.05],
                         "ess_bulk": [1000, 50], "ess_tail": [900, 800]})
    fails = F.gate_failures(diag, 3, g)
    assert len(fails) == 3 and "R-hat 1.050 of b" in fails[0] and "ESS 50 of b" in fails[1]
    ok = pd.DataFrame({"parameter": ["a"], "r_hat": [1.001], "ess_bulk": [900], "ess_tail": [800]})
    assert F.gate_failures(ok, 0, g) == []


def test_holdout_split_seeded():
    a, b = F.holdout_split(100, 0.2, 5), F.holdout_split(100, 0.2, 5)
    assert a.sum() == 20 and np.array_equal(a, b)


def test_actor_folds_keep_actors_whole_and_cover_every_row():
    actor = np.array(["a", "a", "b", "c", "c", "c", "d", "e", "f", "g"])
    fold = F.actor_folds(actor, 3, 1)
    for a in set(actor):
        assert len(set(fold[actor == a])) == 1
    assert set(fold) == {0, 1, 2}
    np.testing.assert_array_equal(fold, F.actor_folds(actor, 3, 1))
    d = _toy_data(12, 0, 0.5, 0.3, 0.1)
    checks = F.folds(d, F.resolve_settings({}), 3)
    assert set(checks) == {"random", "leave_one_source_out", "actor_kfold"}
    assert np.all(sum(m.astype(int) for m in checks["leave_one_source_out"]) == 1)
    assert np.all(sum(m.astype(int) for m in checks["actor_kfold"]) == 1)


def _fast_settings() -> dict:
    return F.resolve_settings(yaml.safe_load((DATA / "achievement_fast.yaml").read_text())
                              ["achievement"])


@pytest.mark.slow
def test_parameter_recovery_on_simulated_data():
    """Simulate 600 observations from known mu, tau and sigma (no type or source effects), fit
    the full model: the truth lies inside the 99 % posterior interval of each of the 9 quantities
    (quantiles of the truth printed; measured 0.09 to 0.90 with this seed). The gate is the 99 %
    interval, not the 90 % one, so the test is far from its edge: a wrong sign or a lost term puts
    the truth at quantile 0 or 1, while a 90 % gate on 9 quantities fails for a correct model in
    about 60 % of seeds. OPEN: with seed 13 two type means sat at quantiles 0.98 and 0.06, so the type
    means may be somewhat overconfident; simulation-based calibration over many seeds should settle it."""
    from subnat.achievement import posterior as P

    mu, tau, sigma = 0.6, 0.4, 0.08
    d = _toy_data(600, 8, mu, tau, sigma)
    s = _fast_settings()
    idata = M.Sampler(M.build(d, s), s).sample(5)
    post = P.flat_draws(idata, list(M.PARAMS))
    per_type = post["mu"][:, None] + post["a_type"] + post["a_source"]
    checks = {f"mean f type {k}": (per_type[:, k], mu) for k in range(3)}
    checks |= {f"tau {k}": (post["tau"][:, k], tau) for k in range(3)}
    checks |= {f"sigma {k}": (post["sigma_obs"][:, k], sigma) for k in range(3)}
    q = {k: float((v < truth).mean()) for k, (v, truth) in checks.items()}
    print(q)
    assert all(0.005 < v < 0.995 for v in q.values()), q


def toy_progress(path: Path, n: int = 120, seed: int = 3) -> Path:
    """A progress.csv in the windowed format simulated from the level model itself (known
    f ~ N(0.5, 0.4), 8 % log error; a fifth of the rows with b <= t), so the small pipeline fit
    samples a well-specified model."""
    d = _toy_data(n, seed, 0.5, 0.4, 0.08)
    t = np.where(np.arange(n) % 5 == 0, d.b + 0.02, d.t)
    e = np.where(np.arange(n) % 5 == 0, d.b * np.exp(0.08 * np.random.default_rng(seed).standard_normal(n)), d.e)
    pd.DataFrame({
        "observation_id": [f"toy:{i}" for i in range(n)], "actor_id": [f"a{i // 2}" for i in range(n)],
        "actor_type": [M.TYPES[k] for k in d.type_idx], "source": [f"toy_{M.TYPES[k]}" for k in d.type_idx],
        "target_type": "absolute", "target_value": 0.4, "base_year": 2010, "target_year": 2030,
        "covid_year": False, "flags": "", "status": "reporting",
        "b_window": d.b, "t_window": t, "e_obs": e}).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_small_fit_end_to_end(tmp_path):
    """A real fit on a small simulated table with the fast override: outputs and their structure."""
    settings_ = yaml.safe_load((DATA / "achievement_fast.yaml").read_text())["achievement"]
    out = {k: str(tmp_path / v) for k, v in {
        "posterior": "posterior.nc", "diagnostics": "diagnostics.csv", "holdout": "holdout.csv",
        "loo": "loo.csv", "summary": "summary.csv", "figures": "figures"}.items()}
    agg = Path(F.__file__).resolve().parents[1] / "data" / "progress" / "aggregates.csv"
    committed = DATA / "progress_level_small.csv"  # the table the e2e workflow test fits
    pd.testing.assert_frame_equal(pd.read_csv(toy_progress(tmp_path / "progress.csv")),
                                  pd.read_csv(committed))
    report = F.fit_achievement({"progress": str(committed), "aggregates": str(agg)}, out,
                               settings_)
    diag = pd.read_csv(out["diagnostics"])
    assert list(diag.columns) == ["parameter", "r_hat", "ess_bulk", "ess_tail", "divergences"]
    assert diag["r_hat"].max() < settings_["gate_r_hat_max"]["value"]
    assert report["divergences"] == int(diag["divergences"].iloc[0])
    hold = pd.read_csv(out["holdout"])
    assert list(hold.columns) == F.HOLDOUT_COLUMNS
    assert set(hold["check"]) == {"random", "leave_one_source_out", "actor_kfold"}
    assert set(hold["interval"]) == {0.5, 0.9} and "all" in set(hold["group"])
    kfold = hold[(hold["check"] == "actor_kfold") & (hold["group"] == "all")]
    assert (kfold["n"] == report["n_obs"]).all()  # every observation held out once
    assert set(pd.read_csv(out["loo"])["model"]) == {"level_grouped", "level_pooled"}
    for fig in ("prior_predictive.png", "posterior_predictive.png", "holdout_coverage.png"):
        assert (tmp_path / "figures" / fig).stat().st_size > 1000
    c = commitments().assign(source="toy_city")
    f = draw_fractions(out["posterior"], c, 50, seed=1)
    assert f.shape == (5, 50) and np.all((f >= 0) & (f <= 1))
