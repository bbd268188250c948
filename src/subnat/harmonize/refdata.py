"""Where each upstream file lives inside a reference-data folder (mirrors config/data_sources.yaml)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from subnat.errors import SubnatError

OEF = "openclimate-oef"
FILES: dict[str, str] = {
    "net_zero_tracker": f"{OEF}/raw/net_zero_tracker_snapshot_2022-12-20.xlsx",
    "cdp_targets": f"{OEF}/raw/cdp_2021_cities_emissions_reduction_targets.csv",
    **{f"cdp_citywide_{y}": f"{OEF}/raw/cdp_citywide_emissions_{y}.csv" for y in range(2016, 2022)},
    "c2es_states": f"{OEF}/raw/c2es_us_state_ghg_targets.csv",
    "sbti_targets": f"{OEF}/raw/sbti_companies-taking-action_2023-01-09.xlsx",
    "epa_states": f"{OEF}/processed/EPA_GHG_inventory/EmissionsAgg.csv",
    "eia_states": f"{OEF}/raw/eia_state_energy_co2_table1_2023.xlsx",
    "unfccc_annex1": f"{OEF}/processed/UNFCCC_Annex1/EmissionsAgg.csv",
    "unlocode_us": "geo-nesting/unlocode_2023-2_US.csv",
    "fips_states": "geo-nesting/addfips_states.csv",
    "climactor_keydict": "climactor-ddl/key_dict_v100_slim.csv",
    "brvs2023_totals": "us-national-projections-btr/brvs2023_total_net_emissions_by_model.csv",
    "brvs2023_iamc": "us-national-projections-btr/brvs2023_multimodel_ira_iamc_long.csv",
    "past_vintages_gross_ar5": "us-national-projections-btr/us_past_projection_vintages_gross_ghg_ar5.csv",
    "past_vintages_ar4": "us-national-projections-btr/us_past_projection_vintages_by_gas_ar4.csv",
    "eccc_inventory": f"{OEF}/processed/ECCC_GHG_inventory/EmissionsAgg.csv",
    "c2es_canada": f"{OEF}/processed/C2ES_canadian_ghg_targets/Target.csv",
    "oef_ca_targets": f"{OEF}/processed/CA_province_targets/Target.csv",
    "climactor_contextuals": "climactor-ddl/subnational_contextuals_database_Dec2022.csv",
    **{f"eccc_{y}": f"eccc-canada-projections/eccc_detailed_ghg_projections_{y}.csv" for y in range(2018, 2025)},
    "cat_2024": "cat-country-assessments/CAT_14112024_CountryAssessmentData_DataExplorer.xlsx",
    "cat_2025": "cat-country-assessments/CAT_30092025_CountryAssessmentData_DataExplorer.csv",
    "climate_watch": f"{OEF}/processed/climate_watch_historical_GHG/EmissionsAgg.csv",
    "iso3166_2_names": f"{OEF}/processed/ISO-3166-2/ActorName.csv",
    "unlocode_subdivisions": "geo-nesting/unlocode_2023-2_SubdivisionCodes.csv",
    "unlocode_names": f"{OEF}/processed/UNLOCODE_to_ClimActor/ActorName.csv",
    "climactor_countries": "climactor-ddl/country_dict_Oct2023.csv",
    "ghgrp_by_year": "epa-ghgrp/ghgp_data_by_year_2023.xlsx",
    "ghgrp_parents_2020": "epa-ghgrp/edgi_ghgp_data_parent_company_10_2021_RY2020.xlsx",
    "ghgrp_latest_parents": "epa-ghgrp/edgi_facility_latest_parent_metadata.csv",
}


class MissingReferenceData(SubnatError, FileNotFoundError):
    """A needed upstream file is not in the reference-data folder."""


def path(reference_dir: str | Path, name: str) -> Path:
    """Absolute path of upstream file ``name``; raises MissingReferenceData when absent."""
    p = Path(reference_dir) / FILES[name]
    if not p.is_file():
        raise MissingReferenceData(f"{name}: expected {p}")
    return p


def sha256(p: str | Path) -> str:
    """SHA-256 hex digest of a file (streamed)."""
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
