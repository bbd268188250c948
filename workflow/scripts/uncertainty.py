"""Thin wrapper: rule uncertainty -> subnat.uncertainty.decompose.write_uncertainty."""

from typing import TYPE_CHECKING

from subnat.config import ConfigSources
from subnat.uncertainty.decompose import write_uncertainty
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], write_uncertainty, snakemake.params.case,
           ConfigSources.from_dict(snakemake.params.config), snakemake.output.csv,
           posterior=(snakemake.input.posterior or [None])[0], figure=snakemake.output.png)
