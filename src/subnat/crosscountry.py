"""Cross-country table (issue 18 item 4): one row per case from its summary.csv and coverage.csv.

Each case's figures are its own run's (no recomputation): national CPS (``no_nsa``), the
full-implementation and expected emissions and reductions with their 5-95 % intervals, coverage of
national emissions (net of nesting), actors and commitments by actor type, and the share of the
NDC gap closed (over the draws whose CPS is above the NDC, as in summary.csv).
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
    return [*cols, "n_commitments", "source"]


COLUMNS = _columns()


def _need(df: pd.DataFrame, path: Path, columns: list[str]) -> None:
    for c in columns:
        if c not in df.columns:
            raise InputError(Problem(str(path), 1, c, "missing column (expected the summary/coverage layout)"))


def case_row(name: str, summary: Path, cov: Path, case_yaml: Path | None, year: int) -> dict:
    """The table row of one case; InputError when the year or a scenario is missing."""
    s = pd.read_csv(summary)
    _need(s, summary, ["scenario", "year", "emissions_mt_p50", "net_reduction_mt_p50", "ndc_gap_share_p50"])
    c = pd.read_csv(cov)
    _need(c, cov, ["actor_type", "actors", "commitments", "share_of_national_net"])
    row: dict = {"case": name, "year": year}
    meta = yaml.safe_load(case_yaml.read_text(encoding="utf-8")) if case_yaml and case_yaml.exists() else {}
    row["country"] = (meta or {}).get("country")
    at = s[s["year"] == year].set_index("scenario")
    for sc in SCENARIOS:
        if sc not in at.index:
            raise InputError(Problem(str(summary), None, "scenario", f"no '{sc}' row in {year}"))
    for q in QUANTILES:
        row[f"cps_mt_{q}"] = at.loc["no_nsa", f"emissions_mt_{q}"]
        for sc in SCENARIOS[1:]:
            row[f"{sc}_mt_{q}"] = at.loc[sc, f"emissions_mt_{q}"]
            row[f"{sc}_reduction_mt_{q}"] = at.loc[sc, f"net_reduction_mt_{q}"]
            row[f"{sc}_ndc_gap_share_{q}"] = at.loc[sc, f"ndc_gap_share_{q}"]
    by = c.set_index("actor_type")
    row["coverage_share_net"] = float(by.loc["total", "share_of_national_net"]) if "total" in by.index else None
    for k in KINDS:
        row[f"{k}_actors"] = int(by.loc[k, "actors"]) if k in by.index else 0
        row[f"{k}_commitments"] = int(by.loc[k, "commitments"]) if k in by.index else 0
    row["n_commitments"] = int(at.loc["full_implementation", "n_commitments"]) if "n_commitments" in at else None
    row["status"] = "too_thin" if sum(row[f"{k}_commitments"] for k in KINDS) == 0 else "ok"
    row["source"] = f"{summary} ({year} rows); {cov} (total and per-type rows)"
    return row


def table(cases: dict[str, tuple[Path, Path, Path | None]], year: int = 2030) -> pd.DataFrame:
    """One row per case (name -> (summary.csv, coverage.csv, case.yaml or None)), columns COLUMNS."""
    rows = [case_row(n, Path(s), Path(c), Path(y) if y else None, year) for n, (s, c, y) in cases.items()]
    return pd.DataFrame(rows, columns=COLUMNS)


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
          year: int = 2030) -> pd.DataFrame:
    """The table and its figure (entry point of the rule ``countries_table``)."""
    df = table(cases, year)
    Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    figure(df, png_path)
    return df
