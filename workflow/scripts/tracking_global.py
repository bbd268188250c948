"""Thin wrapper: rule tracking_global -> subnat.tracking.steps.global_peers."""

from typing import TYPE_CHECKING

from subnat.tracking.steps import global_peers
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake

run_logged(snakemake.log[0], global_peers, [str(p) for p in snakemake.input.actors], snakemake.output.peers)
