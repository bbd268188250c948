"""Thin wrapper: rule countries_table -> subnat.crosscountry.write."""

from typing import TYPE_CHECKING

from subnat.crosscountry import write
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

cases = {name: (s, c, y) for name, s, c, y in zip(snakemake.params.cases, snakemake.input.summaries,
                                                  snakemake.input.coverage, snakemake.params.case_yamls,
                                                  strict=True)}
run_logged(snakemake.log[0], write, cases, snakemake.output.table, snakemake.output.figure,
           snakemake.output.page, snakemake.input.published)
