"""Reading and checking the CSV files of a case, column by column, with exact line numbers.

Files are read as text first (encoding and binary garbage are caught before parsing), every
cell is kept as a string, and each declared column is converted and checked in one vectorised
step. Problems carry file, line (header = line 1) and column.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from subnat.errors import InputError, Problem

MAX_PROBLEMS_PER_COLUMN = 20
MAX_CELL_CHARS = 2000

TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class Column:
    """One declared column: name, kind (str|int|float|bool|enum), bounds and whether required."""

    name: str
    kind: str = "str"
    required: bool = False
    allowed: frozenset[str] = field(default_factory=frozenset)
    minimum: float | None = None
    maximum: float | None = None
    nonempty: bool = False
    hint: str = ""


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM allowed); anything else is a clear error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(path.name, None, None, f"cannot read: {exc.strerror}")) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError(Problem(path.name, line, None, "binary data (NUL byte): expected UTF-8 CSV text"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(path.name, line, None,
                    f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "save the file as UTF-8")
        ) from None


def read_csv(path: Path, columns: Sequence[Column]) -> pd.DataFrame:
    """Read one CSV into typed columns, or raise InputError listing every problem.

    Returns a DataFrame with the declared columns (absent optional ones filled with NaN/""),
    extra columns kept as strings, and a `_line` column with each row's line number.
    """
    name = path.name
    text = read_text(path)
    if not text.strip():
        raise InputError(Problem(name, 1, None, "empty file: expected a header line"))
    rows, lines = _split(text, name)
    header = [h.strip() for h in rows[0]]
    problems: list[Problem] = []
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(name, 1, ",".join(dupes), "duplicate column name in header"))
    missing = [c.name for c in columns if c.required and c.name not in header]
    for col in missing:
        problems.append(Problem(name, 1, col, f"missing required column '{col}' (header: {', '.join(header)[:200]})"))
    problems += _misspelt(header, columns, name)
    if problems:
        raise InputError(problems)
    body = rows[1:]
    width = len(header)
    for row, line in zip(body, lines[1:], strict=True):
        if len(row) != width:
            problems.append(Problem(name, line, None,
                                    f"expected {width} fields as in the header, found {len(row)}"))
            if len(problems) >= MAX_PROBLEMS_PER_COLUMN:
                break
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame = frame.apply(lambda s: s.str.strip()) if len(frame) else frame
    frame["_line"] = np.asarray(lines[1:], dtype=np.int64)
    out = {"_line": frame["_line"]}
    for col in columns:
        if col.name not in frame:
            out[col.name] = pd.Series(_empty(col.kind), index=frame.index)
            continue
        converted, col_problems = _convert(frame[col.name], frame["_line"], col, name)
        problems += col_problems
        out[col.name] = converted
    for extra in header:
        if extra not in out:
            long = frame[extra].str.len() > MAX_CELL_CHARS
            problems += _cap([Problem(name, int(ln), extra, f"cell longer than {MAX_CELL_CHARS} characters")
                              for ln in frame.loc[long, "_line"]], name, extra)
            out[extra] = frame[extra]
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out).reset_index(drop=True)


def _misspelt(header: list[str], columns: Sequence[Column], name: str) -> list[Problem]:
    """Unknown columns that look like a typo of an absent declared one (e.g. `populaton`).

    Extra columns are allowed and kept, but a misspelt optional column would otherwise be
    silently ignored and its values replaced by defaults."""
    absent = [c.name for c in columns if c.name not in header]
    problems = []
    for extra in header:
        if extra in {c.name for c in columns} or not extra:
            continue
        close = difflib.get_close_matches(extra.lower(), absent, n=1, cutoff=0.8)
        if close:
            problems.append(Problem(name, 1, extra[:60], f"unknown column '{extra[:60]}': did you mean '{close[0]}'?"))
    return problems


def _split(text: str, name: str) -> tuple[list[list[str]], list[int]]:
    """Parse CSV text, keeping the line where each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(Problem(name, reader.line_num, None, f"malformed CSV: {exc}")) from None
    if not rows:
        raise InputError(Problem(name, 1, None, "empty file: expected a header line"))
    return rows, lines


def _empty(kind: str) -> object:
    return {"int": np.nan, "float": np.nan, "bool": False}.get(kind, "")


def _convert(values: pd.Series, lines: pd.Series, col: Column, name: str
             ) -> tuple[pd.Series, list[Problem]]:
    blank = values.eq("")
    problems: list[Problem] = []
    if col.nonempty:
        problems += _cap([Problem(name, int(ln), col.name, f"empty value: {col.name} is required")
                          for ln in lines[blank]], name, col.name)
    too_long = values.str.len() > MAX_CELL_CHARS
    problems += _cap([Problem(name, int(ln), col.name, f"value longer than {MAX_CELL_CHARS} characters")
                      for ln in lines[too_long]], name, col.name)
    if col.kind in ("int", "float"):
        numbers = pd.to_numeric(values.where(~blank, None), errors="coerce").astype(float)
        bad = ~blank & ~np.isfinite(numbers.to_numpy())
        expected = "an integer" if col.kind == "int" else "a finite number"
        problems += _cap([Problem(name, int(ln), col.name, f"expected {expected}, found {_show(v)}")
                          for ln, v in zip(lines[bad], values[bad], strict=True)], name, col.name)
        ok = ~blank & ~bad
        if col.kind == "int":
            frac = ok & (numbers != np.round(numbers))
            problems += _cap([Problem(name, int(ln), col.name, f"expected an integer, found {_show(v)}")
                              for ln, v in zip(lines[frac], values[frac], strict=True)], name, col.name)
        for bound, op, word in ((col.minimum, np.less, "at least"), (col.maximum, np.greater, "at most")):
            if bound is None:
                continue
            out = ok & op(numbers, bound)
            hint = f" ({col.hint})" if col.hint else ""
            problems += _cap([Problem(name, int(ln), col.name,
                                      f"expected {word} {bound:g}, found {_show(v)}{hint}")
                              for ln, v in zip(lines[out], values[out], strict=True)], name, col.name)
        return numbers.where(ok, np.nan), problems
    if col.kind == "bool":
        lowered = values.str.lower()
        bad = ~lowered.isin(TRUE_WORDS | FALSE_WORDS)
        problems += _cap([Problem(name, int(ln), col.name, f"expected true or false, found {_show(v)}")
                          for ln, v in zip(lines[bad], values[bad], strict=True)], name, col.name)
        return lowered.isin(TRUE_WORDS), problems
    if col.kind == "enum":
        bad = ~blank & ~values.isin(col.allowed)
        choices = ", ".join(sorted(col.allowed))
        problems += _cap([Problem(name, int(ln), col.name, f"expected one of {choices}, found {_show(v)}")
                          for ln, v in zip(lines[bad], values[bad], strict=True)], name, col.name)
    return values.astype(object), problems


def _cap(problems: list[Problem], name: str, column: str) -> list[Problem]:
    """Keep messages readable on huge files: at most MAX_PROBLEMS_PER_COLUMN per column."""
    if len(problems) <= MAX_PROBLEMS_PER_COLUMN:
        return problems
    extra = len(problems) - MAX_PROBLEMS_PER_COLUMN
    kept = problems[:MAX_PROBLEMS_PER_COLUMN]
    return [*kept, Problem(name, kept[-1].line, column, f"... and {extra} more problems in this column")]


def _show(value: object) -> str:
    text = str(value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return repr(text if len(text) <= 40 else text[:37] + "...")
