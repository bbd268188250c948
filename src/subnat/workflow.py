"""Glue for the Snakemake rules: config resolution, case inputs, logging. No science here."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from subnat.case import folder as case_folder
from subnat.config import resolve
from subnat.errors import InputError, Problem, SubnatError

SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def resolve_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults filled and validated; problems become a WorkflowError without a traceback."""
    try:
        return resolve(config)
    except InputError as exc:
        from snakemake.exceptions import WorkflowError

        raise WorkflowError("invalid configuration:\n" + "\n".join(str(p) for p in exc.problems)) from None


def config_sources(workflow: Any) -> dict[str, Any]:
    """The layers Snakemake merged into `config`, kept apart (subnat.config precedence): the
    workflow's configfile as the defaults, then each --configfile in order, then --config values.
    A case's own settings go between the defaults and the user's layers, in the assessment.
    Returned as plain data for the rules' params (a change of any layer reruns them)."""
    from subnat.config import package_defaults, read_layer, sources_from

    settings = workflow.config_settings
    user_files = [str(p) for p in settings.configfiles]
    own = [f for f in map(str, workflow.configfiles) if f not in user_files]
    try:
        base = read_layer(own[0]) if own else package_defaults()
        sources = sources_from(user_files, base=base)
        if settings.config:
            sources = sources.with_flags(dict(settings.config), "snakemake --config")
    except InputError as exc:
        from snakemake.exceptions import WorkflowError

        raise WorkflowError("invalid configuration:\n" + "\n".join(str(p) for p in exc.problems)) from None
    return sources.to_dict()


def sensitivity_names(config: Mapping[str, Any]) -> list[str]:
    """The sensitivity cases run for a case: every name in ``sensitivity.cases`` except the case's
    ``sensitivity.skip`` (its settings.yaml: cases that cannot change its result); none when disabled."""
    if not config["sensitivity"]["enabled"]:
        return []
    names = [item["name"] for item in config["sensitivity"]["cases"]]
    skip = list(config["sensitivity"]["skip"]["value"])
    # A case's settings.yaml names package sensitivity cases; a user list without them is fine,
    # a name that is neither configured nor a package case is a typo.
    unknown = sorted(set(skip) - set(names))
    if unknown:  # only then read the package defaults (Snakemake parses this for every case)
        unknown = sorted(set(unknown) - set(package_sensitivity_names()))
    if unknown:
        raise InputError(Problem("config", None, "sensitivity.skip",
                                 f"no sensitivity case named {', '.join(unknown)} (known: {', '.join(names)})"))
    return [n for n in names if n not in skip]


@lru_cache(maxsize=1)
def package_sensitivity_names() -> tuple[str, ...]:
    """The sensitivity cases of the package defaults (config/config.yaml), read once."""
    from subnat.config import package_defaults

    return tuple(item["name"] for item in resolve(package_defaults().data)["sensitivity"]["cases"])


def case_sensitivity(sources: Mapping[str, Any], name: str, spec: str) -> list[str]:
    """The sensitivity cases the workflow runs for case ``name`` (spec: embedded name or folder): its composed
    config (package defaults < the case's settings.yaml < the user's layers), less ``sensitivity.skip``."""
    from subnat.config import ConfigSources, case_layer, compose

    folder = case_path(spec)
    try:
        composed = compose(ConfigSources.from_dict(sources), name, case_layer(folder))
        return sensitivity_names(composed.config)
    except InputError as exc:
        from snakemake.exceptions import WorkflowError

        raise WorkflowError(f"case '{spec}': " + "\n".join(str(p) for p in exc.problems)) from None


def case_names(config: Mapping[str, Any]) -> dict[str, str]:
    """Result folder name -> case spec (embedded name or folder path)."""
    names: dict[str, str] = {}
    for spec in config["cases"]:
        name = Path(spec.removeprefix(case_folder.EMBEDDED_PREFIX)).name
        if not SAFE_NAME.fullmatch(name):
            from snakemake.exceptions import WorkflowError

            # results/<name>/ must stay inside results/: no '', '.', '..' or separators
            raise WorkflowError(f"case '{spec}': result folder name '{name}' is not a plain folder name "
                                "(letters, digits, '_', '-', '.'; not starting with '.')")
        if name in names:
            from snakemake.exceptions import WorkflowError

            raise WorkflowError(f"two cases share the result folder name '{name}': {names[name]} and {spec}")
        names[name] = spec
    return names


def case_path(spec: str) -> Path:
    """The folder of a case spec (embedded name or folder path); a WorkflowError when there is none."""
    try:
        return case_folder.resolve_case(spec)
    except InputError as exc:
        from snakemake.exceptions import WorkflowError

        raise WorkflowError(str(exc)) from None


def case_files(spec: str) -> list[str]:
    """The files of a case that `load_case` reads (for Snakemake's dependency tracking)."""
    return [str(p) for p in case_folder.case_files(case_path(spec))]


def coverage_files(spec: str) -> list[str]:
    """The files `harmonize.coverage.coverage_of_folder` reads: the case, and the exclusions of a
    case built from the raw sources (build_exclusions.csv) when present."""
    exclusions = case_path(spec) / case_folder.BUILD_EXCLUSIONS
    return case_files(spec) + ([str(exclusions)] if exclusions.is_file() else [])


def run_logged(log_path: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a step with logging to its log file and stderr; a problem the user can fix (SubnatError:
    bad input, a failed output check, a failed gate of the achievement model) exits 1 with its
    message in both and no traceback."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    handlers = [logging.FileHandler(log_path, mode="w", encoding="utf-8"), logging.StreamHandler(sys.stderr)]
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    try:
        return func(*args, **kwargs)
    except SubnatError as exc:
        logging.getLogger("subnat").error("%s", exc)
        sys.exit(1)
