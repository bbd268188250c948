"""Scenario names (method §6): light enough for the Snakefile to read at parse time (no numba)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from subnat.config import value as cfg
from subnat.errors import InputError, Problem

DETERMINISTIC = ("no_nsa", "full_implementation")


def scenario_names(config: Mapping[str, Any], requested: Sequence[str] | None = None) -> list[str]:
    """Scenario names from config (`fixed` expands to fixed_<x>) or as requested."""
    enabled = list(config["scenarios"]["enabled"])
    names: list[str] = []
    for name in enabled:
        if name == "fixed":
            names += [f"fixed_{x:g}" for x in cfg(config, "scenarios.fixed_fractions")]
        else:
            names.append(name)
    if not requested:
        return names
    for name in requested:
        if name not in ("no_nsa", "full_implementation", "expected") and not re.fullmatch(r"fixed_[0-9.]+", name):
            raise InputError(Problem("--scenario", None, None,
                                     f"unknown scenario '{name}': expected no_nsa, full_implementation, "
                                     "expected or fixed_<x> (e.g. fixed_0.5)"))
        if name.startswith("fixed_") and not 0 <= float(name.removeprefix("fixed_")) <= 1:
            raise InputError(Problem("--scenario", None, None, f"{name}: the fraction must lie in [0, 1]"))
    return list(dict.fromkeys(requested))
