"""Thin wrapper: rule export_iamc -> subnat.report.steps.export_iamc."""

from typing import TYPE_CHECKING

from subnat.report.steps import as_dict, export_iamc
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], export_iamc, as_dict(snakemake.input), as_dict(snakemake.output))
