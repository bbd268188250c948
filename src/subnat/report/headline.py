"""The headline in words, in English and Simplified Chinese, generated from summary.csv.

The sentences are templates filled with the numbers of the headline scenario and year; nothing
is machine-translated, and every number printed comes from summary.csv, overlaps.csv or ndc.csv.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from subnat.report.results import CaseResults, scenario_label

ZH_SCENARIO = {"no_nsa": "均不计入（仅执行现行政策）", "full_implementation": "全部完全落实",
               "expected": "按成就模型预期的程度落实"}


def zh_scenario(name: str) -> str:
    """How the commitments are delivered, as a verb phrase that follows "……项承诺"."""
    if name.startswith("fixed_"):
        return f"各落实{100 * float(name.removeprefix('fixed_')):.0f}%"
    return ZH_SCENARIO.get(name, name)


def pct(share: float) -> str:
    """A share as percent with the project's spacing (13 %)."""
    return f"{100 * share:.0f} %"


@dataclass(frozen=True)
class Headline:
    """The numbers of the headline sentence (medians and 5-95 % intervals)."""

    case: str
    country: str
    scenario: str
    year: int
    base_year: int
    n_commitments: int
    emissions: tuple[float, float, float]
    pct_below: tuple[float, float, float]
    net: tuple[float, float, float]
    gross: float
    cps: tuple[float, float, float]
    cps_pct_below: float
    overlap: float
    ndc_label: str | None
    gap_share: tuple[float, float, float] | None
    prob: float | None


def _triple(row: pd.Series, stem: str) -> tuple[float, float, float]:
    return float(row[f"{stem}_p50"]), float(row[f"{stem}_p05"]), float(row[f"{stem}_p95"])


def headline(results: CaseResults, scenario: str | None = None, year: int | None = None) -> Headline:
    """Collect the headline numbers of one scenario and year (default: headline scenario, metric year)."""
    scenario = scenario or results.headline_scenario
    year = year or results.main_year
    s = results.summary
    row = s[(s["scenario"] == scenario) & (s["year"] == year)].iloc[0]
    nat = results.tables["national"]
    n = nat[(nat["scenario"] == scenario) & (nat["year"] == year)].iloc[0]
    base = s[(s["scenario"] == "no_nsa") & (s["year"] == year)]
    ov = results.tables["overlaps"]
    o = ov[(ov["scenario"] == scenario) & (ov["year"] == year)].iloc[0]
    ndc = results.tables["ndc"]
    label = None
    if not math.isnan(float(row["prob_meets_ndc"])):
        match = ndc[(ndc["scenario"] == scenario) & (ndc["year"] == year)]
        unconditional = match[~match["conditional"].astype(str).str.lower().isin(["true", "1"])]
        pick = unconditional if len(unconditional) else match
        label = str(pick["ndc"].iloc[0]) if len(pick) else None
    gap = _triple(row, "ndc_gap_share") if not math.isnan(float(row["ndc_gap_share_p50"])) else None
    return Headline(
        case=results.name, country=results.country, scenario=scenario, year=int(year), base_year=results.base_year,
        n_commitments=int(row["n_commitments"]), emissions=_triple(row, "emissions_mt"),
        pct_below=_triple(row, "pct_below_base"), net=_triple(row, "net_reduction_mt"),
        gross=float(row["gross_reduction_mt_p50"]), cps=_triple(n, "cps_emissions_mt"),
        cps_pct_below=float(base["pct_below_base_p50"].iloc[0]) if len(base) else float("nan"),
        overlap=float(o["gross_mt_p50"] - o["net_mt_p50"]), ndc_label=label, gap_share=gap,
        prob=None if label is None else float(row["prob_meets_ndc"]),
    )


def _mt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def english(h: Headline) -> str:
    """One paragraph for policy readers, with 90 % intervals."""
    e, p, net = h.emissions, h.pct_below, h.net
    text = (
        f"In {h.year}, with {scenario_label(h.scenario)} of the {h.n_commitments} commitments assessed, "
        f"national emissions of {h.country} are projected at {_mt(e[0])} Mt CO2e/yr (90 % interval "
        f"{_mt(e[1])} to {_mt(e[2])}), {p[0]:.1f} % below {h.base_year} ({p[1]:.1f} to {p[2]:.1f} %). "
        f"Under current policies alone they would be {_mt(h.cps[0])} Mt ({h.cps_pct_below:.1f} % below "
        f"{h.base_year}). The net reduction from non-state and subnational action is {_mt(net[0])} Mt "
        f"({_mt(net[1])} to {_mt(net[2])}) after removing {_mt(h.overlap)} Mt of overlap and double counting "
        f"from a gross {_mt(h.gross)} Mt."
    )
    if h.ndc_label and h.gap_share is not None and h.prob is not None:
        g = h.gap_share
        text += (f" This closes {pct(g[0])} ({pct(g[1])} to {pct(g[2])}) of the gap to the target "
                 f"\"{h.ndc_label}\"; the probability of meeting it is {pct(h.prob)}.")
    elif h.ndc_label and h.prob is not None:
        text += f" The probability of meeting the target \"{h.ndc_label}\" is {pct(h.prob)}."
    return text


def chinese(h: Headline) -> str:
    """The same paragraph in Simplified Chinese (Mt = 百万吨二氧化碳当量)."""
    e, p, net = h.emissions, h.pct_below, h.net
    text = (
        f"{h.year}年，在所评估的{h.n_commitments}项承诺{zh_scenario(h.scenario)}的情景下，"
        f"{h.country}全国温室气体排放量预计为每年{_mt(e[0])}百万吨二氧化碳当量"
        f"（90%区间：{_mt(e[1])}–{_mt(e[2])}），比{h.base_year}年低{p[0]:.1f}%（{p[1]:.1f}%–{p[2]:.1f}%）。"
        f"若仅执行现行政策，排放量为{_mt(h.cps[0])}百万吨（比{h.base_year}年低{h.cps_pct_below:.1f}%）。"
        f"非国家和次国家行动的总减排量为{_mt(h.gross)}百万吨，扣除{_mt(h.overlap)}百万吨的重叠与重复计算后，"
        f"净减排量为{_mt(net[0])}百万吨（{_mt(net[1])}–{_mt(net[2])}）。"
    )
    if h.ndc_label and h.gap_share is not None and h.prob is not None:
        g = h.gap_share
        text += (f"这可弥补与目标“{h.ndc_label}”之间差距的{g[0]:.0%}（{g[1]:.0%}–{g[2]:.0%}），"
                 f"实现该目标的概率为{h.prob:.0%}。")
    elif h.ndc_label and h.prob is not None:
        text += f"实现目标“{h.ndc_label}”的概率为{h.prob:.0%}。"
    return text


def interval(row: pd.Series, stem: str, fmt: str = "{:,.1f}", scale: float = 1.0) -> str:
    """'median (p05-p95)' of a summary row; empty when undefined."""
    values = [float(row[f"{stem}_{q}"]) * scale for q in ("p50", "p05", "p95")]
    if any(math.isnan(v) for v in values):
        return ""
    return f"{fmt.format(values[0])} ({fmt.format(values[1])} to {fmt.format(values[2])})"


def headline_table(results: CaseResults) -> pd.DataFrame:
    """summary.csv for readers: one row per scenario x reporting year, 'median (5 % to 95 %)' cells."""
    rows = []
    for _, row in results.summary.iterrows():
        prob = float(row["prob_meets_ndc"])
        rows.append({
            "scenario": scenario_label(str(row["scenario"])), "year": int(row["year"]),
            "emissions (Mt CO2e/yr)": interval(row, "emissions_mt"),
            "below base year (%)": interval(row, "pct_below_base"),
            "net NSA reduction (Mt CO2e/yr)": interval(row, "net_reduction_mt"),
            "NDC gap closed (%)": interval(row, "ndc_gap_share", "{:.0f}", 100.0),
            "P(meets NDC)": "" if math.isnan(prob) else pct(prob),
        })
    return pd.DataFrame(rows)
