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
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from subnat.errors import InputError, Problem, excerpt

MAX_PROBLEMS_PER_COLUMN = 20
MAX_CELL_CHARS = 2000
MAX_HEADER_CHARS = 10_000  # the longest declared header is ~200 characters
MAX_COLUMNS = 200  # declared columns: 15 at most; extra columns are kept, but not thousands

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
    fraction: bool = False  # a share in [0, 1]: a value in (1, 100] gets "looks like a percentage"


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
    first_line = text.split("\n", 1)[0]
    if len(first_line) > MAX_HEADER_CHARS:
        raise InputError(Problem(name, 1, None, f"header line of {len(first_line):,} characters "
                                 f"(at most {MAX_HEADER_CHARS:,}): is the first line really a header?"))
    rows, lines = _split(text, name)
    header = [h.strip() for h in rows[0]]
    problems: list[Problem] = []
    if len(header) > MAX_COLUMNS:
        raise InputError(Problem(name, 1, None, f"{len(header):,} columns in the header, at most {MAX_COLUMNS}"))
    missing = [c.name for c in columns if c.required and c.name not in header]
    separator = _separator(first_line)
    if missing and separator:
        raise InputError(Problem(name, 1, None, f"file uses {separator} as separator; subnat reads "
                                 "comma-separated CSV (save or export it with ',' as the separator)"))
    counts = Counter(header)
    dupes = sorted(h for h, n in counts.items() if n > 1)
    if dupes:
        problems.append(Problem(name, 1, excerpt(",".join(dupes)), "duplicate column name in header"))
    for col in missing:
        problems.append(Problem(name, 1, col, f"missing required column '{col}' "
                                f"(header: {excerpt(', '.join(header[:20]), 200)})"))
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
    silently ignored and its values replaced by defaults. Bounded: at most MAX_COLUMNS
    names, and only names of a declared name's length (+-5) are compared."""
    declared = {c.name for c in columns}
    absent = [c.name for c in columns if c.name not in header]
    if not absent:
        return []
    longest = max(map(len, absent)) + 5
    problems = []
    for extra in header:
        if extra in declared or not extra or len(extra) > longest:
            continue
        close = difflib.get_close_matches(extra.lower(), absent, n=1, cutoff=0.8)
        if close:
            problems.append(Problem(name, 1, excerpt(extra), f"unknown column {excerpt(extra)!r}: "
                                    f"did you mean '{close[0]}'?"))
    return problems


def _separator(header_line: str) -> str:
    """The separator a header line was written with, when it is not a comma ("';'" or "tab")."""
    commas = header_line.count(",")
    for char, label in ((";", "';'"), ("\t", "tab ('\\t')"), ("|", "'|'")):
        if header_line.count(char) > commas:
            return label
    return ""


def normalise_code(text: str) -> str:
    """A code as a user may have meant it: case, spaces and hyphens folded (`Net-Zero` -> `net_zero`)."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().casefold())


def suggest_code(text: str, allowed: frozenset[str] | set[str]) -> str | None:
    """The allowed code `text` is a case or spelling variant of (`Absolute` -> `absolute`), or None.

    Only exact variants: `absolut` is not one (a genuinely unknown code)."""
    wanted = normalise_code(text)
    matches = [a for a in allowed if normalise_code(a) == wanted and a != text]
    return matches[0] if len(matches) == 1 else None


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
            problems += _cap([Problem(name, int(ln), col.name,
                                      f"expected {word} {bound:g}, found {_show(v)}{_hint(col, x, bound)}")
                              for ln, v, x in zip(lines[out], values[out], numbers[out], strict=True)],
                             name, col.name)
        return numbers.where(ok, np.nan), problems
    if col.kind == "bool":
        lowered = values.str.lower()
        bad = ~lowered.isin(TRUE_WORDS | FALSE_WORDS)
        problems += _cap([Problem(name, int(ln), col.name, f"expected true or false, found {_show(v)}")
                          for ln, v in zip(lines[bad], values[bad], strict=True)], name, col.name)
        return lowered.isin(TRUE_WORDS), problems
    if col.kind == "enum":
        bad = ~blank & ~values.isin(col.allowed)
        messages = {v: code_message(v, col.allowed) for v in values[bad].unique()}  # each spelling once
        problems += _cap([Problem(name, int(ln), col.name, messages[v])
                          for ln, v in zip(lines[bad], values[bad], strict=True)], name, col.name)
    return values.astype(object), problems


def code_message(value: str, allowed: frozenset[str] | set[str]) -> str:
    """'expected one of ...' for an unknown code, 'did you mean ...?' for a case/spelling variant."""
    close = suggest_code(value, allowed)
    found = f"expected one of {', '.join(sorted(allowed))}, found {_show(value)}"
    return f"{found}: did you mean '{close}'?" if close else found


def percentage_hint(value: float) -> str:
    """For a fraction above 1: `40` is usually 40 % meant as 0.4."""
    return f"looks like a percentage; write {value / 100:g}" if 1 < value <= 100 else "a fraction is at most 1"


def _hint(col: Column, value: float, bound: float) -> str:
    if col.fraction and bound == 1 and value > 1:
        return f" ({percentage_hint(value)})"
    return f" ({col.hint})" if col.hint else ""


def _cap(problems: list[Problem], name: str, column: str) -> list[Problem]:
    """Keep messages readable on huge files: at most MAX_PROBLEMS_PER_COLUMN per column."""
    if len(problems) <= MAX_PROBLEMS_PER_COLUMN:
        return problems
    extra = len(problems) - MAX_PROBLEMS_PER_COLUMN
    kept = problems[:MAX_PROBLEMS_PER_COLUMN]
    return [*kept, Problem(name, kept[-1].line, column, f"... and {extra} more problems in this column")]


def _show(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return repr(excerpt(str(value), 40))
