"""Predicted vs observed: the per-actor table (hindcast.csv) and its summaries (hindcast_summary.csv).

The aggregate miss of a set of actors in year t (observed O minus the expected scenario's mean
prediction P = R - D, with R the case's reference and D the expected delivery) splits exactly into

    national trend  = R_obs - R    what the reference would have been with the observed national
                                   series instead of the CPS: R_obs = sum E(MRY) N_obs(t) / N_obs(MRY)
    actor part      = O - R_obs + D  the actors' own departure from the national trend (O - R_obs,
                                   negative when they cut faster than the nation) minus the delivery
                                   the assessment expected of them (-D)

so national trend + actor part = O - P. The same split with D = the full potential gives the miss of
the full-implementation pathway. Sums run over the actors observed in that year only. D here is
R - P: the expected delivery, plus the small mean effect of the lognormal data-error draws.

N_obs is on the actors' inventory basis, the basis R's growth index is formed on
(`NationalSeries.growth`, method §8): with gross inventories and a net nation, observed net minus
the observed land flux (observed.csv scope `national_lulucf`; in the years of the case's history,
national.csv's `history` minus its central `lulucf`). So the national-trend part compares the
observed gross trend with the CPS's gross trend, and the land sink's change stays out of it.

hindcast_summary.csv groups: `region`, `city` (actors with commitments), `region_without_commitments`
(a control: observed, trend and departure from it only) and `national` (observed national emissions
on the national basis, net for the US cases, vs the case's headline CPS: `reference_mt` is the CPS,
`miss_mt` observed minus CPS).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from subnat.aggregate.national import basis_sign
from subnat.case.load import NATIONAL_LAND_SCOPE, Case
from subnat.hindcast.predict import SCOPE, Predictions

ROW_COLUMNS = [
    "case", "actor_id", "name", "actor_type", "parent_id", "has_commitment", "year", "mry", "mry_emissions_mt",
    "observed_mt", "observed_source", "trend_mt", "reference_mt", "full_implementation_mt", "expected_mean_mt",
    "expected_p05_mt", "expected_p50_mt", "expected_p95_mt", "inside_90", "beat_trend", "on_pledged_path",
]
SUMMARY_COLUMNS = [
    "case", "group", "year", "n_actors", "coverage_90", "observed_mt", "reference_mt", "trend_mt",
    "full_implementation_mt", "expected_mean_mt", "expected_p05_mt", "expected_p50_mt", "expected_p95_mt",
    "miss_mt", "national_trend_mt", "actor_part_mt", "actor_beyond_trend_mt", "expected_delivery_mt",
    "full_implementation_miss_mt", "full_implementation_actor_part_mt", "n_beat_trend", "n_on_pledged_path",
]
GROUPS = ("region", "city")


def national_observed(case: Case) -> pd.Series:
    """Year -> national emissions on the national basis: observed.csv's national rows, else the case's
    history (the `national` summary row: observed against the headline CPS)."""
    return _observed_or_history(case, "national", "history")


def national_observed_actor_basis(case: Case) -> pd.Series:
    """Year -> national emissions on the actors' inventory basis, the series N_obs of the national-trend
    counterfactual: national + sign x land flux, the rule of `NationalSeries.growth` (observed rows in
    observed years, national.csv's `history` and central `lulucf` in the history's years); the national
    series itself when both bases agree. A year without the land flux is left out (NaN), never mixed."""
    sign = basis_sign(case)
    nation = national_observed(case)
    if not sign:
        return nation
    land = _observed_or_history(case, NATIONAL_LAND_SCOPE, "lulucf", within=_history_years(case))
    return (nation + sign * land.reindex(nation.index)).dropna()


def _history_years(case: Case) -> set[int]:
    """Years of national.csv's `history` not overridden by an observed national row."""
    nat = case.national
    years = set(nat.loc[nat["series"] == "history", "year"].astype(int))
    if case.observed is not None:
        years -= set(case.observed.loc[case.observed["scope"] == "national", "year"].astype(int))
    return years


def _observed_or_history(case: Case, scope: str, series: str, within: set[int] | None = None) -> pd.Series:
    """Year -> observed.csv's rows of `scope`, else national.csv's `series` (only `within` those years)."""
    nat = case.national
    out = nat[nat["series"] == series].set_index("year")["emissions_mt"].astype(float)
    out.index = out.index.astype(int)
    if within is not None:
        out = out[out.index.isin(within)]
    if case.observed is not None:
        obs = case.observed[case.observed["scope"] == scope].set_index("year")["emissions_mt"].astype(float)
        obs.index = obs.index.astype(int)
        out = obs.combine_first(out)
    return out.sort_index()


def _latest_inventory(case: Case, actors: set[str]) -> pd.DataFrame:
    inv = case.inventory[case.inventory["actor_id"].isin(actors) & (case.inventory["scope"] == SCOPE)]
    inv = inv.sort_values(["actor_id", "year"]).drop_duplicates("actor_id", keep="last")
    return inv.rename(columns={"year": "ref_year", "emissions_mt": "ref_level"})[["actor_id", "ref_year", "ref_level"]]


def actor_rows(case: Case, pred: Predictions) -> pd.DataFrame:
    """One row per actor and year: the predictions of actors with commitments, and (as a control,
    predictions empty) the observed actors without any, with their national-trend counterfactual."""
    observed = case.observed
    if observed is None:
        observed = pd.DataFrame(columns=["actor_id", "year", "emissions_mt", "scope", "source"])
    obs = observed[observed["scope"] == SCOPE].set_index(["actor_id", "year"])
    info = case.actors.set_index("actor_id")
    nation = national_observed_actor_basis(case)
    predicted = pred.actors.assign(has_commitment=True)
    others = sorted(set(obs.index.get_level_values(0)) - set(predicted["actor_id"]))
    control = _latest_inventory(case, set(others)).assign(has_commitment=False)
    control["actor_type"] = control["actor_id"].map(info["actor_type"])
    table = pd.concat([predicted, control], ignore_index=True)
    n_pred = len(predicted)
    years = pred.years
    records = []
    for i, row in enumerate(table.itertuples(index=False)):
        for j, year in enumerate(years):
            key = (row.actor_id, int(year))
            seen = key in obs.index
            ratio = nation.get(int(year), np.nan) / nation.get(int(row.ref_year), np.nan)
            rec = {
                "actor_id": row.actor_id, "name": info.at[row.actor_id, "name"], "actor_type": row.actor_type,
                "parent_id": info.at[row.actor_id, "parent_id"] or "", "has_commitment": bool(row.has_commitment),
                "year": int(year), "mry": int(row.ref_year), "mry_emissions_mt": float(row.ref_level),
                "observed_mt": float(obs.at[key, "emissions_mt"]) if seen else np.nan,
                "observed_source": obs.at[key, "source"] if seen else "",
                "trend_mt": float(row.ref_level) * ratio,
            }
            if i < n_pred:
                rec["reference_mt"] = pred.reference[i, j]
                rec["full_implementation_mt"] = pred.full_implementation[i, j]
                if pred.expected is not None:
                    draws = pred.expected[i, j]
                    rec["expected_mean_mt"] = float(draws.mean())
                    rec["expected_p05_mt"], rec["expected_p50_mt"], rec["expected_p95_mt"] = (
                        float(q) for q in np.quantile(draws, [0.05, 0.5, 0.95]))
            records.append(rec)
    out = pd.DataFrame(records).reindex(columns=ROW_COLUMNS)
    out["case"] = case.meta.name
    seen = out["observed_mt"].notna()
    inside = (out["observed_mt"] >= out["expected_p05_mt"]) & (out["observed_mt"] <= out["expected_p95_mt"])
    out["inside_90"] = _flag(seen & out["expected_p05_mt"].notna(), inside)
    out["beat_trend"] = _flag(seen & out["trend_mt"].notna(), out["observed_mt"] < out["trend_mt"])
    out["on_pledged_path"] = _flag(seen & out["full_implementation_mt"].notna(),
                                   out["observed_mt"] <= out["full_implementation_mt"])
    return out


def _flag(defined: pd.Series, value: pd.Series) -> pd.Series:
    """A boolean where it is defined, empty elsewhere (written as true/false/'')."""
    return pd.Series(np.where(defined, np.where(value, "true", "false"), ""), index=value.index)


def summary(case: Case, pred: Predictions, rows: pd.DataFrame) -> pd.DataFrame:
    """Per actor type (actors with commitments, observed that year) and year, plus the nation."""
    records = []
    position = {a: i for i, a in enumerate(pred.actors["actor_id"])}
    for group in GROUPS:
        for j, year in enumerate(pred.years):
            sel = rows[(rows["actor_type"] == group) & rows["has_commitment"] & (rows["year"] == year)
                       & rows["observed_mt"].notna()]
            if sel.empty:
                continue
            records.append(_aggregate(sel, pred, [position[a] for a in sel["actor_id"]], j, group, int(year)))
    for year in pred.years:  # the control: observed states without commitments, against the same trend
        sel = rows[(rows["actor_type"] == "region") & ~rows["has_commitment"] & (rows["year"] == year)
                   & rows["observed_mt"].notna()]
        if len(sel):
            records.append({"group": "region_without_commitments", "year": int(year), "n_actors": len(sel),
                            "observed_mt": sel["observed_mt"].sum(), "trend_mt": sel["trend_mt"].sum(),
                            "actor_beyond_trend_mt": sel["observed_mt"].sum() - sel["trend_mt"].sum(),
                            "n_beat_trend": int((sel["beat_trend"] == "true").sum())})
    nation = national_observed(case)
    cps = case.national[case.national["series"] == "cps"].set_index("year")["emissions_mt"].astype(float)
    for year in pred.years:
        if int(year) in nation.index and case.observed is not None:
            records.append({"group": "national", "year": int(year), "n_actors": 1,
                            "observed_mt": float(nation[int(year)]), "reference_mt": float(cps.get(int(year), np.nan)),
                            "miss_mt": float(nation[int(year)]) - float(cps.get(int(year), np.nan))})
    out = pd.DataFrame(records).reindex(columns=SUMMARY_COLUMNS)
    out["case"] = case.meta.name
    return out


def _aggregate(sel: pd.DataFrame, pred: Predictions, idx: list[int], j: int, group: str, year: int) -> dict:
    observed, reference = sel["observed_mt"].sum(), sel["reference_mt"].sum()
    trend, full = sel["trend_mt"].sum(), sel["full_implementation_mt"].sum()
    rec = {
        "group": group, "year": year, "n_actors": len(sel), "observed_mt": observed, "reference_mt": reference,
        "trend_mt": trend, "full_implementation_mt": full, "national_trend_mt": trend - reference,
        "actor_beyond_trend_mt": observed - trend, "full_implementation_miss_mt": observed - full,
        "full_implementation_actor_part_mt": observed - trend + (reference - full),
        "n_beat_trend": int((sel["beat_trend"] == "true").sum()),
        "n_on_pledged_path": int((sel["on_pledged_path"] == "true").sum()),
    }
    if pred.expected is not None:
        total = pred.expected[idx, j].sum(axis=0)  # per draw: the aggregate keeps the draws' correlation
        mean = float(total.mean())
        rec |= {"expected_mean_mt": mean, "miss_mt": observed - mean,
                "expected_delivery_mt": reference - mean, "actor_part_mt": observed - trend + (reference - mean),
                "coverage_90": float((sel["inside_90"] == "true").mean())}
        rec["expected_p05_mt"], rec["expected_p50_mt"], rec["expected_p95_mt"] = (
            float(q) for q in np.quantile(total, [0.05, 0.5, 0.95]))
    return rec
