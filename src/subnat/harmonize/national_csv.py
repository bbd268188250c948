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
    for pub, tag in (("2014 CAR", "CAR2014"), ("2016 BR", "BR2016")):
        for seq in ("WM_highseq", "WM_lowseq"):
            m = us_national.net_total_series(vintages, pub, seq)
            ratio = e2015 / m.loc[2015]
            mem = pd.Series({y: hist.loc[y] if y <= 2015 else m.loc[y] * ratio for y in years})
            frames.append(_frame(
                f"cps:{tag}_{seq.split('_')[1]}", mem,
                f"{pub} 'with measures' net projection ({seq}), AR4, ratio-harmonised to 2015 "
                f"history (factor {ratio:.4f})"))
    return pd.concat(frames, ignore_index=True)


def us2023(brvs: pd.DataFrame, unfccc_gross: pd.Series, last_year: int = 2035) -> pd.DataFrame:
    """national.csv rows of us2023 from the BR 2023 supplement totals (AR5)."""
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
    return pd.concat(frames, ignore_index=True)
