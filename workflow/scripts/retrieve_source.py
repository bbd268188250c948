"""Thin wrapper: rule retrieve_source -> subnat.harmonize.retrieve.fetch."""

from typing import TYPE_CHECKING

from subnat.harmonize.retrieve import fetch
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], fetch, snakemake.params.entry, snakemake.output[0],
           snakemake.params.reference_dir)
