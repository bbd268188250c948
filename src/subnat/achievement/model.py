"""The achievement model of method.md §9.1, in PyMC, plus its numpy twin for prediction.

Hurdle structure over the baseline-adjusted ratio ``r`` of an observation:

- an ordered logit over {none (r <= 0), partial (0 < r < 1), full (r >= 1)} with linear
  predictor ``eta = a_type[type] + a_source[source] + b_ambition * x + b_covid * covid
  + b_no_national * no_national`` and cut-points ``c0 < c1 = c0 + gap[type]``:
  ``P(none) = 1 - s(eta - c0)``, ``P(full) = s(eta - c1)``, ``s`` the logistic function;
- a Beta(mean ``m``, concentration ``phi``) for ``r`` among partial outcomes with
  ``logit m = m0 + lam * eta`` (better actors also deliver more when partial);
- partial pooling by actor type (zero-sum, non-centred, fixed pooling scale
  ``prior_sigma_type``: three types cannot inform a between-type SD) and by data source
  (non-centred with a fitted SD, new sources drawn from ``N(0, sigma_source)``);
- the published outcome counts (aggregates.csv) as a multinomial layer, each study its own
  source level (its base-year-relative definition of success differs from ``r``); a study that
  reports "stopped reporting" informs the stopped share ``pi_stop``.

The delivered fraction of a commitment is ``f = 0`` (none), ``f ~ Beta`` (partial) or ``f = 1``
(full). For actor types in ``stopped_applies_to`` a share ``pi_stop`` of actors stop reporting;
their ``eta`` is shifted by the configured ``stopped_shift`` (not identifiable from data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

TYPES = ("region", "city", "company")
CATEGORIES = ("none", "partial", "full")
#: Partial outcomes are strictly inside (0, 1); clip them away from the bounds for the Beta.
R_EPS = 1e-3
#: Variables of the full model that carry group-level parameters (used by predict.py).
PARAMS = ("cut0", "cut_gap", "z_type", "sigma_source", "z_source", "b_ambition",
          "b_covid", "b_no_national", "m0", "lam", "phi", "pi_stop", "a_type", "a_source")


def setting(settings: dict[str, Any], key: str) -> Any:
    """Value of a config key: ``{value, source, rationale}`` objects unwrap to their value."""
    v = settings[key]
    return v["value"] if isinstance(v, dict) and "value" in v else v


def categorize(r: np.ndarray) -> np.ndarray:
    """0 = none (r <= 0), 1 = partial, 2 = full (r >= 1)."""
    r = np.asarray(r, dtype=float)
    return np.where(r <= 0, 0, np.where(r >= 1, 2, 1)).astype(int)


def ambition(value: np.ndarray, base_year: np.ndarray, target_year: np.ndarray,
             clip: float) -> np.ndarray:
    """Required reduction in % of base-year emissions per year, clipped to [0, clip]; NaN unknown."""
    value = np.asarray(value, float)
    span = np.asarray(target_year, float) - np.asarray(base_year, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(span > 0, 100 * value / span, np.nan)
    return np.clip(a, 0, clip)


@dataclass
class ModelData:
    """Arrays the PyMC model and the numpy predictions share."""

    obs_id: np.ndarray
    type_idx: np.ndarray
    src_idx: np.ndarray
    x: np.ndarray
    covid: np.ndarray
    no_national: np.ndarray
    r: np.ndarray
    cat: np.ndarray
    sources: list[str]
    amb_center: float
    amb_scale: float
    agg: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def partial(self) -> np.ndarray:
        return np.flatnonzero(self.cat == 1)


def prepare(progress: pd.DataFrame, aggregates: pd.DataFrame | None, settings: dict[str, Any],
            sources: list[str] | None = None, amb: tuple[float, float] | None = None) -> ModelData:
    """Model arrays from a progress table (reporting rows with finite r) and the aggregates."""
    df = progress[(progress["status"] == "reporting") & np.isfinite(progress["r"].astype(float))]
    agg = pd.DataFrame() if aggregates is None else aggregates.copy()
    if len(agg):
        agg = agg[agg["use_in_model"].astype(str).str.lower().isin(["true", "1"])]
    if sources is None:
        sources = sorted(set(df["source"]) | set(agg.get("source", [])))
    clip = float(setting(settings, "ambition_clip_pct_per_year"))
    a = ambition(df["target_value"], df["base_year"], df["target_year"], clip)
    if amb is None:
        ok = np.isfinite(a)
        amb = (float(np.mean(a[ok])), float(np.std(a[ok]) or 1.0)) if ok.any() else (0.0, 1.0)
    x = np.nan_to_num((a - amb[0]) / amb[1], nan=0.0)
    flags = df["flags"].fillna("").astype(str) if "flags" in df else pd.Series("", index=df.index)
    if len(agg):
        agg = agg.assign(type_idx=[TYPES.index(t) for t in agg["actor_type"]],
                         src_idx=[sources.index(s) for s in agg["source"]],
                         covid=agg["covid_year"].astype(str).str.lower().isin(["true", "1"]))
    return ModelData(
        obs_id=df["observation_id"].astype(str).to_numpy() if "observation_id" in df
        else np.arange(len(df)).astype(str),
        type_idx=np.array([TYPES.index(t) for t in df["actor_type"]], dtype=int),
        src_idx=np.array([sources.index(s) for s in df["source"]], dtype=int),
        x=x.astype(float),
        covid=df["covid_year"].astype(bool).to_numpy().astype(float),
        no_national=flags.str.contains("no_national_history").to_numpy().astype(float),
        r=df["r"].astype(float).to_numpy(),
        cat=categorize(df["r"].to_numpy()),
        sources=list(sources), amb_center=amb[0], amb_scale=amb[1], agg=agg,
    )


def _count(row: pd.Series, key: str) -> float:
    v = row.get(key)
    return 0.0 if v is None or pd.isna(v) else float(v)


def build(d: ModelData, settings: dict[str, Any], pooled: bool = False):
    """The PyMC model; ``pooled`` is the simpler comparison model (no groups, covariates, studies)."""
    import pymc as pm
    import pytensor.tensor as pt

    g = lambda k: setting(settings, k)  # noqa: E731
    coords = {"actor_type": list(TYPES), "source": d.sources, "obs": list(d.obs_id),
              "partial_obs": list(d.obs_id[d.partial]), "category": list(CATEGORIES)}
    with pm.Model(coords=coords) as model:
        cut0 = pm.Normal("cut0", 0.0, g("prior_cutpoint_sd"))
        # The width of the partial band differs by actor type (the posterior predictive check
        # of a shared width missed the cities' many partial outcomes); pooled model: one width.
        gap = pm.HalfNormal("cut_gap", g("prior_cutpoint_gap_sd"),
                            dims=None if pooled else "actor_type")
        cut1 = cut0 + (gap if pooled else gap[d.type_idx])
        m0 = pm.Normal("m0", 0.0, g("prior_beta_intercept_sd"))
        conc = g("prior_beta_concentration")
        phi = pm.Gamma("phi", alpha=conc["shape"], beta=conc["rate"])
        if pooled:
            eta = pt.zeros(len(d.cat))
            lam = 0.0
        else:
            # Three actor types cannot inform a between-type SD (the hierarchical version
            # diverged): type effects pool toward the common cut-points with the fixed scale
            # prior_sigma_type; sources (6+ levels, and new ones in predictions) get a fitted SD.
            sig_t = float(g("prior_sigma_type"))
            z_t = pm.ZeroSumNormal("z_type", sigma=1.0, dims="actor_type")
            sig_s = pm.HalfNormal("sigma_source", g("prior_sigma_source"))
            a_t = pm.Deterministic("a_type", sig_t * z_t, dims="actor_type")
            if g("source_parameterization") == "centred":
                # Every source holds 20 to 4,341 observations: data-rich groups sample better
                # centred (a non-centred version had divergences and long trajectories).
                a_s = pm.Normal("a_source", 0.0, sig_s, dims="source")
            else:
                z_s = pm.Normal("z_source", 0.0, 1.0, dims="source")
                a_s = pm.Deterministic("a_source", sig_s * z_s, dims="source")
            sd = g("prior_coef_sd")
            b_amb = pm.Normal("b_ambition", 0.0, sd)
            b_cov = pm.Normal("b_covid", 0.0, sd)
            b_nn = pm.Normal("b_no_national", 0.0, sd)
            lam = pm.Normal("lam", 0.0, g("prior_beta_loading_sd"))
            eta = (a_t[d.type_idx] + a_s[d.src_idx] + b_amb * d.x + b_cov * d.covid
                   + b_nn * d.no_national)
        s0 = pm.math.sigmoid(eta - cut0)
        s1 = pm.math.sigmoid(eta - cut1)
        p = pt.stack([1 - s0, s0 - s1, s1], axis=1)
        pm.Categorical("y", p=pt.clip(p, 1e-12, 1.0), observed=d.cat, dims="obs")
        part = d.partial
        mu = pm.math.sigmoid(m0 + lam * eta[part])
        pm.Beta("r_partial", mu=mu, nu=phi, observed=np.clip(d.r[part], R_EPS, 1 - R_EPS),
                dims="partial_obs")
        if not pooled and len(d.agg):
            stop = g("prior_stopped_share")
            pi = pm.Beta("pi_stop", alpha=stop["alpha"], beta=stop["beta"])
            ll = 0.0
            for _, row in d.agg.iterrows():
                e = a_t[row["type_idx"]] + a_s[row["src_idx"]] + b_cov * float(row["covid"])
                q0 = pm.math.sigmoid(e - cut0)
                q1 = pm.math.sigmoid(e - cut0 - gap[row["type_idx"]])
                rep = 1.0 if _count(row, "n_stopped") == 0 else (1 - pi)
                terms = {"n_full": rep * q1, "n_partial": rep * (q0 - q1),
                         "n_none": rep * (1 - q0), "n_not_full": rep * (1 - q1), "n_stopped": pi}
                for k, prob in terms.items():
                    n = _count(row, k)
                    if n > 0:
                        ll = ll + n * pt.log(pt.clip(prob, 1e-12, 1.0))
            pm.Potential("aggregates", ll)
        elif not pooled:
            stop = g("prior_stopped_share")
            pm.Beta("pi_stop", alpha=stop["alpha"], beta=stop["beta"])
    return model


def sample(model, settings: dict[str, Any], seed: int):
    """Posterior draws: nutpie when installed and enabled, else PyMC's NUTS."""
    import pymc as pm

    g = lambda k: setting(settings, k)  # noqa: E731
    kw = dict(draws=int(g("draws")), tune=int(g("tune")), chains=int(g("chains")))
    if g("use_nutpie"):
        try:
            import nutpie
        except ImportError:
            nutpie = None
        if nutpie is not None:
            import pytensor

            # PyTensor's numba file cache gives other numbers than a fresh compile (measured: the
            # first fit on a machine and every later one differed, same seed), so a fit would
            # depend on what the machine ran before. Compiling fresh makes it reproducible anywhere.
            with pytensor.config.change_flags(numba__cache=False):
                compiled = nutpie.compile_pymc_model(model)
                return nutpie.sample(compiled, **kw, cores=min(kw["chains"], 2), seed=seed,
                                     target_accept=float(g("target_accept")), progress_bar=False,
                                     save_warmup=False)
    with model:
        return pm.sample(**kw, cores=min(kw["chains"], 2), random_seed=seed,
                         target_accept=float(g("target_accept")), progressbar=False,
                         compute_convergence_checks=False)


def eta_obs(post: dict[str, np.ndarray], d: ModelData, pooled: bool = False) -> np.ndarray:
    """Linear predictor (samples, n_obs) of the observations in ``d``."""
    n = len(d.cat)
    if pooled:
        return np.zeros((len(post["cut0"]), n))
    a_t, a_s = post["a_type"], post["a_source"]
    return (a_t[:, d.type_idx] + a_s[:, d.src_idx] + post["b_ambition"][:, None] * d.x
            + post["b_covid"][:, None] * d.covid + post["b_no_national"][:, None] * d.no_national)


def gap_of(cut_gap: np.ndarray, type_idx: np.ndarray) -> np.ndarray:
    """Cut-point gap (samples, n) of each row: by actor type, or one gap (pooled model)."""
    return cut_gap[:, type_idx] if cut_gap.ndim == 2 else np.repeat(
        cut_gap[:, None], len(type_idx), axis=1)


def category_probs(eta: np.ndarray, cut0: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """P(none), P(partial), P(full) on a new last axis; eta and gap (samples, n), cut0 (samples,)."""
    c0 = cut0[:, None]
    c1 = c0 + gap
    s0 = 1 / (1 + np.exp(-(eta - c0)))
    s1 = 1 / (1 + np.exp(-(eta - c1)))
    return np.stack([1 - s0, s0 - s1, s1], axis=-1)


def pointwise_loglik(post: dict[str, np.ndarray], d: ModelData, pooled: bool = False) -> np.ndarray:
    """Log-likelihood (samples, n_obs) of each individual observation (for PSIS-LOO)."""
    from scipy.special import betaln

    eta = eta_obs(post, d, pooled)
    p = np.clip(category_probs(eta, post["cut0"], gap_of(post["cut_gap"], d.type_idx)), 1e-300, 1)
    ll = np.log(np.take_along_axis(p, np.broadcast_to(d.cat[None, :, None], (*eta.shape, 1)),
                                   axis=-1)[..., 0])
    part = d.partial
    if len(part):
        lam = 0.0 if pooled else post["lam"][:, None]
        m = 1 / (1 + np.exp(-(post["m0"][:, None] + lam * eta[:, part])))
        phi = post["phi"][:, None]
        y = np.clip(d.r[part], R_EPS, 1 - R_EPS)
        a, b = m * phi, (1 - m) * phi
        ll[:, part] += (a - 1) * np.log(y) + (b - 1) * np.log1p(-y) - betaln(a, b)
    return ll
