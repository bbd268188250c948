"""Build the embedded US cases from the raw public sources (docs/data.md explains every choice).

``build_case(name, reference_dir)`` returns a :class:`BuiltCase` (the case tables, case.yaml
content, the build exclusion log and the coverage table); ``write_case`` writes it as a case
folder. Nothing here is tuned to a published result: inputs are taken as the sources give them.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from subnat.harmonize import canada, companies, country, national_csv, observed, refdata
from subnat.harmonize.coverage import coverage
from subnat.harmonize.dedupe import dedupe
from subnat.harmonize.ids import Resolver
from subnat.harmonize.in_force import screen_in_force
from subnat.harmonize.screens import screen_cities
from subnat.sources import (
    c2es_states,
    cdp_citywide,
    cdp_targets,
    climactor,
    epa_states,
    geo,
    ghgrp,
    net_zero_tracker,
    policies_in_cps,
    sbti_targets,
    state_adoption,
    us_national,
)
from subnat.sources.common import POSTAL_TO_STATE, exclusion_frame

COMMITMENT_COLUMNS = [
    "commitment_id", "actor_id", "target_type", "target_year", "value", "base_year",
    "base_year_emissions_mt", "coverage", "scope", "status", "in_national_projection",
    "bau_emissions_mt", "source",
]
ACTOR_COLUMNS = ["actor_id", "name", "actor_type", "country", "parent_id", "population",
                 "gdp_musd", "source"]
INVENTORY_COLUMNS = ["actor_id", "year", "emissions_mt", "scope", "source"]

def _national_us2017(ref: Path, last_year: int) -> pd.DataFrame:
    """History and CPS from past UNFCCC vintages (AR4), the 2017 administration's projection."""
    vintages = us_national.read_past_vintages(refdata.path(ref, "past_vintages_ar4"))
    return national_csv.us2017(vintages, last_year)


def _unfccc_gross(ref: Path) -> pd.Series:
    """Year -> US gross total (Mt CO2e, AR5) of the UNFCCC Annex I table."""
    un = pd.read_csv(refdata.path(ref, "unfccc_annex1"))
    un = un[un["actor_id"] == "US"]
    return pd.Series(un["total_emissions"].values / 1e6, index=un["year"].astype(int).values)


def _national_us2023(ref: Path, last_year: int) -> pd.DataFrame:
    """2023 BR-supplement model totals (AR5), interpolated with the shape of UNFCCC gross totals."""
    gross = _unfccc_gross(ref)
    totals = us_national.read_brvs_totals(refdata.path(ref, "brvs2023_totals"))
    sinks = us_national.model_sinks(us_national.read_iamc(refdata.path(ref, "brvs2023_iamc")))
    return national_csv.us2023(totals, gross, last_year, sinks)


@dataclass(frozen=True)
class CaseSpec:
    """What distinguishes the two US cases (everything else is built the same way)."""

    name: str
    cutoff: int | None  # commitments in force by this year (None: as exported)
    first_year: int
    last_year: int
    reporting_years: list[int]
    gwp: str
    inventory_max_year: int
    citywide_years: list[int]
    ndc: list[dict[str, Any]]
    description: str
    national: Callable[[Path, int], pd.DataFrame]  # (reference dir, last year) -> national.csv
    sources: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # the case's own config layer (settings.yaml)
    observed_years: tuple[int, int] | None = None  # later observations for a hindcast (observed.csv)
    inventory_gwp: str = ""  # GWP set of the actor inventories ("": gwp)
    gwp_factor: Callable[[Path], dict[str, Any]] | None = None  # (reference dir) -> inventory_gwp_factor
    analysis_year: int | None = None  # commitments not in force then are excluded (harmonize/in_force.py)
    cps_vintage: str | None = None  # projection vintage whose modelled state policies set O6 (us_policies_in_cps.csv)
    ghgrp_max_year: int = 0  # latest GHGRP reporting year an analyst of the case had (0: none)


#: Settings the 2017 analysis implies: its headline compares against one published projection.
US2017_SETTINGS = {"uncertainty": {"cps": {
    "value": "central",
    "source": "NewClimate Institute & The Climate Group (2017), 'States, cities and businesses leading the "
              "way': compared against the 'current administration policies' projection (data.md §3; case README)",
    "rationale": "Reproduce the 2017 analysis against its own reference; the other 2014-2016 projection "
                 "vintages of the case vary the CPS in the cps_low / cps_high sensitivity cases.",
}}}

#: Cities whose territory is the whole of their parent state: not nested in it. Their city-wide
#: inventories (CDP, GPC: in-boundary plus grid electricity) and the state inventory (EPA, in-boundary)
#: measure one territory on two bases, so the city would stand above the state that "contains" it.
#: Washington, D.C. is coextensive with the District of Columbia (US Census Bureau, "District of
#: Columbia: geography": the city and the district share one boundary); DC has no targets, so no
#: overlap is lost.
COEXTENSIVE_WITH_PARENT = {"US-WAS"}


CASES: dict[str, CaseSpec] = {
    "us2017": CaseSpec(
        name="us2017", cutoff=2017, first_year=2016, last_year=2030,
        reporting_years=[2020, 2025, 2030], gwp="AR4GWP100", inventory_max_year=2015,
        citywide_years=[2016, 2017],
        ndc=[
            {"label": "NDC 2015 (26% below 2005)", "target_year": 2025, "type": "absolute",
             "value": 0.26, "base_year": 2005},
            {"label": "NDC 2015 (28% below 2005)", "target_year": 2025, "type": "absolute",
             "value": 0.28, "base_year": 2005},
        ],
        description="US commitments in force in 2017 (states, cities, companies) vs the 2017 "
                    "'current administration policies' projection",
        national=_national_us2017,
        settings=US2017_SETTINGS,
        observed_years=(2016, 2021),
        # the analysis was published in September 2017 (data dates are years, so the year is the date)
        analysis_year=2017,
        # the 2016 BR: the latest official projection a 2017 analyst had, with a documented policy set;
        # the headline 'current administration' level publishes no policy list (docs/data.md §3)
        cps_vintage="BR2016",
        # RY2015 (published by EPA in October 2016) is the last GHGRP year a 2017 analyst surely had
        # (RY2016 came out in October 2017), and the last year of the case's state inventories
        ghgrp_max_year=2015,
        sources=[
            "US INDC (2015): 26-28% below 2005 in 2025, net GHG incl. LULUCF",
            "National history: 2021 CAR net GHG (AR4) via mobro-git/BTR",
            national_csv.US2017_CPS_SOURCE,
            "Ensemble members: 2014 CAR and 2016 BR with-measures projections (AR4)",
            "Land sector (growth index on the inventories' gross basis): 2021 CAR LULUCF history; "
            "2016 BR high/low-sequestration projections (AR4)",
        ],
    ),
    "us2023": CaseSpec(
        name="us2023", cutoff=None, first_year=2022, last_year=2035,
        reporting_years=[2025, 2030, 2035], gwp="AR5GWP100", inventory_max_year=2021,
        citywide_years=[2016, 2017, 2018, 2019, 2020, 2021],
        ndc=[
            {"label": "NDC 2021 (50% below 2005)", "target_year": 2030, "type": "absolute",
             "value": 0.50, "base_year": 2005},
            {"label": "NDC 2021 (52% below 2005)", "target_year": 2030, "type": "absolute",
             "value": 0.52, "base_year": 2005},
        ],
        description="US commitments in the newest exports (NZT 2022-12, C2ES 2022, CDP 2021, "
                    "SBTi 2023-01) vs the 2023 BR-supplement IRA multi-model projections",
        national=_national_us2023,
        inventory_gwp="AR4GWP100",  # EPA state inventory 2023 edition (docs/data.md §5)
        # RY2021 (published October 2022) is the latest GHGRP year before the newest export the
        # case uses (SBTi 2023-01); GHGRP is on AR4 like the state inventories (SOURCE.md)
        ghgrp_max_year=2021,
        gwp_factor=lambda ref: us_gwp_factor(ref),
        # the newest source (SBTi 2023-01) and the CPS (2023 BR supplement) are of 2023
        analysis_year=2023,
        # which state policies the 2023 multi-model runs contain is not in the reference data: no O6 flag
        cps_vintage="BR2023_supplement",
        sources=[
            "US NDC (April 2021): 50-52% below 2005 in 2030, net GHG incl. LULUCF",
            "2023 US Biennial Report voluntary supplement: total net GHG by model (AR5)",
            "UNFCCC Annex I gross totals (interpolation shape of history)",
            "Land sector (growth index on the inventories' gross basis): history net minus UNFCCC gross; "
            "the models' own LULUCF sinks in the 2023 BR supplement IAMC table (AR5)",
        ],
    ),
}


#: Every case the builder knows (the US ones above, the Canadian ones of harmonize/canada.py and the
#: country-builder ones of harmonize/country.py).
ALL_CASES = sorted([*CASES, *canada.CASES, *country.EMBEDDED])


@dataclass
class BuiltCase:
    """A built case: tables by file name, case.yaml content, exclusions and coverage."""

    name: str
    tables: dict[str, pd.DataFrame]
    case_yaml: dict[str, Any]
    exclusions: pd.DataFrame
    coverage: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    company_matches: pd.DataFrame | None = None  # GHGRP match report (company_match_report.csv)
    readme: str = ""


def _hand_state_targets() -> pd.DataFrame:
    path = resources.files("subnat") / "data" / "hand" / "us_state_targets_2017.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p)


def _state_commitments(spec: CaseSpec, ref: Path, nzt: pd.DataFrame, res: Resolver
                       ) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    parts, excl = [], []
    if spec.cutoff is not None:
        hand = _hand_state_targets()
        hand = hand[hand["adopted"] <= spec.cutoff]
        parts.append(hand.assign(
            scope="territorial", origin="hand",
            source="hand-entered: " + hand["citation"], adopted_year=hand["adopted"])[
            ["actor_id", "target_type", "target_year", "value", "base_year", "scope", "status",
             "source", "origin", "adopted_year"]])
    else:
        c2 = c2es_states.read(refdata.path(ref, "c2es_states"))
        com, ex = c2es_states.to_commitments(c2)
        parts.append(com.assign(origin="c2es_states"))
        excl.append(ex)
    regions = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "region")].copy()
    ids = regions["name"].map(res.state)
    com, ex = net_zero_tracker.to_commitments(regions, ids, set_by=spec.cutoff)
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    return [with_cited_status(p, spec.cutoff) for p in parts], excl


def with_cited_status(commitments: pd.DataFrame, year: int | None,
                      table: pd.DataFrame | None = None) -> pd.DataFrame:
    """State commitments with the status of the cited adoption table (sources/state_adoption.py).

    The sources' own statuses are guesses (C2ES gives a URL, whose pattern says "law" or
    "policy"; the Net Zero Tracker coded Florida's Executive Order 07-127 as law). Where the hand
    table covers a target, its strongest instrument adopted by ``year`` (the case's cut-off;
    None: today) sets the status and is named in ``source``; elsewhere the source's status stays.
    """
    if commitments.empty:
        return commitments
    table = state_adoption.committed() if table is None else table
    out = commitments.copy()
    for i, r in out.iterrows():
        status = state_adoption.status_as_of(table, r["actor_id"], r["base_year"], r["target_year"],
                                             r["value"], year)
        if status is None:
            continue
        rows = state_adoption.rows_for(table, r["actor_id"], r["base_year"], r["target_year"],
                                       r["value"])
        if year is not None:
            rows = rows[rows["adopted_year"].notna() & (rows["adopted_year"] <= year)]
        best = rows[rows["status"] == status].iloc[-1]
        out.at[i, "status"] = status
        # in front: exclusion records keep the tail of `source` (the upstream record)
        out.at[i, "source"] = (f"status {status} from hand table us_state_target_adoption.csv "
                               f"({best['instrument_name']}, {best['adopted'] or 'undated'}); "
                               f"{r['source']}")
    return out


def _assign_pairs(frame: pd.DataFrame, columns: tuple[str, str], pairs: list[tuple[Any, Any]]) -> None:
    """Write the resolver's (id, second value) pairs into two columns of `frame`."""
    frame[columns[0]] = [pair[0] for pair in pairs]
    frame[columns[1]] = [pair[1] for pair in pairs]


def _city_commitments(spec: CaseSpec, cdp: pd.DataFrame, nzt: pd.DataFrame, res: Resolver
                      ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.DataFrame]:
    us = cdp[cdp["iso"] == "USA"].copy()
    _assign_pairs(us, ("actor_id", "parent_id"), [res.city(n if isinstance(n, str) else o, s) for n, o, s
                                                   in zip(us["name"], us["organization"], us["state"], strict=True)])
    com, ex = cdp_targets.to_commitments(us, us["actor_id"], set_by=spec.cutoff)
    parts, excl = [com.assign(origin="cdp_targets")], [ex]
    cities = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "city")].copy()
    _assign_pairs(cities, ("actor_id", "parent_id"), [res.city(n) for n in cities["name"]])
    com, ex = net_zero_tracker.to_commitments(cities, cities["actor_id"], set_by=spec.cutoff)
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    info = pd.concat([
        us[["actor_id", "parent_id", "name", "population", "source", "account"]]
        .assign(origin="cdp_targets"),
        cities[["actor_id", "parent_id", "name", "population", "source", "ghg_mt",
                "inventory_year"]].assign(origin="net_zero_tracker"),
    ], ignore_index=True).dropna(subset=["actor_id"])
    return parts, excl, info


def _company_commitments(spec: CaseSpec, ref: Path, nzt: pd.DataFrame, res: Resolver
                         ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.DataFrame]:
    sb = sbti_targets.read(refdata.path(ref, "sbti_targets"))
    sb = sb[sb["iso"] == "USA"].copy()
    _assign_pairs(sb, ("actor_id", "std_name"), [res.company(n) for n in sb["company"]])
    com, ex = sbti_targets.to_commitments(sb, sb["actor_id"], set_by=spec.cutoff)
    parts, excl = [com.assign(origin="sbti_targets")], [ex]
    co = nzt[(nzt["iso"] == "USA") & (nzt["actor_type"] == "company")].copy()
    _assign_pairs(co, ("actor_id", "std_name"), [res.company(n) for n in co["name"]])
    com, ex = net_zero_tracker.to_commitments(co, co["actor_id"], set_by=spec.cutoff)
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    info = pd.concat([sb[["actor_id", "std_name", "source"]], co[["actor_id", "std_name",
                                                                   "source"]]])
    return parts, excl, info.drop_duplicates("actor_id")


def _city_inventory(spec: CaseSpec, ref: Path, city_info: pd.DataFrame,
                    case_cities: set[str]) -> pd.DataFrame:
    """CDP city-wide inventories (matched by CDP account), then NZT's single inventory year."""
    cdp_accounts = city_info[city_info["origin"] == "cdp_targets"][["account", "actor_id"]]
    frames = []
    for y in spec.citywide_years:
        frames.append(cdp_citywide.read(refdata.path(ref, f"cdp_citywide_{y}")))
    cw = pd.concat(frames, ignore_index=True)
    acct = cdp_accounts.dropna(subset=["actor_id", "account"]).drop_duplicates("account")
    cw = cw.merge(acct[["account", "actor_id"]], on="account", how="inner")
    cw = cw[cw["actor_id"].isin(case_cities) & (cw["accounting_year"] <= spec.inventory_max_year)]
    cw = cw.sort_values(["actor_id", "accounting_year", "reporting_year"])
    cw = cw.drop_duplicates(["actor_id", "accounting_year"], keep="last")
    inv = pd.DataFrame({
        "actor_id": cw["actor_id"], "year": cw["accounting_year"].astype(int),
        "emissions_mt": cw["total_mt"].round(6), "scope": "territorial",
        "source": cw["source"] + ", account " + cw["account"].astype(str),
    })
    nz = city_info[(city_info["origin"] == "net_zero_tracker") & city_info["ghg_mt"].notna()
                   & city_info["actor_id"].isin(case_cities)]
    nz = nz[nz["inventory_year"].notna() & (nz["inventory_year"] <= spec.inventory_max_year)]
    nz_inv = pd.DataFrame({
        "actor_id": nz["actor_id"], "year": nz["inventory_year"].astype(int),
        "emissions_mt": nz["ghg_mt"].round(6), "scope": "territorial", "source": nz["source"],
    })
    inv = pd.concat([inv, nz_inv], ignore_index=True)
    return inv.drop_duplicates(["actor_id", "year"], keep="first")


def build_case(name: str, reference_dir: str | Path, duplicates: str = "most_complete",
               priority: list[str] | None = None) -> BuiltCase:
    """Build case ``name`` (``us2017`` or ``us2023``) from the raw files in ``reference_dir``."""
    with warnings.catch_warnings():
        # all-empty optional columns (e.g. bau_emissions_mt) in some sources' parts
        warnings.simplefilter("ignore", FutureWarning)
        return _build_case(name, reference_dir, duplicates, priority)


def _build_case(name: str, reference_dir: str | Path, duplicates: str,
                priority: list[str] | None) -> BuiltCase:
    if name in canada.CASES:
        b = canada.build(canada.CASES[name], Path(reference_dir), duplicates)
        return BuiltCase(name, b.tables, b.case_yaml, b.exclusions, b.coverage, b.settings)
    if name in country.EMBEDDED:
        k = country.build_embedded(name, Path(reference_dir), duplicates)
        return BuiltCase(name, k.tables, k.case_yaml, k.exclusions, k.coverage, k.settings, readme=k.readme)
    if name not in CASES:
        raise KeyError(f"unknown case {name!r}; known: {', '.join(ALL_CASES)}")
    spec, ref = CASES[name], Path(reference_dir)
    found = _gather_commitments(spec, ref, duplicates, priority)
    candidates = _candidate_actors(ref, found)
    states = _state_inventory(spec, ref)
    ghg = _company_ghgrp(spec, ref, candidates.companies, states)
    found.commitments, cover = companies.scope1_commitments(found.commitments, ghg.inventory)
    inventory = pd.concat([states,
                           _city_inventory(spec, ref, found.city_info, candidates.case_cities),
                           ghg.inventory], ignore_index=True)
    inventory, commitments, ex_screen = screen_cities(
        inventory, found.commitments, candidates.cities.set_index("actor_id")["population"],
        candidates.case_cities)
    commitments, ex_unquantified = _quantifiable(commitments, inventory)
    commitments = _finish_commitments(commitments, spec.cps_vintage)
    actors = candidates.used(set(commitments["actor_id"]))
    inventory = inventory[inventory["actor_id"].isin(set(actors["actor_id"]))]
    inventory = inventory.sort_values(["actor_id", "year"]).reset_index(drop=True)
    tables = {
        "actors.csv": actors[ACTOR_COLUMNS].reset_index(drop=True),
        "inventory.csv": inventory[INVENTORY_COLUMNS],
        "commitments.csv": commitments[COMMITMENT_COLUMNS].reset_index(drop=True),
        "national.csv": spec.national(ref, spec.last_year),
    }
    kept = set(actors["actor_id"])
    if len(ghg.locations):
        tables["company_locations.csv"] = ghg.locations[ghg.locations["company_id"].isin(kept)].reset_index(drop=True)
    if spec.observed_years is not None:
        tables["observed.csv"] = _observed(spec, ref, tables["actors.csv"], tables["inventory.csv"])
    exclusions = _exclusion_log([*found.exclusions, ex_screen, ex_unquantified])
    cov = coverage(tables, year=spec.inventory_max_year, excluded=exclusions)
    return BuiltCase(name, tables, _case_yaml(spec, ref), exclusions.sort_values(
        ["source", "reason_code", "record"]).reset_index(drop=True), cov, spec.settings,
        _with_outcome(ghg.report, cover, commitments, kept))


@dataclass
class _Gathered:
    """Deduplicated commitments of every source, with what the sources say about their actors."""

    commitments: pd.DataFrame
    city_info: pd.DataFrame
    company_info: pd.DataFrame
    exclusions: list[pd.DataFrame]


def _gather_commitments(spec: CaseSpec, ref: Path, duplicates: str,
                        priority: list[str] | None) -> _Gathered:
    res = Resolver(geo.read_unlocode(refdata.path(ref, "unlocode_us")),
                   climactor.read(refdata.path(ref, "climactor_keydict")))
    nzt = net_zero_tracker.read(refdata.path(ref, "net_zero_tracker"))
    cdp = cdp_targets.read(refdata.path(ref, "cdp_targets"))
    state_parts, excl = _state_commitments(spec, ref, nzt, res)
    city_parts, ex_c, city_info = _city_commitments(spec, cdp, nzt, res)
    comp_parts, ex_k, comp_info = _company_commitments(spec, ref, nzt, res)
    commitments = pd.concat([p for p in state_parts + city_parts + comp_parts if not p.empty],
                            ignore_index=True)
    for c in COMMITMENT_COLUMNS:
        if c not in commitments:
            commitments[c] = None
    ex_f = pd.DataFrame()
    if spec.analysis_year is not None:
        commitments, ex_f = screen_in_force(commitments, spec.analysis_year)
    commitments, ex_d = dedupe(commitments, duplicates, priority)
    return _Gathered(commitments, city_info, comp_info, [*excl, *ex_c, *ex_k, ex_f, ex_d])


@dataclass
class _Candidates:
    """Actor rows for every state, and for the cities and companies with a commitment."""

    regions: pd.DataFrame
    cities: pd.DataFrame
    companies: pd.DataFrame
    case_cities: set[str]

    def used(self, used: set[str]) -> pd.DataFrame:
        """The actors table: every state, and the cities and companies that kept a commitment."""
        parts = [self.regions, self.cities[self.cities["actor_id"].isin(used)],
                 self.companies[self.companies["actor_id"].isin(used)]]
        return pd.concat([p for p in parts if not p.empty], ignore_index=True)


def _candidate_actors(ref: Path, found: _Gathered) -> _Candidates:
    regions = _region_actors(geo.read_states(refdata.path(ref, "fips_states")))
    case_cities = _case_cities(found.commitments, set(regions["actor_id"]))
    cities = _city_actors(found.city_info, case_cities)
    regions = _with_missing_parents(regions, cities)
    return _Candidates(regions, cities, _company_actors(found.company_info, found.commitments),
                       case_cities)


def _region_actors(states: pd.DataFrame) -> pd.DataFrame:
    regions = pd.DataFrame({
        "actor_id": states["actor_id"], "name": states["name"], "actor_type": "region",
        "country": "USA", "parent_id": None, "population": None, "gdp_musd": None,
        "source": "US Census state FIPS (addfips_states.csv); ISO 3166-2:US",
    })
    return regions[regions["actor_id"].str[3:].isin(POSTAL_TO_STATE)]


def _case_cities(commitments: pd.DataFrame, region_ids: set[str]) -> set[str]:
    """Ids of committed actors that are neither a state nor a company."""
    ids = commitments["actor_id"]
    return set(commitments.loc[ids.str.count("-").ge(1) & ~ids.isin(region_ids)
                               & ~ids.str.startswith("CO-"), "actor_id"])


def _city_actors(city_info: pd.DataFrame, case_cities: set[str]) -> pd.DataFrame:
    ci = city_info[city_info["actor_id"].isin(case_cities)].sort_values(
        ["actor_id", "origin"]).drop_duplicates("actor_id")
    pop = (city_info.dropna(subset=["population"]).sort_values("origin")
           .drop_duplicates("actor_id").set_index("actor_id")["population"])
    return pd.DataFrame({
        "actor_id": ci["actor_id"], "name": ci["name"], "actor_type": "city", "country": "USA",
        "parent_id": ci["parent_id"].where(~ci["actor_id"].isin(COEXTENSIVE_WITH_PARENT)),
        "population": ci["actor_id"].map(pop),
        "gdp_musd": None, "source": ci["source"],
    })


def _with_missing_parents(regions: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Add a parent state absent from the FIPS table (e.g. a territory) so every city nests."""
    missing = sorted(set(cities["parent_id"].dropna()) - set(regions["actor_id"]))
    if not missing:
        return regions
    return pd.concat([regions, pd.DataFrame({
        "actor_id": missing, "name": [POSTAL_TO_STATE[m[3:]] for m in missing],
        "actor_type": "region", "country": "USA", "parent_id": None, "population": None,
        "gdp_musd": None, "source": "ISO 3166-2:US"})], ignore_index=True)


def _company_actors(company_info: pd.DataFrame, commitments: pd.DataFrame) -> pd.DataFrame:
    case_companies = set(commitments.loc[commitments["actor_id"].str.startswith("CO-"),
                                         "actor_id"])
    co = company_info[company_info["actor_id"].isin(case_companies)]
    return pd.DataFrame({
        "actor_id": co["actor_id"], "name": co["std_name"], "actor_type": "company",
        "country": "USA", "parent_id": None, "population": None, "gdp_musd": None,
        "source": co["source"] + "; name harmonised with ClimActor key_dict",
    })


@functools.lru_cache(maxsize=2)
def _ghgrp_frames(ref: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(facility emissions by year, owners): read once per process (the workbooks are slow)."""
    facilities = ghgrp.read_by_year(refdata.path(ref, "ghgrp_by_year"))
    owned = companies.owners(ghgrp.read_parents_2020(refdata.path(ref, "ghgrp_parents_2020")),
                             ghgrp.read_latest_parents(refdata.path(ref, "ghgrp_latest_parents")))
    return facilities, owned


def _company_ghgrp(spec: CaseSpec, ref: Path, candidates: pd.DataFrame,
                   states: pd.DataFrame) -> companies.CompanyTables:
    """GHGRP scope-1 inventories and state locations of the target companies (harmonize/companies.py)."""
    facilities, owned = _ghgrp_frames(ref)
    names = climactor.NameDictionary(climactor.read(refdata.path(ref, "climactor_keydict")))
    matches = companies.match_report(candidates[["actor_id", "name"]], owned, names, companies.hand_matches())
    emissions = companies.facility_emissions(facilities, spec.ghgrp_max_year)
    vintage = f"ghgp_data_by_year_2023.xlsx, reporting years 2011-{spec.ghgrp_max_year}"
    tables = companies.company_tables(matches, owned, emissions, vintage)
    companies.check_below_states(tables.located, states)
    return tables


def _with_outcome(report: pd.DataFrame, cover: pd.DataFrame, commitments: pd.DataFrame,
                  kept: set[str]) -> pd.DataFrame:
    """The match report with what GHGRP covers of each company's targets and what became of the
    company in the case (kept with a target or not)."""
    out = report.merge(cover, on="company_id", how="left")
    n = commitments.groupby("actor_id").size()
    out["commitments_kept"] = out["company_id"].map(n).fillna(0).astype(int)
    out["in_case"] = out["company_id"].isin(kept)
    return out


def _state_inventory(spec: CaseSpec, ref: Path) -> pd.DataFrame:
    epa = epa_states.read(refdata.path(ref, "epa_states"))
    return epa_states.to_inventory(epa[epa["year"] <= spec.inventory_max_year])


def _observed(spec: CaseSpec, ref: Path, actors: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """What happened after the case's latest inventory (harmonize/observed.py explains the bases)."""
    first, last = spec.observed_years
    states = set(actors.loc[actors["actor_type"] == "region", "actor_id"])
    epa = epa_states.read(refdata.path(ref, "epa_states"))
    citywide = observed.read_citywide([refdata.path(ref, f"cdp_citywide_{y}") for y in range(2016, 2022)])
    vintages = us_national.read_past_vintages(refdata.path(ref, "past_vintages_ar4"))
    car = us_national.net_total_series(vintages, "2021 CAR", "WM_highseq")
    us2023 = _national_us2023(ref, CASES["us2023"].last_year)
    extension = us2023[us2023["series"] == "history"].set_index("year")["emissions_mt"]
    nation = observed.national_rows(
        "USA", car, observed.CAR2021_LAST_INVENTORY_YEAR, extension, first, last,
        "2021 CAR (US 7th National Communication) inventory, net GHG incl. LULUCF, AR4, via BTR pipeline",
        "us2023 national history (2023 BR supplement net GHG, AR5)")
    # the land flux that puts the hindcast's national trend on the gross basis of the state inventories
    gross = observed.national_rows(
        "USA", us_national.category_series(vintages, "2021 CAR", "GrossTotal", "WM"),
        observed.CAR2021_LAST_INVENTORY_YEAR, _unfccc_gross(ref), first, last,
        "2021 CAR (US 7th National Communication) inventory, gross GHG excl. LULUCF, AR4, via BTR pipeline",
        "UNFCCC Annex I gross totals (AR5; the gross series the us2023 history is shaped on)")
    land = observed.land_rows(
        "USA", us_national.category_series(vintages, "2021 CAR", "LULUCF", "WM_highseq"), nation, gross,
        observed.CAR2021_LAST_INVENTORY_YEAR,
        "2021 CAR (US 7th National Communication) inventory, LULUCF net flux, AR4, via BTR pipeline")
    parts = [observed.state_rows(epa, states, first, last),
             observed.city_rows(citywide, inventory, actors, first, last), nation, land]
    return pd.concat(parts, ignore_index=True).sort_values(["actor_id", "year"]).reset_index(drop=True)


def _quantifiable(commitments: pd.DataFrame, inventory: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop commitments with no emissions of any kind (no inventory, no base-year emissions)."""
    no_data = (commitments["base_year_emissions_mt"].isna()
               & ~commitments["actor_id"].isin(set(inventory["actor_id"])))
    excluded = exclusion_frame([
        {"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
         "reason_code": "missing_emissions",
         "detail": "no inventory and no base-year emissions in any source"}
        for _, r in commitments[no_data].iterrows()])
    return commitments[~no_data].copy(), excluded


def _finish_commitments(commitments: pd.DataFrame, cps_vintage: str | None) -> pd.DataFrame:
    """Ids, the columns no source fills (O6 from the cited policy table), a stable row order."""
    commitments["commitment_id"] = (commitments["actor_id"] + ":" + commitments["scope"] + ":"
                                    + commitments["target_year"].astype(int).astype(str))
    commitments["coverage"] = None
    policy = policies_in_cps.flags(commitments, cps_vintage)
    commitments["in_national_projection"] = policy.notna().map({True: "true", False: "false"})
    # in front, as the status note: exclusion records keep the tail of `source`
    commitments["source"] = [
        s if p is None else f"in_national_projection: {p} (hand table us_policies_in_cps.csv); {s}"
        for p, s in zip(policy, commitments["source"], strict=True)]
    return commitments.sort_values(["actor_id", "scope", "target_year"])


def _case_yaml(spec: CaseSpec, ref: Path) -> dict[str, Any]:
    basis: dict[str, Any] = {
        # EPA state inventory and city-wide inventories: gross, territorial; national.csv's `lulucf`
        # series puts the growth index on that basis (docs/case-format.md, "Emissions basis")
        "inventory_lulucf": "excluded", "inventory_gwp": spec.inventory_gwp or spec.gwp,
    }
    if spec.gwp_factor is not None:
        basis["inventory_gwp_factor"] = spec.gwp_factor(ref)
    return {
        "name": spec.name, "description": spec.description, "country": "USA",
        "base_year": 2005, "years": [spec.first_year, spec.last_year],
        "reporting_years": spec.reporting_years, "gwp": spec.gwp, "lulucf": "included", **basis,
        "ndc": spec.ndc, "sources": spec.sources,
    }


def us_gwp_factor(ref: Path) -> dict[str, Any]:
    """AR4 -> AR5 factor for US gross emissions: one inventory vintage (the 2021 submission, history
    1990-2019) in both GWP sets, so the ratio is the GWP change alone (mean over the years)."""
    ar5 = us_national.read_gross_ar5(refdata.path(ref, "past_vintages_gross_ar5"))
    ar5 = ar5[ar5["report"] == "br_2021"].set_index("year")["emissions_mt"]
    vintages = us_national.read_past_vintages(refdata.path(ref, "past_vintages_ar4"))
    ar4 = us_national.category_series(vintages, "2021 CAR", "GrossTotal", "WM")
    years = [y for y in range(1990, 2020) if y in ar5.index and y in ar4.index]
    ratio = float((ar5[years] / ar4[years]).mean())
    return {"value": round(ratio, 4),
            "source": f"derived: US national gross GHG of the 2021 submission in AR5 over AR4, mean of "
                      f"{years[0]}-{years[-1]} (2021 BR in us_past_projection_vintages_gross_ghg_ar5.csv, "
                      "2021 CAR in us_past_projection_vintages_by_gas_ar4.csv; EPA usproj via mobro-git/BTR); "
                      "the national gas mix stands in for each actor's"}


def _exclusion_log(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One exclusion table, with records and details cut to a readable length."""
    exclusions = pd.concat([e for e in parts if not e.empty], ignore_index=True)
    exclusions["record"] = exclusions["record"].astype(str).str.slice(-100)
    exclusions["detail"] = exclusions["detail"].astype(str).str.slice(0, 120)
    return exclusions


def _fmt(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].where(out[c].notna(), None)
        if c in ("year", "target_year", "base_year"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
        if c == "population":
            out[c] = pd.to_numeric(out[c], errors="coerce").round(0).astype("Int64")
    return out


def write_case(built: BuiltCase, out_dir: str | Path) -> Path:
    """Write the case folder (tables, case.yaml, build_exclusions.csv, coverage.csv)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for fname, df in built.tables.items():
        _fmt(df).to_csv(out / fname, index=False, lineterminator="\n", float_format="%.6g")
    (out / "case.yaml").write_text(
        "# Generated by `python -m subnat.harmonize build-case` — do not edit by hand.\n"
        + yaml.safe_dump(built.case_yaml, sort_keys=False, allow_unicode=True),
        encoding="utf-8")
    built.exclusions.to_csv(out / "build_exclusions.csv", index=False, lineterminator="\n")
    if built.company_matches is not None:
        built.company_matches.to_csv(out / "company_match_report.csv", index=False, lineterminator="\n",
                                     float_format="%.6g")
    built.coverage.to_csv(out / "coverage.csv", index=False, lineterminator="\n",
                          float_format="%.6g")
    settings = out / "settings.yaml"
    if built.settings:
        settings.write_text(
            "# The case's own settings: a config layer above the package defaults and below the user's\n"
            "# config files and flags (docs/case-format.md). Generated by `python -m subnat.harmonize\n"
            "# build-case`, like the other files of this folder.\n"
            + yaml.safe_dump(built.settings, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    elif settings.exists():
        settings.unlink()
    if built.readme:
        (out / "README.md").write_text(built.readme, encoding="utf-8")
    return out
