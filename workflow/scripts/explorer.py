"""Thin wrapper: rule explorer -> subnat.explorer.build.write_case, rule explorer_index -> write_index."""

from pathlib import Path
from typing import TYPE_CHECKING

from subnat.explorer.build import write_case, write_index
from subnat.explorer.data import ExplorerInputs
from subnat.workflow import run_logged

if TYPE_CHECKING:
    from snakemake.script import snakemake


def inputs(folder: Path, case_dir: str) -> ExplorerInputs:
    return ExplorerInputs(folder / "actors.csv", folder / "progress.csv", folder / "commitments.csv",
                          folder / "pathways.csv", Path(case_dir))


if snakemake.rule == "explorer_index":
    results = Path(snakemake.output[0]).parent
    cases = {name: inputs(results / name, case_dir) for name, case_dir in snakemake.params.cases.items()}
    run_logged(snakemake.log[0], write_index, cases, Path(snakemake.output[0]))
else:
    out = Path(snakemake.output[0])
    run_logged(snakemake.log[0], write_case, snakemake.wildcards.case, inputs(out.parent, snakemake.params.case_dir),
               out)
