"""EPA Greenhouse Gas Reporting Program (GHGRP) summary workbooks and parent-company tables.

Upstream layouts (../shared/reference-data/epa-ghgrp/SOURCE.md):

- ``ghgp_data_by_year_<release>.xlsx`` and ``ghgp_data_<year>.xlsx``: one sheet per facility type,
  three (or more) banner rows above the header row that starts with "Facility Id". The direct
  emitter sheet is "Direct Emitters" before RY2018 and "Direct Point Emitters" after. The
  "Suppliers" sheet is CO2e of fuel and gas *supplied*, not emitted (it double counts direct
  emissions), so it is never read; nor are CO2 injection / geologic sequestration (no emissions
  totals) or the notes sheets.
- ``edgi_ghgp_data_parent_company_10_2021_RY2020.xlsx``: EPA's parent-company table for
  reporting year 2020, one row per facility x parent with the ownership percent.
- ``edgi_facility_latest_parent_metadata.csv``: EDGI's single largest owner per facility over
  2010-2023; lossy (its columns may come from different years), so every share taken from it is
  flagged ``lossy``.

Values may be the string "confidential" (or blank): they are read as missing, never as zero.
Emissions are metric tons CO2e with IPCC AR4 GWPs (the banner of every file says so); the
functions here return tonnes, the case builder converts to Mt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd

from subnat.errors import InputError, Problem
from subnat.sources.common import source_label, state_id, to_float

#: Sheets whose rows are facility emissions (any vintage's spelling). Not: "Suppliers" (fuel
#: supplied), "CO2 Injection", "Geologic Sequestration of CO2", "Industry Type", "FAQs ...".
EMITTER_SHEETS = (
    "Direct Emitters", "Direct Point Emitters", "Onshore Oil & Gas Prod.", "Gathering & Boosting",
    "Transmission Pipelines", "LDC - Direct Emissions", "SF6 from Elec. Equip.",
)
DIRECT_SHEETS = ("Direct Emitters", "Direct Point Emitters")
NOT_EMISSIONS = ("Suppliers",)
HEADER_START = "Facility Id"
MAX_BANNER_ROWS = 10
_YEAR_COLUMN = re.compile(r"^(\d{4}) Total reported (?:direct )?emissions")
#: Where a sheet says the emissions occur, best first. Basin-level oil and gas sheets only give the
#: reporter's address ("Reported State"): a basin can span states, so those rows are not located.
STATE_COLUMNS = ("State where Emissions Occur", "State", "Reported State")
UNLOCATED_SHEETS = ("Onshore Oil & Gas Prod.", "Gathering & Boosting")
_SINGLE_TOTAL = "Total reported direct emissions"

PARENT_SHEET = "DE_parentcompanies"
PARENT_COLUMNS = {"GHGRP FACILITY ID": "facility_id", "REPORTING YEAR": "reporting_year",
                  "FACILITY STATE": "state", "PARENT COMPANY NAME": "parent",
                  "PARENT CO. PERCENT OWNERSHIP": "ownership_pct"}
LATEST_COLUMNS = {"Facility Id": "facility_id", "State": "state", "Parent Company": "parent",
                  "Parent Ownership %": "ownership_pct"}


def _emitter_tables(path: Path) -> Iterator[tuple[str, int, list[str], list[tuple]]]:
    """(sheet, 1-based header line, header, data rows) of every emitter sheet, banner rows
    skipped; the workbook is opened once (read-only parsing is the slow part)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in _emitter_names(path, list(wb.sheetnames)):
            yield (sheet, *_header_and_rows(path, sheet, wb[sheet].iter_rows(values_only=True)))
    finally:
        wb.close()


def _header_and_rows(path: Path, sheet: str, rows: Iterator[tuple]) -> tuple[int, list[str], list[tuple]]:
    for line, row in enumerate(rows, start=1):
        if row and row[0] is not None and str(row[0]).strip() == HEADER_START:
            header = [str(c).strip() if c is not None else "" for c in row]
            return line, header, [r for r in rows if r and any(c is not None for c in r)]
        if line >= MAX_BANNER_ROWS:
            break
    raise InputError(Problem(source_label(path), None, sheet,
                             f"no header row starting with {HEADER_START!r} in the first "
                             f"{MAX_BANNER_ROWS} rows"))


def _number(value: object) -> float:
    """Tonnes CO2e; NaN for "confidential", blanks and other non-numbers (never zero)."""
    return to_float(value)


def _require(path: Path, sheet: str, line: int, header: list[str], columns: list[str]) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(Problem(source_label(path), line, ", ".join(missing),
                                 f"sheet {sheet!r}: expected columns {', '.join(columns)}"))


def emitter_sheets(path: str | Path) -> list[str]:
    """The sheets of a GHGRP summary workbook that hold facility emissions, in file order."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = list(wb.sheetnames)
    finally:
        wb.close()
    return _emitter_names(Path(path), names)


def _emitter_names(path: Path, names: list[str]) -> list[str]:
    found = [s for s in names if s in EMITTER_SHEETS]
    if not any(s in DIRECT_SHEETS for s in found):
        raise InputError(Problem(source_label(path), None, None,
                                 f"no direct-emitter sheet ({' or '.join(DIRECT_SHEETS)}); sheets: "
                                 f"{', '.join(names)[:200]}"))
    return found


def read_by_year(path: str | Path) -> pd.DataFrame:
    """Facility emissions by year from ``ghgp_data_by_year_*.xlsx``.

    Columns: ``facility_id`` (int), ``state`` (postal code), ``located`` (False for basin-level
    oil and gas rows, whose state is the reporter's address), ``sheet``, ``year``,
    ``emissions_t`` (tCO2e, AR4); one row per facility x state x sheet x year with a number
    (confidential or blank cells are left out). Transmission pipelines and distribution
    companies have one row per facility x state where the emissions occur.
    """
    path = Path(path)
    frames = []
    for sheet, line, header, rows in _emitter_tables(path):
        _require(path, sheet, line, header, [HEADER_START])
        st = _state_column(path, sheet, line, header)
        years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := _YEAR_COLUMN.match(h))}
        if not years:
            raise InputError(Problem(source_label(path), line, None,
                                     f"sheet {sheet!r}: no '<year> Total reported direct emissions' column"))
        fid = header.index(HEADER_START)
        records = [(r[fid], r[st], y, _number(r[i])) for r in rows for i, y in years.items() if i < len(r)]
        frame = pd.DataFrame(records, columns=["facility_id", "state", "year", "emissions_t"])
        frames.append(frame.dropna(subset=["emissions_t"]).assign(sheet=sheet))
    return _tidy(pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True), path)


def read_year(path: str | Path, year: int) -> pd.DataFrame:
    """Facility totals of one reporting year from ``ghgp_data_<year>.xlsx`` (same columns as
    :func:`read_by_year`); the direct-emitter sheet name depends on the vintage."""
    path = Path(path)
    frames = []
    for sheet, line, header, rows in _emitter_tables(path):
        _require(path, sheet, line, header, [HEADER_START])
        st = _state_column(path, sheet, line, header)
        tot = next((i for i, h in enumerate(header) if h.startswith("Total reported")), None)
        if tot is None:
            raise InputError(Problem(source_label(path), line, None,
                                     f"sheet {sheet!r}: no 'Total reported ... emissions' column"))
        fid = header.index(HEADER_START)
        records = [(r[fid], r[st], year, _number(r[tot])) for r in rows]
        frame = pd.DataFrame(records, columns=["facility_id", "state", "year", "emissions_t"])
        frames.append(frame.dropna(subset=["emissions_t"]).assign(sheet=sheet))
    return _tidy(pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True), path)


def _state_column(path: Path, sheet: str, line: int, header: list[str]) -> int:
    for name in STATE_COLUMNS:
        if name in header:
            return header.index(name)
    raise InputError(Problem(source_label(path), line, None,
                             f"sheet {sheet!r}: no state column ({' or '.join(STATE_COLUMNS)})"))


def _postal(value: object) -> str:
    """Postal code of a state given as code or name ("TX", "Louisiana"); "" when unknown."""
    found = state_id(None if value is None else str(value))
    return found[3:] if found else str(value or "").strip().upper()


def _facility_id(value: object) -> float:
    """GHGRP facility id as a whole number (files store 1004377, "1004377" or 1004377.0); NaN
    for anything else (notes, totals rows)."""
    number = to_float(value)
    return number if number == number and number == int(number) and number > 0 else float("nan")


def _tidy(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    df = df.dropna(subset=["emissions_t"]).copy()
    df["facility_id"] = df["facility_id"].map(_facility_id)
    df = df.dropna(subset=["facility_id"])
    df["facility_id"] = df["facility_id"].astype(int)
    df["state"] = df["state"].map(_postal)
    df["located"] = ~df["sheet"].isin(UNLOCATED_SHEETS)
    df["year"] = df["year"].astype(int)
    df["source"] = source_label(path)
    df = df.sort_values(["facility_id", "sheet", "state", "year"], kind="stable")
    return df[["facility_id", "state", "located", "sheet", "year", "emissions_t", "source"]
              ].reset_index(drop=True)


def read_parents_2020(path: str | Path) -> pd.DataFrame:
    """EPA's RY2020 parent-company table: ``facility_id``, ``reporting_year``, ``state``,
    ``parent`` (name as written), ``share`` (ownership fraction; NaN when not given),
    ``lossy`` (False), ``source``; one row per facility x parent."""
    path = Path(path)
    line, header, rows = _parent_rows(path)
    _require(path, PARENT_SHEET, line, header, list(PARENT_COLUMNS))
    idx = {PARENT_COLUMNS[c]: header.index(c) for c in PARENT_COLUMNS}
    df = pd.DataFrame([{k: r[i] for k, i in idx.items()} for r in rows])
    return _owners(df, path, lossy=False)


def _parent_rows(path: Path) -> tuple[int, list[str], list[tuple]]:
    """The parent sheet has an unnamed index column before "GHGRP FACILITY ID"."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if PARENT_SHEET not in wb.sheetnames:
            raise InputError(Problem(source_label(path), None, None,
                                     f"no sheet {PARENT_SHEET!r}; sheets: {', '.join(wb.sheetnames)[:200]}"))
        rows = wb[PARENT_SHEET].iter_rows(values_only=True)
        for line, row in enumerate(rows, start=1):
            cells = [str(c).strip() if c is not None else "" for c in row]
            if "GHGRP FACILITY ID" in cells:
                return line, cells, [r for r in rows if r and any(c is not None for c in r)]
            if line >= MAX_BANNER_ROWS:
                break
    finally:
        wb.close()
    raise InputError(Problem(source_label(path), None, PARENT_SHEET,
                             "no header row with 'GHGRP FACILITY ID' in the first rows"))


def read_latest_parents(path: str | Path) -> pd.DataFrame:
    """EDGI's latest largest owner per facility (same columns as :func:`read_parents_2020`,
    ``reporting_year`` empty, ``lossy`` True: the name, share and state may come from
    different reporting years, and minority owners are dropped)."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str)
    missing = [c for c in LATEST_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(Problem(source_label(path), 1, ", ".join(missing),
                                 f"expected columns {', '.join(LATEST_COLUMNS)}"))
    df = raw[list(LATEST_COLUMNS)].rename(columns=LATEST_COLUMNS).assign(reporting_year=None)
    return _owners(df, path, lossy=True)


def _owners(df: pd.DataFrame, path: Path, lossy: bool) -> pd.DataFrame:
    df = df.dropna(subset=["facility_id", "parent"]).copy()
    df["facility_id"] = df["facility_id"].map(_facility_id)
    df = df.dropna(subset=["facility_id"])
    df["facility_id"] = df["facility_id"].astype(int)
    df["parent"] = df["parent"].astype(str).str.strip()
    df = df[df["parent"] != ""]
    df["share"] = df["ownership_pct"].map(_number) / 100.0
    df["state"] = df["state"].astype(str).str.strip().str.upper()
    df["lossy"] = lossy
    df["source"] = source_label(path)
    return df[["facility_id", "reporting_year", "state", "parent", "share", "lossy", "source"]
              ].reset_index(drop=True)
