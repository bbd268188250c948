"""Thin wrapper: rule build_country -> subnat.harmonize.steps.build_country_folder."""

from typing import TYPE_CHECKING

from subnat.harmonize.steps import build_country_folder
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], build_country_folder, snakemake.wildcards.iso3, snakemake.params.raw_dir,
           snakemake.output[0], snakemake.params.duplicates)
