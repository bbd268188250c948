"""Writers of small synthetic xlsx files in the upstream layouts (NZT, SBTi, EIA, EPA GHGRP).

The csv fixtures live in tests/fixtures/sources/; the xlsx ones are generated here so no binary
file is committed. All rows are made up (names of real places, invented numbers) except where a
known upstream defect is reproduced on purpose (Nevada's 10^6 unit error, the Georgia row that
carries the country Georgia's NDC).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"

NZT_COLUMNS = [
    "last_updated", "id_code", "name", "country", "actor_type", "isin_id", "race_to_zero_member",
    "end_target", "end_target_percentage_reduction", "end_target_baseline_year",
    "end_target_intensity_unit", "end_target_baseline_emissions", "end_target_target_emissions",
    "end_target_bau_emissions", "end_target_other", "end_target_year", "end_target_status",
    "status_date", "interim_target", "interim_target_percentage_reduction",
    "interim_target_baseline_year", "interim_target_intensity_unit",
    "interim_target_baseline_emissions", "interim_target_target_emissions",
    "interim_target_bau_emissions", "interim_target_other", "interim_target_year",
    "end_target_text", "interim_target_text", "target_notes", "source_url", "gasses_coverage",
    "territorial_emissions", "consumption_emissions", "international_aviation",
    "international_shipping", "scope_1", "scope_2", "scope_3", "historical_emissions",
    "coverage_notes", "has_plan", "plan_options", "reporting_mechanism", "equity",
    "accountability", "governance_notes", "carbon_credit_offsets", "carbon_credit_conditions",
    "max_emission_offset", "conditions_other", "removals_targets", "cdr",
    "sinks_and_credits_notes", "memberships", "gdp_real", "annual_revenue", "population",
    "industry", "sector", "employees", "market_index", "ghg", "inventory_year",
    "higher_net_zero",
]

NZT_ROWS = [
    {"id_code": "REG-0004", "name": "Nevada", "country": "USA", "actor_type": "Region",
     "end_target": "Net zero", "end_target_year": 2050, "end_target_status": "In policy document",
     "status_date": 2019, "interim_target": "Emissions reduction target",
     "interim_target_percentage_reduction": 28, "interim_target_baseline_year": 2005,
     "interim_target_year": 2025, "ghg": 3.62e13, "inventory_year": 2017,
     "source_url": "https://example.org/nv-climate-strategy"},
    {"id_code": "REG-0790", "name": "Georgia", "country": "USA", "actor_type": "Region",
     "end_target": "Emissions reduction target", "end_target_percentage_reduction": 35,
     "end_target_baseline_year": 1990, "end_target_year": 2030,
     "end_target_status": "In policy document", "status_date": 2021,
     "end_target_text": "unconditional limiting target of 35% below 1990 (not covering "
                        "Abkhazia and Tskhinvali Region of Georgia)",
     "source_url": "https://www4.unfccc.int/sites/ndcstaging/PublishedDocuments/Georgia%20First/"
                   "NDC%20Georgia_ENG%20WEB-approved.pdf"},
    {"id_code": "REG-0015", "name": "New York State", "country": "USA", "actor_type": "Region",
     "end_target": "Net zero", "end_target_year": 2050, "end_target_status": "In law",
     "status_date": 2019, "interim_target": "Emissions reduction target",
     "interim_target_percentage_reduction": 40, "interim_target_baseline_year": 1990,
     "interim_target_year": 2030, "ghg": 2.0561e8, "inventory_year": 2016},
    {"id_code": "REG-0080", "name": "Florida", "country": "USA", "actor_type": "Region",
     "end_target": "Emissions reduction target", "end_target_percentage_reduction": 80,
     "end_target_baseline_year": 1990, "end_target_year": 2050, "end_target_status": "In law",
     "status_date": 2007, "interim_target": "Other", "interim_target_year": 2025},
    {"id_code": "REG-0074", "name": "Alabama", "country": "USA", "actor_type": "Region",
     "end_target": "No target", "interim_target": "No target"},
    {"id_code": "CIT-0021", "name": "Boston, MA", "country": "USA", "actor_type": "City",
     "end_target": "Net zero", "end_target_year": 2050, "end_target_status": "In policy document",
     "status_date": 2020, "interim_target": "Emissions reduction target",
     "interim_target_percentage_reduction": 50, "interim_target_baseline_year": 2005,
     "interim_target_year": 2030, "ghg": 6366313, "inventory_year": 2018, "population": 690000},
    {"id_code": "CIT-0099", "name": "Nashville and Davidson County, TN", "country": "USA",
     "actor_type": "City", "end_target": "Emissions reduction target",
     "end_target_percentage_reduction": 80, "end_target_baseline_year": 2014,
     "end_target_year": 2050, "end_target_status": "Declaration / pledge", "status_date": 2017,
     "ghg": 11071860, "inventory_year": 2014},
    {"id_code": "CIT-0083", "name": "Los Angeles-Long Beach-Santa Ana", "country": "USA",
     "actor_type": "City", "end_target": "Net zero", "end_target_year": 2050,
     "end_target_status": "In policy document", "status_date": 2019},
    {"id_code": "CIT-0055", "name": "Grand Rapids, MI", "country": "USA", "actor_type": "City",
     "end_target": "Net zero", "end_target_year": 2040,
     "end_target_status": "Proposed / in discussion", "status_date": 2019},
    {"id_code": "COM-0009", "name": "Acme Widgets Inc.", "country": "USA",
     "actor_type": "Company", "end_target": "Net zero", "end_target_year": 2040,
     "end_target_status": "In corporate strategy", "status_date": 2021, "scope_1": "Yes",
     "scope_2": "Yes", "scope_3": "Partial"},
    {"id_code": "COU-0141", "name": "Georgia", "country": "GEO", "actor_type": "Country",
     "end_target": "Emissions reduction target", "end_target_percentage_reduction": 35,
     "end_target_baseline_year": 2030, "end_target_year": 1990, "ghg": 17640000},
]

SBTI_COLUMNS = [
    "Company Name", "ISIN", "LEI", "Near term - Target Status",
    "Near term - Target Classification", "Near term - Target Year", "Long term - Target Status",
    "Long term - Target Classification", "Long term - Target Year", "Net-Zero Committed",
    "Net-Zero Year", "Organization Type", "BA1.5", "BA1.5 Date", "Location", "Region", "Sector",
    "Date", "Target", "Target Classification", "Extension",
]

SBTI_ROWS = [
    {"Company Name": "Acme Widgets Corporation", "Near term - Target Status": "Targets Set",
     "Near term - Target Year": "2030", "Location": "United States of America (USA)",
     "Date": "01/03/2017", "Organization Type": "Company", "Sector": "Machinery",
     "Target": "Acme Widgets commits to reduce absolute scope 1 and 2 GHG emissions 30% by "
               "2030 from a 2015 base year. Acme also commits to reduce scope 3 GHG emissions "
               "from purchased goods 15% by 2030 from a 2015 base year."},
    {"Company Name": "Tall Towers REIT", "Near term - Target Status": "Targets Set",
     "Location": "United States of America (USA)", "Date": "01/06/2021",
     "Target": "Tall Towers REIT commits to reduce scope 1 and 2 GHG emissions 60.1% per "
               "square foot by 2032 from a 2018 base year."},
    {"Company Name": "Cloud Soft", "Near term - Target Status": "Targets Set",
     "Location": "United States of America (USA)", "Date": "01/11/2022",
     "Target": "Cloud Soft commits to reduce absolute scope 1 and 2 GHG emissions 67% by "
               "FY2030 from a FY20 base year."},
    {"Company Name": "Green Grocer", "Near term - Target Status": "Committed",
     "Location": "United States of America (USA)", "Date": "01/12/2022"},
    {"Company Name": "Fund Partners", "Near term - Target Status": "Targets Set",
     "Location": "United States of America (USA)", "Date": "01/01/2021",
     "Target": "Fund Partners' portfolio targets cover 56% of its total investment and lending "
               "activities as of 2020."},
    {"Company Name": "Bière SA", "Near term - Target Status": "Targets Set",
     "Location": "France", "Date": "01/02/2019",
     "Target": "Bière SA commits to reduce absolute scope 1, scope 2, and scope 3 GHG "
               "emissions 50% by 2030 from a 2019 base year."},
]


def write_nzt(path: Path) -> Path:
    """NZT export with the real column layout and the synthetic rows above."""
    df = pd.DataFrame([{c: r.get(c) for c in NZT_COLUMNS} for r in NZT_ROWS], columns=NZT_COLUMNS)
    df["last_updated"] = "2022-05-28 08:07:58"
    df.to_excel(path, index=False, sheet_name="Sheet1")
    return path


def write_sbti(path: Path) -> Path:
    """SBTi companies-taking-action export (sheet 'Worksheet')."""
    df = pd.DataFrame([{c: r.get(c) for c in SBTI_COLUMNS} for r in SBTI_ROWS],
                      columns=SBTI_COLUMNS)
    df.to_excel(path, index=False, sheet_name="Worksheet")
    return path


def write_eia(path: Path) -> Path:
    """EIA table 1 layout: title rows, a 'State' header row, years, change columns, notes."""
    years = list(range(1970, 1975))
    rows = [
        ["Table 1. State energy-related carbon dioxide emissions by year (1970–1974)"]
        + [None] * (len(years) + 2),
        ["million metric tons of energy-related carbon dioxide"] + [None] * (len(years) + 2),
        [None] * (len(years) + 1) + ["Change", None],
        ["State", *years, "Percent", "Absolute"],
        ["Alabama", 102.6, 98.5, 101.0, 104.2, 99.9, -0.02, -2.7],
        ["Washington", 44.8, 45.1, 46.0, 47.3, 48.0, 0.07, 3.2],
        ["Total of states", 4254.9, 4300.0, 4400.0, 4500.0, 4400.0, 0.03, 145.1],
        [None] * (len(years) + 3),
        ["Sources: U.S. Energy Information Administration (synthetic fixture)"]
        + [None] * (len(years) + 2),
    ]
    pd.DataFrame(rows).to_excel(path, index=False, header=False, sheet_name="Table 1")
    return path


def reference_tree(root: Path) -> Path:
    """A miniature reference-data folder with the FILES layout of subnat.harmonize.refdata."""
    from subnat.harmonize import refdata

    copies = {
        "cdp_targets": "cdp_2021_cities_emissions_reduction_targets.csv",
        "c2es_states": "c2es_us_state_ghg_targets.csv",
        "epa_states": "EmissionsAgg.csv",
        "unfccc_annex1": "UNFCCC_EmissionsAgg.csv",
        "unlocode_us": "unlocode_2023-2_US.csv",
        "fips_states": "addfips_states.csv",
        "climactor_keydict": "key_dict_v100_slim.csv",
        "brvs2023_totals": "brvs2023_total_net_emissions_by_model.csv",
        "brvs2023_iamc": "brvs2023_multimodel_ira_iamc_long.csv",
        "past_vintages_ar4": "us_past_projection_vintages_by_gas_ar4.csv",
        "past_vintages_gross_ar5": "us_past_projection_vintages_gross_ghg_ar5.csv",
    }
    for year in range(2016, 2022):
        src = {2016: "2016", 2017: "2017"}.get(year, "2021")
        copies[f"cdp_citywide_{year}"] = f"cdp_citywide_emissions_{src}.csv"
    for name, fname in copies.items():
        dest = root / refdata.FILES[name]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / fname, dest)
    for name, writer in (("net_zero_tracker", write_nzt), ("sbti_targets", write_sbti),
                         ("eia_states", write_eia), ("ghgrp_by_year", write_ghgrp_by_year),
                         ("ghgrp_parents_2020", write_ghgrp_parents),
                         ("ghgrp_latest_parents", write_ghgrp_latest)):
        dest = root / refdata.FILES[name]
        dest.parent.mkdir(parents=True, exist_ok=True)
        writer(dest)
    return root


# --- EPA GHGRP (issue 17): invented facilities in the upstream layouts ----------------------
GHGRP_BANNER = [
    "Summary data collected by the Greenhouse Gas Reporting Program",
    "This data was reported to EPA by facilities as of 8/16/2024",
    "All emissions data is presented in units of metric tons of carbon dioxide equivalent using GWP's "
    "from IPCC's AR4 (see FAQs tab).",
]
GHGRP_YEARS = list(range(2023, 2010, -1))  # upstream order: newest first
DIRECT_HEAD = ["Facility Id", "FRS Id", "Facility Name", "City", "State", "Zip Code", "Address", "County",
               "Latitude", "Longitude", "Primary NAICS Code", "Latest Reported Industry Type (subparts)",
               "Latest Reported Industry Type (sectors)"]
#: facility -> (state, emissions in t by year 2011..2023; None = blank, "confidential" kept as text)
GHGRP_FACILITIES = {
    1000001: ("NY", [100000.0 + 1000 * i for i in range(13)]),  # two owners in RY2020
    1000002: ("CO", [50000.0] * 13),  # only in EDGI's latest-owner table
    1000003: ("CA", [None, None, 30000.0, "confidential", *[30000.0] * 9]),
}


def _ghgrp_sheet(ws, header: list[str], rows: list[list]) -> None:
    for line in GHGRP_BANNER:
        ws.append([line])
    ws.append(header)
    for row in rows:
        ws.append(row)


def write_ghgrp_by_year(path: Path) -> Path:
    """ghgp_data_by_year layout: 3 banner rows, emitter sheets, a Suppliers sheet that is not
    emissions, a transmission sheet with full state names and a basin sheet with reporter states."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Direct Point Emitters"
    years = [f"{y} Total reported direct emissions" for y in GHGRP_YEARS]
    _ghgrp_sheet(ws, DIRECT_HEAD + years, [
        [fid, "1100", f"Plant {fid}", "Town", st, "00000", "1 Road", "COUNTY", 0.0, 0.0, 325000, "C", "Chemicals",
         *reversed(values)] for fid, (st, values) in GHGRP_FACILITIES.items()])
    onshore = wb.create_sheet("Onshore Oil & Gas Prod.")
    _ghgrp_sheet(onshore, ["Facility Id", "FRS Id", "Facility Name", "Basin", "Reported City", "Reported State"]
                 + [f"{y} Total reported emissions from Onshore Oil & Gas Production " for y in GHGRP_YEARS],
                 [[1000010, None, "(430) Basin op", "430 - Permian Basin", "Denver", "CO", *([20000.0] * 13)]])
    pipes = wb.create_sheet("Transmission Pipelines")
    _ghgrp_sheet(pipes, ["Facility Id", "FRS Id", "Facility Name", "State where Emissions Occur"]
                 + [f"{y} Total reported direct emissions from Transmission Pipelines" for y in GHGRP_YEARS],
                 [[1000020, None, "Pipe", "New York", *([None] * 6), *([5000.0] * 7)]])
    suppliers = wb.create_sheet("Suppliers")
    _ghgrp_sheet(suppliers, ["Facility Id", "FRS Id", "Facility Name", "City", "State"]
                 + [f"{y} GHG Quantity Associated with Coal-based liquid fuel production" for y in GHGRP_YEARS],
                 [[1000001, None, "Plant 1000001", "Town", "NY", *(["confidential"] * 13)],
                  [1000030, None, "Fuel supplier", "Town", "NY", *([9.9e9] * 13)]])
    wb.create_sheet("FAQs about this Data").append(["not data"])
    wb.save(path)
    return path


def write_ghgrp_year(path: Path, year: int) -> Path:
    """ghgp_data_<year> layout: direct sheet "Direct Emitters" before RY2018, "Direct Point
    Emitters" after; one total column and the gas split."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Direct Emitters" if year < 2018 else "Direct Point Emitters"
    header = [*DIRECT_HEAD[:11], "Industry Type (subparts)", "Industry Type (sectors)",
              "Total reported direct emissions", "CO2 emissions (non-biogenic) ", "Methane (CH4) emissions "]
    idx = year - 2011
    _ghgrp_sheet(ws, header, [
        # the RY2020 file stores facility ids as floats (1004377.0)
        [float(fid), "1100", f"Plant {fid}", "Town", st, "00000", "1 Road", "COUNTY", 0.0, 0.0, "325000", "C",
         "Chemicals", values[idx], values[idx], None] for fid, (st, values) in GHGRP_FACILITIES.items()])
    wb.create_sheet("Suppliers").append(["Facility Id", "State"])
    wb.save(path)
    return path


PARENT_HEAD = [None, "GHGRP FACILITY ID", "FRS ID (FACILITY)", "REPORTING YEAR", "FACILITY NAME",
               "FACILITY ADDRESS", "FACILITY CITY", "FACILITY STATE", "FACILITY ZIP", "FACILITY COUNTY",
               "PARENT COMPANY NAME", "PARENT CO. STREET ADDRESS", "PARENT CO. CITY", "PARENT CO. STATE",
               "PARENT CO. ZIP", "PARENT CO. PERCENT OWNERSHIP", "FACILITY NAICS CODE", "FAC_EMISSIONS",
               "FAC_EMISSIONS_ADJUSTED"]


def write_ghgrp_parents(path: Path) -> Path:
    """EDGI's re-save of EPA's RY2020 parent table: a pivot sheet first, then one row per facility
    x parent with an unnamed index column; facility 1000001 has two owners (60 / 40 %)."""
    import openpyxl

    wb = openpyxl.Workbook()
    pivot = wb.active
    pivot.title = "DE_Parents_Pivot"
    pivot.append([None, None])
    pivot.append(["Row Labels", "Sum of FAC_EMISSIONS_ADJUSTED"])
    ws = wb.create_sheet("DE_parentcompanies")
    ws.append(PARENT_HEAD)
    for i, (fid, st, parent, pct) in enumerate([(1000001, "NY", "ACME WIDGETS CORP", 60),
                                                (1000001, "NY", "OTHER OWNER LLC", 40),
                                                (1000003, "CA", "Acme Widgets, Inc.", None)]):
        ws.append([i, fid, 1100, 2020, f"Plant {fid}", "1 Road", "Town", st, 0, "COUNTY", parent, "PO Box",
                   "City", "DE", 0, pct, 325000, 1.0, 1.0])
    wb.create_sheet("Suppliers_parentcompanies").append(PARENT_HEAD)
    wb.save(path)
    return path


def write_ghgrp_latest(path: Path) -> Path:
    """EDGI facility_metadata.csv layout: one (largest) parent per facility."""
    rows = [
        {"Facility Id": 1000001, "State": "NY", "Parent Company": "OTHER OWNER LLC", "Parent Ownership %": 40.0},
        {"Facility Id": 1000002, "State": "CO", "Parent Company": "ACME WIDGETS CO", "Parent Ownership %": 100.0},
        {"Facility Id": 1000010, "State": "CO", "Parent Company": "Acme Widgets", "Parent Ownership %": 50.0},
    ]
    cols = ["Facility Id", "Facility Name", "Latitude", "Longitude", "Address", "State", "Zip Code", "Parent Company",
            "Parent Ownership %", "Latest Reported Industry Type (sectors)"]
    pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols).rename_axis(None).to_csv(path)
    return path
