"""Every ArviZ call of subnat lives here (style.md item 11), so an ArviZ upgrade touches one file.

Tables are built from explicit quantities (r_hat, bulk/tail ESS, elpd and its standard error),
never from ``az.summary`` column names such as ``hdi_3%``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr


def _az():
    import arviz as az

    return az


def write_posterior(idata: Any, path: str | Path, attrs: dict[str, Any]) -> None:
    """Store InferenceData as netCDF with JSON-encoded attributes on the posterior group."""
    enc = {k: json.dumps(v) if isinstance(v, list | dict | bool) or v is None else v
           for k, v in attrs.items()}
    idata.posterior.attrs.update(enc)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    idata.to_netcdf(str(path))


def keep_variables(idata: Any, names: list[str]) -> Any:
    """InferenceData with only the named posterior variables (the per-observation latents would
    make posterior.nc grow with the data and are not needed for predictions)."""
    keep = [n for n in names if n in idata.posterior]
    out = idata.copy()
    out.posterior = idata.posterior[keep]
    return out


def read_posterior(path: str | Path, names: list[str]) -> tuple[dict[str, np.ndarray], dict]:
    """(draws with chain and draw stacked, by variable; posterior attrs decoded)."""
    idata = _az().from_netcdf(str(path))
    post = idata.posterior
    out = {}
    for n in names:
        if n in post:
            v = post[n].values
            out[n] = v.reshape((-1, *v.shape[2:]))
    attrs = {}
    for k, v in post.attrs.items():
        try:
            attrs[k] = json.loads(v) if isinstance(v, str) else v
        except json.JSONDecodeError:
            attrs[k] = v
    return out, attrs


def flat_draws(idata: Any, names: list[str]) -> dict[str, np.ndarray]:
    """Posterior draws (samples, ...) of the named variables present in ``idata``."""
    post = idata.posterior
    return {n: post[n].values.reshape((-1, *post[n].shape[2:])) for n in names if n in post}


def n_chains_draws(idata: Any) -> tuple[int, int]:
    """(chains, draws) of the posterior group."""
    return int(idata.posterior.sizes["chain"]), int(idata.posterior.sizes["draw"])


def add_log_likelihood(idata: Any, ll: np.ndarray, dim: str, coords: list[str]) -> None:
    """Attach pointwise log-likelihood (samples, n) as variable ``y`` (dim ``dim``) for PSIS-LOO."""
    c, d = n_chains_draws(idata)
    ds = xr.Dataset({"y": (("chain", "draw", dim), ll.reshape(c, d, -1))},
                    coords={"chain": idata.posterior.chain.values,
                            "draw": idata.posterior.draw.values, dim: coords})
    if "log_likelihood" in idata.groups():
        del idata.log_likelihood
    idata.add_groups({"log_likelihood": ds})


def divergences(idata: Any) -> int:
    """Number of divergent transitions after tuning."""
    ss = getattr(idata, "sample_stats", None)
    if ss is None:
        return 0
    for name in ("diverging", "divergent"):
        if name in ss:
            return int(np.asarray(ss[name]).sum())
    return 0


def diagnostics(idata: Any, var_names: list[str]) -> pd.DataFrame:
    """One row per scalar parameter element: parameter, r_hat, ess_bulk, ess_tail."""
    az = _az()
    names = [v for v in var_names if v in idata.posterior]
    rhat = az.rhat(idata, var_names=names)
    bulk = az.ess(idata, var_names=names, method="bulk")
    tail = az.ess(idata, var_names=names, method="tail")
    rows = []
    for n in names:
        da = rhat[n]
        dims = [d for d in da.dims]
        if not dims:
            rows.append((n, float(da), float(bulk[n]), float(tail[n])))
            continue
        stacked = da.stack(_i=dims)
        for j in range(stacked.sizes["_i"]):
            sel = {d: stacked[d].values[j] for d in dims}
            label = ",".join(str(v) for v in sel.values())
            rows.append((f"{n}[{label}]", float(da.sel(sel)), float(bulk[n].sel(sel)),
                         float(tail[n].sel(sel))))
    return pd.DataFrame(rows, columns=["parameter", "r_hat", "ess_bulk", "ess_tail"])


def loo(idata: Any) -> dict[str, Any]:
    """PSIS-LOO: elpd, its standard error, p_loo, pointwise elpd and Pareto k."""
    res = _az().loo(idata, pointwise=True)
    return {"elpd": float(res["elpd_loo"]), "se": float(res["se"]), "p_loo": float(res["p_loo"]),
            "pointwise": np.asarray(res["loo_i"]), "pareto_k": np.asarray(res["pareto_k"])}


def loo_table(models: dict[str, Any]) -> pd.DataFrame:
    """LOO comparison: elpd, se, p_loo, difference to the best model and its se (paired)."""
    res = {k: loo(v) for k, v in models.items()}
    best = max(res, key=lambda k: res[k]["elpd"])
    rows = []
    for k, r in res.items():
        diff = r["pointwise"] - res[best]["pointwise"]
        rows.append({"model": k, "elpd_loo": r["elpd"], "se": r["se"], "p_loo": r["p_loo"],
                     "elpd_diff": float(diff.sum()),
                     "se_diff": float(np.sqrt(len(diff) * np.var(diff))),
                     "n_obs": len(diff), "pareto_k_gt_0_7": int((r["pareto_k"] > 0.7).sum())})
    return pd.DataFrame(rows).sort_values("elpd_loo", ascending=False).reset_index(drop=True)


def central_interval(draws: np.ndarray, prob: float, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval with explicit quantiles ((1-prob)/2, (1+prob)/2)."""
    lo, hi = (1 - prob) / 2, (1 + prob) / 2
    return np.quantile(draws, lo, axis=axis), np.quantile(draws, hi, axis=axis)
