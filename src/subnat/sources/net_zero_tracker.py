"""Net Zero Tracker export (ECIU, DDL, NewClimate, Oxford Net Zero), snapshot 2022-12-20.

``read(path)`` returns one row per actor × target slot (``end`` and ``interim``; slots saying
"No target" are kept so coverage of non-committed actors stays visible), columns

- ``nzt_id``, ``name``, ``iso`` (ISO3 country), ``actor_type`` (region/city/company/country),
- ``slot`` (end/interim), ``target_kind`` (NZT wording), ``target_type`` (case vocabulary or
  None), ``value`` (reduction fraction; 1.0 for net zero), ``base_year``, ``target_year``,
  ``baseline_emissions_mt``, ``status`` (law/policy/pledge or None), ``status_raw``,
  ``status_date`` (year the status was recorded), ``scope`` (``territorial`` for
  jurisdictions; ``scope1+2``/``scope1``/``scope2`` for companies),
- ``ghg_mt`` (actor's latest emission level, Mt CO2e; unit error corrected),
  ``inventory_year``, ``population``, ``gdp_musd``, ``source_url``, ``defect`` (comma list of
  defect codes found on the row), ``source``.

Known defects handled (../shared/spec/data.md §1):

- ``ghg_unit_1e6``: Nevada's emission level is 3.62e13 "tCO2e", 10^6 too high (more than the
  whole world emits). Any jurisdiction whose level exceeds :data:`MAX_PLAUSIBLE_T` is divided
  by 10^6 and flagged.
- ``national_ndc_as_state``: the Georgia (US state) row carries the NDC of the *country*
  Georgia (35 % below 1990 by 2030, UNFCCC NDC registry link, text about Abkhazia). A
  sub-national row whose source is a national NDC document is flagged and its targets are
  excluded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.sources.common import T_PER_MT, excluder, exclusion_frame, source_label

#: Above this level (tCO2e/yr, about the world's annual total) a figure is a unit error.
MAX_PLAUSIBLE_T = 6e10

ACTOR_TYPES = {"Region": "region", "City": "city", "Company": "company", "Country": "country"}
NET_ZERO_KINDS = {
    "net zero", "carbon neutral(ity)", "climate neutral", "zero carbon", "ghg neutral(ity)",
    "zero emissions", "climate positive", "carbon negative",
}
STATUS = {
    "in law": "law",
    "in policy document": "policy",
    "achieved (self-declared)": "policy",
    "achieved (externally validated)": "policy",
    "declaration / pledge": "pledge",
    "in corporate strategy": "pledge",
    "proposed / in discussion": None,
}
_NDC_MARKERS = ("ndcstaging", "/ndc", "ndc%20", "nationally determined contribution")


def _target_type(kind: str, unit: object) -> str | None:
    k = kind.strip().lower()
    if k in NET_ZERO_KINDS:
        return "net_zero"
    if k in ("emissions reduction target", "absolute emissions target"):
        return "absolute"
    if k == "reduction v. bau":
        return "baseline"
    if k == "emissions intensity target":
        u = str(unit or "").lower()
        return "intensity_capita" if "capita" in u else "intensity_gdp" if "gdp" in u else None
    return None


def _scope(r: pd.Series, actor_type: str) -> str:
    if actor_type != "company":
        return "territorial"
    s1, s2 = str(r.get("scope_1")), str(r.get("scope_2"))
    if s1 == "No" and s2 == "Yes":
        return "scope2"
    if s1 == "Yes" and s2 == "No":
        return "scope1"
    return "scope1+2"


def is_national_ndc(row: pd.Series) -> bool:
    """True when a sub-national row's source/text is a national NDC (the Georgia defect)."""
    text = " ".join(str(row.get(c) or "") for c in ("source_url", "end_target_text",
                                                     "interim_target_text")).lower()
    return any(m in text for m in _NDC_MARKERS)


def read(path: str | Path) -> pd.DataFrame:
    """Tidy NZT targets, one row per actor × slot (columns in the module docstring)."""
    raw = pd.read_excel(path, sheet_name=0)
    out = []
    label = f"Net Zero Tracker snapshot 2022-12-20 ({source_label(path)})"
    for _, r in raw.iterrows():
        atype = ACTOR_TYPES.get(str(r["actor_type"]), str(r["actor_type"]).lower())
        defects = []
        ghg_t = pd.to_numeric(r.get("ghg"), errors="coerce")
        if atype != "country" and pd.notna(ghg_t) and ghg_t > MAX_PLAUSIBLE_T:
            ghg_t = ghg_t / 1e6
            defects.append("ghg_unit_1e6")
        if atype in ("region", "city") and is_national_ndc(r):
            defects.append("national_ndc_as_state")
        status_raw = r.get("end_target_status")
        status = STATUS.get(str(status_raw).strip().lower()) if pd.notna(status_raw) else None
        common = {
            "nzt_id": r["id_code"],
            "name": r["name"],
            "iso": r["country"],
            "actor_type": atype,
            "status": status,
            "status_raw": status_raw if pd.notna(status_raw) else None,
            "status_date": pd.to_numeric(r.get("status_date"), errors="coerce"),
            "scope": _scope(r, atype),
            "ghg_mt": ghg_t / T_PER_MT if pd.notna(ghg_t) else float("nan"),
            "inventory_year": pd.to_numeric(r.get("inventory_year"), errors="coerce"),
            "population": pd.to_numeric(r.get("population"), errors="coerce"),
            "gdp_musd": pd.to_numeric(r.get("gdp_real"), errors="coerce") / 1e6,
            "source_url": r.get("source_url") if pd.notna(r.get("source_url")) else None,
            "defect": ",".join(defects),
            "source": label,
        }
        for slot in ("end", "interim"):
            kind = r.get(f"{slot}_target")
            kind = "" if pd.isna(kind) else str(kind)
            tt = _target_type(kind, r.get(f"{slot}_target_intensity_unit"))
            pct = pd.to_numeric(r.get(f"{slot}_target_percentage_reduction"), errors="coerce")
            value = 1.0 if tt == "net_zero" else pct / 100.0
            if tt == "absolute" and pd.notna(pct) and pct >= 100:
                tt, value = "net_zero", 1.0
            be = pd.to_numeric(r.get(f"{slot}_target_baseline_emissions"), errors="coerce")
            out.append(
                common
                | {
                    "slot": slot,
                    "target_kind": kind,
                    "target_type": tt,
                    "value": value,
                    "base_year": pd.to_numeric(r.get(f"{slot}_target_baseline_year"),
                                               errors="coerce"),
                    "target_year": pd.to_numeric(r.get(f"{slot}_target_year"), errors="coerce"),
                    "baseline_emissions_mt": be / T_PER_MT if pd.notna(be) else float("nan"),
                }
            )
    df = pd.DataFrame(out)
    for c in ("status_date", "inventory_year", "base_year", "target_year"):
        df[c] = df[c].astype("Int64")
    return df


def actors(df: pd.DataFrame) -> pd.DataFrame:
    """One row per NZT actor (first slot row), for identification and emission levels."""
    return df.drop_duplicates("nzt_id").reset_index(drop=True)


def to_commitments(
    df: pd.DataFrame, actor_ids: pd.Series, *, set_by: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case commitments for rows with a known actor id (aligned with ``df``), plus exclusions.

    Slots without a target are silently skipped (they are not commitments); everything else
    that cannot become a commitment is logged with a reason code.
    """
    rows, excl = [], []
    for i, r in df.iterrows():
        if r["target_kind"] in ("", "No target"):
            continue
        aid = actor_ids.loc[i]
        rec = f"{r['nzt_id']} {r['slot']}"

        ex = excluder(excl, "net_zero_tracker", rec, aid)

        if aid is None or pd.isna(aid):
            ex("unresolved_actor", str(r["name"]))
            continue
        if "national_ndc_as_state" in r["defect"]:
            ex("national_ndc_as_state", f"{r['name']}: target cites a national NDC")
            continue
        if r["status"] is None:
            ex("not_adopted", f"status {r['status_raw']!r}")
            continue
        if set_by is not None and (pd.isna(r["status_date"]) or r["status_date"] > set_by):
            ex("not_in_force", f"status date {r['status_date']} (cut-off {set_by})")
            continue
        if set_by is not None and r["slot"] != "end":
            # NZT's status date belongs to the end target; an interim target may be newer.
            ex("not_in_force", f"interim target, adoption date unknown (cut-off {set_by})")
            continue
        if r["target_type"] is None:
            ex("unknown_target_type", r["target_kind"])
            continue
        if pd.isna(r["target_year"]) or pd.isna(r["value"]):
            ex("missing_value", f"{r['target_kind']}: no % or target year")
            continue
        be = r["baseline_emissions_mt"]
        rows.append(
            {
                "actor_id": aid,
                "target_type": r["target_type"],
                "target_year": int(r["target_year"]),
                "value": round(float(r["value"]), 6),
                "base_year": r["base_year"],
                "base_year_emissions_mt": None if pd.isna(be) else round(float(be), 6),
                "scope": r["scope"],
                "status": r["status"],
                "source": f"{r['source']}, {r['nzt_id']} {r['slot']} target"
                + (f"; {r['source_url']}" if r["source_url"] else ""),
            }
        )
    return pd.DataFrame(rows), exclusion_frame(excl)
