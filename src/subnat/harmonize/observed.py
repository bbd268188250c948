"""``observed.csv`` of a case assessed as of a past year: what happened afterwards (the hindcast).

Rows (``actor_id, year, emissions_mt, scope, source``), years after the case's latest inventory:

- **states** (scope ``territorial``): the EPA state GHG inventory, 2023 edition, the same file and
  basis (gross, excluding LULUCF, the edition's GWP) the case's state inventories 1990–2015 come
  from, so observation and prediction share one basis;
- **cities** (scope ``territorial``): CDP city-wide inventories (every reporting year at hand) of a
  city whose case inventory comes from the **same CDP account**, i.e. the same reporter, the same
  questionnaire total (total / BASIC total, else scope 1 + 2) and, as far as CDP states it, the
  same boundary. Cities whose inventory comes from another source (Net Zero Tracker) get no
  observed rows: their later CDP figure would measure another boundary. The case's own city
  screens apply (per-capita range, ratio to the case's latest value), so a unit error cannot pass;
- **the nation** (actor_id = the case country, scope ``national``): net emissions incl. LULUCF on
  the case's national basis. For us2017 (AR4): the 2021 CAR inventory rows 2016–2019 (the series
  the case's history comes from); 2020–2021 are not in an AR4 inventory at hand, so they continue
  the 2019 value with the year-on-year change of the us2023 case's net history (2023 BR
  supplement, AR5): ``N(t) = N_CAR(2019) * H23(t) / H23(2019)``. The growth of an AR5 series
  differs from the AR4 growth only through the change of the gas mix between the two years;
- **the national land flux** (actor_id = the case country, scope ``national_lulucf``): the hindcast's
  national trend is formed on the actors' basis (the state inventories are gross), observed gross =
  observed net − this flux, the rule ``NationalSeries.growth`` applies to the CPS. For us2017: the
  2021 CAR LULUCF rows 2016–2019 (the history of both land-sink variants, identical there; net =
  GrossTotal + LULUCF in that table). 2020–2021 by the same splice rule as the net rows, applied to
  the gross total: ``G(t) = G_CAR(2019) * U(t) / U(2019)`` with U the UNFCCC Annex I gross totals
  (AR5, the gross series the us2023 history is shaped on, i.e. us2023's own actor basis), and the
  flux is the spliced net minus the spliced gross, so observed gross 2020–2021 grows with the
  reported gross change and not with the (interpolated) net.
"""

from __future__ import annotations

import pandas as pd

from subnat.harmonize.screens import MAX_RATIO, PER_CAPITA_RANGE
from subnat.sources import cdp_citywide, epa_states

#: The 2021 CAR (7th National Communication) reports the 1990–2019 inventory (GHGI 2021); its
#: 2020+ values are projections (they differ between its land-sink variants, the history does not).
CAR2021_LAST_INVENTORY_YEAR = 2019
COLUMNS = ["actor_id", "year", "emissions_mt", "scope", "source"]
_ACCOUNT = r"account (\S+)$"


def state_rows(epa: pd.DataFrame, states: set[str], first_year: int, last_year: int) -> pd.DataFrame:
    """EPA state inventory rows of ``states`` for ``first_year..last_year`` (same basis as the case)."""
    rows = epa[epa["actor_id"].isin(states) & epa["year"].between(first_year, last_year)]
    return epa_states.to_inventory(rows)[COLUMNS]


def city_rows(citywide: pd.DataFrame, inventory: pd.DataFrame, actors: pd.DataFrame, first_year: int,
              last_year: int) -> pd.DataFrame:
    """Later CDP city-wide totals of the cities whose latest case inventory is the same CDP account.

    ``citywide`` is the concatenation of ``cdp_citywide.read`` over the reporting years at hand;
    where one accounting year is reported twice, the latest report wins (as in the case build)."""
    cities = set(actors.loc[actors["actor_type"] == "city", "actor_id"])
    inv = inventory[inventory["actor_id"].isin(cities)].sort_values(["actor_id", "year"])
    latest = inv.drop_duplicates("actor_id", keep="last").copy()
    latest["account"] = latest["source"].astype(str).str.extract(_ACCOUNT, expand=False)
    latest = latest.dropna(subset=["account"])
    cw = citywide[citywide["accounting_year"].between(first_year, last_year)]
    cw = cw.merge(latest[["actor_id", "account", "emissions_mt"]].rename(columns={"emissions_mt": "mry_mt"}),
                  on="account", how="inner")
    population = actors.set_index("actor_id")["population"].astype(float)
    per_capita = cw["total_mt"] * 1e6 / cw["actor_id"].map(population)
    ok_capita = per_capita.isna() | per_capita.between(*PER_CAPITA_RANGE)
    ratio = cw["total_mt"] / cw["mry_mt"]
    ok_ratio = ratio.between(1 / MAX_RATIO, MAX_RATIO)
    cw = cw[ok_capita & ok_ratio]
    cw = cw.sort_values(["actor_id", "accounting_year", "reporting_year"])
    cw = cw.drop_duplicates(["actor_id", "accounting_year"], keep="last")
    return pd.DataFrame({
        "actor_id": cw["actor_id"], "year": cw["accounting_year"].astype(int),
        "emissions_mt": cw["total_mt"].round(6), "scope": "territorial",
        "source": cw["source"] + ", account " + cw["account"].astype(str),
    })[COLUMNS]


def national_rows(country: str, inventory: pd.Series, last_inventory_year: int, extension: pd.Series,
                  first_year: int, last_year: int, inventory_source: str, extension_source: str) -> pd.DataFrame:
    """National net emissions ``first_year..last_year``: ``inventory`` up to ``last_inventory_year``,
    then that value times the year-on-year change of ``extension`` (another vintage or GWP basis)."""
    values, sources = {}, {}
    for year in range(first_year, min(last_year, last_inventory_year) + 1):
        if year in inventory.index:
            values[year], sources[year] = float(inventory.loc[year]), inventory_source
    if last_inventory_year in inventory.index and last_inventory_year in extension.index:
        anchor, base = float(inventory.loc[last_inventory_year]), float(extension.loc[last_inventory_year])
        for year in range(max(first_year, last_inventory_year + 1), last_year + 1):
            if year in extension.index:
                values[year] = anchor * float(extension.loc[year]) / base
                sources[year] = (f"derived: {last_inventory_year} value of {inventory_source} x change "
                                 f"{last_inventory_year}->{year} of {extension_source}")
    years = sorted(values)
    return pd.DataFrame({"actor_id": country, "year": years, "emissions_mt": [round(values[y], 2) for y in years],
                         "scope": "national", "source": [sources[y] for y in years]})[COLUMNS]


def land_rows(country: str, land: pd.Series, net: pd.DataFrame, gross: pd.DataFrame, last_inventory_year: int,
              land_source: str) -> pd.DataFrame:
    """National LULUCF flux (scope ``national_lulucf``) in the years of ``net``: ``land`` up to
    ``last_inventory_year``, later the observed net minus the observed gross (both ``national_rows``,
    the gross spliced on a gross series), so net - flux reproduces that gross exactly."""
    net_by_year = net.set_index("year")
    gross_by_year = gross.set_index("year")
    values, sources = {}, {}
    for year in net_by_year.index:
        if year <= last_inventory_year and year in land.index:
            values[year], sources[year] = float(land.loc[year]), land_source
        elif year > last_inventory_year and year in gross_by_year.index:
            values[year] = float(net_by_year.at[year, "emissions_mt"]) - float(gross_by_year.at[year, "emissions_mt"])
            sources[year] = (f"derived: observed net (this file's scope national row of {year}) minus observed "
                             f"gross ({gross_by_year.at[year, 'source'].removeprefix('derived: ')})")
    years = sorted(values)
    return pd.DataFrame({"actor_id": country, "year": years, "emissions_mt": [round(values[y], 2) for y in years],
                         "scope": "national_lulucf", "source": [sources[y] for y in years]})[COLUMNS]


def read_citywide(paths: list) -> pd.DataFrame:
    """Every CDP city-wide file at hand, one tidy table (US rows)."""
    frames = [cdp_citywide.read(p) for p in paths]
    cw = pd.concat(frames, ignore_index=True)
    return cw[cw["iso"] == "USA"]
