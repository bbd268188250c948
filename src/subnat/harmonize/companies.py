"""Companies with targets get GHGRP emissions and state locations (issue 17; docs/data.md §GHGRP).

Why GHGRP: it is the one public source of company *direct* (scope-1) emissions in the US, by
facility and state, which is exactly the part of a company that overlaps with states (method §7,
O3) and with the national inventory. Its limits are stated where they bite: facilities under
25 kt CO2e are not reported; scope 2 and 3 are not covered; multi-owner shares exist for RY2020
only (EPA's parent table), other facilities take EDGI's lossy latest owner.

Steps, each a small function:

1. ``owners``: facility -> (parent name, ownership share), the RY2020 table first, EDGI's latest
   owner (flagged ``lossy``) for facilities absent from it.
2. ``match_report``: GHGRP parent keys against the target companies' ids. Both sides are
   normalised the same way (ClimActor key dictionary where it knows the name, then legal
   suffixes removed: ``3M CO`` and ``3M Company`` -> ``CO-3M``); the cited hand table
   ``data/hand/company_name_matches.csv`` adds verified matches the keys miss and rejects false
   ones, including close keys it has checked. Status ``matched``, ``ambiguous`` (no exact key
   but unchecked close keys, a word-prefix or the same first two words: listed, not used) or
   ``unmatched``.
3. ``company_tables``: per matched company, scope-1 emissions per year (sum of owned facility
   shares) as inventory rows, and its state shares in its latest year as location rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from subnat.errors import ConsistencyError
from subnat.sources.climactor import NameDictionary
from subnat.sources.common import POSTAL_TO_STATE, T_PER_MT

HAND_TABLE = "company_name_matches.csv"
MATCH_COLUMNS = ["company_id", "company_name", "status", "ghgrp_parents", "candidates", "n_facilities",
                 "emissions_mt", "emissions_year", "source"]
LOCATION_COLUMNS = ["company_id", "jurisdiction_id", "share", "source"]
GHGRP_BASIS = "gross, scope 1 (US facilities >= 25 kt), IPCC AR4 GWP100"


def hand_matches() -> pd.DataFrame:
    """The cited hand table: company_id, ghgrp_parent, decision (match / reject), citation."""
    path = resources.files("subnat") / "data" / "hand" / HAND_TABLE
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype=str)


def owners(parents_2020: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """facility_id, parent, share, lossy: every facility's owners with shares summing to <= 1.

    The RY2020 table is used for every facility it lists (ownership assumed constant over the
    years: the one multi-owner vintage at hand); others take EDGI's latest owner (``lossy``).
    A missing percent takes what the known owners leave (all of it for a sole owner)."""
    known = set(parents_2020["facility_id"])
    df = pd.concat([parents_2020, latest[~latest["facility_id"].isin(known)]], ignore_index=True)
    df = df.groupby(["facility_id", "parent"], as_index=False).agg(
        share=("share", lambda s: s.sum(min_count=1)), lossy=("lossy", "any"))
    given = df.groupby("facility_id")["share"].transform(lambda s: s.fillna(0).sum())
    missing = df.groupby("facility_id")["share"].transform(lambda s: s.isna().sum())
    fill = ((1 - given).clip(lower=0) / missing.where(missing > 0)).fillna(0)
    df["share"] = df["share"].fillna(fill)
    total = df.groupby("facility_id")["share"].transform("sum")
    df["share"] = df["share"] / total.where(total > 1, 1.0)  # 100.1 % from rounding
    return df.sort_values(["facility_id", "parent"]).reset_index(drop=True)


def facility_emissions(facilities: pd.DataFrame, max_year: int) -> pd.DataFrame:
    """facility_id, state, located, year, emissions_t up to ``max_year``; a facility on several
    sheets in one year (165 facility-years) counts once: its direct-emitter row."""
    df = facilities[facilities["year"] <= max_year].copy()
    df["_direct"] = df["sheet"].str.startswith("Direct")
    df = df.sort_values(["facility_id", "year", "_direct"], ascending=[True, True, False])
    first_sheet = df.groupby(["facility_id", "year"])["sheet"].transform("first")
    return df[df["sheet"] == first_sheet][["facility_id", "state", "located", "year", "emissions_t"]]


@dataclass
class Matches:
    """Company id -> GHGRP parent names, and the report of every target company."""

    parents: dict[str, list[str]]
    report: pd.DataFrame


def match_report(companies: pd.DataFrame, owned: pd.DataFrame, names: NameDictionary,
                 hand: pd.DataFrame) -> Matches:
    """Match target companies (``actor_id``, ``name``) to GHGRP parent names (module docstring)."""
    parent_names = sorted(owned["parent"].unique())
    by_key: dict[str, list[str]] = {}
    for p in parent_names:
        by_key.setdefault(names.actor_id(p), []).append(p)
    first_word: dict[str, set[str]] = {}
    for key in by_key:
        first_word.setdefault(key.split("_")[0], set()).add(key)
    rejected = {(r.company_id, r.ghgrp_parent) for r in hand.itertuples() if r.decision == "reject"}
    added: dict[str, list[tuple[str, str]]] = {}
    for r in hand.itertuples():
        if r.decision == "match":
            added.setdefault(r.company_id, []).append((r.ghgrp_parent, r.citation))
    parents, rows = {}, []
    for cid, name in zip(companies["actor_id"], companies["name"], strict=True):
        found = [p for p in by_key.get(cid, []) if (cid, p) not in rejected]
        source = "key match (ClimActor key_dict, legal suffixes removed)" if found else ""
        extra = [p for p, _ in added.get(cid, []) if p in set(parent_names)]
        if extra:
            found += extra
            source = "; ".join(filter(None, [source, "hand table company_name_matches.csv: "
                                             + "; ".join(c for _, c in added[cid])]))
        close = [] if found else sorted(k for k in first_word.get(cid.split("_")[0], set()) if _close(cid, k))
        # a close key all of whose parent names the hand table rejects for this company is settled
        candidates = [k for k in close if not all((cid, p) in rejected for p in by_key[k])]
        if close and not candidates:
            source = "close keys rejected by hand table company_name_matches.csv: " + "; ".join(
                r.citation for r in hand.itertuples() if r.company_id == cid and r.decision == "reject")
        status = "matched" if found else ("ambiguous" if candidates else "unmatched")
        if found:
            parents[cid] = sorted(set(found))
        rows.append({"company_id": cid, "company_name": name, "status": status,
                     "ghgrp_parents": " | ".join(sorted(set(found))),
                     "candidates": " | ".join(candidates[:5]), "source": source or "no GHGRP parent key"})
    report = pd.DataFrame(rows, columns=[c for c in MATCH_COLUMNS
                                         if c not in ("n_facilities", "emissions_mt", "emissions_year")])
    return _one_owner_each(Matches(parents, report))


def _close(a: str, b: str) -> bool:
    """Two different keys that may name one company: one is a word-prefix of the other
    (``CO-BUNGE`` / ``CO-BUNGE_NORTH_AMERICA``) or they share their first two words
    (``CO-MOLSON_COORS_BREWING`` / ``CO-MOLSON_COORS_BEVERAGE``)."""
    if a == b:
        return False
    wa, wb = a.split("_"), b.split("_")
    n = min(len(wa), len(wb))
    return wa[:n] == wb[:n] or (n >= 2 and wa[:2] == wb[:2])


def _one_owner_each(matches: Matches) -> Matches:
    """A GHGRP parent claimed by two target companies would count its facilities twice: neither
    keeps it, both become ``ambiguous`` (the hand table can settle it)."""
    claims: dict[str, list[str]] = {}
    for cid, ps in matches.parents.items():
        for p in ps:
            claims.setdefault(p, []).append(cid)
    shared = {p: c for p, c in claims.items() if len(c) > 1}
    if not shared:
        return matches
    report = matches.report.set_index("company_id")
    parents = {}
    for cid, ps in matches.parents.items():
        lost = [p for p in ps if p in shared]
        keep = [p for p in ps if p not in shared]
        if keep:
            parents[cid] = keep
        if lost:
            others = sorted({o for p in lost for o in shared[p]} - {cid})
            report.loc[cid, "ghgrp_parents"] = " | ".join(keep)
            report.loc[cid, "candidates"] = " | ".join(lost)
            report.loc[cid, "source"] = f"parent(s) also matched by {', '.join(others)}: not used"
            if not keep:
                report.loc[cid, "status"] = "ambiguous"
    return Matches(parents, report.reset_index())


@dataclass
class CompanyTables:
    """What the case gets: inventory rows, location rows and the completed match report."""

    inventory: pd.DataFrame
    locations: pd.DataFrame
    report: pd.DataFrame
    located: pd.DataFrame  # company_id, jurisdiction_id, year, emissions_mt: every located year


def company_tables(matches: Matches, owned: pd.DataFrame, emissions: pd.DataFrame,
                   vintage: str) -> CompanyTables:
    """Scope-1 inventories (sum of owned facility shares per year) and state shares in the
    company's latest year. ``vintage`` names the data used, for every row's ``source``."""
    links = pd.DataFrame([(cid, p) for cid, ps in matches.parents.items() for p in ps],
                         columns=["company_id", "parent"])
    own = links.merge(owned, on="parent").groupby(["company_id", "facility_id"], as_index=False).agg(
        share=("share", "sum"), lossy=("lossy", "any"))
    own["share"] = own["share"].clip(upper=1.0)  # two name variants of one owner
    em = own.merge(emissions, on="facility_id")
    em["owned_t"] = em["share"] * em["emissions_t"]
    yearly = em.groupby(["company_id", "year"], as_index=False)["owned_t"].sum()
    yearly = yearly[yearly["owned_t"] > 0]
    source = (f"EPA GHGRP {vintage}, facility totals x parent ownership share (RY2020 parent table; "
              f"EDGI latest owner where absent, lossy); basis {GHGRP_BASIS}")
    inventory = pd.DataFrame({"actor_id": yearly["company_id"], "year": yearly["year"].astype(int),
                              "emissions_mt": (yearly["owned_t"] / T_PER_MT).round(6), "scope": "scope1",
                              "source": source})
    inventory = inventory[inventory["emissions_mt"] > 0]
    last = yearly.groupby("company_id")["year"].max()
    latest = em[em["year"] == em["company_id"].map(last)]
    total = latest.groupby("company_id")["owned_t"].sum()
    here = latest[latest["located"] & latest["state"].isin(POSTAL_TO_STATE)]
    by_state = here.groupby(["company_id", "state"], as_index=False)["owned_t"].sum()
    # rounded down, so the shares of one company never sum above 1
    by_state["share"] = np.floor(by_state["owned_t"] / by_state["company_id"].map(total) * 1e6) / 1e6
    by_state = by_state[by_state["share"] > 0]
    locations = pd.DataFrame({
        "company_id": by_state["company_id"], "jurisdiction_id": "US-" + by_state["state"],
        "share": by_state["share"],
        "source": by_state["company_id"].map(last).map(
            lambda y: f"EPA GHGRP {vintage}: share of the company's owned facility emissions in {y} by "
                      "facility state (basin-level oil and gas rows not located)")})
    report = _completed(matches.report, own, latest, last)
    every = em[em["located"] & em["state"].isin(POSTAL_TO_STATE)]
    every = every.groupby(["company_id", "state", "year"], as_index=False)["owned_t"].sum()
    located = pd.DataFrame({"company_id": every["company_id"], "jurisdiction_id": "US-" + every["state"],
                            "year": every["year"], "emissions_mt": every["owned_t"] / T_PER_MT})
    return CompanyTables(inventory.sort_values(["actor_id", "year"]).reset_index(drop=True),
                         locations.sort_values(["company_id", "jurisdiction_id"]).reset_index(drop=True),
                         report, located)


def _completed(report: pd.DataFrame, own: pd.DataFrame, latest: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    out = report.copy()
    out["n_facilities"] = out["company_id"].map(own.groupby("company_id")["facility_id"].nunique()) \
        .astype("Int64")
    out["emissions_mt"] = out["company_id"].map(latest.groupby("company_id")["owned_t"].sum() / T_PER_MT).round(6)
    out["emissions_year"] = out["company_id"].map(last).astype("Int64")
    return out[MATCH_COLUMNS].sort_values(["status", "company_id"]).reset_index(drop=True)


def check_below_states(located: pd.DataFrame, states: pd.DataFrame) -> None:
    """The located emissions of all companies together in a state stay below the state's
    inventory in every year both have (GHGRP counts each facility share once, so the sum is a
    lower bound of the state's direct emissions): raises ConsistencyError otherwise."""
    summed = located.groupby(["jurisdiction_id", "year"])["emissions_mt"].sum()
    bound = states.set_index(["actor_id", "year"])["emissions_mt"]
    common = summed.index.intersection(bound.index)
    over = summed[common] > bound[common] * 1.001
    if over.any():
        (place, year) = over[over].index[0]
        raise ConsistencyError(f"GHGRP companies located in {place} emit {summed[(place, year)]:.2f} Mt in {year}, "
                               f"more than the state's inventory ({bound[(place, year)]:.2f} Mt)")


def scope1_commitments(commitments: pd.DataFrame, inventory: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Company targets of GHGRP-quantified companies on the part GHGRP measures.

    A target on scope 1 or scope 1+2 keeps its rate and applies it to the company's GHGRP scope 1
    (method §7 O4 counts scopes 1 and 2; GHGRP has no scope 2, so that part is left out rather
    than guessed). Base-year emissions from other sources (company-reported, global, often scope
    1+2) are dropped so the base year comes from the same GHGRP inventory; where a source gave
    them, their ratio is what GHGRP covers of the target's base. Returns (commitments, per
    company: target_scopes, ghgrp_covers, ghgrp_share_of_reported_base)."""
    out = commitments.copy()
    quantified = set(inventory["actor_id"])
    pick = out["actor_id"].isin(quantified) & out["scope"].isin(["scope1", "scope1+2"])
    level = inventory.set_index(["actor_id", "year"])["emissions_mt"]
    rows = out[pick]
    ghgrp_by = [level.get((a, int(y)), np.nan) if pd.notna(y) else np.nan
                for a, y in zip(rows["actor_id"], rows["base_year"], strict=True)]
    reported = pd.to_numeric(rows["base_year_emissions_mt"], errors="coerce")
    notes = pd.DataFrame({"company_id": rows["actor_id"], "scope": rows["scope"],
                          "share": (pd.Series(ghgrp_by, index=rows.index) / reported).round(4)})
    out.loc[pick, "source"] = ("scope-1 part quantified with EPA GHGRP (" + rows["scope"] + " target; "
                               + "scope 2 not in GHGRP); " + rows["source"].astype(str))
    out.loc[pick, "scope"] = "scope1"
    out.loc[pick, "base_year_emissions_mt"] = None
    per_company = notes.groupby("company_id").agg(
        target_scopes=("scope", lambda v: "+".join(sorted(set(v))) if len(set(v)) > 1 else v.iloc[0]),
        ghgrp_share_of_reported_base=("share", "max"))
    per_company["ghgrp_covers"] = np.where(
        per_company["target_scopes"] == "scope1", "scope 1 of US facilities >= 25 kt",
        "scope 1 of US facilities >= 25 kt; scope 2 and non-US operations not covered")
    return out, per_company.reset_index()
