"""What every column of the result tables means, and its unit (README sheet, report, tests).

Column names follow patterns (``<stem>_pXX`` for quantiles over draws, ``<stem>_mt_<year>`` for
values at a reporting year), so the descriptions are kept by stem and composed here.
"""

from __future__ import annotations

import re

MT = "Mt CO2e/yr"

#: stem -> (meaning, unit). Stems are column names with the _pXX or _<year> suffix removed.
STEMS: dict[str, tuple[str, str]] = {
    "case": ("Case (one country assessment)", ""),
    "scenario": ("Scenario: no_nsa, full_implementation, expected or fixed_<x> (delivered fraction x)", ""),
    "year": ("Calendar year", "year"),
    "emissions_mt": ("National emissions with NSA action (current policy minus net NSA reduction)", MT),
    "cps_emissions_mt": ("National current-policy (CPS) emissions, the reference without NSA action", MT),
    "pct_below_base": ("National emissions below the base year of the case", "%"),
    "net_reduction_mt": ("Net NSA reduction: delivered reduction with overlaps removed (O2, O3, O6)", MT),
    "gross_reduction_mt": ("Gross NSA reduction: sum of delivered reductions before overlap removal", MT),
    "ndc_gap_share": ("Share of the gap between CPS and the headline NDC closed by the net NSA reduction "
                      "(quantiles over the draws whose CPS is above the NDC; empty where no draw is)", "share (0-1)"),
    "prob_meets_ndc": ("Probability (share of draws) that emissions with NSA action meet the NDC level",
                       "probability (0-1)"),
    "n_commitments": ("Number of commitments kept after screening", "count"),
    "avoided_growth_mt": ("Part of the net NSA reduction that only avoids growth: actors' references above their "
                          "latest inventory levels, split per draw", MT),
    "below_today_mt": ("Part of the net NSA reduction below the actors' latest inventory levels (today's level), "
                       "split per draw", MT),
    "commitment_id": ("Commitment identifier from the case's commitments.csv", ""),
    "actor_id": ("Actor identifier from the case's actors.csv", ""),
    "actor_type": ("Actor type: region, city or company", ""),
    "target_type": ("Target type (absolute, baseline, intensity_gdp, intensity_capita, net_zero, fixed_level, "
                    "peaking, renewable_electricity)", ""),
    "target_year": ("Year the target is to be met", "year"),
    "value": ("Target value: reduction fraction, level in Mt, or share, depending on target_type; in the "
              "assumptions sheet, the assumption's value", "see target_type / unit column"),
    "base_year": ("Base year of the target", "year"),
    "base_year_emissions_mt": ("Actor's emissions in the base year for the target's scope", MT),
    "coverage": ("Share of the actor's emissions the target applies to; in projection_error.csv the share of "
                 "the left-out vintage's errors inside the 90 % interval", "share (0-1)"),
    "scope": ("Emission scope: territorial, scope1, scope2", ""),
    "status": ("Legal status of the commitment: law, policy or pledge", ""),
    "in_national_projection": ("Already modelled in the national projection (overlap O6: reported, not "
                               "subtracted by default)", "true/false"),
    "reference_anchor": ("Year type the actor's reference starts from (mry = most recent inventory year)", ""),
    "reference_year": ("Year the actor's reference emissions start from", "year"),
    "scope_weight": ("Weight of the scope in the counted reduction (scope-2 rules)", "share (0-1)"),
    "source": ("Data source of the row; in uncertainty.csv the uncertainty source drawn alone (cps, "
               "reference_growth, actor_data_error, achievement, ets_paths), `all` (every source) or "
               "`interaction` (the rest)", ""),
    "centre": ("Centre of the projection-error interval checked: zero (as drawn by default) or the bias", ""),
    "vintage": ("Past national projection (report and year) left out of the calibration; all = every vintage, "
                "weighted equally", ""),
    "n_errors": ("Number of horizons of the vintage with an outturn", "count"),
    "exponent": ("Fitted exponent p of sd(h) = scale * h^p without the left-out vintage", ""),
    "scale": ("Fitted scale of sd(h) = scale * h^p without the left-out vintage", "1 (log scale)"),
    "drift": ("Fitted bias per year of horizon without the left-out vintage", "1 (log scale) per year"),
    "metric": ("Headline metric the variance is of (pct_below_base: % below the base year, per draw)", ""),
    "variance": ("Variance over draws of the metric (population variance)", "%^2"),
    "share": ("Share of the all-sources variance; the sources and interaction of one scenario and year sum "
              "to 1 (empty where the all-sources variance is 0)", "share"),
    "reference_mt": ("Actor's covered reference emissions (median over draws) of the target governing that year",
                     MT),
    "pathway_mt": ("Target pathway emissions (median over draws)", MT),
    "expected_mt": ("pathways.csv: actor-scope emissions with the expected delivery of the governing target "
                    "(reference minus the delivered fraction times the reduction; achievement uncertainty only)", MT),
    "potential_mt": ("Potential impact: reference minus pathway, never negative (median over draws)", MT),
    "delivered_full_mt": ("Delivered impact under full implementation (median over draws)", MT),
    "net_full_mt": ("Net impact under full implementation, overlaps removed (median over draws)", MT),
    "delivered_expected_mt": ("Delivered impact under expected delivery (median over draws)", MT),
    "net_expected_mt": ("Net impact under expected delivery, overlaps removed (median over draws)", MT),
    "achievement": ("Delivered fraction drawn from the achievement model", "share (0-1)"),
    "reason_code": ("Why the commitment was excluded (see docs/case-format.md)", ""),
    "detail": ("Explanation of the exclusion", ""),
    "line": ("Line of the commitment in the case's commitments.csv (header = 1)", "line number"),
    "gross_mt": ("Gross NSA reduction before overlap removal", MT),
    "net_mt": ("Net NSA reduction after overlap removal", MT),
    "o2_removed_mt": ("Overlap removed between nested jurisdictions (O2)", MT),
    "o3_removed_mt": ("Overlap removed between companies and jurisdictions with targets (O3)", MT),
    "o6_removed_mt": ("Impact already in the national projection, not counted again (O6)", MT),
    "coverage_mt": ("Emissions covered by at least one commitment, overlaps counted once", MT),
    "coverage_share": ("Covered emissions as a share of national CPS emissions", "share (0-1)"),
    "ndc": ("NDC label from case.yaml", ""),
    "type": ("NDC type from case.yaml (absolute, fixed_level, ...)", ""),
    "conditional": ("Conditional NDC (depends on international support)", "true/false"),
    "ndc_level_mt": ("Emission level the NDC implies in its target year", MT),
    "gap_mt": ("Gap: CPS emissions minus the NDC level", MT),
    "gap_share": ("Share of the gap closed by the net NSA reduction (empty where the CPS meets the NDC)",
                  "share (0-1)"),
    "sensitivity": ("Sensitivity case name (default = the configuration as run)", ""),
    "description": ("Plain-language description", ""),
    "changes": ("Config keys the sensitivity case changes (JSON)", ""),
    "low": ("Headline metric (% below base year in the metric year), 5 % quantile over draws", "%"),
    "central": ("Headline metric (% below base year in the metric year), median over draws", "%"),
    "high": ("Headline metric (% below base year in the metric year), 95 % quantile over draws", "%"),
    "delta_central": ("Change of the central value from the default configuration", "percentage points"),
    "key": ("Dotted config key of the assumption", ""),
    "unit": ("Unit of the assumption's value", ""),
    "rationale": ("Why this value was chosen", ""),
    "set_by": ("The config layer that overrode the package default (case settings, a user file, the "
               "command line); empty for a default", ""),
    "sensitivity_cases": ("Sensitivity cases that vary this assumption", ""),
    "sensitivity_values": ("Value each of those sensitivity cases sets (JSON)", ""),
    # tracking (issue 19): progress.csv and actors.csv, documented in docs/outputs.md
    "base_emissions_mt": ("Actor's emissions in the target's base year and scope (commitments.csv, else the "
                          "inventory)", MT),
    "target_level_mt": ("Actor-scope level the target implies in its target year (covered share at the target, "
                        "the rest at base-year emissions)", MT),
    "latest_year": ("Latest inventory year of the actor (scope of the target, or its main scope)", "year"),
    "latest_emissions_mt": ("Emissions in the latest inventory year", MT),
    "pathway_level_mt": ("Level on the straight line from base year to target at the latest inventory year", MT),
    "share_achieved": ("Share of the targeted reduction achieved by the latest inventory year", "share"),
    "required_rate_pct": ("Annual compound reduction rate the target requires (progress: base to target year; "
                          "actors: latest inventory to the next positive-level target); empty for a zero level",
                          "% per year"),
    "achieved_rate_pct": ("Annual compound reduction rate achieved from base year to latest inventory",
                          "% per year"),
    "on_track": ("Latest inventory at or below the linear target pathway (actors: of the governing target)",
                 "true/false"),
    "base_emissions_source": ("Where base_emissions_mt comes from: commitments.csv or inventory", ""),
    "flags": ("Data flags: basis_differs (latest inventory outside 1 +- tolerance of the base; protocol or "
              "boundary differ), target_year_passed", ""),
    "name": ("Actor name from the case's actors.csv", ""),
    "parent_id": ("Enclosing jurisdiction (actors.csv)", ""),
    "country": ("Country (ISO 3166-1 alpha-3)", ""),
    "population": ("Population used (case actors.csv first, else ClimActor)", "people"),
    "population_year": ("Year of the population (ClimActor; the case states none)", "year"),
    "population_source": ("Source of the population", ""),
    "population_flag": ("Population cross-check: agree, disagree (ratio above tracking.population_ratio), "
                        "case_only, climactor_only, climactor_unavailable, none, not_applicable", ""),
    "per_capita_t": ("Latest emissions per person", "t CO2e per person"),
    "emissions_1990_mt": ("Emissions in 1990 (inventory or back-cast)", MT),
    "emissions_1990_source": ("inventory, backcast (earliest inventory x national history 1990/that year) or none",
                              ""),
    "emissions_1990_detail": ("How emissions_1990_mt was obtained", ""),
    "long_term_target_year": ("Year of the long-term target (lowest level target in 2040 or later)", "year"),
    "long_term_target_level_mt": ("Level of the long-term target", MT),
    "mou2015": ("Under2 MOU 2015 (80 % below 1990 or < 2 t per person by 2050): met, not_met, unknown", ""),
    "mou2015_reason": ("Why: the target that meets it, or what is missing or short", ""),
    "mou2021": ("Under2 MOU 2021 update (net zero by 2050): met, not_met, unknown", ""),
    "mou2021_reason": ("Why: the net-zero target, its year or coverage, or its absence", ""),
    "ar6_15c_rate_pct": ("Annual rate of the IPCC AR6 1.5 C pathway (-43 % 2030, -84 % 2050 vs 2019) over the "
                         "same years as required_rate_pct (to 2050 without a target)", "% per year"),
    "ar6_2c_rate_pct": ("Annual rate of the IPCC AR6 2 C pathway (-27 % 2030, -63 % 2050 vs 2019) over the same "
                        "years", "% per year"),
    "consistency_flag": ("2050 consistency: consistent, dead_end (an interim target above the straight path to the "
                         "long-term target), no_interim, none", ""),
    "peer_rank_per_capita": ("Rank among actors of the same type in the case by per-capita emissions (1 = lowest)",
                             "rank"),
    "peer_rank_ambition": ("Rank by required_rate_pct (1 = steepest)", "rank"),
    "peer_rank_progress": ("Rank by share_achieved of the governing target (1 = most)", "rank"),
    "peer_group_size": ("Number of actors of the same type in the case", "count"),
    "rate_target_id": ("The target required_rate_pct is computed to", ""),
    "rate_target_year": ("Its target year", "year"),
    "population_case": ("Population in the case's actors.csv", "people"),
    "population_climactor": ("Population in ClimActor's contextuals (same name, country and type)", "people"),
}

_QUANTILE = re.compile(r"^(?P<stem>.+)_p(?P<q>\d\d)$")
_YEAR = re.compile(r"^(?P<stem>.+)_(?P<year>\d{4})$")


def describe(column: str) -> tuple[str, str] | None:
    """(meaning, unit) of a column, or None when it is not documented."""
    if column in STEMS:
        return STEMS[column]
    match = _QUANTILE.match(column)
    if match and match["stem"] in STEMS:
        meaning, unit = STEMS[match["stem"]]
        q = int(match["q"])
        label = "median" if q == 50 else f"{q} % quantile"
        return f"{meaning}; {label} over draws", unit
    match = _YEAR.match(column)
    if match and match["stem"] in STEMS:
        meaning, unit = STEMS[match["stem"]]
        return f"{meaning}, in {match['year']}", unit
    return None
