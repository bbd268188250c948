"""Thin wrapper: rule hindcast -> subnat.hindcast.steps.hindcast."""

from typing import TYPE_CHECKING

from subnat.config import ConfigSources
from subnat.hindcast.steps import hindcast
from subnat.report.steps import as_dict
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], hindcast, snakemake.params.case, ConfigSources.from_dict(snakemake.params.config),
           (snakemake.input.posterior or [None])[0], as_dict(snakemake.output))
