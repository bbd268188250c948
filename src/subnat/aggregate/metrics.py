"""Headline metrics and result tables from per-draw results (method §8; interfaces.md §4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from subnat.aggregate.assess import Assessment
from subnat.aggregate.national import base_year_emissions, headline_ndc, pct_below_base

QUANTILES = {"p05": 0.05, "p17": 0.17, "p50": 0.50, "p83": 0.83, "p95": 0.95}
SUMMARY_COLUMNS = [
    "case", "scenario", "year", "emissions_mt_p05", "emissions_mt_p50", "emissions_mt_p95",
    "pct_below_base_p05", "pct_below_base_p50", "pct_below_base_p95", "net_reduction_mt_p05",
    "net_reduction_mt_p50", "net_reduction_mt_p95", "gross_reduction_mt_p50", "ndc_gap_share_p05",
    "ndc_gap_share_p50", "ndc_gap_share_p95", "prob_meets_ndc", "n_commitments",
    # issue 16: the net reduction split per draw into avoided growth (reference above the actors'
    # latest inventory levels) and reduction below today's level; new columns go at the end
    "avoided_growth_mt_p50", "below_today_mt_p50",
]


def quantiles(values: np.ndarray, names: tuple[str, ...] = ("p05", "p50", "p95")) -> dict[str, np.ndarray]:
    """Quantiles over the last axis (draws), numpy's linear interpolation; NaN if any draw is NaN."""
    qs = np.quantile(values, [QUANTILES[n] for n in names], axis=-1)
    return dict(zip(names, qs, strict=True))


def summary(a: Assessment) -> pd.DataFrame:
    """summary.csv: one row per scenario x reporting year."""
    base = base_year_emissions(a.case, a.case.meta.base_year)
    rows = []
    for name, r in a.results.items():
        ndcs = a.ndcs[name]
        for year in a.case.meta.reporting_years:
            t = year - a.years[0]
            emissions = r.cps[t] - r.net[t]
            row = {"case": a.case.meta.name, "scenario": name, "year": year}
            row |= _q("emissions_mt", emissions)
            row |= _q("pct_below_base", pct_below_base(emissions, base))
            row |= _q("net_reduction_mt", r.net[t])
            row["gross_reduction_mt_p50"] = float(np.quantile(r.gross[t], 0.5))
            ndc = headline_ndc(ndcs, year)
            if ndc is None:
                row |= {"ndc_gap_share_p05": np.nan, "ndc_gap_share_p50": np.nan, "ndc_gap_share_p95": np.nan,
                        "prob_meets_ndc": np.nan}
            else:
                share, prob = gap_metrics(r.cps[t], r.net[t], ndc["level"])
                row |= _q_defined("ndc_gap_share", share)
                row["prob_meets_ndc"] = prob
            row["n_commitments"] = len(a.screened.commitments)
            avoided = r.avoided[t] if r.avoided is not None else np.zeros_like(r.net[t])
            row["avoided_growth_mt_p50"] = float(np.quantile(avoided, 0.5))
            row["below_today_mt_p50"] = float(np.quantile(r.net[t] - avoided, 0.5))
            rows.append(row)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def gap_metrics(cps: np.ndarray, net: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, float]:
    """Share of the gap closed Net/G per draw (NaN where the CPS already meets the NDC, G <= 0)
    and the probability that E_nsa <= E_ndc (method §8)."""
    gap = cps - level
    share = np.divide(net, gap, out=np.full_like(gap, np.nan), where=gap > 0)
    prob = float(np.mean(cps - net <= level + 1e-9))
    return share, prob


def _q(prefix: str, values: np.ndarray) -> dict[str, float]:
    return {f"{prefix}_{k}": float(v) for k, v in quantiles(values).items()}


def _q_defined(prefix: str, values: np.ndarray) -> dict[str, float]:
    """Quantiles over the draws where the value is defined: with a drawn national projection error
    some draws' CPS already meets the NDC (no gap, share undefined); NaN only if no draw has a gap."""
    defined = values[np.isfinite(values)]
    if not defined.size:
        return {f"{prefix}_{k}": np.nan for k in ("p05", "p50", "p95")}
    return _q(prefix, defined)


def national_table(a: Assessment) -> pd.DataFrame:
    """national.csv: one row per scenario x year, quantiles of national emissions and NSA reduction."""
    frames = []
    for name, r in a.results.items():
        frame = pd.DataFrame({"case": a.case.meta.name, "scenario": name, "year": a.years})
        for label, values in (("emissions_mt", r.cps - r.net), ("cps_emissions_mt", r.cps),
                              ("net_reduction_mt", r.net), ("gross_reduction_mt", r.gross)):
            for q, v in quantiles(values, tuple(QUANTILES)).items():
                frame[f"{label}_{q}"] = v
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def overlaps_table(a: Assessment) -> pd.DataFrame:
    """overlaps.csv: gross, net and overlap removed by type (O2, O3, O6), and net coverage."""
    rows = []
    for name, r in a.results.items():
        for year in a.case.meta.reporting_years:
            t = year - a.years[0]
            row = {"case": a.case.meta.name, "scenario": name, "year": year}
            for label, values in (("gross_mt", r.gross), ("net_mt", r.net), ("o2_removed_mt", r.o2),
                                  ("o3_removed_mt", r.o3), ("o6_removed_mt", r.o6), ("coverage_mt", r.coverage)):
                row |= _q(label, values[t])
            row |= _q("coverage_share", r.coverage[t] / r.cps[t])
            rows.append(row)
    return pd.DataFrame(rows)


def ndc_table(a: Assessment) -> pd.DataFrame:
    """ndc.csv: every NDC level of the case against every scenario in its target year."""
    rows = []
    for name, r in a.results.items():
        for ndc in a.ndcs[name]:
            t = ndc["target_year"] - a.years[0]
            if not 0 <= t < len(a.years):
                continue
            share, prob = gap_metrics(r.cps[t], r.net[t], ndc["level"])
            row = {"case": a.case.meta.name, "scenario": name, "ndc": ndc["label"], "type": ndc["type"],
                   "conditional": ndc["conditional"], "year": ndc["target_year"]}
            row |= _q("ndc_level_mt", ndc["level"])
            row |= _q("gap_mt", r.cps[t] - ndc["level"])
            row |= _q_defined("gap_share", share)
            row["prob_meets_ndc"] = prob
            rows.append(row)
    return pd.DataFrame(rows)


def commitments_table(a: Assessment) -> pd.DataFrame:
    """commitments.csv: one row per kept commitment; values at reporting years carried by the
    governing target of the year (others 0), medians over draws (method §5)."""
    c = a.screened.commitments
    groups = a.screened.groups.set_index("group")
    table = pd.DataFrame({
        "commitment_id": c["commitment_id"], "actor_id": c["actor_id"], "actor_type": c["actor_type"],
        "target_type": c["target_type"], "target_year": c["target_year"].astype(int), "value": c["value"],
        "base_year": c["base_year"], "base_year_emissions_mt": c["e_by"], "coverage": c["coverage"],
        "scope": c["scope"], "status": c["status"], "in_national_projection": c["in_national_projection"],
        "reference_anchor": c["group"].map(groups["ref_anchor"]),
        "reference_year": c["group"].map(groups["ref_year"]),
        "scope_weight": c["group"].map(groups["weight"]), "source": c["source"],
    })
    if c.empty:
        return table
    group_of = c["group"].to_numpy()
    for i, year in enumerate(a.case.meta.reporting_years):
        t = year - a.years[0]
        governs = a.paths.gov[group_of, t] == np.arange(len(c))
        for scenario, prefix in (("full_implementation", "full"), ("expected", "expected")):
            r = a.results.get(scenario)
            if r is None:
                continue
            med = {k: np.median(v[group_of, i], axis=-1) * governs for k, v in r.by_group.items()}
            if prefix == "full":
                table[f"reference_mt_{year}"] = med["reference"]
                table[f"pathway_mt_{year}"] = np.where(governs, med["reference"] - med["potential"], 0.0)
                table[f"potential_mt_{year}"] = med["potential"]
            table[f"delivered_{prefix}_mt_{year}"] = med["delivered"]
            table[f"net_{prefix}_mt_{year}"] = med["net"]
    if a.fractions is not None and len(a.fractions):
        for name, q in (("achievement_p05", 0.05), ("achievement_p50", 0.5), ("achievement_p95", 0.95)):
            table[name] = np.quantile(a.fractions, q, axis=1)
    return table


def exclusions_table(a: Assessment) -> pd.DataFrame:
    return a.screened.exclusions.assign(case=a.case.meta.name)[
        ["commitment_id", "actor_id", "reason_code", "detail", "line", "case"]]


def draws_dataset(a: Assessment) -> xr.Dataset:
    """draws.nc: national emissions and NSA reduction per scenario x year x draw."""
    names = list(a.results)
    stack = {k: np.stack([getattr(a.results[n], k) for n in names]) for k in ("cps", "net", "gross")}
    coords = {"scenario": names, "year": a.years, "draw": np.arange(len(a.members))}
    ds = xr.Dataset(
        {
            "emissions": (("scenario", "year", "draw"), stack["cps"] - stack["net"],
                          {"units": "Mt CO2e / yr", "long_name": "national emissions with NSA action"}),
            "cps_emissions": (("scenario", "year", "draw"), stack["cps"],
                              {"units": "Mt CO2e / yr", "long_name": "national current-policy emissions"}),
            "net_reduction": (("scenario", "year", "draw"), stack["net"],
                              {"units": "Mt CO2e / yr", "long_name": "net NSA reduction (overlaps removed)"}),
            "gross_reduction": (("scenario", "year", "draw"), stack["gross"],
                                {"units": "Mt CO2e / yr", "long_name": "gross NSA reduction"}),
            "cps_member": (("draw",), a.members, {"long_name": "index of the CPS member used by the draw"}),
        },
        coords=coords,
        attrs={"case": a.case.meta.name, "gwp_context": a.case.meta.gwp, "lulucf": a.case.meta.lulucf,
               "cps_members": ", ".join(a.national.names), "institution": "subnat",
               "references": "ICAT Non-State and Subnational Action Guide; subnat method.md"},
    )
    return ds
