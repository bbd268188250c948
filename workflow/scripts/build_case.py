"""Thin wrapper: rule build_case -> subnat.harmonize.steps.build_case_folder."""

from typing import TYPE_CHECKING

from subnat.harmonize.steps import build_case_folder
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], build_case_folder, snakemake.wildcards.case, snakemake.params.raw_dir,
           snakemake.output[0], snakemake.params.duplicates)
