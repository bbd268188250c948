"""Build a case for any country of the Climate Action Tracker table (docs/country-builder.md).

- National history: UNFCCC Annex I totals without LULUCF where the country reports them, else
  Climate Watch (OpenClimate), else (EU27 only) CAT's own historical series; the source is named.
- CPS: CAT's current-policy minimum and maximum as members ``cps:cat_min`` / ``cps:cat_max`` and
  their mean as ``cps``, ratio-harmonised to the national history at its last year H(y0):
  ``cps_m(t) = H(y0) * CAT_m(t) / CAT(y0)`` (CAT's historical series before its projection starts),
  so the growth is CAT's and the level the inventory's. The case's settings.yaml draws the CPS
  uniformly over the range (``uncertainty.cps: range``). A user projection file replaces them.
- NDC: each CAT NDC scenario (unconditional / conditional, min / max) in a case year, as a
  ``fixed_level`` harmonised the same way.
- Regions (Net Zero Tracker) by ISO 3166-2 code; cities (CDP 2021 targets, NZT) by UN/LOCODE, nested
  in their region through the ClimActor contextuals. Inventories: NZT levels, CDP base-year figures
  and CDP city-wide reports of the same account.
- Status ``too_thin`` in coverage.csv when no commitment can be quantified: the case is still
  written (actors without commitments are dropped) and an assessment run completes with every
  exclusion listed in build_exclusions.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.errors import InputError, Problem
from subnat.harmonize import canada, refdata
from subnat.harmonize.coverage import coverage
from subnat.harmonize.dedupe import dedupe
from subnat.harmonize.places import Lookup, city_names, key, region_labels, region_names, standard_names
from subnat.harmonize.screens import screen_cities
from subnat.sources import cat, cdp_targets, climactor, net_zero_tracker
from subnat.sources.common import exclusion_frame, slug

COMMITMENT_COLUMNS = canada.COMMITMENT_COLUMNS
ACTOR_COLUMNS = canada.ACTOR_COLUMNS
INVENTORY_COLUMNS = canada.INVENTORY_COLUMNS
PRIORITY = ["cdp_targets", "net_zero_tracker"]
BASE_YEAR = 2005
#: City-wide CDP vintages read (all in the reference data).
CITYWIDE_YEARS = [2016, 2017, 2018, 2019, 2020, 2021]
INFO_COLUMNS = ["actor_id", "name", "actor_type", "parent_id", "population", "source", "origin", "ghg_mt",
                "inventory_year", "account"]
STATUS_OK, STATUS_THIN = "ok", "too_thin"
#: Embedded cases this builder makes (issue 18 item 3), rebuilt by the workflow like the US and Canadian ones.
#: Brazil, not India or South Africa: it has the most actors with a quantifiable commitment (7 cities,
#: 14 commitments; South Africa 4 / 7, India 1 / 2 on the Nov 2024 CAT release and NZT/CDP sources).
EMBEDDED = {"jpn2024": "JPN", "deu2024": "DEU", "mex2024": "MEX", "bra2024": "BRA"}
#: Sensitivity cases that cannot change a country-builder case's result (settings.yaml `sensitivity.skip`):
#: the case has no land-sector series (lulucf excluded), no `in_national_projection` flag and no companies.
SKIP_SENSITIVITY = ["land_sink_high", "land_sink_low", "o6_off", "scope2_market_based"]
SKIP_SOURCE = ("harmonize/country.py: lulucf excluded (no land series), in_national_projection false everywhere, "
               "no company actors; measured: each gave the default's 2025 figures to every digit for jpn2024, "
               "deu2024, mex2024, bra2024 (results/<case>/sensitivity.csv, default run of 2026-12-02)")
CPS_SETTINGS_SOURCE = ("Climate Action Tracker current-policy range (min and max): CAT publishes a range, "
                       "not a central path, so each draw takes a level uniformly between them")


@dataclass
class CountryBuilt:
    """Tables by file name, case.yaml, settings, exclusions, coverage (with status) and the status."""

    name: str
    tables: dict[str, pd.DataFrame]
    case_yaml: dict[str, Any]
    settings: dict[str, Any]
    exclusions: pd.DataFrame
    coverage: pd.DataFrame
    status: str
    company_matches: pd.DataFrame | None = None  # no GHGRP outside the US: write_case reads it
    readme: str = ""


@dataclass(frozen=True)
class _Window:
    """citywide_years and inventory_max_year, the two fields canada.city_inventory reads."""

    citywide_years: list[int]
    inventory_max_year: int


@lru_cache(maxsize=8)
def cached_read(reader_name: str, path: Path) -> pd.DataFrame:
    """One read per file and process (a loop over every CAT country reads each source once); callers
    filter copies and never modify the frame."""
    reader = {"nzt": net_zero_tracker.read, "cdp": cdp_targets.read, "cat": cat.read,
              "keydict": climactor.read}[reader_name]
    return reader(path)


# -- national ---------------------------------------------------------------------------------

def iso2_of(ref: Path, iso3: str) -> str | None:
    """ISO 3166-1 alpha-2 of an ISO3 code (ClimActor country dictionary); None for EU27."""
    d = pd.read_csv(refdata.path(ref, "climactor_countries"), dtype=str, keep_default_na=False)
    hits = set(d.loc[d["iso"] == iso3, "iso2"]) - {""}
    return hits.pop() if len(hits) == 1 else None


def _emissions_agg(path: Path, iso2: str) -> pd.Series:
    df = pd.read_csv(path, dtype={"actor_id": str})
    df = df[df["actor_id"] == iso2]
    return pd.Series(df["total_emissions"].astype(float).values / 1e6,
                     index=df["year"].astype(int).values).sort_index()


def national_history(ref: Path, iso2: str | None, cat_rows: pd.DataFrame, country: str) -> tuple[pd.Series, str]:
    """(year -> Mt, source) from the first inventory source that has the country."""
    if iso2:
        for name, label in (("unfccc_annex1", "UNFCCC Time Series - Annex I, GHG total without LULUCF "
                                              "(OpenClimate UNFCCC_Annex1 EmissionsAgg)"),
                            ("climate_watch", "WRI Climate Watch historical GHG emissions 2022 (OpenClimate "
                                              "climate_watch_historical_GHG EmissionsAgg)")):
            s = _emissions_agg(refdata.path(ref, name), iso2)
            if len(s):
                return s, label
    s = cat.series(cat_rows, country, "Historical")
    s = s[s.index <= cat.series(cat_rows, country, cat.CURRENT_POLICY[0]).index.min()] if len(s) else s
    return s, "CAT historical series (no inventory source in the reference data covers this country)"


def _cat_path(cat_rows: pd.DataFrame, country: str, scenario: str, start: int) -> pd.Series:
    """A CAT scenario from ``start``, with CAT's history before the scenario's first year."""
    proj = cat.series(cat_rows, country, scenario)
    hist = cat.series(cat_rows, country, "Historical")
    s = pd.concat([hist[hist.index < proj.index.min()], proj]) if len(proj) else proj
    return s[s.index >= start]


def national_table(history: pd.Series, history_source: str, cat_rows: pd.DataFrame, country: str,
                   cat_source: str) -> tuple[pd.DataFrame, float, int]:
    """(national.csv, harmonisation factor, y0): history plus the harmonised CAT members."""
    cat_hist = cat.series(cat_rows, country, "Historical")
    shared = sorted(set(history.index) & set(cat_hist.index))
    if not shared:
        raise InputError(Problem("national history", None, country, "no year shared by the inventory "
                                 "source and CAT's historical series, so the CAT range cannot be harmonised"))
    y0 = shared[-1]
    factor = float(history[y0] / cat_hist[y0])
    frames = [pd.DataFrame({"series": "history", "year": history.index, "emissions_mt": history.round(3).values,
                            "source": history_source})]
    members = {}
    for scenario, name in zip(cat.CURRENT_POLICY, ("cps:cat_min", "cps:cat_max"), strict=True):
        members[name] = _cat_path(cat_rows, country, scenario, y0) * factor
    members["cps"] = (members["cps:cat_min"] + members["cps:cat_max"]) / 2
    for name, s in members.items():
        s = s.dropna()
        what = "mean of CAT current policy min and max" if name == "cps" else dict(
            zip(("cps:cat_min", "cps:cat_max"), cat.CURRENT_POLICY, strict=True))[name]
        frames.append(pd.DataFrame({
            "series": name, "year": s.index, "emissions_mt": s.round(3).values,
            "source": f"{what} ({cat.ECONOMY_WIDE}; CAT history before the projection starts), "
                      f"ratio-harmonised to the national history at {y0} (x {factor:.4f}); {cat_source}"}))
    return pd.concat(frames, ignore_index=True).astype({"year": int}), factor, y0


def user_projection(path: Path, history: pd.Series, history_source: str) -> pd.DataFrame:
    """national.csv from the national history and a user CSV ``year,emissions_mt`` (series ``cps``)."""
    try:
        p = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as e:
        raise InputError(Problem(str(path), None, None, f"cannot read the projection file: {e}")) from e
    for col in ("year", "emissions_mt"):
        if col not in p.columns:
            raise InputError(Problem(str(path), 1, col, "a projection file needs columns year, emissions_mt"))
    for i, (y, v) in enumerate(zip(p["year"], p["emissions_mt"], strict=True), start=2):
        if pd.isna(pd.to_numeric(y, errors="coerce")) or pd.isna(pd.to_numeric(v, errors="coerce")) or float(v) < 0:
            raise InputError(Problem(str(path), i, "emissions_mt", "expected a year and a number >= 0 (Mt CO2e)"))
    hist = pd.DataFrame({"series": "history", "year": history.index, "emissions_mt": history.round(3).values,
                         "source": history_source})
    cps = pd.DataFrame({"series": "cps", "year": p["year"].astype(int), "emissions_mt": p["emissions_mt"].astype(float),
                        "source": f"user projection {path.name}"})
    return pd.concat([hist, cps], ignore_index=True)


def ndc_list(cat_rows: pd.DataFrame, country: str, factor: float, years: tuple[int, int],
             cat_source: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(case.yaml ndc entries, citations): CAT's NDC levels in case years, harmonised."""
    out, cites = [], []
    order = {"NDC Unconditional": 0, "NDC Other": 1, "NDC Conditional": 2}  # unconditional first: the headline
    for scenario in sorted(cat.ndc_scenarios(cat_rows, country), key=lambda n: (order.get(n.split(",")[0], 3), n)):
        s = cat.series(cat_rows, country, scenario)
        for year, level in s.items():
            if not years[0] <= year <= years[1] or year % 5:
                continue
            entry = {"label": f"CAT {scenario} ({year})", "target_year": int(year), "type": "fixed_level",
                     "value": round(float(level) * factor, 3)}
            if "Conditional" in scenario:
                entry["conditional"] = True
            out.append(entry)
    if out:
        cites.append(f"NDC levels: CAT NDC scenarios ({', '.join(cat.ndc_scenarios(cat_rows, country))}), "
                     f"ratio-harmonised to the national history (x {factor:.4f}); {cat_source}")
    return out, cites


# -- actors ---------------------------------------------------------------------------------

def _region_lookup(ref: Path, iso2: str, iso3: str, key_dict: pd.DataFrame) -> tuple[Lookup, dict[str, str]]:
    names = region_names(refdata.path(ref, "iso3166_2_names"), refdata.path(ref, "unlocode_subdivisions"), iso2)
    return Lookup(names, standard_names(key_dict, iso3, "Region")), region_labels(names)


def _city_lookup(ref: Path, iso2: str, iso3: str, key_dict: pd.DataFrame) -> Lookup:
    return Lookup(city_names(refdata.path(ref, "unlocode_names"), iso2), standard_names(key_dict, iso3, "City"))


def city_key_name(name: object) -> str:
    """Plain city name: canada.city_name's prefix/suffix removal."""
    return canada.city_name(str(name))


def city_actor_id(name: str, iso2: str, lookup: Lookup, region_codes: set[str]) -> str:
    """UN/LOCODE ``JP-TYO`` where the name matches one code, else ``JP-CITY-<NAME_KEY>``. A LOCODE equal
    to an ISO 3166-2 code of the country (Mexico City ``MX-MEX`` vs the State of México ``MX-MEX``)
    becomes ``MX-LOCODE-MEX`` so a city never takes a region's id."""
    code = lookup.code(name)
    if code is None:
        return f"{iso2}-CITY-{slug(name)}"
    return f"{iso2}-LOCODE-{code[3:]}" if code in region_codes else code


@dataclass
class _Gathered:
    commitments: pd.DataFrame
    info: pd.DataFrame  # actor_id, name, actor_type, parent_id, population, source, origin, account, ghg_mt, ...
    exclusions: list[pd.DataFrame]


def gather(ref: Path, iso3: str, iso2: str) -> _Gathered:
    """Commitments of regions and cities with what the sources say about each actor."""
    key_dict = cached_read("keydict", refdata.path(ref, "climactor_keydict"))
    regions_lk, labels = _region_lookup(ref, iso2, iso3, key_dict)
    region_codes = set(labels)
    cities_lk = _city_lookup(ref, iso2, iso3, key_dict)
    places = climactor.contextual_states(refdata.path(ref, "climactor_contextuals"), iso3)
    parent_of = {}
    for n, s in zip(places["name"], places["state"], strict=True):
        parent_of.setdefault(key(city_key_name(n)), set()).add(regions_lk.code(s))
    nzt = cached_read("nzt", refdata.path(ref, "net_zero_tracker"))
    nzt = nzt[nzt["iso"] == iso3]
    parts, excl, info = [], [], []

    reg = nzt[nzt["actor_type"] == "region"].copy()
    reg["actor_id"] = reg["name"].map(regions_lk.code)
    com, ex = net_zero_tracker.to_commitments(reg, reg["actor_id"])
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    info.append(pd.DataFrame({"actor_id": reg["actor_id"], "name": reg["actor_id"].map(labels),
                              "actor_type": "region", "parent_id": None, "population": None,
                              "source": reg["source"] + "; ISO 3166-2 code by name", "origin": "net_zero_tracker",
                              "ghg_mt": reg["ghg_mt"], "inventory_year": reg["inventory_year"], "account": None}))

    def parent(name: str) -> str | None:
        codes = parent_of.get(key(city_key_name(name)), set()) - {None}
        return codes.pop() if len(codes) == 1 else None

    cdp = cached_read("cdp", refdata.path(ref, "cdp_targets"))
    cdp = cdp[cdp["iso"] == iso3].copy()
    cdp["city_name"] = [city_key_name(c if isinstance(c, str) and c else o)
                        for c, o in zip(cdp["city"], cdp["organization"], strict=True)]
    cdp["actor_id"] = [city_actor_id(n, iso2, cities_lk, region_codes) for n in cdp["city_name"]]
    com, ex = cdp_targets.to_commitments(cdp, cdp["actor_id"])
    parts.append(com.assign(origin="cdp_targets"))
    excl.append(ex)
    info.append(pd.DataFrame({"actor_id": cdp["actor_id"], "name": cdp["city_name"], "actor_type": "city",
                              "parent_id": cdp["city_name"].map(parent), "population": cdp["population"],
                              "source": cdp["source"], "origin": "cdp_targets", "ghg_mt": None,
                              "inventory_year": None, "account": cdp["account"]}))

    cit = nzt[nzt["actor_type"] == "city"].copy()
    cit["city_name"] = cit["name"].map(city_key_name)
    cit["actor_id"] = [city_actor_id(n, iso2, cities_lk, region_codes) for n in cit["city_name"]]
    com, ex = net_zero_tracker.to_commitments(cit, cit["actor_id"])
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    info.append(pd.DataFrame({"actor_id": cit["actor_id"], "name": cit["city_name"], "actor_type": "city",
                              "parent_id": cit["city_name"].map(parent), "population": cit["population"],
                              "source": cit["source"], "origin": "net_zero_tracker", "ghg_mt": cit["ghg_mt"],
                              "inventory_year": cit["inventory_year"], "account": None}))
    parts = [p for p in parts if not p.empty]
    commitments = (pd.concat(parts, ignore_index=True) if parts
                   else pd.DataFrame(columns=[*COMMITMENT_COLUMNS, "origin"]))
    for c in COMMITMENT_COLUMNS:
        if c not in commitments:
            commitments[c] = None
    info = [i for i in info if not i.empty]
    info = (pd.concat(info, ignore_index=True) if info else pd.DataFrame(columns=INFO_COLUMNS))
    info = info.dropna(subset=["actor_id"]).reset_index(drop=True)
    info["account"] = info["account"].astype(object)
    for c in ("population", "ghg_mt", "inventory_year"):
        info[c] = pd.to_numeric(info[c], errors="coerce")
    return _Gathered(commitments, info, excl)


def actor_table(info: pd.DataFrame, committed: set[str], labels_iso: str) -> pd.DataFrame:
    """One row per committed actor, plus the regions the cities nest in (CDP's row first)."""
    info = info.sort_values(["actor_id", "origin"])
    rows = info[info["actor_id"].isin(committed)].drop_duplicates("actor_id")
    pop = info.dropna(subset=["population"]).drop_duplicates("actor_id").set_index("actor_id")["population"]
    out = pd.DataFrame({
        "actor_id": rows["actor_id"], "name": rows["name"].fillna(rows["actor_id"]), "actor_type": rows["actor_type"],
        "country": labels_iso, "parent_id": rows["parent_id"], "population": rows["actor_id"].map(pop),
        "gdp_musd": None,
        "source": rows["source"] + [("; nested by the ClimActor contextuals' state (ISO 3166-2 by name)"
                                     if isinstance(p, str) else "") for p in rows["parent_id"]]})
    return out.reset_index(drop=True)


def _nest(actors: pd.DataFrame, region_info: pd.DataFrame, labels: dict[str, str], iso3: str) -> pd.DataFrame:
    """Add the parent regions that carry no commitment, so every city's parent exists."""
    missing = sorted(set(actors["parent_id"].dropna()) - set(actors["actor_id"]))
    if not missing:
        return actors
    add = pd.DataFrame({"actor_id": missing, "name": [labels.get(m, m) for m in missing], "actor_type": "region",
                        "country": iso3, "parent_id": None, "population": None, "gdp_musd": None,
                        "source": "ISO 3166-2 subdivision (OpenClimate ISO-3166-2 names; UN/LOCODE subdivisions)"})
    return pd.concat([actors, add], ignore_index=True)


def region_inventory(info: pd.DataFrame, max_year: int) -> pd.DataFrame:
    """NZT's latest level of each region (its inventory year)."""
    r = info[(info["actor_type"] == "region") & info["ghg_mt"].notna() & info["inventory_year"].notna()]
    r = r[r["inventory_year"].astype(int) <= max_year].drop_duplicates("actor_id")
    return pd.DataFrame({"actor_id": r["actor_id"], "year": r["inventory_year"].astype(int),
                         "emissions_mt": r["ghg_mt"].astype(float).round(6), "scope": "territorial",
                         "source": r["source"].str.replace("; ISO 3166-2 code by name", "", regex=False)
                         + ", emission level"})


def screen_levels(inventory: pd.DataFrame, commitments: pd.DataFrame, actors: pd.DataFrame,
                  history: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Drop figures the case validator would refuse: above national emissions, or a city above its region."""
    log = []
    nat_max = float(history.max())
    bad = inventory["emissions_mt"].astype(float) > inventory["year"].map(history).fillna(nat_max)
    log += [{"source": "screens", "record": f"inventory {r.actor_id} {r.year}", "actor_id": r.actor_id,
             "reason_code": "implausible_level", "detail": f"{r.emissions_mt:.6g} Mt above national emissions"}
            for r in inventory[bad].itertuples()]
    inventory = inventory[~bad]
    cbad = commitments["base_year_emissions_mt"].astype(float) > nat_max
    log += [{"source": "screens", "record": f"base year {r.actor_id} {r.target_year}", "actor_id": r.actor_id,
             "reason_code": "implausible_level", "detail": f"base-year emissions {r.base_year_emissions_mt:.6g} Mt "
             "above national emissions (figure removed)"} for r in commitments[cbad].itertuples()]
    commitments = commitments.copy()
    commitments.loc[cbad, "base_year_emissions_mt"] = None
    parent = actors.set_index("actor_id")["parent_id"]
    level = inventory.set_index(["actor_id", "year"])["emissions_mt"].astype(float)
    over = [(p is not None and isinstance(p, str) and (p, y) in level.index and e > level[(p, y)])
            for a, y, e in zip(inventory["actor_id"], inventory["year"], inventory["emissions_mt"].astype(float),
                               strict=True) for p in [parent.get(a)]]
    over = pd.Series(over, index=inventory.index, dtype=bool)
    log += [{"source": "screens", "record": f"inventory {r.actor_id} {r.year}", "actor_id": r.actor_id,
             "reason_code": "implausible_level", "detail": f"{r.emissions_mt:.6g} Mt above its region's row"}
            for r in inventory[over].itertuples()]
    return inventory[~over], commitments, exclusion_frame(log)


def unnested(commitments: pd.DataFrame, actors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exclude cities with no known region when some region has a commitment (overlap unknowable)."""
    kinds = actors.set_index("actor_id")["actor_type"]
    parent = actors.set_index("actor_id")["parent_id"]
    if not (commitments["actor_id"].map(kinds) == "region").any():
        return commitments, exclusion_frame([])
    bad = (commitments["actor_id"].map(kinds) == "city") & commitments["actor_id"].map(parent).isna()
    log = [{"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
            "reason_code": "unnested_city", "detail": "region unknown (no ClimActor state), and regions of "
            "the case have commitments: the overlap could not be removed"} for _, r in commitments[bad].iterrows()]
    return commitments[~bad], exclusion_frame(log)


def history_gwp(history_source: str, cat_gwp: str) -> str:
    """GWP of the case: the national history's (UNFCCC Annex I 2019 and Climate Watch 2022: AR4); CAT's
    own set only when the history is CAT's series."""
    return cat_gwp if history_source.startswith("CAT") else "AR4GWP100"


def case_country(code: str) -> str:
    """The case's ISO3 country: CAT's ``EU27`` becomes ``EUU`` (the code World Bank and Climate Watch
    use for the European Union; ISO 3166-1 has none)."""
    return "EUU" if code == "EU27" else code


# -- the case --------------------------------------------------------------------------------

def build(iso3: str, ref: str | Path, duplicates: str = "most_complete", release: str = "cat_2024",
          projection: Path | None = None) -> CountryBuilt:
    """Every table of the case ``country_<iso3>`` from the reference-data folder ``ref``."""
    ref = Path(ref)
    cat_file = refdata.path(ref, release)
    rows = cached_read("cat", cat_file)
    iso3 = iso3.upper()
    if iso3 not in cat.countries(rows):
        raise InputError(Problem(str(cat_file), None, "Country",
                                 f"{iso3!r} is not in the CAT table; known: {', '.join(cat.countries(rows))}"))
    cat_source = cat.citation(cat_file)
    gwp = cat.gwp_of(rows, iso3)
    if gwp is None:
        raise InputError(Problem(str(cat_file), None, "Unit", f"{iso3}: CAT rows on more than one GWP basis "
                                 "(or none); a case needs one"))
    iso2 = iso2_of(ref, iso3)
    history, hist_source = national_history(ref, iso2, rows, iso3)
    national, factor, y0 = national_table(history, hist_source, rows, iso3, cat_source)
    cps = national[national["series"] == "cps"]
    last = 2035 if cps["year"].max() >= 2035 else 2030
    first = y0 + 1
    if projection is not None:
        national = user_projection(Path(projection), history, hist_source)
    years = (first, last)
    ndc, ndc_cites = ndc_list(rows, iso3, factor, years, cat_source)
    inventory_max = int(history.index.max())
    exclusions: list[pd.DataFrame] = []
    if iso2 is None:
        commitments = pd.DataFrame(columns=[*COMMITMENT_COLUMNS, "origin"])
        actors = pd.DataFrame(columns=ACTOR_COLUMNS)
        inventory = pd.DataFrame(columns=INVENTORY_COLUMNS)
        exclusions.append(exclusion_frame([{"source": "country", "record": iso3, "actor_id": None,
                                            "reason_code": "no_subnational_codes",
                                            "detail": "not a country with ISO 3166-2 / UN/LOCODE codes"}]))
    else:
        actors, inventory, commitments, exclusions = _actors_and_commitments(
            ref, iso3, iso2, duplicates, history, inventory_max)
    tables = {"actors.csv": actors[ACTOR_COLUMNS].reset_index(drop=True),
              "inventory.csv": inventory[INVENTORY_COLUMNS].reset_index(drop=True),
              "commitments.csv": commitments[COMMITMENT_COLUMNS].reset_index(drop=True),
              "national.csv": national}
    excl = [e for e in exclusions if not e.empty]
    log = pd.concat(excl, ignore_index=True) if excl else exclusion_frame([])
    log["record"] = log["record"].astype(str).str.slice(-100)
    log["detail"] = log["detail"].astype(str).str.slice(0, 120)
    log = log.sort_values(["source", "reason_code", "record"]).reset_index(drop=True)
    cov = coverage(tables, year=inventory_max, excluded=log)
    status = STATUS_OK if len(tables["commitments.csv"]) else STATUS_THIN
    cov["status"] = status
    cov["status_detail"] = ("" if status == STATUS_OK else
                            f"too thin: no commitment of {iso3} could be quantified ({len(log)} excluded, reasons "
                            "in build_exclusions.csv); the run reports national figures only")
    case_yaml = {
        "name": f"country_{iso3.lower()}",
        "description": f"{iso3}: regions and cities (NZT 2022-12, CDP 2021) vs the CAT current-policy range "
                       f"({cat.release_label(cat_file)})",
        "country": case_country(iso3), "base_year": BASE_YEAR, "years": [first, last],
        "reporting_years": [y for y in (2025, 2030, 2035) if first <= y <= last],
        "gwp": history_gwp(hist_source, gwp), "lulucf": "excluded", "inventory_lulucf": "excluded",
        "ndc": ndc,
        "sources": [f"National history: {hist_source}",
                    "CPS: " + (f"user projection {Path(projection).name}" if projection else
                               f"CAT current policy min/max, harmonised to the history at {y0}; {cat_source}"),
                    *ndc_cites,
                    f"GWP: {history_gwp(hist_source, gwp)}, the basis of the national history's level (the CAT "
                    f"rows, {gwp}, give only growth ratios, nearly insensitive to the GWP set); UNFCCC Annex I "
                    "2019 data: AR4 (UNFCCC reporting guidelines 24/CP.19); Climate Watch 2022: taken as AR4, an "
                    "assumption (the OpenClimate table does not state it)",
                    "Actor inventories are used on the national GWP basis as reported (sources do not state one)"],
    }
    settings = {} if projection else {"uncertainty": {"cps": {
        "value": "range", "source": CPS_SETTINGS_SOURCE + f"; {cat_source}",
        "rationale": "the case has two members (cps:cat_min, cps:cat_max); `range` draws between them"}}}
    return CountryBuilt(case_yaml["name"], tables, case_yaml, settings, log, cov, status)


def _actors_and_commitments(ref: Path, iso3: str, iso2: str, duplicates: str, history: pd.Series,
                            inventory_max: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    found = gather(ref, iso3, iso2)
    commitments, ex_d = dedupe(found.commitments, duplicates, PRIORITY)
    commitments = canada.shared_base_year_emissions(commitments)
    _, labels = _region_lookup(ref, iso2, iso3, cached_read("keydict", refdata.path(ref, "climactor_keydict")))
    actors = _nest(actor_table(found.info, set(commitments["actor_id"]), iso3), found.info, labels, iso3)
    cities = set(actors.loc[actors["actor_type"] == "city", "actor_id"])
    city_inv = canada.city_inventory(_Window(CITYWIDE_YEARS, inventory_max),
                                     ref, found.info.assign(province=None, city=found.info["name"]), cities)
    inventory = pd.concat([region_inventory(found.info, inventory_max), city_inv], ignore_index=True)
    inventory = inventory[inventory["year"].astype(int) >= int(history.index.min())]
    inventory, commitments, ex_s = screen_cities(inventory, commitments, actors.set_index("actor_id")["population"],
                                                 cities)
    inventory, commitments, ex_l = screen_levels(inventory, commitments, actors, history)
    commitments, ex_n = unnested(commitments, actors)
    commitments, ex_q = canada.quantifiable(commitments, inventory)
    commitments = _finish(commitments)
    used = set(commitments["actor_id"])
    keep = actors["actor_id"].isin(used) | actors["actor_id"].isin(
        set(actors.loc[actors["actor_id"].isin(used), "parent_id"].dropna()))
    actors = actors[keep].reset_index(drop=True)
    inventory = inventory[inventory["actor_id"].isin(set(actors["actor_id"]))]
    inventory = inventory.sort_values(["actor_id", "year"]).drop_duplicates(["actor_id", "year", "scope"])
    return actors, inventory, commitments, [*found.exclusions, ex_d, ex_s, ex_l, ex_n, ex_q]


def _finish(commitments: pd.DataFrame) -> pd.DataFrame:
    """Ids, the columns no source fills, stable order. in_national_projection false: CAT does not say
    which sub-national targets its current-policy scenario models (docs/country-builder.md)."""
    out = commitments.copy()
    if out.empty:
        return out
    out["commitment_id"] = out["actor_id"] + ":" + out["scope"] + ":" + out["target_year"].astype(int).astype(str)
    out["coverage"] = None
    out["in_national_projection"] = "false"
    return out.sort_values(["actor_id", "scope", "target_year"])


# -- embedded cases ----------------------------------------------------------------------------

def build_embedded(name: str, ref: str | Path, duplicates: str = "most_complete") -> CountryBuilt:
    """An embedded case of EMBEDDED: the builder's case of its country on the Nov 2024 CAT release,
    named ``name``, with a README generated from the built tables (so it cannot drift from them)."""
    built = build(EMBEDDED[name], ref, duplicates)
    built.name = name
    built.case_yaml["name"] = name
    built.settings["sensitivity"] = {"skip": {
        "value": list(SKIP_SENSITIVITY), "source": SKIP_SOURCE,
        "rationale": "keeps the default workflow within its 10-minute budget without fewer draws; a user layer "
                     "may reset it to [] (docs/country-builder.md)"}}
    built.readme = readme(built, EMBEDDED[name])
    return built


def _counts(frame: pd.DataFrame, column: str) -> str:
    counts = frame[column].value_counts().sort_index()
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def readme(built: CountryBuilt, iso3: str) -> str:
    """README.md of an embedded country case: what it contains and misses, from the built tables."""
    t = built.tables
    actors, com, nat = t["actors.csv"], t["commitments.csv"], t["national.csv"]
    typed = com.merge(actors[["actor_id", "actor_type"]], on="actor_id", how="left")
    total = built.coverage[built.coverage["actor_type"] == "total"].iloc[0]
    hist = nat[nat["series"] == "history"]
    cps = nat[nat["series"].str.startswith("cps") & (nat["year"] == 2030)].set_index("series")["emissions_mt"]
    no_inv = sorted(set(actors["actor_id"]) - set(t["inventory.csv"]["actor_id"]))
    lines = [
        f"# {built.name} — {iso3} regions and cities vs the Climate Action Tracker current-policy range",
        "",
        "Generated by `python -m subnat.harmonize build-case " + built.name + "` (harmonize/country.py, "
        "docs/country-builder.md) from `../shared/reference-data`; do not edit by hand. Every row has a "
        "`source`. The national CPS and NDC levels are **derived from** CAT data (ratio-harmonised to the "
        "national inventory, see docs/country-builder.md); each such row cites CAT with its notice. The CAT "
        "files themselves are not in this repository.",
        "",
        f"- National history: {hist['year'].min()}–{hist['year'].max()}, {hist['source'].iloc[0]}.",
        f"- CPS 2030: {', '.join(f'{k} {v:.1f} Mt' for k, v in cps.items())} (drawn uniformly over the CAT "
        "range: settings.yaml).",
        f"- NDC levels: {len(built.case_yaml['ndc'])} ("
        + "; ".join(n["label"] for n in built.case_yaml["ndc"]) + ").",
        f"- Actors by type: {_counts(actors, 'actor_type')}; commitments by actor type: "
        f"{_counts(typed, 'actor_type')}; by target type: {_counts(com, 'target_type')}.",
        f"- Coverage of national emissions in {int(total['year'])}: {total['share_of_national']:.1%} gross, "
        f"{total['share_of_national_net']:.1%} net of nesting (coverage.csv; status {built.status}).",
        f"- Excluded records ({len(built.exclusions)}, build_exclusions.csv) by reason: "
        f"{_counts(built.exclusions, 'reason_code')}.",
        "",
        "## Data gaps",
        "",
        "- No companies: the builder reads regions (Net Zero Tracker 2022-12) and cities (CDP 2021 targets, "
        "NZT) only.",
        "- `in_national_projection` is false everywhere: CAT does not publish which sub-national measures "
        "its current-policy pathway contains, so overlap with national policy is handled only by the growth "
        "index reference.",
        "- Projection error: the package default (US calibration); no national projection vintages in the "
        "reference data.",
        "- Actor levels are the sources' own (no stated GWP or boundary), used on the case's GWP as reported.",
        "- Sensitivity cases not run (settings.yaml `sensitivity.skip`, they equal the default here): "
        + ", ".join(SKIP_SENSITIVITY) + ".",
        f"- Actors without an inventory row (their targets rest on base-year figures, or parents kept for "
        f"nesting): {len(no_inv)}"
        + (f" ({', '.join(no_inv[:12])}{' ...' if len(no_inv) > 12 else ''})" if no_inv else "") + ".",
        "",
    ]
    return "\n".join(lines)
