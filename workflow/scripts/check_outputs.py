"""Thin wrapper: rule check_outputs -> subnat.aggregate.checks.check_outputs."""

from typing import TYPE_CHECKING

from subnat.aggregate.checks import check_outputs
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], check_outputs, dict(snakemake.input), snakemake.output[0])
