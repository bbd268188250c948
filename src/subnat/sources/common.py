"""Helpers shared by the source loaders: US state codes, exclusion logs, unit conversion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: Columns of every exclusion log produced by a loader or by the case builder.
EXCLUSION_COLUMNS = ["source", "record", "actor_id", "reason_code", "detail"]

#: Tonnes per megatonne: the upstream files report tCO2e, cases use Mt CO2e.
T_PER_MT = 1e6

# US states, DC and Puerto Rico: name -> postal code (Census / ISO 3166-2:US).
US_STATES: dict[str, str] = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
    "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY",
    "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI",
    "Wyoming": "WY", "Puerto Rico": "PR",
}  # fmt: skip
POSTAL_TO_STATE = {v: k for k, v in US_STATES.items()}


def state_id(name_or_postal: str | None) -> str | None:
    """ISO 3166-2 id (``US-CA``) of a US state given its name or postal code, else None.

    Accepts the variants found upstream ("New York State", "Washington State", "D.C.").
    """
    if name_or_postal is None or (isinstance(name_or_postal, float) and pd.isna(name_or_postal)):
        return None
    s = str(name_or_postal).strip()
    if s.upper() in POSTAL_TO_STATE:
        return f"US-{s.upper()}"
    if s.upper().startswith("US-") and s[3:].upper() in POSTAL_TO_STATE:
        return s.upper()
    s = re.sub(r"\s+State$", "", s)
    if s in ("D.C.", "Washington, D.C.", "Washington DC"):
        return "US-DC"
    code = US_STATES.get(s)
    return f"US-{code}" if code else None


def slug(text: str) -> str:
    """ASCII upper-case key: accents removed, non-alphanumerics collapsed to ``_``."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "_", t.upper()).strip("_")


def exclusion_frame(rows: list[dict]) -> pd.DataFrame:
    """An exclusion log with the standard columns (empty when ``rows`` is empty)."""
    return pd.DataFrame(rows, columns=EXCLUSION_COLUMNS)


def excluder(rows: list[dict], source: str, record: str, actor_id: object) -> Callable[[str, str], None]:
    """A function `ex(code, detail)` that logs one exclusion of `record` into `rows`."""

    def ex(code: str, detail: str) -> None:
        rows.append({"source": source, "record": record, "actor_id": actor_id, "reason_code": code,
                     "detail": detail})

    return ex


def source_label(path: str | Path) -> str:
    """File name used as the ``source`` of derived rows (upstream file, not a local path)."""
    return Path(path).name


def to_float(value: object) -> float:
    """Float from numbers or strings with thousands separators; NaN when not numeric."""
    if value is None:
        return float("nan")
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().replace(",", "")
    try:
        return float(s)
    except ValueError:
        return float("nan")
