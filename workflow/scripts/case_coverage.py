"""Thin wrapper: rule case_coverage -> subnat.harmonize.steps.case_coverage."""

from typing import TYPE_CHECKING

from subnat.harmonize.steps import case_coverage
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], case_coverage, snakemake.params.folder, snakemake.output[0])
