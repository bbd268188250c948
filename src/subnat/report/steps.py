"""Entry points of the report rules: plain paths in, files out (the scripts only unpack snakemake).

Each step reads results/<case>/ through `results.load` and writes its outputs atomically.
`python -m subnat.report RESULT_DIR` runs them all by hand on an assessed case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from subnat.report.results import CaseResults, load

log = logging.getLogger(__name__)


def as_dict(named: object) -> dict[str, str | list[str]]:
    """A Snakemake Namedlist (input, output, params) as plain {name: path or list of paths}."""
    items = named.items()  # type: ignore[attr-defined]
    return {k: v if isinstance(v, str | int | float) else [str(x) for x in v] for k, v in items}


def _case_file(inputs: Mapping[str, object], name: str) -> str | None:
    """A case input by file name, from the rule's `case` list (None: use provenance.yaml's path)."""
    files = inputs.get("case") or []
    files = [files] if isinstance(files, str) else files
    return next((str(f) for f in files if Path(str(f)).name == name), None)  # type: ignore[union-attr]


def _sensitivity(inputs: Mapping[str, object], key: str = "sensitivity") -> str | None:
    """The rule's `sensitivity` (or `key`) input (None: the rule declares none); "auto" without the key (by hand)."""
    if key not in inputs:
        return "auto"
    files = inputs[key] or []
    files = [files] if isinstance(files, str) else [str(f) for f in files]  # type: ignore[union-attr]
    return files[0] if files else None


def _results(inputs: Mapping[str, object]) -> CaseResults:
    return load(Path(str(inputs["summary"])).parent, _case_file(inputs, "case.yaml"),
                _case_file(inputs, "national.csv"), _sensitivity(inputs), _sensitivity(inputs, "uncertainty"))


def _achievement(inputs: Mapping[str, object]) -> tuple[str | None, str | None]:
    """(posterior.nc, diagnostics.csv) from the rule's `achievement` list, when the model was fitted."""
    files = inputs.get("achievement") or []
    files = [files] if isinstance(files, str) else [str(f) for f in files]  # type: ignore[union-attr]
    posterior = next((f for f in files if f.endswith(".nc")), None)
    diagnostics = next((f for f in files if f.endswith(".csv")), None)
    return posterior, diagnostics


def write_assumptions(inputs: Mapping[str, str], outputs: Mapping[str, str]) -> None:
    """assumptions.csv from config.resolved.yaml and provenance.yaml (which layer set what)."""
    from subnat.report import assumptions

    table = assumptions.write(inputs["resolved"], outputs["assumptions"], inputs.get("provenance"))
    log.info("wrote %s (%d assumptions)", outputs["assumptions"], len(table))


def tracking_files(inputs: Mapping[str, object]) -> dict[str, str]:
    """The rule tracking outputs among the rule's `tracking` inputs, by stem (progress, actors, landscape,
    and `figure` for figures/landscape.png)."""
    files = inputs.get("tracking") or []
    files = [files] if isinstance(files, str) else [str(f) for f in files]  # type: ignore[union-attr]
    return {("figure" if f.endswith(".png") else Path(f).stem): f for f in files}


def make_tables(inputs: Mapping[str, object], outputs: Mapping[str, str]) -> None:
    """tables.xlsx."""
    from subnat.report import workbook

    workbook.write_workbook(_results(inputs), str(inputs["assumptions"]), outputs["xlsx"], tracking_files(inputs))
    log.info("wrote %s", outputs["xlsx"])


def export_iamc(inputs: Mapping[str, object], outputs: Mapping[str, str]) -> None:
    """iamc.csv, iamc.xlsx, iamc.meta.yaml."""
    from subnat.report import iamc

    frame = iamc.write(_results(inputs), outputs["csv"], outputs["xlsx"], outputs["meta"])
    log.info("wrote %s (%d rows, %d variables)", outputs["csv"], len(frame), frame["variable"].nunique())


def make_figures(inputs: Mapping[str, object], outputs: Mapping[str, str | Sequence[str]]) -> list[Path]:
    """Every figure; fails when the figures written differ from those the rule declared."""
    from subnat.report import figures

    results = _results(inputs)
    declared = {Path(p) for value in outputs.values() for p in ([value] if isinstance(value, str) else value)}
    out_dir = Path(next(iter(declared))).parent
    written = figures.make_all(results, out_dir, *_achievement(inputs))
    missing = declared - set(written)
    if missing:
        raise RuntimeError(f"figures declared but not drawn: {sorted(map(str, missing))}")
    log.info("wrote %d figure files into %s", len(written), out_dir)
    return written


def write_report(inputs: Mapping[str, str | Sequence[str]], outputs: Mapping[str, str],
                 params: Mapping[str, object]) -> None:
    """report.md and the headline fragment of the HTML report."""
    from subnat.report import report_html, report_md

    results = _results(inputs)
    figs = inputs.get("figures", [])
    figs = [figs] if isinstance(figs, str) else list(figs)
    languages = list(params.get("languages", ["en"]))  # type: ignore[call-overload]
    hindcast = inputs.get("hindcast", [])  # hindcast.csv, hindcast_summary.csv, the figure (rule hindcast)
    hindcast = [hindcast] if isinstance(hindcast, str) else list(hindcast)
    report_md.write(results, str(inputs["assumptions"]), outputs["md"], languages, figs, hindcast,
                    tracking_files(inputs))
    report_html.write(results, outputs["html"], languages)
    log.info("wrote %s and %s", outputs["md"], outputs["html"])


def run_all(result_dir: str | Path, languages: Sequence[str] = ("en", "zh"),
            posterior: str | Path | None = None, diagnostics: str | Path | None = None) -> None:
    """Every report output of an assessed case, by hand (what the rules do, in one call)."""
    from subnat.report import figures

    d = Path(result_dir)
    base = {"summary": str(d / "summary.csv"), "resolved": str(d / "config.resolved.yaml"),
            "assumptions": str(d / "assumptions.csv"),
            "tracking": [str(p) for p in (d / "progress.csv", d / "actors.csv", d / "landscape.csv",
                                          d / "figures" / "landscape.png") if p.is_file()]}
    write_assumptions(base, {"assumptions": base["assumptions"]})
    make_tables(base, {"xlsx": str(d / "tables.xlsx")})
    export_iamc(base, {"csv": str(d / "iamc.csv"), "xlsx": str(d / "iamc.xlsx"), "meta": str(d / "iamc.meta.yaml")})
    written = figures.make_all(_results(base), d / "figures", posterior, diagnostics)
    written += [p for p in [d / "figures" / "uncertainty.png"] if p.is_file()]  # rule uncertainty's figure
    hindcast = [d / "hindcast.csv", d / "hindcast_summary.csv", d / "figures" / "hindcast.png"]
    write_report({**base, "figures": [str(p) for p in written if p.suffix == ".png"],
                  "hindcast": [str(p) for p in hindcast] if hindcast[0].is_file() else []},
                 {"md": str(d / "report.md"), "html": str(d / "headline.html")}, {"languages": list(languages)})
