"""Actor-level reference projections by exponential smoothing (method §3 alternative).

statsmodels' ETSModel (additive error, additive damped trend) is fitted to the log of each
actor's own inventory history; its forecast is the actor's reference and its prediction interval
gives the baseline noise of method §9. Actors with too short a history keep the growth index.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


@dataclass
class EtsReference:
    """Reference path over the projection years and the log-scale sd of its forecast error."""

    path: np.ndarray  # (T,) Mt CO2e/yr
    log_sd: float  # sd of log emissions at the last projection year (0 = no noise)


def ets_reference(history: pd.Series, years: np.ndarray, damped: bool, min_years: int) -> EtsReference | None:
    """Fit ETS to one actor's history (year -> Mt) and project it over `years`; None when too short."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    history = history[history > 0].sort_index()
    if len(history) < min_years:
        return None
    span = np.arange(int(history.index.min()), int(history.index.max()) + 1)
    filled = np.interp(span, history.index.to_numpy(float), np.log(history.to_numpy(float)))
    series = pd.Series(filled, index=pd.period_range(str(span[0]), periods=len(span), freq="Y"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(series, error="add", trend="add", damped_trend=damped,
                         initialization_method="estimated")
        fit = model.fit(disp=False, maxiter=200)
        horizon = max(0, int(years[-1]) - int(span[-1]))
        if horizon:
            prediction = fit.get_prediction(start=len(series), end=len(series) + horizon - 1)
            frame = prediction.summary_frame(alpha=0.1)
            forecast = frame["mean"].to_numpy()
            sd = (frame["pi_upper"].to_numpy() - frame["pi_lower"].to_numpy()) / (2 * 1.6448536269514722)
        else:
            forecast, sd = np.zeros(0), np.zeros(1)
    log_path = np.concatenate([filled, forecast])
    all_years = np.arange(span[0], span[-1] + horizon + 1)
    path = np.exp(np.interp(years, all_years, log_path))
    return EtsReference(path=path, log_sd=float(sd[-1]) if len(sd) else 0.0)
