"""One case, every scenario: screen, project, aggregate per draw, integrate nationally (method §2-§9)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat import draws as rnd
from subnat.aggregate.engine import Prepared, Result, ScenarioDraws, Structure, aggregate_draws, build_structure
from subnat.aggregate.national import NationalSeries, check_joins, member_draws, national_series, ndc_levels
from subnat.aggregate.pathways import Pathways, build_pathways
from subnat.aggregate.perturb import data_errors, growth_normals, growth_sd, projection_factor
from subnat.aggregate.scenarios import DETERMINISTIC
from subnat.aggregate.screen import Screened, emissions_series, screen
from subnat.aggregate.settings import MethodSettings, ReferenceSettings, method_settings
from subnat.case.load import Case, load_case
from subnat.config import Composed, ConfigSources, case_layer, compose, sampling_flags
from subnat.errors import ConsistencyError, InputError, Problem

log = logging.getLogger(__name__)


@dataclass
class Assessment:
    """Everything the output writers need."""

    case: Case
    settings: MethodSettings
    screened: Screened
    national: NationalSeries
    years: np.ndarray
    paths: Pathways
    structure: Structure
    prepared: Prepared  # the engine's inputs, shared by every scenario and the consistency check
    members: np.ndarray
    results: dict[str, Result]
    ndcs: dict[str, list[dict]]  # per scenario: every NDC's level in its target year, by draw
    fractions: np.ndarray | None  # (C, S) achievement draws of the expected scenario
    # what varied by draw in each scenario, so a caller can rerun one at other years (the hindcast)
    specs: dict[str, ScenarioDraws] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseRun:
    """One case ready to assess: the loaded case, its config composed from every layer (the case's
    own settings, user files, the draws and seed actually used) and the method settings read from it."""

    case: Case
    config: dict[str, Any]
    settings: MethodSettings
    composed: Composed  # which layer set which assumption, and every layer's hash (provenance)


def prepare(case: str | Path, config: ConfigSources | Mapping[str, Any], draws: int | None = None,
            seed: int | None = None) -> CaseRun:
    """The prologue every assessment shares (`subnat run`, rule assess_case, the sensitivity runs).

    `config` is the sources of a command (package defaults, user files, flags) or one resolved
    config; the case's own settings (`settings.yaml` in its folder) go just above the defaults."""
    loaded = load_case(case)
    sources = ConfigSources.coerce(config)
    composed = compose(sources.with_flags(sampling_flags(draws, seed)), loaded.meta.name, case_layer(loaded.path))
    return CaseRun(loaded, composed.config, method_settings(composed.config), composed)


def assess(case: Case, settings: MethodSettings, scenarios: Sequence[str],
           posterior: str | Path | None = None) -> Assessment:
    """Run every requested scenario of one case."""
    n_draws, seed = settings.draws, settings.seed
    check_joins(case, settings.max_join_jump)
    national = national_series(case, settings.uncertainty.cps, settings.uncertainty.land_sink)
    screened = screen(case, settings.screen, national)
    years = np.asarray(case.meta.years)
    log.info("%s: %d commitments kept in %d groups, %d excluded", case.meta.name,
             len(screened.commitments), len(screened.groups), len(screened.exclusions))
    own, ets_sd = _ets_references(screened, years, settings.reference, settings.uncertainty.ets_paths)
    paths = build_pathways(screened.groups, screened.commitments, national, years, settings.pathway, own)
    structure = build_structure(
        case.actors, screened.groups, screened.commitments, case.company_locations, paths.gov, settings.overlap,
    )
    prepared = Prepared(paths, structure)
    members = member_draws(national, n_draws, rnd.generator(seed, "members"))
    national_index = national.over(years)
    report = np.asarray(case.meta.reporting_years) - years[0]
    errors = data_errors(screened, settings.uncertainty, settings.screen.scope_weights, seed)
    factor = _draw_factor(errors.latest if errors is not None else None, ets_sd, seed)
    base = _draw_factor(errors.base_year, ets_sd, seed) if errors is not None and errors.base_year is not None else None
    measured = {"base_factor": base, "weight_factor": errors.scope_split if errors is not None else None}
    # national projection error (every scenario) and reference-growth error (all but no_nsa), method §9
    projection = projection_factor(national, settings.uncertainty, seed, n_draws)
    growth = growth_sd(screened.groups, years, settings.uncertainty, set(own))
    normals = (growth_normals(case.actors, screened.groups, settings.uncertainty.reference_growth_parent_correlation,
                              seed) if growth is not None else None)
    varied = {"projection": projection, "growth_sd": growth, "growth_z": normals}
    fractions = None
    results: dict[str, Result] = {}
    specs: dict[str, ScenarioDraws] = {}
    for name in scenarios:
        log.info("%s: scenario %s, %d draws", case.meta.name, name, n_draws)
        if name == "no_nsa":  # no reduction: only the national projection varies
            spec = ScenarioDraws(members, None, 0.0, projection=projection)
        elif name in DETERMINISTIC:  # no achievement, no data error (interfaces.md §4)
            spec = ScenarioDraws(members, None, 1.0, **varied)
        elif name == "expected":
            fractions = _achievement(screened.commitments, settings, posterior)
            spec = ScenarioDraws(members, factor, lambda s0, s1, f=fractions: f[:, s0:s1], **measured,
                                 **varied)
        else:
            spec = ScenarioDraws(members, factor, float(name.removeprefix("fixed_")), **measured, **varied)
        specs[name] = spec
        results[name] = aggregate_draws(prepared, national_index, spec, report)
    ndcs = {name: ndc_levels(case, r.cps, years) for name, r in results.items()}
    assessment = Assessment(case, settings, screened, national, years, paths, structure, prepared, members, results,
                            ndcs, fractions, specs)
    check_consistency(assessment)
    return assessment


def _ets_references(screened: Screened, years: np.ndarray, reference: ReferenceSettings, noise: bool
                    ) -> tuple[dict[int, np.ndarray], np.ndarray | None]:
    """Actor-level ETS references (method §3 alternative) and their log-scale forecast sd per group
    (None unless `noise`, the uncertainty.ets_paths switch)."""
    if reference.method != "ets" or screened.groups.empty:
        return {}, None
    from subnat.aggregate.reference import ets_reference  # statsmodels: imported only when used

    own: dict[int, np.ndarray] = {}
    sd = np.zeros(len(screened.groups))
    for g, group in enumerate(screened.groups.itertuples(index=False)):
        fitted = ets_reference(emissions_series(screened.inventory, group.actor_id, group.scope), years,
                               reference.ets_damped_trend, reference.ets_min_years)
        if fitted is None:
            log.info("%s (%s): history too short for ETS, growth index kept", group.actor_id, group.scope)
            continue
        own[g] = fitted.path
        sd[g] = fitted.log_sd
    use_noise = noise and sd.any()
    return own, sd if use_noise else None


def _draw_factor(data_error, ets_sd: np.ndarray | None, seed: int):
    """Per group and draw: data-error factor times ETS baseline noise (each optional; the noise
    multiplies the base-year factor too, so with b = e the pathway moves as before)."""
    if ets_sd is None:
        return data_error

    def factor(s0: int, s1: int) -> np.ndarray:
        noise = np.exp(ets_sd[:, None] * rnd.normals(seed, "ets", len(ets_sd), s0, s1))
        return noise if data_error is None else noise * data_error(s0, s1)

    return factor


def _achievement(commitments: pd.DataFrame, settings: MethodSettings, posterior: str | Path | None
                 ) -> np.ndarray:
    """Delivered fractions (C, S) from the achievement model's posterior (method §9.1)."""
    if posterior is None or not Path(posterior).is_file():
        raise InputError(Problem(str(posterior or "posterior.nc"), None, None,
                                 "the expected scenario needs the fitted achievement model: run "
                                 "`snakemake results/achievement/posterior.nc` or pass --posterior"))
    from subnat.achievement.predict import draw_fractions, mean_fractions

    n_draws, seed = settings.draws, settings.seed
    if commitments.empty:
        return np.zeros((0, n_draws))
    # actor_id: the targets of one actor share its latent delivery draw (method §9)
    table = commitments[["commitment_id", "actor_id", "actor_type", "target_type", "value", "base_year",
                         "target_year", "status"]].copy()
    # the model's data source of each commitment (a citation string is not a source: config maps types)
    mapping = settings.prediction_sources
    table["source"] = [mapping[t] if mapping[t] != "new" else f"new:{t}" for t in table["actor_type"]]
    if settings.uncertainty.achievement:
        return np.asarray(draw_fractions(posterior, table, n_draws, rnd.sub_seed(seed, "achievement"),
                                         settings.achievement_options), float)
    mean = np.asarray(mean_fractions(posterior, table, settings.achievement_options), float)
    return np.repeat(mean[:, None], n_draws, axis=1)


def check_consistency(a: Assessment) -> None:
    """Method §8: covered emissions must not exceed national emissions (fails loudly).

    Coverage is checked on the reported data (no data-error draws: a perturbed draw may exceed the
    nation by noise alone), once per CPS member; the deterministic scenarios are the same
    computation for the members they drew, so they are not checked again."""
    tolerance = a.settings.consistency_tolerance
    members = np.arange(len(a.national.names))
    reported = aggregate_draws(a.prepared, a.national.over(a.years), ScenarioDraws(members, None, 1.0))
    nation = a.national.growth_over(a.years).T  # (T, M) on the actors' basis, like the coverage
    ratio = reported.coverage / np.where(nation > 0, nation, np.nan)
    if ratio.size and np.nanmax(ratio) > 1 + tolerance:
        t, m = np.unravel_index(np.nanargmax(ratio), ratio.shape)
        raise ConsistencyError(
            f"{a.case.meta.name}: covered reference emissions {reported.coverage[t, m]:.1f} Mt exceed "
            f"national CPS emissions {nation[t, m]:.1f} Mt in {a.years[t]} (CPS {a.national.names[m]}); "
            f"check units, GWP ({a.case.meta.gwp}) and LULUCF basis ({a.case.meta.lulucf}) of actor data vs "
            "national data")
    _check_actors_below_nation(a, tolerance)
    for name, result in a.results.items():
        if (result.net > result.gross + 1e-9 * (1 + np.abs(result.gross))).any():
            raise ConsistencyError(f"{a.case.meta.name}/{name}: net reduction above gross (bug)")
        _check_emissions_plausible(a, name, result)


def _check_actors_below_nation(a: Assessment, tolerance: float) -> None:
    """Every actor's reference emissions, at any level of nesting, stay below the nation's: the
    coverage check above sums only actors without a containing actor with targets."""
    if not len(a.paths.X):
        return
    national = a.national.growth_over(a.years)  # (M, T) on the actors' basis, like X
    ratio = a.paths.X / np.where(national > 0, national, np.nan).T[None, :, :]  # (G, T, M)
    if np.nanmax(ratio) > 1 + tolerance:
        g, t, m = np.unravel_index(np.nanargmax(ratio), ratio.shape)
        group = a.screened.groups.iloc[g]
        raise ConsistencyError(
            f"{a.case.meta.name}: {group['actor_id']} ({group['scope']}) has reference emissions "
            f"{a.paths.X[g, t, m]:.1f} Mt in {a.years[t]}, above the national CPS {national[m, t]:.1f} Mt "
            f"(CPS {a.national.names[m]}): check the unit of its inventory or base-year emissions (Mt CO2e)")


def _check_emissions_plausible(a: Assessment, name: str, result: Result) -> None:
    """National emissions with subnational action are finite and never negative, in every draw."""
    emissions = result.cps - result.net  # (T, S)
    if not np.isfinite(emissions).all():
        raise ConsistencyError(f"{a.case.meta.name}/{name}: national emissions are not finite in some draws (bug)")
    if emissions.min() < 0:
        t, s = np.unravel_index(np.argmin(emissions), emissions.shape)
        raise ConsistencyError(
            f"{a.case.meta.name}/{name}: national emissions {emissions[t, s]:.1f} Mt in {a.years[t]} (draw {s}) "
            f"are negative: the net reduction {result.net[t, s]:.1f} Mt exceeds the national CPS "
            f"{result.cps[t, s]:.1f} Mt; check the units of the actor data (Mt CO2e)")
