"""The achievement model of method.md §9.1 on the observed emission level, plus its numpy twin.

Each progress observation i (levels relative to base-year emissions E(BY) = 1) has a
counterfactual ``b_i`` (national trend from the window start), a pledged level ``t_i`` on the
linear path, and an observed level ``e_i``. A latent delivered fraction

    f_i = mu + a_type[type] + a_source[source] + b_ambition * x_i + b_covid * covid_i
          + b_no_national * no_national_i + tau[type] * z_i,        z_i ~ N(0, 1)

moves the expected level from the counterfactual toward the pledge, and the observation carries a
multiplicative error by data source:

    log e_i ~ Normal(log m_i, sigma_obs[source]),   m_i = soft_max(eps, b_i - f_i * max(b_i - t_i, 0)).

Why this and not the ratio ``r = (b - e) / (b - t)``: where ``b - t`` is small the ratio explodes
(values such as -57 or +73 in the data) and a hurdle model on it had to clip them to "none" or
"full". On the level an observation with a small gap informs ``f`` only as much as its error
allows. Negative delivery and f > 1 are allowed here; what the engine receives is a separate,
switchable assumption (predict.py). Where ``b <= t`` the national trend alone meets the pledge:
the gap is 0, so the observation informs only the error scale, never ``f``.

Pooling: actor types are zero-sum with a fixed scale (three types cannot inform a between-type
SD), sources non-centred with a fitted SD (an unseen source draws ``N(0, sigma_source)``). The
latent ``z_i`` are non-centred. Observation weights ``w`` (pm.Data, 1 = fitted, 0 = held out) let
every held-out refit reuse one compiled model: a held-out row's ``z_i`` and a held-out source's
level and error scale are then drawn from their priors, which is what "new" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

TYPES = ("region", "city", "company")
#: Floor (in units of base-year emissions) of the expected level: keeps log m finite and smooth.
LEVEL_EPS = 0.02
#: Group-level parameters the predictions need (predict.py); ``tau``/``sigma_obs`` are scalars in
#: the pooled comparison variant and by type/source in the full model.
PARAMS = ("mu", "a_type", "a_source", "sigma_source", "b_ambition", "b_covid", "b_no_national",
          "tau", "sigma_obs")
#: Gauss-Hermite nodes of the pointwise likelihood with z integrated out (for PSIS-LOO).
GH_NODES = 24


def setting(settings: dict[str, Any], key: str) -> Any:
    """Value of a config key: ``{value, source, rationale}`` objects unwrap to their value."""
    v = settings[key]
    return v["value"] if isinstance(v, dict) and "value" in v else v


def ambition(value: np.ndarray, base_year: np.ndarray, target_year: np.ndarray,
             clip: float) -> np.ndarray:
    """Required reduction in % of base-year emissions per year, clipped to [0, clip]; NaN unknown."""
    value = np.asarray(value, float)
    span = np.asarray(target_year, float) - np.asarray(base_year, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(span > 0, 100 * value / span, np.nan)
    return np.clip(a, 0, clip)


def soft_level(raw: np.ndarray, eps: float = LEVEL_EPS) -> np.ndarray:
    """Smooth max(raw, 0) with scale eps (softplus), so log m stays finite for any f (numpy)."""
    return eps * np.logaddexp(0.0, np.asarray(raw, float) / eps)


def log_soft_level(raw: np.ndarray, eps: float = LEVEL_EPS) -> np.ndarray:
    """log of soft_level without underflow: for raw << 0 it is log(eps) + raw / eps."""
    u = np.asarray(raw, float) / eps
    with np.errstate(over="ignore"):
        inner = np.log(np.logaddexp(0.0, np.minimum(u, 700.0)))
    return np.log(eps) + np.where(u < -30, u, inner)


@dataclass
class ModelData:
    """Arrays the PyMC model and the numpy predictions share (one entry per observation)."""

    obs_id: np.ndarray
    actor_id: np.ndarray
    type_idx: np.ndarray
    src_idx: np.ndarray
    x: np.ndarray
    covid: np.ndarray
    no_national: np.ndarray
    b: np.ndarray
    t: np.ndarray
    e: np.ndarray
    sources: list[str]
    amb_center: float
    amb_scale: float

    @property
    def gap(self) -> np.ndarray:
        """b - t where positive: the reduction beyond the counterfactual a full delivery makes."""
        return np.maximum(self.b - self.t, 0.0)

    @property
    def r(self) -> np.ndarray:
        """The ratio (b - e) / (b - t), NaN where b <= t (reported beside the model, not fitted)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.b > self.t, (self.b - self.e) / (self.b - self.t), np.nan)

    def __len__(self) -> int:
        return len(self.e)


def levels(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(b, t, e) of each row relative to E(BY) = 1: the window columns of the rebuilt progress
    table when present, else derived from the base-year columns (window = base year to observed)."""
    num = lambda c: pd.to_numeric(df[c], errors="coerce").to_numpy(float)  # noqa: E731
    if {"b_window", "t_window", "e_obs"} <= set(df.columns):
        return num("b_window"), num("t_window"), num("e_obs")
    v = num("target_value")
    return num("national_growth"), 1 - num("expected_fraction") * v, 1 - num("achieved_fraction") * v


def usable(df: pd.DataFrame) -> pd.DataFrame:
    """Reporting rows with finite, positive levels (and ``use_in_model`` when the table has it)."""
    b, t, e = levels(df)
    ok = (df["status"].astype(str) == "reporting").to_numpy() & np.isfinite(b) & np.isfinite(t) \
        & np.isfinite(e) & (e > 0) & (b > 0)
    if "use_in_model" in df:
        ok &= df["use_in_model"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    return df[ok]


def prepare(progress: pd.DataFrame, settings: dict[str, Any], sources: list[str] | None = None,
            amb: tuple[float, float] | None = None) -> ModelData:
    """Model arrays from a progress table (its usable rows)."""
    df = usable(progress)
    if sources is None:
        sources = sorted(set(df["source"]))
    clip = float(setting(settings, "ambition_clip_pct_per_year"))
    a = ambition(df["target_value"], df["base_year"], df["target_year"], clip)
    if amb is None:
        ok = np.isfinite(a)
        amb = (float(np.mean(a[ok])), float(np.std(a[ok]) or 1.0)) if ok.any() else (0.0, 1.0)
    x = np.nan_to_num((a - amb[0]) / amb[1], nan=0.0)
    flags = df["flags"].fillna("").astype(str) if "flags" in df else pd.Series("", index=df.index)
    covid = df["covid_year"] if "covid_year" in df else pd.Series(False, index=df.index)
    b, t, e = levels(df)
    n = len(df)
    return ModelData(
        obs_id=df["observation_id"].astype(str).to_numpy() if "observation_id" in df
        else np.arange(n).astype(str),
        actor_id=df["actor_id"].astype(str).to_numpy() if "actor_id" in df
        else np.arange(n).astype(str),
        type_idx=np.array([TYPES.index(t_) for t_ in df["actor_type"]], dtype=int),
        src_idx=np.array([sources.index(s) for s in df["source"]], dtype=int),
        x=x.astype(float), covid=covid.astype(bool).to_numpy().astype(float),
        no_national=flags.str.contains("no_national_history").to_numpy().astype(float),
        b=b, t=t, e=e, sources=list(sources), amb_center=amb[0], amb_scale=amb[1],
    )


def build(d: ModelData, settings: dict[str, Any], weights: np.ndarray | None = None):
    """The PyMC model, with data switches so one compiled model serves every fit of a rule run:
    ``w`` (1 = fitted, 0 = held out), ``grouped`` (1 = full model, 0 = the pooled comparison
    variant: no type/source effects or covariates) and ``tau_idx``/``sig_idx`` (the latent-SD and
    error-scale group of each row: type and source, or all 0 when pooled)."""
    import pymc as pm
    import pytensor.tensor as pt

    g = lambda k: setting(settings, k)  # noqa: E731
    coords = {"actor_type": list(TYPES), "source": d.sources, "obs": list(d.obs_id)}
    w0 = np.ones(len(d)) if weights is None else np.asarray(weights, float)
    with pm.Model(coords=coords) as model:
        w = pm.Data("w", w0, dims="obs")
        grouped = pm.Data("grouped", np.float64(1.0))
        tau_idx = pm.Data("tau_idx", d.type_idx.astype("int64"), dims="obs")
        sig_idx = pm.Data("sig_idx", d.src_idx.astype("int64"), dims="obs")
        pm_mu = g("prior_mu")
        mu = pm.Normal("mu", pm_mu["mean"], pm_mu["sd"])
        # Three actor types and (today) three sources, one per type, cannot inform a between-group
        # SD: both pool with fixed scales (a fitted source SD made a funnel: ESS 24, R-hat 1.07).
        z_t = pm.ZeroSumNormal("z_type", sigma=1.0, dims="actor_type")
        a_t = pm.Deterministic("a_type", float(g("prior_sigma_type")) * z_t, dims="actor_type")
        sig_s = pm.Deterministic("sigma_source", pt.as_tensor(float(g("prior_sigma_source"))))
        z_s = pm.Normal("z_source", 0.0, 1.0, dims="source")
        a_s = pm.Deterministic("a_source", sig_s * z_s, dims="source")
        sd = g("prior_coef_sd")
        b_amb = pm.Normal("b_ambition", 0.0, sd)
        b_cov = pm.Normal("b_covid", 0.0, sd)
        b_nn = pm.Normal("b_no_national", 0.0, sd)
        tau = pm.HalfNormal("tau", g("prior_tau"), dims="actor_type")
        sig = pm.HalfNormal("sigma_obs", g("prior_sigma_obs"), dims="source")
        mean = mu + grouped * (a_t[d.type_idx] + a_s[d.src_idx] + b_amb * d.x + b_cov * d.covid
                               + b_nn * d.no_national)
        # Mixed parameterisation of the latent f: centred where the observation pins f down (large
        # gap relative to b: the likelihood sd of f is about sigma_obs * b / gap), non-centred where
        # the prior dominates. All non-centred gave a funnel with tau (ESS 37, R-hat 1.06).
        cen = centred_rows(d, g("centred_min_gap"))
        nc = np.flatnonzero(~cen)
        cc = np.flatnonzero(cen)
        f = pt.zeros(len(d))
        if len(nc):
            z = pm.Normal("z", 0.0, 1.0, shape=len(nc))
            f = pt.set_subtensor(f[nc], mean[nc] + tau[tau_idx[nc]] * z)
        if len(cc):
            f_c = pm.Normal("f_centred", mean[cc], tau[tau_idx[cc]], shape=len(cc))
            f = pt.set_subtensor(f[cc], f_c)
        sig_i = sig[sig_idx]
        u = (d.b - f * d.gap) / LEVEL_EPS
        # log of the soft floor, stable where softplus underflows (an -inf there made divergences)
        log_m = np.log(LEVEL_EPS) + pt.switch(u < -30, u, pt.log(pt.softplus(pt.maximum(u, -30))))
        loge = np.log(d.e)
        ll = (-0.5 * ((loge - log_m) / sig_i) ** 2 - pt.log(sig_i) - 0.5 * np.log(2 * np.pi)
              - loge)
        pm.Potential("loglik", pt.sum(w * ll))
    return model


def centred_rows(d: ModelData, min_gap: dict[str, float]) -> np.ndarray:
    """Rows whose latent f is sampled centred: gap / b at least ``min_gap`` of their actor type."""
    limit = np.array([float(min_gap[t]) for t in TYPES])[d.type_idx]
    return d.gap / d.b >= limit


def pooled_data(d: ModelData) -> dict[str, np.ndarray]:
    """Data switches of the pooled comparison variant (see ``build``)."""
    zeros = np.zeros(len(d), dtype="int64")
    return {"grouped": np.float64(0.0), "tau_idx": zeros, "sig_idx": zeros}


def pooled_post(post: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Draws of a pooled-variant fit as that variant's parameters (first tau, first sigma_obs)."""
    return {"mu": post["mu"], "tau": post["tau"][:, 0], "sigma_obs": post["sigma_obs"][:, 0]}


def _nutpie():
    try:
        import nutpie
    except ImportError:
        return None
    return nutpie


class Sampler:
    """One compiled model sampled many times (the held-out refits only change the weights ``w``)."""

    def __init__(self, model, settings: dict[str, Any]):
        self.model = model
        self.settings = settings
        g = lambda k: setting(settings, k)  # noqa: E731
        self.nutpie = _nutpie() if g("use_nutpie") else None
        self.compiled = None
        # the data each fit starts from, so one fit's switches never leak into the next
        self.defaults = {k: model[k].get_value() for k in ("w", "grouped", "tau_idx", "sig_idx")}
        if self.nutpie is not None:
            import pytensor

            # PyTensor's numba file cache gives other numbers than a fresh compile (measured: the
            # first fit on a machine and every later one differed, same seed), so a fit would
            # depend on what the machine ran before. Compiling fresh makes it reproducible anywhere.
            with pytensor.config.change_flags(numba__cache=False):
                self.compiled = self.nutpie.compile_pymc_model(model)

    def sample(self, seed: int, weights: np.ndarray | None = None, draws: int | None = None,
               tune: int | None = None, data: dict[str, np.ndarray] | None = None):
        """InferenceData of one fit; ``weights`` replace ``w``, ``data`` other switches of
        ``build``; ``draws``/``tune`` override the config."""
        import pymc as pm

        g = lambda k: setting(self.settings, k)  # noqa: E731
        kw = dict(draws=int(draws or g("draws")), tune=int(tune or g("tune")),
                  chains=int(g("chains")))
        upd = dict(data or {})
        if weights is not None:
            upd["w"] = np.asarray(weights, float)
        if self.compiled is not None:
            c = self.compiled if not upd else self.compiled.with_data(**upd)
            return self.nutpie.sample(c, **kw, cores=min(kw["chains"], 2), seed=seed,
                                      target_accept=float(g("target_accept")),
                                      progress_bar=False, save_warmup=False)
        with self.model:
            pm.set_data({**self.defaults, **upd})
            return pm.sample(**kw, cores=min(kw["chains"], 2), random_seed=seed,
                             target_accept=float(g("target_accept")), progressbar=False,
                             compute_convergence_checks=False)


def sample(model, settings: dict[str, Any], seed: int):
    """Posterior draws of one fit: nutpie when installed and enabled, else PyMC's NUTS."""
    return Sampler(model, settings).sample(seed)


def _per(v: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """(samples, n) of a parameter that is by group (samples, k) or one scalar (samples,)."""
    v = np.asarray(v)
    return v[:, idx] if v.ndim == 2 else np.repeat(v[:, None], len(idx), axis=1)


def mean_fraction(post: dict[str, np.ndarray], d: ModelData) -> np.ndarray:
    """Mean of the latent f given the group parameters (samples, n_obs): f without tau * z."""
    mu = post["mu"][:, None]
    if "a_type" not in post:  # pooled variant (pooled_post)
        return np.repeat(mu, len(d), axis=1)
    return (mu + post["a_type"][:, d.type_idx] + post["a_source"][:, d.src_idx]
            + post["b_ambition"][:, None] * d.x + post["b_covid"][:, None] * d.covid
            + post["b_no_national"][:, None] * d.no_national)


def simulate_levels(post: dict[str, np.ndarray], d: ModelData, rng: np.random.Generator
                    ) -> np.ndarray:
    """Replicated observed levels (n_obs, samples) for new latent z and new errors: the posterior
    (or prior) predictive of the observations in ``d``."""
    mf = mean_fraction(post, d)
    tau = _per(post["tau"], d.type_idx)
    sig = _per(post["sigma_obs"], d.src_idx)
    f = mf + tau * rng.standard_normal(mf.shape)
    m = soft_level(d.b - f * d.gap)
    return (m * np.exp(sig * rng.standard_normal(mf.shape))).T


def pointwise_loglik(post: dict[str, np.ndarray], d: ModelData) -> np.ndarray:
    """Log-likelihood (samples, n_obs) of each observation with its latent f integrated out
    (adaptive Gauss-Hermite): the unit PSIS-LOO leaves out is the observation, not its own latent.

    The nodes sit where prior x likelihood has its mass: the likelihood pins f near
    f* = (b - e) / gap with width about sigma * e / gap, so the quadrature Gaussian combines that
    with N(mean, tau) (plain nodes on the prior missed sharp observations: p_loo above n)."""
    nodes, wts = np.polynomial.hermite_e.hermegauss(GH_NODES)
    mf = mean_fraction(post, d)
    tau = np.maximum(_per(post["tau"], d.type_idx), 1e-9)
    sig = _per(post["sigma_obs"], d.src_idx)
    loge = np.log(d.e)[None, :]
    gap = d.gap[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        f_star = np.where(gap > 0, (d.b - d.e)[None, :] / gap, 0.0)
        prec_l = np.where(gap > 0, (gap / (sig * d.e[None, :])) ** 2, 0.0)
    prec = 1 / tau**2 + prec_l
    c = (mf / tau**2 + prec_l * f_star) / prec
    s = 1 / np.sqrt(prec)
    acc = np.full(mf.shape, -np.inf)
    for xk, wk in zip(nodes, wts, strict=True):
        f = c + s * xk
        log_m = log_soft_level(d.b - f * d.gap)
        ll = -0.5 * ((loge - log_m) / sig) ** 2 - np.log(sig) - 0.5 * np.log(2 * np.pi) - loge
        log_prior = -0.5 * ((f - mf) / tau) ** 2 - np.log(tau)
        log_q = -0.5 * xk**2 - np.log(s)
        acc = np.logaddexp(acc, ll + log_prior - log_q + np.log(wk / np.sqrt(2 * np.pi))
                           - 0.5 * np.log(2 * np.pi) + 0.5 * np.log(2 * np.pi))
    return acc
