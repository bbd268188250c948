"""Thin wrapper: rule write_assumptions -> subnat.report.steps.write_assumptions."""

from typing import TYPE_CHECKING

from subnat.report.steps import as_dict, write_assumptions
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], write_assumptions, as_dict(snakemake.input), as_dict(snakemake.output))
