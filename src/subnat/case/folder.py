"""Where the files of a case are: their names, the embedded cases, a case name -> its folder.

No pandas here: the Snakefile reads this at parse time to declare each rule's inputs.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

from subnat.errors import InputError, Problem, excerpt

log = logging.getLogger(__name__)

CASE_YAML = "case.yaml"
EMBEDDED_PREFIX = "embedded:"  # names the embedded case, whatever folders the working directory has
REQUIRED_FILES = ("actors.csv", "inventory.csv", "commitments.csv", "national.csv")
OPTIONAL_FILES = ("company_locations.csv", "drivers.csv", "progress.csv", "observed.csv")
#: Rows a case built from the raw sources left out, with reasons (harmonize; read by its coverage table)
BUILD_EXCLUSIONS = "build_exclusions.csv"


def embedded_cases() -> dict[str, Path]:
    """Embedded case folders shipped in the package, by name."""
    root = Path(str(resources.files("subnat").joinpath("data/cases")))
    return {p.name: p for p in sorted(root.iterdir()) if (p / CASE_YAML).is_file()}


def resolve_case(case: str | Path) -> Path:
    """The case folder a case spec names (docs/case-format.md, "Naming a case").

    `embedded:NAME` is the embedded case NAME. A Path, or text with a path separator or starting
    with `.` (`./us2017`, `cases/us2017`, `/data/us2017`), is always a folder. A plain name is
    the folder of that name in the working directory or else the embedded case; when both exist
    the name is ambiguous and refused, so a local folder never silently shadows an embedded case.
    The folder used is logged (logging.info)."""
    cases = embedded_cases()
    names = ", ".join(cases) or "none"
    text = str(case)
    if isinstance(case, str) and text.startswith(EMBEDDED_PREFIX):
        name = text.removeprefix(EMBEDDED_PREFIX)
        if name not in cases:
            raise InputError(Problem(excerpt(text), None, None, f"no embedded case of that name (embedded: {names})"))
        return _using(text, cases[name], "embedded case")
    path = Path(case)
    separators = {"/", os.sep, os.altsep} - {None}
    if isinstance(case, Path) or any(sep in text for sep in separators) or text.startswith("."):
        if path.is_dir():
            return _using(text, path, "folder")
        hint = f" (the embedded case is {EMBEDDED_PREFIX}{path.name})" if path.name in cases else ""
        raise InputError(Problem(excerpt(text), None, None, f"no such case folder{hint}"))
    if path.is_dir() and text in cases:
        raise InputError(Problem(text, None, None,
                                 f"ambiguous case name: '{text}' is both a folder in the working directory "
                                 f"({path.resolve()}) and an embedded case; write ./{text} for the folder "
                                 f"or {EMBEDDED_PREFIX}{text} for the embedded case"))
    if path.is_dir():
        return _using(text, path, "folder")
    if text in cases:
        return _using(text, cases[text], "embedded case")
    raise InputError(Problem(excerpt(text), None, None,
                             f"no such case folder and no embedded case of that name (embedded: {names})"))


def _using(spec: str, folder: Path, kind: str) -> Path:
    log.info("case %s: reading the %s %s", spec, kind, folder.resolve())
    return folder


#: The case's own settings, a config layer (subnat.config); read by the assessment, not by load_case
CASE_SETTINGS = "settings.yaml"


def case_files(folder: Path) -> list[Path]:
    """The files an assessment reads from a case folder: case.yaml, the tables, the optional tables
    and the case's own settings when present."""
    return [folder / n for n in (CASE_YAML, *REQUIRED_FILES, *OPTIONAL_FILES, CASE_SETTINGS) if (folder / n).is_file()]
