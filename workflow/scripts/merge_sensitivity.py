"""Thin wrapper: rule merge_sensitivity -> subnat.aggregate.sensitivity.merge."""

from typing import TYPE_CHECKING

from subnat.aggregate.sensitivity import merge
from subnat.config import read_yaml
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], merge, snakemake.input.summary, list(snakemake.input.parts),
           read_yaml(snakemake.input.resolved),
           snakemake.output[0], posterior=(snakemake.input.posterior or [None])[0])
