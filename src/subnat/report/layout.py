"""Which figures a case gets, without importing matplotlib (the Snakefile reads this at parse time)."""

from __future__ import annotations


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
