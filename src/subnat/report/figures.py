"""Figures for policy readers, readable in grey scale (line styles and hatching, not colour).

Each figure is written as PNG (for the HTML report and documents) and SVG (for editing), both
from the result tables only. Axis labels carry units.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from subnat.outputs import write_atomic
from subnat.report.results import ACTOR_TYPES, CaseResults, scenario_label

MT_LABEL = "Mt CO$_2$e per year"
HATCH = {"region": "///", "city": "...", "company": "xxx"}
MARKERS = ("v", "s", "D", "^", "o")
STYLE = {
    "font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "subnat",
    "axes.prop_cycle": matplotlib.cycler(color=["0.1", "0.35", "0.55", "0.7"]),
    "hatch.linewidth": 0.6,
}


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write `<stem>.png` and `<stem>.svg` atomically; metadata without dates, so reruns are stable."""
    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None})):
        path = stem.parent / f"{stem.name}.{ext}"
        # the SVG ids are hashed with svg.hashsalt when saving (random without it): same bytes every run
        with plt.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
            write_atomic(path, lambda p, ext=ext, meta=meta: fig.savefig(p, format=ext, metadata=meta, dpi=150,
                                                                         bbox_inches="tight"))
        paths.append(path)
    plt.close(fig)
    return paths


def _styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    def wrapper(*args, **kwargs) -> Figure:
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)
    wrapper.__doc__ = draw.__doc__
    return wrapper


@_styled
def fan_chart(results: CaseResults, scenario: str) -> Figure:
    """National emissions of one scenario: median, 17-83 % and 5-95 % bands, CPS, history, NDC levels."""
    nat = results.tables["national"]
    d = nat[nat["scenario"] == scenario].sort_values("year")
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.fill_between(d["year"], d["emissions_mt_p05"], d["emissions_mt_p95"], facecolor="0.88", edgecolor="0.6",
                    hatch="...", linewidth=0.0, label="5-95 % interval")
    ax.fill_between(d["year"], d["emissions_mt_p17"], d["emissions_mt_p83"], facecolor="0.7", edgecolor="none",
                    label="17-83 % interval")
    ax.plot(d["year"], d["emissions_mt_p50"], color="black", linestyle="--", linewidth=1.6,
            label=f"median, {scenario_label(scenario)}")
    if scenario != "no_nsa":
        ax.plot(d["year"], d["cps_emissions_mt_p50"], color="0.3", linestyle=":", linewidth=1.4,
                label="median, current policy (no NSA action)")
    hist = results.history
    if len(hist):
        ax.plot(hist["year"], hist["emissions_mt"], color="black", linestyle="-", linewidth=1.8, marker="o",
                markersize=3, label="history (inventory)")
    ndc = results.tables["ndc"]
    levels = ndc[ndc["scenario"] == scenario]
    for i, row in enumerate(levels.itertuples(index=False)):
        err = [[row.ndc_level_mt_p50 - row.ndc_level_mt_p05], [row.ndc_level_mt_p95 - row.ndc_level_mt_p50]]
        ax.errorbar([row.year], [row.ndc_level_mt_p50], yerr=err if np.any(np.asarray(err) > 0) else None,
                    marker=MARKERS[i % len(MARKERS)], color="black", markerfacecolor="white", markersize=7,
                    linestyle="none", capsize=3, label=str(row.ndc) + (" [conditional]" if row.conditional else ""))
    ax.set_xlabel("year")
    ax.set_ylabel(f"national emissions ({MT_LABEL})")
    ax.set_title(f"{results.name} ({results.country}): {scenario_label(scenario)}")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.grid(axis="y", color="0.85", linewidth=0.5)
    return fig


def _draw_means(results: CaseResults, scenario: str, year: int) -> dict[str, float]:
    """Means over draws of CPS emissions, gross and net reduction and emissions (draws.nc)."""
    import xarray as xr

    with xr.open_dataset(results.folder / "draws.nc", engine="h5netcdf") as ds:
        cell = ds.sel(scenario=scenario, year=year)
        return {name: float(cell[name].mean()) for name in ("cps_emissions", "gross_reduction", "net_reduction",
                                                            "emissions")}


def _split(total: float, weights: dict[str, float]) -> dict[str, float]:
    """`total` split in proportion to non-negative `weights` (all of it under key "" when they sum to 0)."""
    weights = {k: max(v, 0.0) for k, v in weights.items()}
    norm = sum(weights.values())
    if norm <= 0:
        return {"": total} if abs(total) > 0 else {}
    return {k: total * v / norm for k, v in weights.items() if v > 0}


def waterfall_steps(results: CaseResults, scenario: str, year: int) -> list[tuple[str, float, str]]:
    """(label, signed change or total, kind) from the CPS to the NSA scenario, means over draws.

    Means add up draw by draw (emissions = CPS - gross + overlap removed), so the steps sum exactly
    to the scenario's mean emissions, the last bar. The mean gross reduction is split by actor type
    in proportion to the types' summed commitment medians (commitments.csv), the mean overlap
    removed by type in proportion to the O2/O3/O6 medians (overlaps.csv): the split is an
    apportionment, the totals are exact. The median is marked separately (`waterfall` figure).
    """
    prefix = {"full_implementation": "full", "expected": "expected"}[scenario]
    means = _draw_means(results, scenario, year)
    com = results.tables["commitments"]
    ov = results.tables["overlaps"]
    over = ov[(ov["scenario"] == scenario) & (ov["year"] == year)].iloc[0]
    column = f"delivered_{prefix}_mt_{year}"
    by_type = com.groupby("actor_type")[column].sum() if column in com else pd.Series(dtype=float)
    steps = [("current policy", means["cps_emissions"], "total")]
    gross = _split(means["gross_reduction"], {t: float(by_type[t]) for t in ACTOR_TYPES if t in by_type.index})
    for actor_type, value in gross.items():
        steps.append((f"{actor_type} targets" if actor_type else "all targets", -value, actor_type or "targets"))
    labels = {"o2": "O2 nested", "o3": "O3 companies", "o6": "O6 in CPS"}
    removed = _split(means["gross_reduction"] - means["net_reduction"],
                     {code: float(over[f"{code}_removed_mt_p50"]) for code in labels})
    for code, value in removed.items():
        steps.append((f"overlap {labels[code]}" if code else "overlap removed", value, "overlap"))
    steps.append((scenario_label(scenario), means["emissions"], "total"))
    return steps


def waterfall_median(results: CaseResults, scenario: str, year: int) -> float:
    """The median emissions of the scenario (national.csv), marked on the waterfall's last bar."""
    nat = results.tables["national"]
    return float(nat[(nat["scenario"] == scenario) & (nat["year"] == year)]["emissions_mt_p50"].iloc[0])


@_styled
def waterfall(results: CaseResults, year: int) -> Figure:
    """From the CPS to the NSA scenario by actor group, overlap added back, per delivery scenario:
    means over draws (which add up), with the median of the scenario marked."""
    scenarios = [s for s in ("full_implementation", "expected") if s in results.scenarios]
    fig, axes = plt.subplots(1, len(scenarios), figsize=(5.2 * len(scenarios), 4.4), squeeze=False, sharey=True)
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        steps = waterfall_steps(results, scenario, year)
        median = waterfall_median(results, scenario, year)
        level = 0.0
        for i, (_, value, kind) in enumerate(steps):
            if kind == "total":
                bottom, height, level = 0.0, value, value
                style = {"facecolor": "0.45", "edgecolor": "black"}
            else:
                bottom, height = min(level, level + value), abs(value)
                level += value
                style = {"facecolor": "white" if kind != "overlap" else "0.85", "edgecolor": "black",
                         "hatch": HATCH.get(kind, "\\\\\\" if kind == "overlap" else "")}
            ax.bar(i, height, bottom=bottom, width=0.7, linewidth=0.8, **style)
            text = f"{value:,.1f}" if kind == "total" else f"{value:+,.1f}"
            ax.annotate(text, (i, bottom + height), ha="center", va="bottom", fontsize=7,
                        xytext=(0, 2), textcoords="offset points")
        last = len(steps) - 1
        ax.plot([last - 0.45, last + 0.45], [median, median], color="black", linestyle="--", linewidth=1.2)
        ax.annotate(f"median {median:,.1f}", (last + 0.45, median), ha="left", va="center", fontsize=7,
                    xytext=(2, 0), textcoords="offset points")
        ax.set_xticks(range(len(steps)), [s[0] for s in steps], rotation=35, ha="right")
        ax.set_ylabel(f"national emissions in {year} ({MT_LABEL})")
        ax.set_xlabel("step (reductions hatched by actor type; overlap removed added back)")
        ax.set_title(f"{scenario_label(scenario)}, {year}\n(means over draws; dashed: median)", fontsize=9)
        totals = [v for _, v, k in steps if k == "total"] + [median]
        ax.set_ylim(min(totals) * 0.8, max(totals) * 1.06)
    fig.suptitle(f"{results.name}: from current policy to NSA action", fontsize=10)
    fig.tight_layout()
    return fig


def coverage_by_type(results: CaseResults, year: int) -> pd.DataFrame:
    """Covered reference emissions of governing targets by actor type, and net coverage (Mt, share)."""
    com = results.tables["commitments"]
    column = f"reference_mt_{year}"
    nat = results.tables["national"]
    scenario = "full_implementation" if "full_implementation" in results.scenarios else results.scenarios[0]
    cps = float(nat[(nat["scenario"] == scenario) & (nat["year"] == year)]["cps_emissions_mt_p50"].iloc[0])
    rows = []
    for actor_type in ACTOR_TYPES:
        part = com[com["actor_type"] == actor_type]
        covered = float(part[column].sum()) if column in com else 0.0
        rows.append({"group": actor_type, "commitments": len(part), "covered_mt": covered})
    ov = results.tables["overlaps"]
    net = ov[(ov["scenario"] == scenario) & (ov["year"] == year)]
    if len(net):
        rows.append({"group": "all, overlaps counted once", "commitments": len(com),
                     "covered_mt": float(net["coverage_mt_p50"].iloc[0])})
    table = pd.DataFrame(rows)
    table["share_of_cps"] = table["covered_mt"] / cps
    return table


@_styled
def coverage(results: CaseResults, year: int) -> Figure:
    """Emissions covered by commitments, by actor type, with the share of national CPS emissions."""
    table = coverage_by_type(results, year)
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    hatches = [HATCH.get(g, "") for g in table["group"]]
    for i, row in enumerate(table.itertuples(index=False)):
        total = row.group not in HATCH
        ax.bar(i, row.covered_mt, width=0.65, facecolor="0.45" if total else "white", edgecolor="black",
               hatch=hatches[i], linewidth=0.8)
        ax.annotate(f"{row.covered_mt:,.0f} Mt\n{row.share_of_cps:.0%} of CPS\n{row.commitments} commitments",
                    (i, row.covered_mt), ha="center", va="bottom", fontsize=7, xytext=(0, 2),
                    textcoords="offset points")
    ax.set_xticks(range(len(table)), list(table["group"]))
    ax.set_xlabel("actor type")
    ax.set_ylabel(f"covered emissions in {year} ({MT_LABEL})")
    ax.set_ylim(0, max(table["covered_mt"].max() * 1.3, 1.0))
    ax.set_title(f"{results.name}: emissions covered by commitments, {year} (medians)")
    return fig


@_styled
def tornado(sensitivity: pd.DataFrame) -> Figure:
    """Headline metric under each sensitivity case against the default: central change and 5-95 %."""
    default = sensitivity[sensitivity["sensitivity"] == "default"].iloc[0]
    rest = sensitivity[sensitivity["sensitivity"] != "default"].copy()
    rest = rest.reindex(rest["delta_central"].abs().sort_values().index)
    fig, ax = plt.subplots(figsize=(7.0, 0.45 * len(rest) + 1.8))
    y = np.arange(len(rest))
    ax.barh(y, rest["delta_central"], left=default["central"], height=0.55, facecolor="white", edgecolor="black",
            hatch="///", linewidth=0.8, label="change of the median from the default")
    ax.errorbar(rest["central"], y, xerr=[rest["central"] - rest["low"], rest["high"] - rest["central"]],
                fmt="o", color="black", markersize=3, capsize=3, linewidth=0.8, label="5-95 % interval of the case")
    ax.axvline(default["central"], color="black", linestyle="--", linewidth=1.0,
               label=f"default median {default['central']:.1f} %")
    ax.axvspan(default["low"], default["high"], facecolor="0.9", edgecolor="none", zorder=0,
               label="default 5-95 % interval")
    labels = [str(d) if str(d) else str(n) for d, n in zip(rest["description"], rest["sensitivity"], strict=True)]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlabel(f"national emissions in {default['year']:.0f} below the base year (%)")
    ax.set_ylabel("sensitivity case")
    ax.set_title(f"Sensitivity of the headline ({scenario_label(str(default['scenario']))}, {default['year']:.0f})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15 - 0.25 / max(len(rest), 1)), ncol=2, fontsize=7,
              frameon=False)
    return fig


SOURCE_HATCH = {"cps": "///", "reference_growth": "\\\\\\", "actor_data_error": "...", "achievement": "xxx",
                "ets_paths": "---", "interaction": ""}


def uncertainty_shares(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Scenario x source shares of the headline metric's variance in one year (uncertainty.csv);
    scenarios whose interval has zero width (no variance) are left out."""
    rows = table[(table["year"] == year) & (table["source"] != "all") & table["share"].notna()]
    shares = rows.pivot_table(index="scenario", columns="source", values="share", aggfunc="first", sort=False)
    order = [s for s in SOURCE_HATCH if s in shares.columns]
    return shares[order]


@_styled
def uncertainty(table: pd.DataFrame, year: int) -> Figure:
    """Stacked bar per scenario: share of the headline metric's variance from each source alone,
    and the interaction (negative when the sources partly offset each other)."""
    shares = uncertainty_shares(table, year)
    fig, ax = plt.subplots(figsize=(6.5, 0.6 * max(len(shares), 1) + 1.8))
    y = np.arange(len(shares))
    pos, neg = np.zeros(len(shares)), np.zeros(len(shares))
    for source in shares.columns:
        values = shares[source].fillna(0.0).to_numpy()
        left = np.where(values >= 0, pos, neg)
        ax.barh(y, values, left=left, height=0.55, facecolor="white" if source != "interaction" else "0.8",
                edgecolor="black", hatch=SOURCE_HATCH[source], linewidth=0.8, label=source.replace("_", " "))
        pos, neg = np.where(values >= 0, pos + values, pos), np.where(values < 0, neg + values, neg)
    ax.set_yticks(y, [scenario_label(str(s)) for s in shares.index])
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(f"share of the variance of % below the base year in {year}")
    ax.set_title(f"Where the interval comes from ({year})")
    if not len(shares):
        ax.text(0.5, 0.5, "no scenario has a non-zero interval", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=7, frameon=False)
    return fig


def case_sources(results: CaseResults) -> dict[str, str]:
    """Actor type -> the achievement-model source the case's commitments of that type are drawn
    with (config `achievement.prediction_sources`), for the actor types the case has commitments of."""
    from subnat.config import value

    mapping = value(results.config, "achievement.prediction_sources")
    present = set(results.tables["commitments"]["actor_type"])
    return {t: str(mapping[t]) for t in ACTOR_TYPES if t in present}


def delivered_fraction_by_type(posterior: str | Path, sources: dict[str, str] | None = None) -> pd.DataFrame:
    """Posterior draws of the expected delivered fraction of a new commitment by actor type.

    Uses the achievement model's own numpy prediction at mean ambition, with the data source each
    actor type is drawn with in the case (`sources`, from `case_sources`; `new` is an unseen source,
    as in the assessment), so the figure shows the quantity the `expected` scenario draws from.
    Without `sources`, every actor type with an unseen source.
    """
    from subnat.achievement.model import TYPES
    from subnat.achievement.predict import Predictors, load_posterior, simulate

    post, attrs = load_posterior(Path(posterior))
    n = len(post["mu"])
    sources = sources if sources is not None else dict.fromkeys(TYPES, "new")
    rows = []
    for actor_type, source in sources.items():
        # the same source key as the assessment (aggregate.assess._achievement)
        key = source if source != "new" else f"new:{actor_type}"
        f = simulate(post, attrs, Predictors.new_commitment(TYPES.index(actor_type), key), n,
                     np.random.default_rng(0), expected=True)[0]
        rows += [{"actor_type": actor_type, "source": source, "draw": j, "delivered_fraction": float(v)}
                 for j, v in enumerate(f)]
    return pd.DataFrame(rows, columns=["actor_type", "source", "draw", "delivered_fraction"])


@_styled
def achievement(posterior: str | Path, diagnostics: str | Path, sources: dict[str, str] | None = None) -> Figure:
    """Posterior delivered fraction by actor type (box = 50 %, whiskers = 90 %), with fit diagnostics;
    one box per actor type of the case, labelled with the data source it is drawn with."""
    draws = delivered_fraction_by_type(posterior, sources)
    diag = pd.read_csv(diagnostics)
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    types = list(dict.fromkeys(draws["actor_type"]))
    data = [draws.loc[draws["actor_type"] == t, "delivered_fraction"].to_numpy() for t in types]
    if types:
        box = ax.boxplot(data, whis=(5, 95), showfliers=False, patch_artist=True, widths=0.5,
                         medianprops={"color": "black", "linewidth": 1.5})
        for patch, t in zip(box["boxes"], types, strict=True):
            patch.set(facecolor="white", edgecolor="black", hatch=HATCH.get(t, ""))
    else:
        ax.text(0.5, 0.5, "the case has no commitments to draw", ha="center", transform=ax.transAxes)
    source_of = dict(zip(draws["actor_type"], draws["source"], strict=False))
    ax.set_xticks(range(1, len(types) + 1), [f"{t}\n({_source_label(source_of[t])})" for t in types])
    ax.set_xlabel("actor type (data source its commitments are drawn with)")
    ax.set_ylabel("delivered fraction of the pledged reduction (0-1)")
    ax.set_ylim(0, 1)
    notes = []
    if "r_hat" in diag:
        notes.append(f"max R-hat {pd.to_numeric(diag['r_hat'], errors='coerce').max():.3f}")
    if "ess_bulk" in diag:
        notes.append(f"min bulk ESS {pd.to_numeric(diag['ess_bulk'], errors='coerce').min():.0f}")
    ax.set_title("Achievement model: posterior delivered fraction by actor type\n"
                 "(box 25-75 %, whiskers 5-95 % over posterior draws" + ("; " + ", ".join(notes) if notes else "")
                 + ")", fontsize=8)
    return fig


def _source_label(source: str) -> str:
    return "unseen source" if source == "new" else source


def make_all(results: CaseResults, out_dir: str | Path, posterior: str | Path | None = None,
             diagnostics: str | Path | None = None) -> list[Path]:
    """Every figure of a case into `out_dir`: the tornado only with sensitivity cases, the
    achievement figure only with a fitted posterior and its diagnostics."""
    out = Path(out_dir)
    year = results.main_year
    written: list[Path] = []
    for scenario in results.scenarios:
        written += save(fan_chart(results, scenario), out / f"fan_{scenario}")
    if "full_implementation" in results.scenarios or "expected" in results.scenarios:
        written += save(waterfall(results, year), out / "waterfall")
    written += save(coverage(results, year), out / "coverage")
    if results.sensitivity is not None and (results.sensitivity["sensitivity"] != "default").any():
        written += save(tornado(results.sensitivity), out / "tornado")
    if posterior is not None and diagnostics is not None and Path(posterior).is_file():
        written += save(achievement(posterior, diagnostics, case_sources(results)), out / "achievement")
    return written
