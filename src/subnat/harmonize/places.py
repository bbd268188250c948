"""Name -> code lookups for any country: ISO 3166-2 regions and UN/LOCODE cities.

Sources name regions and cities in several languages and with prefixes ("Tokyo Metropolitan
Government", "Federal State of Berlin", "Hiroshima City"). A name is reduced to a key (accents,
generic words and punctuation removed), then to ClimActor's standard name of that key where the
key dictionary knows it (it links "Bayern" and "Bavaria"), so both the source's and the code
table's names meet on one key. Only unique matches count: a key shared by two codes resolves to
nothing (the caller logs ``unresolved_actor``) rather than to a guess.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import slug

_GENERIC = re.compile(
    r"\b(PREFECTURE|PREFECTURAL GOVERNMENT|METROPOLITAN GOVERNMENT|METROPOLIS|GOVERNMENT OF|"
    r"FEDERAL STATE OF|FREE STATE OF|STATE OF|STATE|PROVINCE OF|PROVINCE|REGION OF|REGION|"
    r"DEPARTMENT OF|DEPARTAMENTO DE|DEPARTMENT|DEPARTAMENTO|ESTADO DE|CITY OF|CITY|MUNICIPALITY OF|MUNICIPALITY|"
    r"MUNICIPIO DE|TOWN OF|COUNTY OF|DISTRITO CAPITAL|LAND|KU|SHI|TO|FU|KEN)\b")
_BRACKET = re.compile(r"\[([^\]]+)\]")


def key(name: object) -> str:
    """Comparison key of a place name: ascii, upper case, generic words dropped."""
    text = re.sub(r"\(.*?\)", " ", str(name))
    text = slug(text).replace("_", " ")
    text = _GENERIC.sub(" ", text)
    return re.sub(r"\s+", "", text)


def _variants(name: object) -> list[str]:
    """The name and its bracketed alternative (UN/LOCODE writes 'Hokkaidô [Hokkaido]')."""
    s = str(name)
    return [_BRACKET.sub("", s).strip(), *_BRACKET.findall(s)]


class Lookup:
    """Unique key -> code map, keys also routed through ClimActor standard names."""

    def __init__(self, names: pd.DataFrame, standard: dict[str, str]) -> None:
        """``names``: columns code, name (several rows per code allowed)."""
        self._standard = standard
        seen: dict[str, set[str]] = {}
        for code, name in zip(names["code"], names["name"], strict=True):
            for v in _variants(name):
                for k in {key(v), self._std(v)}:
                    if k:
                        seen.setdefault(k, set()).add(code)
        self._map = {k: next(iter(c)) for k, c in seen.items() if len(c) == 1}

    def _std(self, name: str) -> str:
        return key(self._standard.get(key(name), name))

    def code(self, name: object) -> str | None:
        """The unique code of a name, else None."""
        if name is None or pd.isna(name):
            return None
        for v in _variants(name):
            for k in (key(v), self._std(v)):
                if k in self._map:
                    return self._map[k]
        return None


def standard_names(key_dict: pd.DataFrame, iso3: str, entity_type: str) -> dict[str, str]:
    """key(variant) -> ClimActor standard name, for one country and entity type."""
    sub = key_dict[(key_dict["iso"] == iso3) & (key_dict["entity_type"] == entity_type)]
    return {key(w): r for w, r in zip(sub["wrong"], sub["right"], strict=True)}


def region_names(iso_names: Path, subdivisions: Path, iso2: str) -> pd.DataFrame:
    """code (``JP-13``), name: ISO 3166-2 names (all languages) and UN/LOCODE subdivision names."""
    a = pd.read_csv(iso_names, dtype=str, keep_default_na=False)
    a = a[a["actor_id"].str.startswith(f"{iso2}-")].rename(columns={"actor_id": "code"})
    b = pd.read_csv(subdivisions, dtype=str, keep_default_na=False)
    b = b[b["country"] == iso2]
    b = pd.DataFrame({"code": iso2 + "-" + b["subdivision_code"], "name": b["subdivision_name"]})
    return pd.concat([a[["code", "name"]], b], ignore_index=True).drop_duplicates()


def region_labels(names: pd.DataFrame) -> dict[str, str]:
    """code -> one display name (English where ISO gives one, else the first)."""
    return names.drop_duplicates("code").set_index("code")["name"].to_dict()


def city_names(unlocode_names: Path, iso2: str) -> pd.DataFrame:
    """code (``JP-TYO``), name: UN/LOCODE place names of one country."""
    a = pd.read_csv(unlocode_names, dtype=str, keep_default_na=False)
    a = a[a["actor_id"].str.startswith(f"{iso2} ")]
    return pd.DataFrame({"code": a["actor_id"].str.replace(" ", "-", regex=False), "name": a["name"]})
