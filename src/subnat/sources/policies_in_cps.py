"""Hand table of state policies a national CPS vintage already models (method.md §7, O6).

``src/subnat/data/hand/us_policies_in_cps.csv`` has one row per (policy, jurisdiction, CPS
vintage): ``policy`` its name, ``jurisdiction`` the state (ISO 3166-2:US), ``cps_vintage`` the
projection that models it (``BR2016``: 2016 Biennial Report; ``CAR2014``: 2014 Climate Action
Report), ``base_year, target_year, value`` the one state target the policy is the instrument of
(all empty when it implements none of them as a whole), ``verified`` (``yes``, ``partly``,
``no``: how much of the claim the citation itself shows) and ``citation``.

**Matching rule** (:func:`flags`): a commitment is ``in_national_projection`` when a row of the
case's CPS vintage has its ``actor_id`` as jurisdiction and its exact (base year, target year,
value). So California's AB 32 limit (1990 level by 2020), whose instrument is the cap-and-trade
programme the AEO reference case models, is flagged; the RGGI power-sector cap flags no state's
economy-wide target (it covers a part of them, and O6 is all or nothing), nor does California's
2030 target (its post-2020 cap, AB 398 of July 2017, is in no listed vintage).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem

COLUMNS = ["policy", "jurisdiction", "cps_vintage", "base_year", "target_year", "value",
           "verified", "citation"]
VERIFIED = {"yes", "partly", "no"}
_TARGET = ("base_year", "target_year", "value")


def default_path() -> Path:
    """The committed hand table inside the package."""
    return Path(str(resources.files("subnat") / "data" / "hand" / "us_policies_in_cps.csv"))


def read(path: str | Path | None = None) -> pd.DataFrame:
    """The validated table; bad rows raise :class:`InputError` (file, line, column; all at once)."""
    path = Path(path) if path is not None else default_path()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = [Problem(str(path), 1, c, "column missing") for c in COLUMNS if c not in raw]
    if problems:
        raise InputError(problems)
    for i, r in raw.iterrows():
        line = int(i) + 2

        def bad(col: str, msg: str, line: int = line) -> None:
            problems.append(Problem(str(path), line, col, msg))

        for col in ("policy", "cps_vintage"):
            if not r[col].strip():
                bad(col, "empty")
        if not re.fullmatch(r"US-[A-Z]{2}", r["jurisdiction"]):
            bad("jurisdiction", f"not an ISO 3166-2:US id: {r['jurisdiction'][:20]!r}")
        filled = [bool(r[c]) for c in _TARGET]
        if any(filled) and not all(filled):
            bad("target_year", "base_year, target_year and value are all filled or all empty")
        for col in ("base_year", "target_year"):
            if r[col] and not re.fullmatch(r"(19|20)\d{2}", r[col]):
                bad(col, f"not a year: {r[col][:20]!r}")
        if r["value"]:
            try:
                if not 0.0 <= float(r["value"]) <= 1.0:
                    bad("value", "reduction fraction outside [0, 1]")
            except ValueError:
                bad("value", f"not a number: {r['value'][:20]!r}")
        if r["verified"] not in VERIFIED:
            bad("verified", f"one of {', '.join(sorted(VERIFIED))} expected")
        if not r["citation"].strip():
            bad("citation", "every hand-entered fact needs a citation")
    if problems:
        raise InputError(problems)
    out = raw.copy()
    for col in ("base_year", "target_year"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    out["value"] = pd.to_numeric(out["value"]).astype(float)
    return out


@lru_cache(maxsize=1)
def committed() -> pd.DataFrame:
    """The committed table, read once."""
    return read()


def _key(actor_id: object, base_year: object, target_year: object, value: object) -> tuple | None:
    if any(v is None or pd.isna(v) for v in (base_year, target_year, value)):
        return None
    return str(actor_id), int(base_year), int(target_year), round(float(value), 4)


def flags(commitments: pd.DataFrame, vintage: str | None, table: pd.DataFrame | None = None
          ) -> pd.Series:
    """Per commitment, the policy name of the matching row of ``vintage`` (else None)."""
    table = committed() if table is None else table
    rows = table[table["cps_vintage"] == vintage] if vintage else table.iloc[0:0]
    policy = {}
    for r in rows.itertuples():
        key = _key(r.jurisdiction, r.base_year, r.target_year, r.value)
        if key is not None:
            policy[key] = f"{r.policy} in {vintage}"
    return pd.Series([policy.get(_key(a, b, t, v)) for a, b, t, v in zip(
        commitments["actor_id"], commitments["base_year"], commitments["target_year"],
        commitments["value"], strict=True)], index=commitments.index, dtype=object)
