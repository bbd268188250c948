"""Build the embedded Canadian case ``can2024`` from the raw sources (its README explains each choice).

- Provinces and territories (all 13, ISO 3166-2:CA) with the ECCC provincial inventory (NIR 2023
  edition, 1990-2021, AR4, excl. LULUCF); their sum is checked against the Canada total of the same
  NIR edition (the rows of the ECCC 2023 projections table).
- National history: that sum (1999-2021, the years all 13 report; Nunavut exists from 1999). CPS:
  the ECCC 2024 edition's reference case, ratio-harmonised at 2021 to the inventory
  (cps(t) = H(2021) * S(t) / S(2021), S = NIR 2024 history to 2022 then the 2024 reference case), so
  its growth is ECCC's and its level the inventory's (the 2024 edition is on AR5 and revised 2005 up
  by 29 Mt). The earlier editions calibrate the projection error (``uncertainty.eccc_projection_error``),
  written into the case's settings.yaml.
- Province targets: C2ES Canadian table, OEF's province targets and the Net Zero Tracker; each
  row's status (law/policy, or repealed/superseded/sector-only, which are excluded) comes from the
  cited hand table ``data/hand/ca_province_target_adoption.csv``.
- Cities: CDP 2021 targets (with base-year emissions) and Net Zero Tracker cities, nested in their
  province by the province code CDP gives (or the NZT name suffix, or the ClimActor contextuals);
  inventories from the CDP city-wide reports of the same account and the NZT level.
- ``in_national_projection``: true where ECCC's 2024 reference case for the province already reaches
  the target level in the target year (the provincial measures it models deliver the target).

Reusable pieces for other countries: ``eccc`` (sources), ``openclimate_targets``, ``city_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from subnat.errors import ConsistencyError
from subnat.harmonize import refdata
from subnat.harmonize.coverage import coverage
from subnat.harmonize.dedupe import dedupe
from subnat.harmonize.screens import screen_cities
from subnat.sources import cdp_citywide, cdp_targets, climactor, eccc, net_zero_tracker, openclimate_targets
from subnat.sources.common import exclusion_frame, slug
from subnat.uncertainty import eccc_projection_error

COMMITMENT_COLUMNS = [
    "commitment_id", "actor_id", "target_type", "target_year", "value", "base_year",
    "base_year_emissions_mt", "coverage", "scope", "status", "in_national_projection",
    "bau_emissions_mt", "source",
]
ACTOR_COLUMNS = ["actor_id", "name", "actor_type", "country", "parent_id", "population", "gdp_musd", "source"]
INVENTORY_COLUMNS = ["actor_id", "year", "emissions_mt", "scope", "source"]
PRIORITY = ["c2es_canada", "oef_ca_targets", "cdp_targets", "net_zero_tracker"]
EXCLUDED_STATUSES = {"repealed", "superseded", "sector_target"}
#: Tolerance of the provinces' sum against the national total of the same NIR edition (rounding to
#: 0.1 Mt of 13 provinces x 7 sectors in the projections table: SOURCE.md measures 0.8-4 Mt).
SUM_TOLERANCE = 0.01
#: Name variants of the Data-Driven EnviroLab cleaning in CDP/NZT that are typos of the city's name
#: (CDP's own Organization field, account 50555, reads "City of Hamilton, ON").
NAME_FIXES = {"Hamiton": "Hamilton"}
_PREFIX = re.compile(r"^(City of|Town of|District of|Ville de|Municipality of|Regional Municipality of|"
                     r"City of Greater)\s+", re.I)
_POSTAL = {code[3:]: code for code in eccc.PROVINCE_NAMES}
_BY_NAME = {name: code for name, code in eccc.PROVINCES.items()} | {"Québec": "CA-QC"}


@dataclass(frozen=True)
class CanadaSpec:
    """The Canadian case: window, editions and the NDC."""

    name: str
    cps_edition: int
    first_year: int
    last_year: int
    reporting_years: list[int]
    inventory_max_year: int
    citywide_years: list[int]
    ndc: list[dict[str, Any]]
    description: str


NDC_SOURCE = ("Government of Canada (2021), Canada's 2021 Nationally Determined Contribution under the Paris "
              "Agreement (submitted 12 July 2021): 40-45% below 2005 by 2030")
CAN2024 = CanadaSpec(
    name="can2024", cps_edition=2024, first_year=2022, last_year=2035, reporting_years=[2025, 2030, 2035],
    inventory_max_year=2021, citywide_years=[2016, 2017, 2018, 2019, 2020, 2021],
    ndc=[{"label": "NDC 2021 (40% below 2005)", "target_year": 2030, "type": "absolute", "value": 0.40,
          "base_year": 2005},
         {"label": "NDC 2021 (45% below 2005)", "target_year": 2030, "type": "absolute", "value": 0.45,
          "base_year": 2005}],
    description="Canadian provinces, territories and cities (C2ES, OEF, NZT 2022-12, CDP 2021) vs the ECCC "
                "2024 reference case",
)
CASES = {"can2024": CAN2024}


@dataclass
class CanadaBuilt:
    """Tables by file name, case.yaml, settings, exclusions and coverage (as harmonize.build.BuiltCase)."""

    tables: dict[str, pd.DataFrame]
    case_yaml: dict[str, Any]
    settings: dict[str, Any]
    exclusions: pd.DataFrame
    coverage: pd.DataFrame


def build(spec: CanadaSpec, ref: Path, duplicates: str = "most_complete") -> CanadaBuilt:
    """Every table of the case from the reference-data folder ``ref``."""
    inventory = province_inventory(ref, spec.inventory_max_year)
    editions = {y: eccc.read_edition(refdata.path(ref, f"eccc_{y}")) for y in (2023, spec.cps_edition)}
    check_provinces_sum(inventory, editions[2023])
    national = national_table(inventory, editions[spec.cps_edition], spec)
    nzt = net_zero_tracker.read(refdata.path(ref, "net_zero_tracker"))
    nzt = nzt[nzt["iso"] == "CAN"]
    provinces = province_actors()
    prov_com, excl = province_commitments(ref, nzt, set(provinces["actor_id"]))
    city_com, city_info, ex_c = city_commitments(ref, nzt)
    commitments, ex_d = dedupe(pd.concat([prov_com, city_com], ignore_index=True), duplicates, PRIORITY)
    commitments = shared_base_year_emissions(commitments)
    cities = city_actors(city_info, set(commitments["actor_id"]) - set(provinces["actor_id"]))
    inventory = pd.concat([inventory, city_inventory(spec, ref, city_info, set(cities["actor_id"]))],
                          ignore_index=True)
    inventory, commitments, ex_s = screen_cities(inventory, commitments, cities.set_index("actor_id")["population"],
                                                 set(cities["actor_id"]))
    commitments, ex_q = quantifiable(commitments, inventory)
    commitments = finish(commitments, inventory, editions[spec.cps_edition])
    cities = cities[cities["actor_id"].isin(set(commitments["actor_id"]))]
    actors = pd.concat([provinces, cities], ignore_index=True)
    inventory = inventory[inventory["actor_id"].isin(set(actors["actor_id"]))]
    tables = {
        "actors.csv": actors[ACTOR_COLUMNS].reset_index(drop=True),
        "inventory.csv": inventory.sort_values(["actor_id", "year"])[INVENTORY_COLUMNS].reset_index(drop=True),
        "commitments.csv": commitments[COMMITMENT_COLUMNS].reset_index(drop=True),
        "national.csv": national,
    }
    exclusions = pd.concat([e for e in [*excl, *ex_c, ex_d, ex_s, ex_q] if not e.empty], ignore_index=True)
    exclusions["record"] = exclusions["record"].astype(str).str.slice(-100)
    exclusions["detail"] = exclusions["detail"].astype(str).str.slice(0, 120)
    exclusions = exclusions.sort_values(["source", "reason_code", "record"]).reset_index(drop=True)
    cov = coverage(tables, year=spec.inventory_max_year, excluded=exclusions)
    return CanadaBuilt(tables, case_yaml(spec), settings(ref), exclusions, cov)


# -- national level ---------------------------------------------------------------------------

def province_inventory(ref: Path, max_year: int) -> pd.DataFrame:
    """ECCC provincial inventory rows up to ``max_year`` (scope territorial)."""
    inv = eccc.read_inventory(refdata.path(ref, "eccc_inventory"))
    return inv[inv["year"] <= max_year].assign(scope="territorial")


def check_provinces_sum(inventory: pd.DataFrame, same_nir_edition: pd.DataFrame) -> None:
    """The 13 provinces and territories add up to Canada (NIR of the same edition), every shared year."""
    total = eccc.national_from_inventory(inventory)
    canada = eccc.national_series(same_nir_edition, eccc.scenarios(same_nir_edition)[0])
    years = sorted(set(total.index) & set(canada.index))
    if not years:
        raise ConsistencyError("ECCC inventory: no year shared with the NIR rows of the 2023 projections table")
    gap = ((total[years] - canada[years]).abs() / canada[years])
    if (gap > SUM_TOLERANCE).any():
        y = int(gap.idxmax())
        raise ConsistencyError(f"ECCC inventory: provinces sum to {total[y]:.1f} Mt in {y}, Canada "
                               f"(NIR 2023 rows) {canada[y]:.1f} Mt; expected within {SUM_TOLERANCE:.0%}")


def national_table(inventory: pd.DataFrame, cps_edition: pd.DataFrame, spec: CanadaSpec) -> pd.DataFrame:
    """national.csv: history = provinces' sum; cps = the edition's reference case chained at the MRY."""
    history = eccc.national_from_inventory(inventory)
    nir, ref = eccc.scenarios(cps_edition)
    s_hist = eccc.national_series(cps_edition, nir)
    s_ref = eccc.national_series(cps_edition, ref)
    s = pd.concat([s_hist, s_ref[s_ref.index > s_hist.index.max()]]).sort_index()
    mry = int(history.index.max())
    cps = s[(s.index >= mry) & (s.index <= max(spec.last_year, mry))] * history[mry] / s[mry]
    src_h = ("ECCC provincial GHG inventory (NIR 2023, excl. LULUCF, AR4): sum of the 13 provinces and "
             "territories, via OpenClimate ECCC_GHG_inventory/EmissionsAgg.csv")
    src_c = (f"ECCC Canada's GHG and Air Pollutant Emissions Projections {spec.cps_edition}: {ref} (Canada, sum "
             f"of sector rows; {nir} to {int(s_hist.index.max())}), ratio-harmonised to the inventory at {mry} "
             f"(x {history[mry] / s[mry]:.4f})")
    frames = [pd.DataFrame({"series": "history", "year": history.index, "emissions_mt": history.round(2).values,
                            "source": src_h}),
              pd.DataFrame({"series": "cps", "year": cps.index, "emissions_mt": cps.round(2).values,
                            "source": src_c})]
    return pd.concat(frames, ignore_index=True).astype({"year": int})


def province_reference(edition: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """Each province's reference case (history then projection) on the inventory's level, by year."""
    nir, ref = eccc.scenarios(edition)
    t = pd.concat([eccc.totals(edition, nir), eccc.totals(edition, ref)])
    t = t[t["region"] != eccc.NATIONAL].drop_duplicates(["region", "year"], keep="first")
    wide = t.pivot(index="year", columns="region", values="emissions_mt")
    mry = int(inventory["year"].max())
    level = inventory[inventory["year"] == mry].set_index("actor_id")["emissions_mt"]
    return wide * (level / wide.loc[mry])


# -- actors and commitments ----------------------------------------------------------------

def province_actors() -> pd.DataFrame:
    """All 13 provinces and territories. No population: the Net Zero Tracker's province figures are
    unreliable (Ontario 181,107, Quebec none), and no census table is in the reference data."""
    ids = list(eccc.PROVINCE_NAMES)
    return pd.DataFrame({
        "actor_id": ids, "name": [eccc.PROVINCE_NAMES[i] for i in ids], "actor_type": "region",
        "country": "CAN", "parent_id": None, "population": None, "gdp_musd": None,
        "source": "ISO 3166-2:CA names; ECCC provincial inventory (OpenClimate ECCC_GHG_inventory)",
    })


def adoption_table() -> pd.DataFrame:
    """The cited hand table of province target adoption (status, instrument, citation)."""
    path = resources.files("subnat") / "data" / "hand" / "ca_province_target_adoption.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype={"adopted": "Int64", "base_year": "Int64"})


def with_adoption(commitments: pd.DataFrame, table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status and citation from the hand table; repealed, superseded and sector-only targets excluded."""
    out, excl = [], []
    for _, r in commitments.iterrows():
        hit = table[(table["actor_id"] == r["actor_id"]) & (table["target_type"] == r["target_type"])
                    & (table["target_year"] == r["target_year"]) & ((table["value"] - r["value"]).abs() < 1e-6)
                    & ((table["base_year"] == r["base_year"]) | (table["base_year"].isna() & pd.isna(r["base_year"])))]
        if hit.empty:
            if r["status"] is None or pd.isna(r["status"]):
                excl.append({"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
                             "reason_code": "not_adopted", "detail": "no status in the source and no row in "
                             "ca_province_target_adoption.csv"})
                continue
            out.append(r)
            continue
        h = hit.iloc[0]
        if h["status"] in EXCLUDED_STATUSES:
            excl.append({"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
                         "reason_code": h["status"], "detail": h["instrument_name"]})
            continue
        r = r.copy()
        r["status"] = h["status"]
        adopted = "undated" if pd.isna(h["adopted"]) else int(h["adopted"])
        r["source"] = (f"status {h['status']} from hand table ca_province_target_adoption.csv "
                       f"({h['instrument_name']}, {adopted}; {h['citation']}); {r['source']}")
        out.append(r)
    return pd.DataFrame(out), exclusion_frame(excl)


def province_commitments(ref: Path, nzt: pd.DataFrame, provinces: set[str]
                         ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """C2ES, OEF and Net Zero Tracker province targets with their cited status."""
    parts, excl = [], []
    for name, label in (("c2es_canada", "C2ES Canadian Provincial GHG Emissions Targets (2022-11-13)"),
                        ("oef_ca_targets", "OEF Canadian province emission targets (2023-05-31)")):
        com, ex = openclimate_targets.to_commitments(
            openclimate_targets.read(refdata.path(ref, name), label), name, provinces)
        parts.append(com)
        excl.append(ex)
    regions = nzt[nzt["actor_type"] == "region"].copy()
    com, ex = net_zero_tracker.to_commitments(regions, regions["name"].map(_BY_NAME))
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    com, ex = with_adoption(pd.concat(parts, ignore_index=True), adoption_table())
    return com, [*excl, ex]


def city_name(organization: str) -> str:
    """Plain city name of a CDP organisation or NZT name: prefix ("City of") and ", XX" suffix removed."""
    name = re.sub(r",\s*[^,]+$", "", str(organization).strip())
    name = _PREFIX.sub("", name).split(" / ")[0].strip()
    return NAME_FIXES.get(name, name)


def city_id(name: str, province: str) -> str:
    """``CA-<PROVINCE>-<NAME_KEY>`` (no Canadian UN/LOCODE table in the reference data)."""
    return f"{province}-{slug(name)}"


def nzt_province(name: str, places: pd.DataFrame) -> str | None:
    """Province of an NZT city from its suffix (", AB", ", Ontario") or the ClimActor contextuals."""
    m = re.search(r",\s*([^,]+)$", name)
    if m:
        suffix = m.group(1).strip()
        return _POSTAL.get(suffix) or _BY_NAME.get(suffix)
    states = {_BY_NAME.get(s) for s in places.loc[places["name"].map(city_name) == city_name(name), "state"]}
    return states.pop() if len(states) == 1 else None


def city_commitments(ref: Path, nzt: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    """CDP 2021 and NZT city targets of Canada, with what the sources say about each city."""
    cdp = cdp_targets.read(refdata.path(ref, "cdp_targets"))
    cdp = cdp[cdp["iso"] == "CAN"].copy()
    cdp["province"] = cdp["state"].map(_POSTAL)
    cdp["city"] = cdp["organization"].map(city_name)
    cdp["actor_id"] = [city_id(n, p) if isinstance(p, str) else None for n, p in zip(cdp["city"], cdp["province"],
                                                                                     strict=True)]
    com, ex = cdp_targets.to_commitments(cdp, cdp["actor_id"])
    parts, excl = [com.assign(origin="cdp_targets")], [ex]
    places = climactor.contextual_states(refdata.path(ref, "climactor_contextuals"), "CAN")
    nz = nzt[nzt["actor_type"] == "city"].copy()
    nz["province"] = nz["name"].map(lambda n: nzt_province(n, places))
    nz["city"] = nz["name"].map(city_name)
    nz["actor_id"] = [city_id(n, p) if isinstance(p, str) else None for n, p in zip(nz["city"], nz["province"],
                                                                                   strict=True)]
    com, ex = net_zero_tracker.to_commitments(nz, nz["actor_id"])
    parts.append(com.assign(origin="net_zero_tracker"))
    excl.append(ex)
    info = pd.concat([
        cdp[["actor_id", "province", "city", "population", "source", "account"]].assign(origin="cdp_targets"),
        nz[["actor_id", "province", "city", "population", "source", "ghg_mt", "inventory_year"]]
        .assign(origin="net_zero_tracker"),
    ], ignore_index=True).dropna(subset=["actor_id"])
    return pd.concat([p for p in parts if not p.empty], ignore_index=True), info, excl


def city_actors(info: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    """One row per committed city, nested in its province; population from CDP, else NZT."""
    ci = info[info["actor_id"].isin(ids)].sort_values(["actor_id", "origin"]).drop_duplicates("actor_id")
    pop = (info.dropna(subset=["population"]).sort_values("origin").drop_duplicates("actor_id")
           .set_index("actor_id")["population"])
    return pd.DataFrame({
        "actor_id": ci["actor_id"], "name": ci["city"], "actor_type": "city", "country": "CAN",
        "parent_id": ci["province"], "population": ci["actor_id"].map(pop), "gdp_musd": None,
        "source": ci["source"] + "; nested by the province code of the source (ISO 3166-2:CA)",
    })


def city_inventory(spec: CanadaSpec, ref: Path, info: pd.DataFrame, cities: set[str]) -> pd.DataFrame:
    """CDP city-wide inventories of the target-reporting accounts, then NZT's single level."""
    acct = info[(info["origin"] == "cdp_targets") & info["actor_id"].isin(cities)][["account", "actor_id"]]
    acct = acct.dropna().drop_duplicates("account")
    cw = pd.concat([cdp_citywide.read(refdata.path(ref, f"cdp_citywide_{y}")) for y in spec.citywide_years],
                   ignore_index=True).merge(acct, on="account", how="inner")
    cw = cw[cw["accounting_year"] <= spec.inventory_max_year]
    cw = cw.sort_values(["actor_id", "accounting_year", "reporting_year"]).drop_duplicates(
        ["actor_id", "accounting_year"], keep="last")
    inv = pd.DataFrame({"actor_id": cw["actor_id"], "year": cw["accounting_year"].astype(int),
                        "emissions_mt": cw["total_mt"].round(6), "scope": "territorial",
                        "source": cw["source"] + ", account " + cw["account"].astype(str)})
    nz = info[(info["origin"] == "net_zero_tracker") & info["actor_id"].isin(cities) & info["ghg_mt"].notna()
              & info["inventory_year"].notna()]
    nz = nz[nz["inventory_year"] <= spec.inventory_max_year]
    nz_inv = pd.DataFrame({"actor_id": nz["actor_id"], "year": nz["inventory_year"].astype(int),
                           "emissions_mt": nz["ghg_mt"].round(6), "scope": "territorial", "source": nz["source"]})
    nz_inv = nz_inv.drop_duplicates(["actor_id", "year"])  # one NZT row per target slot
    nz_inv = nz_inv[~nz_inv.set_index(["actor_id", "year"]).index.isin(inv.set_index(["actor_id", "year"]).index)]
    return pd.concat([inv, nz_inv], ignore_index=True)


def shared_base_year_emissions(commitments: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing base-year figure from another target of the same actor and base year (e.g. the
    NZT's Calgary 2030 target and CDP's Calgary 2050 target, both vs 2005); the donor is named."""
    out = commitments.copy()
    known = out.dropna(subset=["base_year_emissions_mt", "base_year"])
    for i, r in out[out["base_year_emissions_mt"].isna() & out["base_year"].notna()].iterrows():
        donor = known[(known["actor_id"] == r["actor_id"]) & (known["base_year"] == r["base_year"])]
        if donor.empty:
            continue
        d = donor.iloc[0]
        out.at[i, "base_year_emissions_mt"] = d["base_year_emissions_mt"]
        out.at[i, "source"] = (f"base-year emissions from the {d['origin']} target of the same actor and base "
                               f"year ({str(d['source'])[-60:]}); {r['source']}")
    return out


def quantifiable(commitments: pd.DataFrame, inventory: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop commitments of actors with no emissions of any kind (no inventory, no base-year emissions)."""
    no_data = commitments["base_year_emissions_mt"].isna() & ~commitments["actor_id"].isin(set(inventory["actor_id"]))
    excluded = exclusion_frame([
        {"source": r["origin"], "record": str(r["source"])[-100:], "actor_id": r["actor_id"],
         "reason_code": "missing_emissions", "detail": "no inventory and no base-year emissions in any source"}
        for _, r in commitments[no_data].iterrows()])
    return commitments[~no_data].copy(), excluded


def target_level(r: pd.Series, inventory: pd.DataFrame) -> float | None:
    """Target-year level of a province target on the inventory basis (None when not computable)."""
    if r["target_type"] == "fixed_level":
        return float(r["value"])
    if r["target_type"] == "net_zero":
        return 0.0
    if r["target_type"] != "absolute" or pd.isna(r["base_year"]):
        return None
    row = inventory[(inventory["actor_id"] == r["actor_id"]) & (inventory["year"] == int(r["base_year"]))]
    return None if row.empty else float(row["emissions_mt"].iloc[0]) * (1 - float(r["value"]))


def in_national_projection(commitments: pd.DataFrame, inventory: pd.DataFrame, edition: pd.DataFrame
                           ) -> tuple[pd.Series, pd.Series]:
    """(flag, note) per commitment: the edition's province reference reaches the target level."""
    ref = province_reference(edition, inventory[inventory["actor_id"].isin(eccc.PROVINCE_NAMES)])
    flags, notes = [], []
    for _, r in commitments.iterrows():
        level = target_level(r, inventory) if r["actor_id"] in ref.columns else None
        ty = int(r["target_year"])
        if level is None or ty not in ref.index or ty <= int(inventory["year"].max()):
            flags.append(False)
            notes.append("")
            continue
        projected = float(ref.loc[ty, r["actor_id"]])
        reached = projected <= level
        verdict = "already reached by the modelled provincial measures" if reached else "not reached"
        flags.append(reached)
        notes.append(f"ECCC 2024 Reference Case {r['actor_id']} {ty}: {projected:.2f} Mt (inventory level) vs "
                     f"target {level:.2f} Mt: {verdict}")
    return pd.Series(flags, index=commitments.index), pd.Series(notes, index=commitments.index)


def finish(commitments: pd.DataFrame, inventory: pd.DataFrame, edition: pd.DataFrame) -> pd.DataFrame:
    """Ids, the in_national_projection flag with its evidence, columns no source fills, row order."""
    out = commitments.copy()
    out["commitment_id"] = out["actor_id"] + ":" + out["scope"] + ":" + out["target_year"].astype(int).astype(str)
    out["coverage"] = None
    flag, note = in_national_projection(out, inventory, edition)
    out["in_national_projection"] = flag.map({True: "true", False: "false"})
    out["source"] = [f"{n}; {s}" if n else s for n, s in zip(note, out["source"], strict=True)]
    if "bau_emissions_mt" not in out:
        out["bau_emissions_mt"] = None
    return out.sort_values(["actor_id", "scope", "target_year"])


# -- case.yaml and settings ------------------------------------------------------------------

def case_yaml(spec: CanadaSpec) -> dict[str, Any]:
    """case.yaml content (gross basis, AR4: the NIR 2023 edition of the inventory)."""
    return {
        "name": spec.name, "description": spec.description, "country": "CAN", "base_year": 2005,
        "years": [spec.first_year, spec.last_year], "reporting_years": spec.reporting_years,
        "gwp": "AR4GWP100", "lulucf": "excluded", "inventory_lulucf": "excluded", "inventory_gwp": "AR4GWP100",
        "ndc": spec.ndc,
        "sources": [
            NDC_SOURCE + "; assessed here on the gross basis excl. LULUCF (Canada's NDC accounting adds a "
            "LULUCF accounting contribution, about -28 Mt in 2030 in the ECCC 2024 edition)",
            "National history: ECCC provincial GHG inventory (NIR 2023, AR4, excl. LULUCF), sum of 13 "
            "provinces and territories, via OpenClimate",
            f"CPS: ECCC Canada's GHG and Air Pollutant Emissions Projections {spec.cps_edition}, reference case "
            "(Open Government Licence - Canada), growth ratio-harmonised to the inventory at 2021",
            "Projection error: ECCC editions 2018-2023 against NIR 2024, pooled with the US vintages "
            "(src/subnat/data/uncertainty/can_us_pooled_projection_error*.csv)",
        ],
    }


def settings(ref: Path) -> dict[str, Any]:
    """The case's config layer: the projection error of the pooled Canada + US calibration (the
    Canadian editions alone cover too little of their own left-out errors; eccc_projection_error)."""
    fit = eccc_projection_error.calibrate(ref)
    table, lovo = fit["can_us_pooled_projection_error_fit.csv"], fit["can_us_pooled_projection_error_lovo.csv"]
    own, own_lovo = fit["can_projection_error_fit.csv"], fit["can_projection_error_lovo.csv"]
    checks = fit["can_projection_error_crosscheck.csv"]

    def coverage(table: pd.DataFrame, vintage: str = "all") -> float:
        return float(table[(table["vintage"] == vintage) & (table["centre"] == "zero")]["coverage"].iloc[0])

    def mapping(column: str) -> dict[int, float]:
        return {int(h): round(float(x), 4) for h, x in zip(table["horizon"], table[column], strict=True)}

    f, o = table.iloc[0], own.iloc[0]
    canadian = lovo[lovo["vintage"].str.startswith("ECCC") & (lovo["centre"] == "zero")]["coverage"]
    us_on_can = float(checks[(checks["curve"] == "USA") & (checks["errors_of"] == "CAN")]["coverage"].iloc[0])
    return {"uncertainty": {
        "projection_error_sd": {
            "value": mapping("sd"),
            "source": "Pooled calibration of the ECCC reference cases of the 2018-2023 editions against the NIR "
                      "2024 history and the US vintages 2006-2021 against the 2022 BR inventory, each vintage "
                      "weighted equally (src/subnat/data/uncertainty/can_us_pooled_projection_error*.csv, "
                      "can_projection_error*.csv; subnat.uncertainty.eccc_projection_error)",
            "rationale": f"sd of the log growth error by horizon, pooled fit sd = "
                         f"{f['scale']:.4f}*h^{f['exponent']:.3f}; "
                         f"leave-one-vintage-out coverage of the 90 % interval {coverage(lovo):.2f} (Canadian "
                         f"editions left out: {canadian.min():.2f}-{canadian.max():.2f}). The Canadian editions alone "
                         f"(6 at h=1, 2 at h=5, none beyond 6) fit sd = {o['scale']:.4f}*h^{o['exponent']:.3f} but "
                         f"cover only {coverage(own_lovo):.2f} of their own left-out errors (too narrow; the 2020 "
                         f"shock dominates); the US curve alone covers {us_on_can:.2f} of the Canadian errors. "
                         "Values past h=18 extrapolate the form.",
        },
        "projection_error_bias": {
            "value": mapping("bias"),
            "source": "Same pooled calibration (can_us_pooled_projection_error_fit.csv): bias = drift*h, weighted "
                      "least squares",
            "rationale": "Reported, not applied by default (uncertainty.projection_error_apply_bias false).",
        },
    }}
