"""Hand table of the instruments that adopted US state GHG targets, with dates and citations.

``src/subnat/data/hand/us_state_target_adoption.csv`` has one row per (target, instrument):
``actor_id, base_year, target_year, value`` identify the target (as C2ES 2022 / the Net Zero
Tracker state it; ``base_year`` empty for net-zero targets), ``instrument`` is one of
:data:`INSTRUMENT_STATUS`, ``instrument_name`` its title and number, ``adopted`` the date it was
signed or issued (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``: only as precise as the citation),
``flag`` says why a date is missing (``date_not_established``), ``citation`` the source.

A target can have several instruments over time (New York's 40 % by 2030: the 2015 State
Energy Plan, then the 2019 CLCPA statute). Two facts follow from the table:

- :func:`first_adopted`: the year the target first existed (the start of its delivery window,
  method.md §9.1), and
- :func:`status_as_of`: its status in a given year, the strongest instrument adopted by then
  (statute → ``law``, executive order → ``policy``, plan or agency goal → ``pledge``; a limit an
  agency sets under a statute's mandate is binding → ``law``). The case schema's vocabulary is
  ``law / policy / pledge`` (method.md §1).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from subnat.errors import InputError, Problem

#: Status each instrument type gives a target (case vocabulary, method.md §1).
INSTRUMENT_STATUS = {
    "statute": "law",
    "agency_determination": "law",
    "executive_order": "policy",
    "plan": "pledge",
}
#: Strength order of the statuses (a later, stronger instrument wins).
STATUS_RANK = {"pledge": 0, "policy": 1, "law": 2}
COLUMNS = ["actor_id", "base_year", "target_year", "value", "instrument", "instrument_name",
           "adopted", "flag", "citation"]
FLAGS = {"date_not_established"}
_DATE = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def default_path() -> Path:
    """The committed hand table inside the package."""
    return Path(str(resources.files("subnat") / "data" / "hand" / "us_state_target_adoption.csv"))


def read(path: str | Path | None = None) -> pd.DataFrame:
    """The validated table with ``adopted_year`` (Int64) and ``status`` columns added.

    Bad rows raise :class:`InputError` naming file, line and column (every problem at once).
    """
    path = Path(path) if path is not None else default_path()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = [Problem(str(path), 1, c, "column missing") for c in COLUMNS if c not in raw]
    if problems:
        raise InputError(problems)
    for i, r in raw.iterrows():
        line = int(i) + 2

        def bad(col: str, msg: str, line: int = line) -> None:
            problems.append(Problem(str(path), line, col, msg))

        if not re.fullmatch(r"US-[A-Z]{2}", r["actor_id"]):
            bad("actor_id", f"not an ISO 3166-2:US id: {r['actor_id'][:20]!r}")
        for col in ("base_year", "target_year"):
            if r[col] and not re.fullmatch(r"(19|20)\d{2}", r[col]):
                bad(col, f"not a year: {r[col][:20]!r}")
        if not r["target_year"]:
            bad("target_year", "empty")
        try:
            v = float(r["value"])
            if not 0.0 <= v <= 1.0:
                bad("value", "reduction fraction outside [0, 1]")
        except ValueError:
            bad("value", f"not a number: {r['value'][:20]!r}")
        if r["instrument"] not in INSTRUMENT_STATUS:
            bad("instrument", f"one of {', '.join(INSTRUMENT_STATUS)} expected")
        if not r["instrument_name"].strip():
            bad("instrument_name", "empty")
        if not r["citation"].strip():
            bad("citation", "every hand-entered fact needs a citation")
        if r["adopted"] and not _DATE.match(r["adopted"]):
            bad("adopted", "YYYY, YYYY-MM or YYYY-MM-DD expected")
        if not r["adopted"] and r["flag"] not in FLAGS:
            bad("flag", f"a row without a date needs a flag ({', '.join(sorted(FLAGS))})")
        if r["adopted"] and r["flag"]:
            bad("flag", "a dated row carries no flag")
    if problems:
        raise InputError(problems)
    out = raw.copy()
    out["base_year"] = pd.to_numeric(out["base_year"]).astype("Int64")
    out["target_year"] = pd.to_numeric(out["target_year"]).astype("Int64")
    out["value"] = out["value"].astype(float)
    out["adopted_year"] = pd.to_numeric(out["adopted"].str[:4]).astype("Int64")
    out["status"] = out["instrument"].map(INSTRUMENT_STATUS)
    return out


@lru_cache(maxsize=1)
def committed() -> pd.DataFrame:
    """The committed table, read once."""
    return read()


def _key(actor_id: object, base_year: object, target_year: object, value: object) -> tuple:
    by = None if base_year is None or pd.isna(base_year) else int(base_year)
    return str(actor_id), by, int(target_year), round(float(value), 4)


def rows_for(table: pd.DataFrame, actor_id: object, base_year: object, target_year: object,
             value: object) -> pd.DataFrame:
    """The instruments of one target (empty when the table does not cover it)."""
    if target_year is None or pd.isna(target_year) or value is None or pd.isna(value):
        return table.iloc[0:0]
    want = _key(actor_id, base_year, target_year, value)
    keys = [_key(a, b, t, v) for a, b, t, v in zip(table["actor_id"], table["base_year"],
                                                   table["target_year"], table["value"], strict=True)]
    return table[[k == want for k in keys]]


def first_adopted(table: pd.DataFrame, actor_id: object, base_year: object, target_year: object,
                  value: object) -> tuple[int | None, str]:
    """(year the target was first adopted, flag): flag ``not_in_adoption_table`` when the table
    does not cover the target, the row's own flag when no instrument of it has a date."""
    rows = rows_for(table, actor_id, base_year, target_year, value)
    if rows.empty:
        return None, "not_in_adoption_table"
    years = rows["adopted_year"].dropna()
    if years.empty:
        return None, str(rows["flag"].iloc[0]) or "date_not_established"
    return int(years.min()), ""


def status_as_of(table: pd.DataFrame, actor_id: object, base_year: object, target_year: object,
                 value: object, year: int | None = None) -> str | None:
    """Status of the target in ``year`` (None: today): the strongest instrument adopted by then.

    None when the table does not cover the target or no dated instrument precedes ``year``
    (the caller keeps its source's status and says so).
    """
    rows = rows_for(table, actor_id, base_year, target_year, value)
    if year is not None:
        rows = rows[rows["adopted_year"].notna() & (rows["adopted_year"] <= year)]
    elif not rows.empty and rows["adopted_year"].isna().all():
        return str(rows["status"].iloc[0])
    if rows.empty:
        return None
    return max(rows["status"], key=STATUS_RANK.__getitem__)

