"""Thin wrapper: rule check_outputs -> subnat.aggregate.checks.run."""

from typing import TYPE_CHECKING

from subnat.aggregate.checks import run
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], run, dict(snakemake.input), snakemake.output[0])
