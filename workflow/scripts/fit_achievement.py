"""Thin wrapper: rule fit_achievement -> subnat.achievement.fit.fit_achievement."""

from typing import TYPE_CHECKING

from subnat.achievement.fit import fit_achievement
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], fit_achievement,
           {"progress": snakemake.input.progress, "aggregates": snakemake.input.aggregates},
           dict(snakemake.output.items()), dict(snakemake.params.settings))
