"""The assumption register: every configurable assumption, and which sensitivity case varies it.

Reviewers audit a number by following it to the assumptions behind it; the register says what
each assumption is, where its value comes from, and whether the tornado shows its effect.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.config import assumptions
from subnat.outputs import write_atomic, write_csv

COLUMNS = ["key", "value", "unit", "description", "source", "rationale", "set_by", "sensitivity_cases",
           "sensitivity_values"]


def _cell(value: Any) -> str:
    """Lists and mappings as compact JSON, so a CSV cell holds the whole value."""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def varied_by(key: str, config: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(sensitivity case, value it sets) for every case whose `set` keys fall under `key`.

    A set key `pathway.after_target.value` varies the assumption `pathway.after_target`.
    """
    found = []
    for item in config.get("sensitivity", {}).get("cases", []):
        for dotted, new in item.get("set", {}).items():
            if dotted == key or dotted.startswith(key + "."):
                found.append((str(item["name"]), new))
    return found


def register(config: Mapping[str, Any], set_by: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per assumption of the (resolved) config; `set_by` names the layer that overrode a
    default (the case's own settings, a user file, the command line), empty for package defaults."""
    rows = []
    for row in assumptions(config):
        cases = varied_by(row["key"], config)
        rows.append({**row, "value": _cell(row["value"]), "set_by": (set_by or {}).get(row["key"], ""),
                     "sensitivity_cases": "; ".join(name for name, _ in cases),
                     "sensitivity_values": json.dumps(dict(cases), sort_keys=True, ensure_ascii=False)
                     if cases else ""})
    return pd.DataFrame(rows, columns=COLUMNS)


def write(config_path: str | Path, out_csv: str | Path, provenance_path: str | Path | None = None
          ) -> pd.DataFrame:
    """assumptions.csv from a case's config.resolved.yaml (the config the numbers came from) and
    its provenance.yaml (which layer set which assumption)."""
    import yaml

    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    set_by = {}
    if provenance_path is not None and Path(provenance_path).is_file():
        set_by = (yaml.safe_load(Path(provenance_path).read_text(encoding="utf-8")) or {}).get("config_set_by", {})
    table = register(config, set_by)
    write_atomic(Path(out_csv), lambda p: write_csv(table, p))
    return table
