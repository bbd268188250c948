"""Which tables the report steps read and which figures a case gets, without importing pandas or
matplotlib (the Snakefile reads this at parse time to declare the report rules' files)."""

from __future__ import annotations

#: The tables of results/<case>/ (interfaces.md §4) that `results.load` reads for every report step.
TABLE_NAMES = ("summary", "national", "commitments", "exclusions", "overlaps", "ndc")


def figure_names(scenarios: list[str], sensitivity: bool, achievement_model: bool) -> list[str]:
    """File stems of every figure `figures.make_all` writes (the Snakemake rule declares the same list)."""
    names = [f"fan_{s}" for s in scenarios]
    if "full_implementation" in scenarios or "expected" in scenarios:
        names.append("waterfall")
    names.append("coverage")
    if sensitivity:
        names.append("tornado")
    if achievement_model:
        names.append("achievement")
    return names
