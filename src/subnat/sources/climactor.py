"""ClimActor name dictionary (Hsu et al. 2020, Sci Data 7:374; non-commercial use, cite).

``read(path)`` returns the key dictionary: ``wrong`` (a name variant as found in some
dataset), ``right`` (ClimActor's standard name), ``climactor_id``, ``iso``, ``entity_type``
(City/Region/Company/...). :class:`NameDictionary` maps variants to standard names and builds
the company key used as actor id (``CO-`` + normalised standard name).

ClimActor's contextual populations are unreliable for some US places (data.md §1), so this
module does not expose them; populations come from CDP reports instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import slug

_LEGAL = re.compile(
    r"\b(inc|incorporated|corp|corporation|co|company|llc|ltd|limited|plc|lp|holdings?|group"
    r"|the)\b\.?",
    re.I,
)


def read(path: str | Path) -> pd.DataFrame:
    """The ClimActor key dictionary (columns in the module docstring)."""
    raw = pd.read_csv(path, dtype=str)
    cols = ["wrong", "right", "climactor_id", "iso", "entity_type"]
    return raw[cols].dropna(subset=["wrong", "right"]).reset_index(drop=True)


def company_key(name: str) -> str:
    """Normalised company key: accents, punctuation and legal suffixes (with the "and" of
    "& Co") removed."""
    s = str(name).replace("&", " and ")
    s = re.sub(r"\(.*?\)", " ", s)
    s = _LEGAL.sub(" ", s)
    # "Merck & Co", "Eli Lilly and Company": the "and" of a removed "& Co" goes with it
    return re.sub(r"(?:_AND)+$", "", slug(s))


class NameDictionary:
    """Variant → standard name lookup, restricted to one country and entity type."""

    def __init__(self, key_dict: pd.DataFrame, iso: str = "USA",
                 entity_type: str = "Company") -> None:
        sub = key_dict[(key_dict["iso"] == iso) & (key_dict["entity_type"] == entity_type)]
        self._map = {company_key(w): r for w, r in zip(sub["wrong"], sub["right"], strict=True)}

    def standard(self, name: str) -> str:
        """ClimActor's standard name of a variant, or the name itself when unknown."""
        return self._map.get(company_key(name), str(name).strip())

    def actor_id(self, name: str) -> str:
        """Stable company id ``CO-<KEY>`` of the standard name."""
        return "CO-" + company_key(self.standard(name))


def contextual_states(path: str | Path, iso: str) -> pd.DataFrame:
    """Places of one country in the ClimActor contextuals: ``name`` (as ClimActor spells it) and
    ``state`` (first-level division name). Used only to nest a city in its region when the source
    names no region; the populations stay unused (see the module docstring)."""
    raw = pd.read_csv(path, dtype=str, usecols=["name", "iso", "entity_type", "state"])
    rows = raw[(raw["iso"] == iso) & (raw["entity_type"] == "City")].dropna(subset=["name", "state"])
    return rows[["name", "state"]].drop_duplicates().reset_index(drop=True)
