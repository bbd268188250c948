"""Cross-country table (issue 18 item 4): one row per case from its summary.csv and coverage.csv.

Each case's figures are its own run's (no recomputation): national CPS (``no_nsa``), the
full-implementation and expected emissions and reductions with their 5-95 % intervals, coverage of
national emissions (net of nesting), actors and commitments by actor type, and the share of the
NDC gap closed (over the draws whose CPS is above the NDC, as in summary.csv). At the end, the
published full-implementation reduction of the same economy from the cited hand table
``data/hand/published_comparisons.csv`` (shown beside ours, never used to tune anything), and a
markdown page (countries.md) with both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from subnat.errors import InputError, Problem

SCENARIOS = ("no_nsa", "full_implementation", "expected")
QUANTILES = ("p05", "p50", "p95")
KINDS = ("region", "city", "company")


def _columns() -> list[str]:
    cols = ["case", "country", "year", "status"]
    cols += [f"cps_mt_{q}" for q in QUANTILES]
    for s in SCENARIOS[1:]:
        cols += [f"{s}_mt_{q}" for q in QUANTILES] + [f"{s}_reduction_mt_{q}" for q in QUANTILES]
        cols += [f"{s}_ndc_gap_share_{q}" for q in QUANTILES]
    cols += ["coverage_share_net"] + [f"{k}_actors" for k in KINDS] + [f"{k}_commitments" for k in KINDS]
    return [*cols, "n_commitments", "source", *PUBLISHED_COLUMNS]


#: Columns after ``source`` (new columns go at the end): the published comparison of the economy.
PUBLISHED_COLUMNS = ["published_reduction_mt_low", "published_reduction_mt_high", "published_source"]
PUBLISHED_METRIC = "full_implementation_reduction_mt"
COLUMNS = _columns()


def published_table(path: str | Path | None = None) -> pd.DataFrame:
    """The cited hand table of published figures (economy, year, metric, low, high, citation, note)."""
    if path is None:
        from importlib import resources

        with resources.as_file(resources.files("subnat") / "data" / "hand" / "published_comparisons.csv") as p:
            return published_table(p)
    df = pd.read_csv(path)
    _need(df, Path(path), ["economy", "year", "metric", "low", "high", "citation", "note"])
    for i, r in df.iterrows():
        if not isinstance(r["citation"], str) or not r["citation"].strip():
            raise InputError(Problem(str(path), int(i) + 2, "citation", "every published figure needs a citation"))
    return df


def _published(row: dict, published: pd.DataFrame, year: int) -> dict:
    """The published columns of one case row: the first matching economy/year/metric row, else empty."""
    hit = published[(published["economy"] == row["country"]) & (published["year"] == year)
                     & (published["metric"] == PUBLISHED_METRIC)]
    if hit.empty:
        return {c: None for c in PUBLISHED_COLUMNS}
    r = hit.iloc[0]
    return {"published_reduction_mt_low": r["low"], "published_reduction_mt_high": r["high"],
            "published_source": f"{r['citation']} -- {r['note']}"}


def _need(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    for c in columns:
        if c not in df.columns:
            raise InputError(Problem(str(path), 1, c, "missing column (expected the summary/coverage layout)"))


def case_row(name: str, summary: Path, cov: Path, case_yaml: Path | None, year: int) -> dict:
    """The table row of one case; InputError when the year or its no_nsa row is missing.

    A scenario the case's config did not enable (e.g. ``expected`` without an achievement model)
    leaves its columns empty and is named in ``source``, rather than failing the whole table.
    """
    s = pd.read_csv(summary)
    _need(s, summary, ["scenario", "year", "emissions_mt_p50", "net_reduction_mt_p50", "ndc_gap_share_p50"])
    c = pd.read_csv(cov)
    _need(c, cov, ["actor_type", "actors", "commitments", "share_of_national_net"])
    row: dict = {"case": name, "year": year}
    meta = yaml.safe_load(case_yaml.read_text(encoding="utf-8")) if case_yaml and case_yaml.exists() else {}
    row["country"] = (meta or {}).get("country")
    at = s[s["year"] == year].set_index("scenario")
    if "no_nsa" not in at.index:
        raise InputError(Problem(str(summary), None, "scenario", f"no 'no_nsa' row in {year}"))
    missing = [sc for sc in SCENARIOS[1:] if sc not in at.index]
    for q in QUANTILES:
        row[f"cps_mt_{q}"] = at.loc["no_nsa", f"emissions_mt_{q}"]
        for sc in SCENARIOS[1:]:
            ok = sc in at.index
            row[f"{sc}_mt_{q}"] = at.loc[sc, f"emissions_mt_{q}"] if ok else float("nan")
            row[f"{sc}_reduction_mt_{q}"] = at.loc[sc, f"net_reduction_mt_{q}"] if ok else float("nan")
            row[f"{sc}_ndc_gap_share_{q}"] = at.loc[sc, f"ndc_gap_share_{q}"] if ok else float("nan")
    by = c.set_index("actor_type")
    row["coverage_share_net"] = float(by.loc["total", "share_of_national_net"]) if "total" in by.index else None
    for k in KINDS:
        row[f"{k}_actors"] = int(by.loc[k, "actors"]) if k in by.index else 0
        row[f"{k}_commitments"] = int(by.loc[k, "commitments"]) if k in by.index else 0
    row["n_commitments"] = (int(at.loc["full_implementation", "n_commitments"])
                            if "n_commitments" in at and "full_implementation" in at.index else None)
    row["status"] = "too_thin" if sum(row[f"{k}_commitments"] for k in KINDS) == 0 else "ok"
    row["source"] = f"{summary} ({year} rows); {cov} (total and per-type rows)" + (
        f"; scenarios not run: {', '.join(missing)}" if missing else "")
    return row


def table(cases: dict[str, tuple[Path, Path, Path | None]], year: int = 2030,
          published: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per case (name -> (summary.csv, coverage.csv, case.yaml or None)), columns COLUMNS."""
    published = published_table() if published is None else published
    rows = [case_row(n, Path(s), Path(c), Path(y) if y else None, year) for n, (s, c, y) in cases.items()]
    rows = [r | _published(r, published, year) for r in rows]
    return pd.DataFrame(rows, columns=COLUMNS)


def _mt(row: pd.Series, stem: str) -> str:
    if pd.isna(row[f"{stem}_p50"]):
        return "-"
    return f"{row[f'{stem}_p50']:.0f} ({row[f'{stem}_p05']:.0f}-{row[f'{stem}_p95']:.0f})"


def _share(row: pd.Series, stem: str) -> str:
    v = row[f"{stem}_p50"]
    return "-" if pd.isna(v) else f"{v:.2f}"


def _range(low: object, high: object) -> str:
    if pd.isna(low) and pd.isna(high):
        return "not verified"
    return f"up to {high:.0f}" if pd.isna(low) else f"{low:.0f}-{high:.0f}"


def markdown(df: pd.DataFrame, published: pd.DataFrame, figure_name: str = "countries.png") -> str:
    """The report page: our per-case figures beside the published ones, then every published row."""
    year = int(df["year"].iloc[0]) if len(df) else 2030
    lines = [f"# Cross-country table, {year}", "",
             "Each case's own run (results/<case>/summary.csv and coverage.csv); Mt CO2e, median (5-95 %). "
             "Published figures are shown for comparison only and were not used to set anything. "
             "Columns: docs/country-builder.md.", "", f"![reductions below the CPS]({figure_name})", "",
             "| case | country | status | CPS | full impl. reduction | expected reduction | coverage (net) | "
             "NDC gap closed (full / expected) | actors (region/city/company) | published full-impl. "
             "reduction |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for _, r in df.iterrows():
        cov = "-" if pd.isna(r["coverage_share_net"]) else f"{100 * r['coverage_share_net']:.0f} %"
        pub = ("-" if pd.isna(r["published_source"]) else
               _range(r["published_reduction_mt_low"], r["published_reduction_mt_high"]))
        lines.append(f"| {r['case']} | {r['country']} | {r['status']} | {_mt(r, 'cps_mt')} | "
                     f"{_mt(r, 'full_implementation_reduction_mt')} | {_mt(r, 'expected_reduction_mt')} | {cov} | "
                     f"{_share(r, 'full_implementation_ndc_gap_share')} / {_share(r, 'expected_ndc_gap_share')} | "
                     f"{r['region_actors']}/{r['city_actors']}/{r['company_actors']} | {pub} |")
    lines += ["", "## Published figures (data/hand/published_comparisons.csv)", "",
              "| economy | year | metric | low | high | citation | note |", "|---|---|---|---|---|---|---|"]
    for _, r in published.iterrows():
        lo = "" if pd.isna(r["low"]) else f"{r['low']:.0f}"
        hi = "" if pd.isna(r["high"]) else f"{r['high']:.0f}"
        lines.append(f"| {r['economy']} | {r['year']} | {r['metric']} | {lo} | {hi} | {r['citation']} | "
                     f"{r['note']} |")
    return "\n".join(lines) + "\n"


def figure(df: pd.DataFrame, path: str | Path) -> Path:
    """Horizontal bars: full-implementation and expected reductions below the CPS (5-95 % whiskers)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(len(df), 1)))
    y = range(len(df))
    for off, sc, colour in ((-0.18, "full_implementation", "#1b7837"), (0.18, "expected", "#762a83")):
        mid = df[f"{sc}_reduction_mt_p50"]
        err = [mid - df[f"{sc}_reduction_mt_p05"], df[f"{sc}_reduction_mt_p95"] - mid]
        ax.barh([i + off for i in y], mid, height=0.34, xerr=err, color=colour, capsize=2,
                label=sc.replace("_", " "))
    ax.set_yticks(list(y), [f"{c} ({'-' if pd.isna(v) else format(100 * v, '.0f')} % cov.)"
                            for c, v in zip(df["case"], df["coverage_share_net"], strict=True)])
    ax.invert_yaxis()
    year = int(df["year"].iloc[0]) if len(df) else ""
    ax.set_xlabel(f"reduction below the national CPS in {year} (Mt CO2e; 5-95 %)")
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return out


def write(cases: dict[str, tuple[Path, Path, Path | None]], csv_path: str | Path, png_path: str | Path,
          md_path: str | Path | None = None, published_path: str | Path | None = None,
          year: int = 2030) -> pd.DataFrame:
    """The table, its figure and (md_path) the report page (entry point of the rule ``countries_table``)."""
    published = published_table(published_path)
    df = table(cases, year, published)
    Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    figure(df, png_path)
    if md_path is not None:
        Path(md_path).write_text(markdown(df, published, Path(png_path).name), encoding="utf-8")
    return df
