"""Thin wrapper: rule assess_sensitivity -> subnat.aggregate.sensitivity.run_one."""

from typing import TYPE_CHECKING

from subnat.aggregate.sensitivity import run_one
from subnat.config import ConfigSources
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], run_one, snakemake.params.case, ConfigSources.from_dict(snakemake.params.config),
           snakemake.wildcards.name,
           snakemake.output[0], posterior=(snakemake.input.posterior or [None])[0])
