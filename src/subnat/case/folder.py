"""Where the files of a case are: their names, the embedded cases, a case name -> its folder.

No pandas here: the Snakefile reads this at parse time to declare each rule's inputs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from subnat.errors import InputError, Problem

CASE_YAML = "case.yaml"
REQUIRED_FILES = ("actors.csv", "inventory.csv", "commitments.csv", "national.csv")
OPTIONAL_FILES = ("company_locations.csv", "drivers.csv", "progress.csv")
#: Rows a case built from the raw sources left out, with reasons (harmonize; read by its coverage table)
BUILD_EXCLUSIONS = "build_exclusions.csv"


def embedded_cases() -> dict[str, Path]:
    """Embedded case folders shipped in the package, by name."""
    root = Path(str(resources.files("subnat").joinpath("data/cases")))
    return {p.name: p for p in sorted(root.iterdir()) if (p / CASE_YAML).is_file()}


def resolve_case(case: str | Path) -> Path:
    """A case folder from a path or an embedded case name."""
    path = Path(case)
    if path.is_dir():
        return path
    cases = embedded_cases()
    if str(case) in cases:
        return cases[str(case)]
    names = ", ".join(cases) or "none"
    raise InputError(Problem(str(case), None, None,
                             f"no such case folder and no embedded case of that name "
                             f"(embedded: {names})"))


#: The case's own settings, a config layer (subnat.config); read by the assessment, not by load_case
CASE_SETTINGS = "settings.yaml"


def case_files(folder: Path) -> list[Path]:
    """The files an assessment reads from a case folder: case.yaml, the tables, the optional tables
    and the case's own settings when present."""
    return [folder / n for n in (CASE_YAML, *REQUIRED_FILES, *OPTIONAL_FILES, CASE_SETTINGS) if (folder / n).is_file()]
