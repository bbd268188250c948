"""Thin wrapper: rule write_report -> subnat.report.steps.write_report."""

from typing import TYPE_CHECKING

from subnat.report.steps import as_dict, write_report
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], write_report, as_dict(snakemake.input), as_dict(snakemake.output),
           dict(snakemake.params.items()))
