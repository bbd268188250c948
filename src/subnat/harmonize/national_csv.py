"""National series (``national.csv``) of the embedded US cases.

us2017 (AR4 GWP100, net incl. LULUCF):

- ``history``: the 2021 CAR inventory rows (net total, AR4; 2005 = 6,635 Mt, the NDC's figure)
  for 1990–2015, the data a 2017 analysis could see.
- ``cps``: the "current administration policies" projection the 2017 NewClimate / Climate
  Group analysis compared against. Only its 2025 level is published, indirectly: the July 2017
  draft gave 13 % below 2005 and about 480 Mt/yr below that projection, so
  ``CPS(2025) = (1 - 0.13) * E(2005) + 480`` (about 6 % below 2005). The series is history up
  to 2015, linear from 2015 to that 2025 level, and held constant to 2030 (no published 2030
  figure).
- ``cps:NCI2017_current_admin``: the same series as an ensemble member (the engine's
  ``ensemble`` rule draws only ``cps:*`` members).
- ``cps:<vintage>_<seq>``: the 2014 CAR and 2016 BR "with measures" projections (high and low
  land-sink variants), ratio-harmonised to the 2015 history value (member(t) * H(2015) /
  member(2015)) so all members share the case's inventory level.

us2023 (AR5 GWP100, net incl. LULUCF):

- ``history``: the 2023 BR supplement's historical points (2005, 2010, 2015, 2021); annual
  values in between follow the UNFCCC Annex I gross totals (shape-preserving: net = gross *
  r(t), with r linear between the anchor years), so the anchors are exact and the 2020 dip is
  kept.
- ``cps:<model>``: each IRA model of the 2023 BR supplement, history to 2021 and linear
  between its 2021, 2025, 2030 and 2035 values (the published points). The series stop at 2035
  (no total-net projection beyond 2035 in the supplement's table).
- ``cps``: the median across models for each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from subnat.sources import us_national

#: Published figures behind the us2017 CPS (data.md §3; NewClimate Institute & The Climate
#: Group, July 2017 draft of "States, cities and businesses leading the way", Sept 2017).
US2017_PUBLISHED = {"pct_below_2005_with_nsa": 0.13, "mt_below_cps": 480.0, "year": 2025}
US2017_CPS_SOURCE = (
    "derived: CPS(2025)=(1-0.13)*E(2005)+480 Mt from the July 2017 draft of NewClimate & "
    "The Climate Group 'States, cities and businesses leading the way' (13% below 2005, "
    "~480 Mt below current administration policies); linear from 2015 history, flat after 2025"
)


def _frame(series: str, values: pd.Series, source: str) -> pd.DataFrame:
    return pd.DataFrame({"series": series, "year": values.index.astype(int),
                         "emissions_mt": values.round(2).values, "source": source})


def us2017(vintages: pd.DataFrame, last_year: int = 2030) -> pd.DataFrame:
    """national.csv rows of us2017 from the AR4 past-vintages table."""
    hist_all = us_national.net_total_series(vintages, "2021 CAR", "WM_highseq")
    hist = hist_all[(hist_all.index >= 1990) & (hist_all.index <= 2015)]
    src_h = "2021 CAR (US 7th National Communication) net GHG incl. LULUCF, AR4, via BTR pipeline"
    frames = [_frame("history", hist, src_h)]
    e2005, e2015 = hist.loc[2005], hist.loc[2015]
    p = US2017_PUBLISHED
    target = (1 - p["pct_below_2005_with_nsa"]) * e2005 + p["mt_below_cps"]
    years = range(1990, last_year + 1)
    cps = pd.Series({y: hist.loc[y] if y <= 2015 else
                     (e2015 + (target - e2015) * (y - 2015) / (2025 - 2015) if y <= 2025
                      else target) for y in years})
    frames.append(_frame("cps", cps, US2017_CPS_SOURCE))
    # The same series as an ensemble member, so `uncertainty.cps: ensemble` draws it too.
    frames.append(_frame("cps:NCI2017_current_admin", cps, US2017_CPS_SOURCE))
    land_hist = us_national.category_series(vintages, "2021 CAR", "LULUCF", "WM_highseq")
    land_hist = land_hist[(land_hist.index >= 1990) & (land_hist.index <= 2015)]
    gross_hist = us_national.category_series(vintages, "2021 CAR", "GrossTotal", "WM")
    lands = []
    for pub, tag in (("2014 CAR", "CAR2014"), ("2016 BR", "BR2016")):
        gross = us_national.category_series(vintages, pub, "GrossTotal", "WM")
        gross_ratio = gross_hist.loc[2015] / gross.loc[2015]
        for seq in ("WM_highseq", "WM_lowseq"):
            m = us_national.net_total_series(vintages, pub, seq)
            ratio = e2015 / m.loc[2015]
            mem = pd.Series({y: hist.loc[y] if y <= 2015 else m.loc[y] * ratio for y in years})
            name = f"{tag}_{seq.split('_')[1]}"
            frames.append(_frame(
                f"cps:{name}", mem,
                f"{pub} 'with measures' net projection ({seq}), AR4, ratio-harmonised to 2015 "
                f"history (factor {ratio:.4f})"))
            # the member's land flux such that net minus it is the vintage's own gross projection,
            # ratio-harmonised to the 2015 gross history like the net: its gross growth is the vintage's
            land = pd.Series({y: land_hist.loc[y] if y <= 2015 else mem.loc[y] - gross.loc[y] * gross_ratio
                              for y in years})
            lands.append(_frame(
                f"lulucf:{name}", land,
                f"derived: 2021 CAR LULUCF history to 2015; then this member's net minus the {pub} 'with "
                f"measures' gross projection ratio-harmonised to the 2015 gross history (factor "
                f"{gross_ratio:.4f}), AR4"))
    frames.insert(2, _frame("lulucf", us2017_central_land(vintages, land_hist, years), US2017_LAND_SOURCE))
    for seq, name in (("WM_highseq", "lulucf_high"), ("WM_lowseq", "lulucf_low")):  # uncertainty.land_sink
        source = US2017_LAND_SOURCE.replace("the mean of the 2016 BR high- and low-sequestration LULUCF "
                                            "projections", f"the 2016 BR {seq} LULUCF projection")
        frames.insert(3, _frame(name, us2017_central_land(vintages, land_hist, years, (seq,)), source))
    return pd.concat(frames + lands, ignore_index=True)


#: The land sink of the central us2017 CPS, which publishes none (national_csv module docstring).
US2017_LAND_SOURCE = (
    "2021 CAR (US 7th National Communication) LULUCF net flux, AR4, to 2015; then its 2015 value plus "
    "the change since 2015 of the mean of the 2016 BR high- and low-sequestration LULUCF projections "
    "(the latest official projection in 2017), AR4, via BTR pipeline"
)


def us2017_central_land(vintages: pd.DataFrame, land_hist: pd.Series, years: range,
                        variants: tuple[str, ...] = ("WM_highseq", "WM_lowseq")) -> pd.Series:
    """History to 2015, then the change since 2015 of the 2016 BR sink (the mean of `variants`)
    added to the 2015 value."""
    mean = sum(us_national.category_series(vintages, "2016 BR", "LULUCF", v) for v in variants) / len(variants)
    base = land_hist.loc[2015]
    return pd.Series({y: land_hist.loc[y] if y <= 2015 else base + mean.loc[y] - mean.loc[2015] for y in years})


def us2023(brvs: pd.DataFrame, unfccc_gross: pd.Series, last_year: int = 2035,
           sinks: pd.DataFrame | None = None) -> pd.DataFrame:
    """national.csv rows of us2023 from the BR 2023 supplement totals (AR5); with the models' own land
    sinks (`us_national.model_sinks`), also the land-sector series `lulucf` and `lulucf:<model>`."""
    anchors = brvs[brvs["year"] <= 2021].groupby("year")["emissions_mt"].median()
    gross = unfccc_gross[(unfccc_gross.index >= 1990) & (unfccc_gross.index <= 2021)]
    ratio_pts = anchors / gross.reindex(anchors.index)
    years_h = np.arange(1990, 2022)
    ratio = np.interp(years_h, ratio_pts.index.values, ratio_pts.values)
    hist = pd.Series(gross.reindex(years_h).values * ratio, index=years_h).dropna()
    src_h = ("2023 US BR voluntary supplement net GHG (AR5) at 2005/2010/2015/2021; other years "
             "follow UNFCCC Annex I gross totals (shape-preserving)")
    frames = [_frame("history", hist, src_h)]
    members = {}
    for model, rows in brvs.groupby("model"):
        pts = rows.set_index("year")["emissions_mt"]
        proj = pts[pts.index >= 2021]
        ys = np.arange(2022, last_year + 1)
        vals = np.interp(ys, proj.index.values, proj.values)
        series = pd.concat([hist[hist.index >= 2005], pd.Series(vals, index=ys)])
        members[model] = series
        frames.append(_frame(f"cps:{model}", series,
                             f"2023 US BR voluntary supplement, IRA scenario, model {model} "
                             "(linear between published years)"))
    median = pd.DataFrame(members).median(axis=1)
    frames.insert(1, _frame("cps", median, "median across the 2023 BR supplement IRA models"))
    if sinks is not None:
        frames += _us2023_land(hist, gross.reindex(hist.index), sinks, set(members), last_year)
    return pd.concat(frames, ignore_index=True)


US2023_LAND_HISTORY = ("derived: us2023 net history minus UNFCCC Annex I gross totals (the two sources the "
                       "history is built from), AR5")


def _us2023_land(hist: pd.Series, gross: pd.Series, sinks: pd.DataFrame, models: set[str],
                 last_year: int) -> list[pd.DataFrame]:
    """`lulucf`: the land flux implied by the history (net minus the gross it is shaped on), then the
    median of the models' own sinks; `lulucf:<model>` for every model that reports one. After 2021
    linear between the history's last year and the published model years, like the net members."""
    land_hist = (hist - gross).dropna()
    last = int(land_hist.index.max())
    ys = np.arange(last + 1, last_year + 1)
    own = {}
    for model, rows in sinks[sinks["model"].isin(models) & (sinks["year"] <= last_year)].groupby("model"):
        pts = pd.concat([land_hist.loc[[last]], rows.set_index("year")["emissions_mt"]])
        own[model] = pd.concat([land_hist, pd.Series(np.interp(ys, pts.index.values, pts.values), index=ys)])
    stacked = pd.DataFrame(own)
    src = (f"{US2023_LAND_HISTORY} to {last}; then the {{}} across the 2023 BR supplement IRA models' own "
           "LULUCF sink (IAMC 'Carbon Sequestration|LULUCF', Mt CO2), linear between published years")
    out = [_frame("lulucf", stacked.median(axis=1), src.format("median")),
           # uncertainty.land_sink high / low: the strongest / weakest of the models' sinks in each year
           _frame("lulucf_high", stacked.min(axis=1), src.format("strongest sink (minimum)")),
           _frame("lulucf_low", stacked.max(axis=1), src.format("weakest sink (maximum)"))]
    for model, series in own.items():
        out.append(_frame(f"lulucf:{model}", series[series.index >= 2005],
                          f"{US2023_LAND_HISTORY} to {last}; then model {model}'s own LULUCF sink in the 2023 BR "
                          "supplement IRA runs (IAMC 'Carbon Sequestration|LULUCF', Mt CO2), linear between "
                          "published years"))
    return out
