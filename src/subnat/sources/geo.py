"""Geographic nesting: UN/LOCODE US places and Census FIPS codes.

- ``read(path)`` / :func:`read_unlocode`: UN/LOCODE 2023-2 US code list → ``locode``
  (``US-NYC`` style: country, hyphen, 3-character location), ``name``, ``name_ascii``,
  ``state`` (postal), ``function``, ``status``.
- :func:`read_states`: Census state FIPS → ``name``, ``postal``, ``fips``, ``actor_id``.
- :class:`CityIndex`: resolves "City, ST" names to a city id and its parent state id.

City id style (documented in docs/data.md): ``US-XXX`` from UN/LOCODE when the place has a
code; otherwise ``US-ST-NAME_KEY`` (state postal code and a normalised name key), which
cannot collide with a LOCODE (those have exactly three characters after ``US-``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import POSTAL_TO_STATE, US_STATES, slug, source_label


def read_unlocode(path: str | Path) -> pd.DataFrame:
    """UN/LOCODE US rows with a location code (the country header row is dropped)."""
    raw = pd.read_csv(path, dtype=str)
    raw = raw[raw["location"].notna() & (raw["country"] == "US")]
    raw = raw[raw["change"].fillna("") != "X"]  # X = marked for deletion
    out = pd.DataFrame(
        {
            "locode": "US-" + raw["location"].str.strip(),
            "name": raw["name"].str.strip(),
            "name_ascii": raw["name_wo_diacritics"].fillna(raw["name"]).str.strip(),
            "state": raw["subdivision"].str.strip(),
            "function": raw["function"].fillna(""),
            "status": raw["status"].fillna(""),
        }
    )
    out["source"] = f"UN/LOCODE 2023-2 ({source_label(path)})"
    return out.drop_duplicates(["locode"]).reset_index(drop=True)


read = read_unlocode


def read_states(path: str | Path) -> pd.DataFrame:
    """Census state FIPS table with ISO 3166-2 ids (alias names such as "D.C." dropped)."""
    raw = pd.read_csv(path, dtype=str)
    raw = raw[raw["name"].isin(list(US_STATES))]
    return raw.assign(actor_id="US-" + raw["postal"]).reset_index(drop=True)


_PREFIX = re.compile(
    r"^(city and county of|city of|town of|village of|township of|borough of|municipality of"
    r"|county of|the)\s+",
    re.I,
)
_SUFFIX = re.compile(r",\s*([A-Z]{2})\s*$")


def split_city(name: str, state: str | None = None) -> tuple[str, str | None]:
    """("Boston", "MA") from "City of Boston, MA"; ``state`` wins when given."""
    s = str(name).strip()
    m = _SUFFIX.search(s)
    st = state or (m.group(1) if m else None)
    s = _SUFFIX.sub("", s)
    s = _PREFIX.sub("", s).strip()
    s = re.sub(r"\s*\((city|town)\)$", "", s, flags=re.I)
    return s, (st if st in POSTAL_TO_STATE else None)


class CityIndex:
    """Name → city id resolver built from UN/LOCODE."""

    def __init__(self, unlocode: pd.DataFrame) -> None:
        # Prefer codes of places with a port/airport/rail/road function and approved status
        # so "New York, NY" maps to US-NYC rather than a minor duplicate.
        rank = unlocode.assign(
            _r=(unlocode["status"].isin(["AI", "AA", "AC", "AF"])).astype(int) * 2
            + unlocode["function"].str.contains("1|4").astype(int)
        ).sort_values(["_r", "locode"], ascending=[False, True])
        self._map: dict[tuple[str, str], str] = {}
        for _, r in rank.iterrows():
            for n in {r["name"], r["name_ascii"]}:
                self._map.setdefault((slug(n), r["state"]), r["locode"])

    def resolve(self, name: str, state: str | None = None) -> tuple[str | None, str | None]:
        """(city_id, parent state id) for a US place name, or (None, None) without a state."""
        city, st = split_city(name, state)
        if not st:
            return None, None
        key = slug(city)
        aliases = [key, key.replace("SAINT_", "ST_"), key.replace("ST_", "SAINT_"),
                   re.sub(r"_CITY$", "", key), re.sub(r"_D_?C$", "", key),
                   key.split("_AND_")[0]]
        if key.endswith("_COUNTY") and "_AND_" not in key:  # counties: never match a town
            aliases = [key]
        for k in aliases:
            if (k, st) in self._map:
                return self._map[(k, st)], f"US-{st}"
        return f"US-{st}-{key}", f"US-{st}"
