"""Thin wrapper: rule assess_case -> subnat.run.run_case."""

from pathlib import Path
from typing import TYPE_CHECKING

from subnat.config import ConfigSources
from subnat.run import run_case
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], run_case, snakemake.params.case, Path(snakemake.output.summary).parent,
           ConfigSources.from_dict(snakemake.params.config), posterior=(snakemake.input.posterior or [None])[0])
