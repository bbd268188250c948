"""SBTi "companies taking action" export (2023-01-09), with a parser for the target sentences.

``read(path)`` returns one row per company with columns

- ``company``, ``isin``, ``lei``, ``iso`` (ISO3 or country code found in ``Location``),
  ``location``, ``sector``, ``organization_type``,
- ``near_term_status`` ("Targets Set" / "Committed"), ``near_term_year``,
  ``net_zero_committed``, ``net_zero_year``,
- ``date`` (datetime of the SBTi record, day-first), ``date_year``, ``target_text``,
- parsed from ``target_text`` by :func:`parse_target` (first scope-1/2 target): ``scope``
  (``scope1+2``, ``scope1``, ``scope2``, ``scope1+2+3``), ``pct`` (fraction), ``base_year``,
  ``target_year``, ``kind`` (``absolute``/``intensity``), ``parsed`` (all four found),
- ``source``.

The parser handles "reduce absolute scope 1 and 2 GHG emissions 30% by 2030 from a 2018 base
year", "Scope 1, 2 ... 30 %", fiscal years ("FY2030"), intensity wording ("per square foot",
"per unit", "intensity") and several targets in one sentence. :func:`parse_share` reports how
many texts it parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from subnat.sources.common import excluder, exclusion_frame, source_label

_SCOPE = re.compile(
    r"scopes?\s*(1|2|3)((?:(?:\s*(?:,|and|\+|&|/))+\s*(?:scope\s*)?(?:1|2|3)\b)*)", re.I
)
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", re.I)
_TY = re.compile(
    r"\bby\s+(?:the\s+end\s+of\s+)?(?:FY|fiscal\s+year\s*)?\s*(20\d{2}|19\d{2}|(?<=FY)\d{2})\b", re.I
)
_BY = re.compile(
    r"(?:from|against|using|compared\s+(?:to|with)|relative\s+to)\s+(?:a\s+|the\s+|its\s+)?"
    r"(?:FY|fiscal\s+year\s*)?\s*(19\d{2}|20\d{2}|(?<=FY)\d{2})(?:[/-]\d{2,4})?\b",
    re.I,
)
_INTENSITY = re.compile(r"\bper\s+\w|intensity", re.I)


@dataclass(frozen=True)
class ParsedTarget:
    """One target read from a free-text sentence (fields None when not found)."""

    scope: str | None
    pct: float | None
    base_year: int | None
    target_year: int | None
    kind: str | None

    @property
    def complete(self) -> bool:
        """All of scope, %, base year and target year found."""
        return None not in (self.scope, self.pct, self.base_year, self.target_year)


def _scope_set(match: re.Match) -> str:
    nums = sorted(set(re.findall(r"[123]", match.group(0))))
    return "scope" + "+".join(nums)


def _year(text: str) -> int:
    """Four-digit year; two-digit fiscal years ("FY20") are 20xx."""
    y = int(text)
    return 2000 + y if y < 100 else y


def parse_targets(text: object) -> list[ParsedTarget]:
    """Every target in a text, one per scope mention followed by a percentage."""
    if not isinstance(text, str) or not text.strip():
        return []
    targets = []
    for sentence in re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])|\*\*", text):
        matches = list(_SCOPE.finditer(sentence))
        if not matches:
            if re.search(r"\b(reduce|cut)\b", sentence, re.I) and _PCT.search(sentence):
                matches_text = [(None, sentence)]
            else:
                continue
        else:
            ends = [m.start() for m in matches[1:]] + [len(sentence)]
            matches_text = [(m, sentence[m.start():e]) for m, e in zip(matches, ends, strict=True)]
        ty_all = _TY.search(sentence)
        by_all = _BY.search(sentence)
        for m, chunk in matches_text:
            pct = _PCT.search(chunk)
            if pct is None:
                continue
            ty = _TY.search(chunk) or ty_all
            by = _BY.search(chunk) or by_all
            between = chunk[pct.end(): ty.start() if ty and ty.start() > pct.end() else len(chunk)]
            intensity = bool(_INTENSITY.search(between)) or "intensity" in chunk.lower()
            targets.append(
                ParsedTarget(
                    scope=_scope_set(m) if m else "scope1+2",
                    pct=float(pct.group(1)) / 100.0,
                    base_year=_year(by.group(1)) if by else None,
                    target_year=_year(ty.group(1)) if ty else None,
                    kind="intensity" if intensity else "absolute",
                )
            )
    return targets


def parse_target(text: object) -> ParsedTarget:
    """The company's operational target: the first one covering scope 1 and/or 2."""
    targets = parse_targets(text)
    ops = [t for t in targets if t.scope and ("1" in t.scope or "2" in t.scope)]
    if ops:
        return ops[0]
    return ParsedTarget(None, None, None, None, None)


def parse_share(texts: pd.Series) -> float:
    """Share of non-empty target texts for which a complete scope-1/2 target is parsed."""
    texts = texts.dropna()
    texts = texts[texts.astype(str).str.strip() != ""]
    if texts.empty:
        return float("nan")
    return float(texts.map(lambda t: parse_target(t).complete).mean())


def read(path: str | Path) -> pd.DataFrame:
    """Tidy SBTi company list with parsed targets (columns in the module docstring)."""
    raw = pd.read_excel(path, sheet_name=0, dtype=str)
    g = raw.get
    date = pd.to_datetime(g("Date"), format="%d/%m/%Y", errors="coerce")
    df = pd.DataFrame(
        {
            "company": raw["Company Name"].str.strip(),
            "isin": g("ISIN"),
            "lei": g("LEI"),
            "location": g("Location"),
            "iso": g("Location").str.extract(r"\(([A-Z]{2,3})\)\s*$")[0],
            "sector": g("Sector"),
            "organization_type": g("Organization Type"),
            "near_term_status": g("Near term - Target Status"),
            "near_term_year": pd.to_numeric(g("Near term - Target Year"), errors="coerce"),
            "net_zero_committed": g("Net-Zero Committed"),
            "net_zero_year": pd.to_numeric(g("Net-Zero Year"), errors="coerce"),
            "date": date,
            "date_year": date.dt.year.astype("Int64"),
            "target_text": g("Target"),
        }
    )
    parsed = df["target_text"].map(parse_target)
    df["scope"] = parsed.map(lambda t: t.scope)
    df["pct"] = parsed.map(lambda t: t.pct)
    df["base_year"] = parsed.map(lambda t: t.base_year).astype("Int64")
    df["target_year"] = parsed.map(lambda t: t.target_year).astype("Int64")
    df["kind"] = parsed.map(lambda t: t.kind)
    df["parsed"] = parsed.map(lambda t: t.complete)
    df["source"] = "SBTi companies taking action 2023-01-09 (" + source_label(path) + ")"
    return df


def to_commitments(
    df: pd.DataFrame, actor_ids: pd.Series, *, set_by: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case commitments (status ``pledge``) of companies with validated targets, plus exclusions.

    "Committed" companies have no target yet; intensity targets per physical unit (square
    foot, tonne of product) have no driver in a case and are excluded.
    """
    rows, excl = [], []
    for i, r in df.iterrows():
        aid = actor_ids.loc[i]
        rec = f"{r['company']}"

        ex = excluder(excl, "sbti_targets", rec, aid)

        if r["near_term_status"] != "Targets Set":
            continue  # "Committed": no target yet, so not a commitment to log
        if set_by is not None and (pd.isna(r["date_year"]) or r["date_year"] > set_by):
            ex("not_in_force", f"SBTi record dated {r['date_year']} (cut-off {set_by})")
            continue
        if not r["parsed"]:
            ex("unparsed_target_text", str(r["target_text"])[:100])
            continue
        if r["kind"] == "intensity":
            ex("missing_driver", "intensity target per physical unit")
            continue
        if r["scope"] == "scope3":
            ex("scope_not_counted", "scope 3 only")
            continue
        value = float(r["pct"])
        rows.append(
            {
                "actor_id": aid,
                "target_type": "net_zero" if value >= 1.0 else "absolute",
                "target_year": int(r["target_year"]),
                "value": 1.0 if value >= 1.0 else round(value, 6),
                "base_year": int(r["base_year"]),
                "scope": "scope1+2" if r["scope"] == "scope1+2+3" else r["scope"],
                "status": "pledge",
                "source": f"{r['source']}, {r['company']}",
            }
        )
    return pd.DataFrame(rows), exclusion_frame(excl)
