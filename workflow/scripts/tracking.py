"""Thin wrapper: rule tracking -> subnat.tracking.steps.tracking."""

from typing import TYPE_CHECKING

from subnat.config import ConfigSources
from subnat.report.steps import as_dict
from subnat.tracking.steps import tracking
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], tracking, snakemake.params.case, ConfigSources.from_dict(snakemake.params.config),
           (snakemake.input.climactor or [None])[0], as_dict(snakemake.output))
