"""Write the explorer pages: one per case and the index over cases (rule explorer, rule explorer_index)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from subnat.case.load import load_case
from subnat.explorer.data import ExplorerInputs, assemble, read_table
from subnat.explorer.page import case_page, index_page
from subnat.outputs import write_atomic

log = logging.getLogger(__name__)


def _write_text(path: Path, text: str) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_case(name: str, inputs: ExplorerInputs, out: Path) -> None:
    """results/<case>/explorer.html."""
    data = assemble(name, inputs)
    _write_text(Path(out), case_page(data, data["description"]))
    log.info("%s: explorer with %d actors, %.1f MB", name, len(data["actors"]), Path(out).stat().st_size / 1e6)


def write_index(cases: Mapping[str, ExplorerInputs], out: Path) -> None:
    """results/explorer.html: a line per case (its description, actors and kept commitments)."""
    entries = [{"name": name, "description": load_case(inputs.case).meta.description,
                "n_actors": len(read_table(inputs.actors, ("actor_id",))),
                "n_commitments": len(read_table(inputs.commitments, ("commitment_id",)))}
               for name, inputs in sorted(cases.items())]
    _write_text(Path(out), index_page(entries))
