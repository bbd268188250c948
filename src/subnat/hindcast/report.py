"""The hindcast section of report.md: the finding in words, from hindcast.csv and its summary only."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

KEY_YEARS = (2019, 2020)  # the last pre-COVID year, and the COVID year


def _share(rows: pd.DataFrame, kind: str, year: int) -> str:
    sel = rows[(rows["actor_type"] == kind) & (rows["year"] == year) & (rows["inside_90"].isin(["true", "false"]))]
    if sel.empty:
        return "no observations"
    inside = int((sel["inside_90"] == "true").sum())
    return f"{inside} of {len(sel)} ({100 * inside / len(sel):.0f} %)"


def _row(summary: pd.DataFrame, group: str, year: int) -> pd.Series | None:
    sel = summary[(summary["group"] == group) & (summary["year"] == year)]
    return None if sel.empty else sel.iloc[0]


def _finding(s: pd.Series, control: pd.Series | None, nation: pd.Series | None) -> list[str]:
    """Plain sentences for one year of the states' aggregate."""
    year, n = int(s["year"]), int(s["n_actors"])
    interval = f"{s['expected_p05_mt']:,.0f}-{s['expected_p95_mt']:,.0f}"
    out = [f"**{year}.** The {n} states with commitments emitted {s['observed_mt']:,.0f} Mt; the assessment "
           f"expected {s['expected_p50_mt']:,.0f} Mt (5-95 %: {interval}) "
           f"and full implementation of their commitments meant {s['full_implementation_mt']:,.0f} Mt. "
           f"{int(s['n_on_pledged_path'])} of {n} states were at or below their pledged path; in aggregate they were "
           f"{s['full_implementation_miss_mt']:+,.0f} Mt against it."]
    trend = (f"The national current-policy projection put the nation at {nation['reference_mt']:,.0f} Mt, "
             f"{nation['observed_mt']:,.0f} Mt was observed; " if nation is not None else "")
    lower = "lower" if s["national_trend_mt"] < 0 else "higher"
    out.append(trend + f"with the observed national trend instead of the CPS, these states' reference would have been "
               f"{abs(s['national_trend_mt']):,.0f} Mt {lower} (national-trend part of the miss: "
               f"{s['national_trend_mt']:+,.0f} Mt). "
               f"Against that trend the states emitted {s['actor_beyond_trend_mt']:+,.0f} Mt "
               f"({'more' if s['actor_beyond_trend_mt'] > 0 else 'less'} than their latest inventory scaled with the "
               f"nation's observed change; {int(s['n_beat_trend'])} of {n} beat the trend), while the assessment "
               f"expected them to deliver {s['expected_delivery_mt']:,.0f} Mt beyond it (actor part of the miss: "
               f"{s['actor_part_mt']:+,.0f} Mt; miss of the expected mean {s['miss_mt']:+,.0f} Mt = "
               f"({s['national_trend_mt']:+,.0f}) + ({s['actor_part_mt']:+,.0f})).")
    if control is not None:
        out.append(f"The {int(control['n_actors'])} states without commitments in the case emitted "
                   f"{control['actor_beyond_trend_mt']:+,.0f} Mt against the same trend "
                   f"({int(control['n_beat_trend'])} of {int(control['n_actors'])} beat it).")
    return [" ".join(out), ""]


def _verdict(states: pd.DataFrame) -> list[str]:
    """The answer to the 2017 claim, from the last pre-COVID year observed (else the last year)."""
    pre = states[states["year"] < KEY_YEARS[1]]
    s = (pre if len(pre) else states).sort_values("year").iloc[-1]
    n, year = int(s["n_actors"]), int(s["year"])
    on_path = s["full_implementation_miss_mt"] <= 0
    beat = s["actor_beyond_trend_mt"] < 0
    within = s["expected_p05_mt"] <= s["observed_mt"] <= s["expected_p95_mt"]
    text = (f"**What this says about the {s['case']} claim.** By {year} the states were "
            f"{'' if on_path else 'not '}on their pledged paths in aggregate "
            f"({int(s['n_on_pledged_path'])} of {n} individually), and they "
            f"{'beat' if beat else 'did not beat'} the national trend ({s['actor_beyond_trend_mt']:+,.0f} Mt against "
            f"it). The expected scenario's aggregate {'was within' if within else 'missed'} "
            f"its 90 % interval ({s['miss_mt']:+,.0f} Mt)")
    cancelling = (s["national_trend_mt"] * s["actor_part_mt"] < 0
                  and abs(s["actor_part_mt"]) > 0.5 * abs(s["national_trend_mt"]))
    if cancelling:
        cps = "overstated" if s["national_trend_mt"] < 0 else "understated"
        actors = "less" if s["actor_part_mt"] > 0 else "more"
        text += (f", but by two errors that offset: the CPS {cps} the national trend "
                 f"({s['national_trend_mt']:+,.0f} Mt) while the states delivered {actors} beyond that trend than "
                 f"expected ({s['actor_part_mt']:+,.0f} Mt)")
    return [text + ".", ""]


def section(rows: pd.DataFrame, summary: pd.DataFrame, figure: str | Path | None = None) -> list[str]:
    """`## Hindcast` of report.md."""
    out = ["## Hindcast: the assessment against what happened", "",
           "The case as it stood (latest inventories mostly 2015) predicted each state's and city's own emissions "
           "for the years after; `hindcast.csv` compares them with the inventories observed later (states: EPA "
           "state inventory, the same edition and basis as the case's inventories; cities: later CDP city-wide "
           "reports of the same account; `hindcast_summary.csv` holds the aggregates). The miss of the expected "
           "mean splits exactly into a national-trend part (reference with the observed national series instead "
           "of the CPS, minus the reference) and an actor part (the actors' departure from that trend, minus the "
           "delivery the assessment expected).", ""]
    states = summary[summary["group"] == "region"]
    if states.empty or states["expected_p50_mt"].isna().all():
        return [*out, "(No expected scenario or no observed states: coverage not computed.)", ""]
    cover = [f"- Observed values inside the expected scenario's 90 % interval, {y}: states "
             f"{_share(rows, 'region', y)}, cities {_share(rows, 'city', y)}."
             for y in KEY_YEARS if (rows["year"] == y).any()]
    for kind, label in (("region", "states"), ("city", "cities")):
        sel = rows[(rows["actor_type"] == kind) & rows["inside_90"].isin(["true", "false"])]
        if len(sel):
            inside = int((sel["inside_90"] == "true").sum())
            cover.append(f"- {label.capitalize()}, every observed year ({sel['year'].min()}-{sel['year'].max()}): "
                         f"{inside} of {len(sel)} actor-years inside ({100 * inside / len(sel):.0f} %).")
    out += [*cover, "", "The national trend is on the actors' inventory basis, like the reference's growth index "
            "(method §3 and §8: with gross inventories and a net nation, observed net national emissions minus the "
            "observed land flux), so the land sink's change is in neither part; the national row compares the "
            "headline CPS with observed national emissions on its own basis. The states without commitments, "
            "measured against the same trend, show what the common trend leaves.", ""]
    nation = summary[summary["group"] == "national"]
    for year in KEY_YEARS:
        s = _row(summary, "region", year)
        if s is not None and not math.isnan(s["expected_p50_mt"]):
            out += _finding(s, _row(summary, "region_without_commitments", year), _row(summary, "national", year))
    out += _verdict(states)
    view = states[["year", "n_actors", "observed_mt", "reference_mt", "full_implementation_mt", "expected_p50_mt",
                   "expected_p05_mt", "expected_p95_mt", "miss_mt", "national_trend_mt", "actor_part_mt",
                   "coverage_90"]]
    from subnat.report.report_md import md_table

    out += ["States with commitments, aggregate (Mt CO2e):", "", md_table(view), ""]
    if len(nation):
        out += ["Nation (net, case basis): observed vs the case's CPS:", "",
                md_table(nation[["year", "observed_mt", "reference_mt", "miss_mt"]].rename(
                    columns={"reference_mt": "cps_mt"})), ""]
    if figure is not None:
        out += [f"![hindcast](figures/{Path(figure).name})", ""]
    return out
