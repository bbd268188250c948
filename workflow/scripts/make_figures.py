"""Thin wrapper: rule make_figures -> subnat.report.steps.make_figures."""

from typing import TYPE_CHECKING

from subnat.report.steps import as_dict, make_figures
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], make_figures, as_dict(snakemake.input), as_dict(snakemake.output))
