"""report.md: the ICAT reporting items for one case, written from the result files only.

Order follows the ICAT Non-State and Subnational Action Guide's reporting items: objective,
scope, sources and vintages, exclusions by reason, method choices, results, uncertainty,
limitations. The summary comes first, in English and (config `report.languages`) Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from subnat.outputs import write_atomic
from subnat.report import headline as H
from subnat.report.results import ACTOR_TYPES, CaseResults, scenario_label


def md_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency such as tabulate)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "" if math.isnan(v) else f"{v:,.2f}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def headline_years(results: CaseResults) -> list[int]:
    """The metric year, then every reporting year with an NDC (where the gap metrics exist)."""
    ndc_years = sorted(int(y) for y in results.tables["ndc"]["year"].unique() if int(y) in results.reporting_years)
    return list(dict.fromkeys([results.main_year, *ndc_years]))


def summary_section(results: CaseResults, languages: Sequence[str]) -> list[str]:
    heads = [H.headline(results, year=y) for y in headline_years(results)]
    out = ["## Summary", ""]
    out += [H.english(h) + "\n" for h in heads]
    if "zh" in languages:
        out += ["### 摘要（简体中文）", ""]
        out += [H.chinese(h) + "\n" for h in heads]
    return out


def _scope(results: CaseResults) -> list[str]:
    com, meta = results.tables["commitments"], results.meta
    counts = com.groupby("actor_type").agg(commitments=("commitment_id", "size"), actors=("actor_id", "nunique"))
    counts = counts.reindex([t for t in ACTOR_TYPES if t in counts.index]).reset_index()
    statuses = com["status"].value_counts().to_dict() if len(com) else {}
    return [
        "## 2. Scope", "",
        f"- Country: {results.country}; gases: Kyoto gases in {meta.get('gwp', '')} CO2e; "
        f"LULUCF {meta.get('lulucf', '')}.",
        f"- Base year {results.base_year}; projection {meta['years'][0]}-{meta['years'][1]}; reporting years "
        f"{', '.join(map(str, results.reporting_years))}; headline year {results.main_year}.",
        f"- Scenarios: {', '.join(f'`{s}` ({scenario_label(s)})' for s in results.scenarios)}.",
        f"- Commitments kept: {len(com)} (by status: "
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + f"); excluded: "
        f"{len(results.tables['exclusions'])}.",
        "", md_table(counts), "",
    ]


def _sources(results: CaseResults) -> list[str]:
    prov = results.provenance
    out = ["## 3. Sources and vintages", ""]
    out += [f"- {s}" for s in results.meta.get("sources", []) or ["(case.yaml lists no sources)"]]
    out += ["", f"Run {prov.get('created_utc', '')} with subnat {results.version} (git {prov.get('git_commit', '')}),"
            f" {prov.get('draws', '')} draws, seed {prov.get('seed', '')}; config SHA-256 "
            f"`{prov.get('config_sha256', '')}`. Input files (SHA-256 in `provenance.yaml`):", ""]
    inputs = pd.DataFrame([{"file": k, "sha256": v.get("sha256", "")[:16] + "…"}
                           for k, v in sorted(prov.get("inputs", {}).items())])
    return [*out, md_table(inputs) if len(inputs) else "(none recorded)", ""]


def _exclusions(results: CaseResults) -> list[str]:
    ex = results.tables["exclusions"]
    out = ["## 4. Exclusions by reason", ""]
    if ex.empty:
        return [*out, "No commitment was excluded.", ""]
    by_reason = ex.groupby("reason_code").agg(commitments=("commitment_id", "size"),
                                              examples=("commitment_id", lambda s: ", ".join(s.head(5))))
    out += [md_table(by_reason.reset_index()), "", "Every excluded commitment, with its line in the case's "
            "`commitments.csv`, is in `exclusions.csv`.", ""]
    return out


def _method(results: CaseResults, assumptions: pd.DataFrame) -> list[str]:
    table = assumptions[["key", "value", "unit", "source", "sensitivity_cases"]].rename(
        columns={"sensitivity_cases": "varied in sensitivity case"})
    return ["## 5. Method choices", "",
            "Every configurable assumption as used in this run (from `config.resolved.yaml`; the full register "
            "with rationales is `assumptions.csv`):", "", md_table(table), ""]


FIGURE_TITLES = {"fan": "National projection", "waterfall": "From current policy to NSA action",
                 "coverage": "Emissions covered by commitments", "tornado": "Sensitivity of the headline",
                 "achievement": "Achievement model: delivered fraction by actor type",
                 "uncertainty": "Where the interval comes from"}


def figure_links(figures: Sequence[str | Path], folder: Path) -> list[str]:
    """Markdown image links, relative to report.md, for the figures of the rule."""
    out = []
    for fig in figures:
        path = Path(fig)
        kind = path.stem.split("_")[0]
        title = FIGURE_TITLES.get(kind, path.stem)
        if kind == "fan":
            title += f": {scenario_label(path.stem.removeprefix('fan_'))}"
        try:
            rel = path.resolve().relative_to(folder.resolve())
        except ValueError:
            rel = Path("figures") / path.name
        out += [f"![{title}]({rel.as_posix()})", ""]
    return out


def _results(results: CaseResults, figures: Sequence[str | Path]) -> list[str]:
    out = ["## 6. Results", "", "Medians with 5-95 % intervals over draws (`summary.csv`).", "",
           md_table(H.headline_table(results)), ""]
    ndc = results.tables["ndc"]
    if len(ndc):
        view = pd.DataFrame({
            "scenario": ndc["scenario"].map(scenario_label), "target": ndc["ndc"], "year": ndc["year"],
            "level (Mt)": ndc["ndc_level_mt_p50"].map("{:,.1f}".format),
            "gap closed": [H.interval(r, "gap_share", "{:.0f} %", 100.0) for _, r in ndc.iterrows()],
            "P(meets)": ndc["prob_meets_ndc"].map(H.pct)})
        out += ["NDC levels (`ndc.csv`):", "", md_table(view), ""]
    ov = results.tables["overlaps"]
    ov = ov[(ov["year"] == results.main_year) & (ov["scenario"] != "no_nsa")]
    if len(ov):
        view = pd.DataFrame({"scenario": ov["scenario"].map(scenario_label),
                             "gross (Mt)": ov["gross_mt_p50"], "O2 nested (Mt)": ov["o2_removed_mt_p50"],
                             "O3 companies (Mt)": ov["o3_removed_mt_p50"], "O6 in CPS (Mt)": ov["o6_removed_mt_p50"],
                             "net (Mt)": ov["net_mt_p50"]})
        out += [f"Overlap removal in {results.main_year}, medians (`overlaps.csv`):", "", md_table(view), ""]
    out += figure_links(figures, results.folder)
    return out


def _uncertainty(results: CaseResults) -> list[str]:
    prov = results.provenance
    out = ["## 7. Uncertainty", "", _draws_sentence(results, prov.get("draws", "")), ""]
    out += _split_table(results)
    out += _decomposition(results)
    sens = results.sensitivity
    if sens is not None and len(sens):
        view = sens[["sensitivity", "description", "scenario", "year", "low", "central", "high", "delta_central"]]
        out += [f"One-at-a-time sensitivity of the headline metric (% below {results.base_year} in "
                f"{results.main_year}; `sensitivity.csv`, tornado figure):", "", md_table(view), ""]
    return out


def _decomposition(results: CaseResults) -> list[str]:
    """The variance decomposition of the headline metric in the main year (uncertainty.csv)."""
    table = results.uncertainty
    if table is None or not len(table):
        return []
    year = results.main_year if results.main_year in set(table["year"]) else int(table["year"].max())
    rows = table[(table["year"] == year) & (table["source"] != "all")]
    view = rows.pivot(index="source", columns="scenario", values="share")  # keeps empty (zero-width) columns
    view = view.reindex(index=list(dict.fromkeys(rows["source"])),
                        columns=[s for s in results.scenarios if s in view.columns]).reset_index()
    view.columns.name = None
    total = table[(table["year"] == year) & (table["source"] == "all")].set_index("scenario")["variance"]
    out = [f"Share of the variance of the headline metric (% below {results.base_year} in {year}) from each "
           "uncertainty source alone, same random numbers (`uncertainty.csv`); `interaction` is the rest, so "
           "each column sums to 1. Empty: the scenario's interval has zero width.", "", md_table(view), "",
           "Total variance (%²): " + ", ".join(f"{scenario_label(s)} {v:.3g}" for s, v in total.items()) + ".", ""]
    return out


def _switch(config: dict, key: str, default: object) -> object:
    node = config.get("uncertainty", {}).get(key, {})
    return node.get("value", default) if isinstance(node, dict) else node


def _draws_sentence(results: CaseResults, draws: object) -> str:
    """What one draw varies, as the resolved config says (method §9)."""
    config = results.config or {}
    cps = _switch(config, "cps", "ensemble")
    single = cps in ("central", "low", "high")
    projection = {True: "on", False: "off"}.get(_switch(config, "projection_error", "auto"),
                                                _switch(config, "projection_error", "auto"))
    if single and projection != "off":
        national = (f"one national current-policy series (`uncertainty.cps: {cps}`) times a drawn national "
                    "projection error whose spread grows with the years after the last inventory year "
                    "(`uncertainty.projection_error_sd`)")
    elif single:
        national = f"the one national current-policy series (`uncertainty.cps: {cps}`, no projection error)"
    else:
        national = ("one national current-policy series: an ensemble member drawn with equal weight (or a level "
                    "of the range), and the drawn projection error where the case has one series only"
                    if projection == "auto" else "one national current-policy ensemble member")
    growth = bool(_switch(config, "reference_growth", False))
    text = f"Each of the {draws} draws takes {national}"
    if growth:
        text += (", a deviation of each actor's reference from the national growth index that grows with the "
                 "years after its latest inventory and is correlated within a parent jurisdiction "
                 "(`uncertainty.reference_growth_*`)")
    text += (", and, where the configuration says so, actor-data errors and delivered fractions from the "
             "achievement model. Every interval is the 5-95 % range of the per-draw values. ")
    scope = ("`no_nsa` varies only through the national projection, `full_implementation` also through the "
             "reference growth" if growth else "`no_nsa` and `full_implementation` vary only through the "
             "national projection")
    return text + scope + " (no achievement, no data error)."


def _split_table(results: CaseResults) -> list[str]:
    """The net reduction split into avoided growth and reduction below today's level (summary.csv)."""
    s = results.summary
    if "avoided_growth_mt_p50" not in s.columns:
        return []
    view = s[(s["year"] == results.main_year) & (s["scenario"] != "no_nsa")]
    if not len(view):
        return []
    table = pd.DataFrame({"scenario": view["scenario"].map(scenario_label),
                          "net (Mt)": view["net_reduction_mt_p50"],
                          "avoided growth (Mt)": view["avoided_growth_mt_p50"],
                          "below today's level (Mt)": view["below_today_mt_p50"]})
    return [f"Of the net reduction in {results.main_year}, the part that only avoids growth of the reference "
            "above the actors' latest inventory levels and the part below today's level (medians over draws, "
            "each split per draw; `summary.csv`):", "", md_table(table), ""]


LIMITATIONS = [
    "Reference emissions of actors follow the national current-policy growth from their latest inventory, "
    "with a drawn deviation (`uncertainty.reference_growth`); a target's pathway and level do not move with "
    "the drawn national projection or that deviation (peaking caps, baseline and renewable-share levels and the "
    "`cps_trend` continuation keep the undrawn national index).",
    "Commitments are counted as stated; offsets, scope 3 and market-based scope 2 claims count only as the "
    "configuration says (method choices above).",
    "Overlap removal uses the nesting in actors.csv and the company locations of the case; missing locations "
    "fall back to a national proxy.",
    "Intervals cover the uncertainty sources listed above only, not errors in the national projection models "
    "themselves or commitments missing from the inputs.",
]


def render(results: CaseResults, assumptions: pd.DataFrame, languages: Sequence[str] = ("en",),
           figures: Sequence[str | Path] = (), hindcast: Sequence[str | Path] = (),
           tracking: Mapping[str, str] | None = None) -> str:
    """The whole report as Markdown; `hindcast` is (hindcast.csv, hindcast_summary.csv[, figure]) when the case
    has a hindcast; `tracking` the files of rule tracking by stem (progress, actors, landscape, figure)."""
    meta = results.meta
    out = [f"# {results.name}: effect of non-state and subnational action on national emissions", "",
           f"*{meta.get('description', '')}*", ""]
    out += summary_section(results, languages)
    out += ["## 1. Objective", "",
            f"Estimate how much lower the national emissions of {results.country} would be if states, regions, "
            "cities and companies deliver their climate commitments, and how sure that estimate is, following "
            "the ICAT Non-State and Subnational Action Guide.", ""]
    out += _scope(results) + _sources(results) + _exclusions(results) + _method(results, assumptions)
    out += _results(results, figures) + _uncertainty(results)
    if hindcast:
        out += _hindcast(hindcast)
    if tracking and {"progress", "actors", "landscape"} <= set(tracking):
        from subnat.tracking.report import section

        out += section(pd.read_csv(tracking["progress"]), pd.read_csv(tracking["actors"], keep_default_na=False,
                                                                      na_values=[""]),
                       pd.read_csv(tracking["landscape"], keep_default_na=False, na_values=[""]),
                       tracking.get("figure"))
    limits = list(LIMITATIONS)
    if "expected" not in results.scenarios:
        limits.insert(0, "The `expected` scenario (delivery drawn from the fitted achievement model) was not run "
                         "for this case: the results bound delivery between none and full implementation.")
    out += ["## 8. Limitations", "", *[f"- {item}" for item in limits], ""]
    out += ["## 9. Tracing a number", "",
            "Every headline number is a row of `summary.csv`; `national.csv`, `overlaps.csv` and `commitments.csv` "
            "break it down by year, overlap type and commitment; `exclusions.csv` lists what was left out and why; "
            "`config.resolved.yaml` and `assumptions.csv` give every assumption with its source; `provenance.yaml` "
            "gives the SHA-256 of every input file and of the config.", ""]
    return "\n".join(out)


def _hindcast(files: Sequence[str | Path]) -> list[str]:
    from subnat.hindcast.report import section

    table, summary = Path(files[0]), Path(files[1])
    rows = pd.read_csv(table, keep_default_na=False, na_values=[""], dtype={"inside_90": str, "beat_trend": str,
                                                                          "on_pledged_path": str})
    for column in ("inside_90", "beat_trend", "on_pledged_path"):
        rows[column] = rows[column].fillna("")
    figure = files[2] if len(files) > 2 else None
    return section(rows, pd.read_csv(summary), figure)


def write(results: CaseResults, assumptions_csv: str | Path, out_md: str | Path,
          languages: Sequence[str] = ("en",), figures: Sequence[str | Path] = (),
          hindcast: Sequence[str | Path] = (), tracking: Mapping[str, str] | None = None) -> str:
    """Write report.md atomically; `figures` are the PNG files to show (paths)."""
    table = pd.read_csv(assumptions_csv, keep_default_na=False)
    text = render(results, table, languages, figures, hindcast, tracking)
    write_atomic(Path(out_md), lambda p: p.write_text(text, encoding="utf-8"))
    return text
