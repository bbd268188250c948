"""Thin wrapper: rule make_tables -> subnat.report.steps.make_tables."""

from typing import TYPE_CHECKING

from subnat.report.steps import as_dict, make_tables
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], make_tables, as_dict(snakemake.input), as_dict(snakemake.output))
