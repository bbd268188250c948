"""C2ES "U.S. State Greenhouse Gas Emissions Targets" (2022 vintage, OpenClimate raw csv).

``read(path)`` returns one row per target with columns

- ``state`` (name), ``actor_id`` (ISO 3166-2, ``US-CA``),
- ``target_type`` (case vocabulary: ``absolute`` for "Absolute emission reduction"),
- ``value`` (reduction fraction, 0.4 = 40 %), ``value_high`` (upper end of a stated range such
  as "26-28", else NaN), ``base_year``, ``target_year``, ``url`` (legal source), ``source``.

C2ES gives no adoption date, so the file describes targets in force in 2022 (us2023); the
2017 case uses a hand-entered table with the adopting acts instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from subnat.sources.common import exclusion_frame, source_label, state_id, to_float

TARGET_TYPES = {"Absolute emission reduction": "absolute"}

#: A legal-source URL pointing at a statute, bill or session law means status ``law``.
_LAW_URL = re.compile(
    r"leginfo|legislat|//leg\.|\.leg\.|njleg|rilin|/statutes/|session%20laws|/bills?/|/act/|"
    r"/acts/|trackbill|[-%20]act[-%20]|energy%20act",
    re.I,
)


def status_from_url(url: str) -> str:
    """``law`` when the cited source is a statute, bill or session law; else ``policy``.

    C2ES gives no status column, but every target cites its legal source; executive orders,
    plans and agency pages are ``policy``.
    """
    return "law" if isinstance(url, str) and _LAW_URL.search(url) else "policy"


def read(path: str | Path) -> pd.DataFrame:
    """Tidy C2ES state targets (columns in the module docstring)."""
    raw = pd.read_csv(path, dtype=str)
    out = pd.DataFrame(
        {
            "state": raw["state"].str.strip(),
            "actor_id": [
                a if isinstance(a, str) and a.startswith("US-") else state_id(s)
                for a, s in zip(raw["actor_id"], raw["state"], strict=True)
            ],
            "target_type": raw["target_type"].map(TARGET_TYPES).fillna(raw["target_type"]),
            "value": raw["target_value"].map(to_float) / 100.0,
            "value_high": raw["actual_range"].map(_range_high) / 100.0,
            "base_year": pd.to_numeric(raw["baseline_year"], errors="coerce").astype("Int64"),
            "target_year": pd.to_numeric(raw["target_year"], errors="coerce").astype("Int64"),
            "url": raw["URL"].fillna(""),
        }
    )
    out["source"] = "C2ES U.S. State GHG Emission Targets 2022 (" + source_label(path) + ")"
    return out


def _range_high(text: object) -> float:
    if not isinstance(text, str) or "-" not in text:
        return float("nan")
    return to_float(text.split("-")[-1])


def to_commitments(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case commitments (status from the legal-source URL, :func:`status_from_url`) and exclusions.

    A 0 % target ("return to 1990 levels by 2020") is a valid absolute target of value 0.
    Rows without a state id or a target year are excluded.
    """
    rows, excl = [], []
    for i, r in df.iterrows():
        rec = f"row {i + 2}"
        if r["actor_id"] is None or pd.isna(r["actor_id"]):
            excl.append(_ex(r, rec, "unresolved_actor", f"state {r['state']!r}"))
            continue
        if r["target_type"] != "absolute":
            excl.append(_ex(r, rec, "unknown_target_type", str(r["target_type"])))
            continue
        if pd.isna(r["value"]) or pd.isna(r["target_year"]):
            excl.append(_ex(r, rec, "missing_value", "no % or target year"))
            continue
        rows.append(
            {
                "actor_id": r["actor_id"],
                "target_type": "absolute",
                "target_year": int(r["target_year"]),
                "value": round(float(r["value"]), 6),
                "base_year": r["base_year"],
                "scope": "territorial",
                "status": status_from_url(r["url"]),
                "source": f"{r['source']}; {r['url']}".strip("; "),
            }
        )
    return pd.DataFrame(rows), exclusion_frame(excl)


def _ex(r: pd.Series, rec: str, code: str, detail: str) -> dict:
    return {"source": "c2es_states", "record": rec, "actor_id": r.get("actor_id"),
            "reason_code": code, "detail": detail}
