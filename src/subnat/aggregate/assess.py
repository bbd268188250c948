"""One case, every scenario: screen, project, aggregate per draw, integrate nationally (method §2-§9)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from subnat import draws as rnd
from subnat.aggregate.engine import Draws, Prepared, Result, Structure, build_structure, run
from subnat.aggregate.national import NationalSeries, member_draws, national_series
from subnat.aggregate.pathways import Pathways, build_pathways
from subnat.aggregate.scenarios import DETERMINISTIC
from subnat.aggregate.screen import Screened, screen
from subnat.case.load import Case
from subnat.config import value as cfg
from subnat.errors import ConsistencyError, InputError, Problem

log = logging.getLogger(__name__)



@dataclass
class Assessment:
    """Everything the output writers need."""

    case: Case
    config: Mapping[str, Any]
    screened: Screened
    national: NationalSeries
    years: np.ndarray
    paths: Pathways
    structure: Structure
    prepared: Prepared  # the engine's inputs, shared by every scenario and the consistency check
    members: np.ndarray
    results: dict[str, Result]
    fractions: np.ndarray | None  # (C, S) achievement draws of the expected scenario


def assess(case: Case, config: Mapping[str, Any], scenarios: Sequence[str], n_draws: int, seed: int,
           posterior: str | Path | None = None) -> Assessment:
    """Run every requested scenario of one case."""
    national = national_series(case, cfg(config, "uncertainty.cps"))
    screened = screen(case, config, national)
    years = np.arange(case.meta.first_year, case.meta.last_year + 1)
    log.info("%s: %d commitments kept in %d groups, %d excluded", case.meta.name,
             len(screened.commitments), len(screened.groups), len(screened.exclusions))
    own, ets_sd = _ets_references(case, screened, years, config)
    paths = build_pathways(screened.groups, screened.commitments, national, years, config, own)
    structure = build_structure(
        case.actors, screened.groups, screened.commitments, case.company_locations, paths.gov,
        nested=cfg(config, "overlap.nested") == "max_ambition",
        companies=cfg(config, "overlap.companies") == "max_ambition",
        subtract_flagged=cfg(config, "overlap.subtract_in_national_projection"),
    )
    prepared = Prepared(paths, structure)
    members = member_draws(national, n_draws, rnd.generator(seed, "members"))
    national_index = national.index[:, years - national.years[0]]
    report = np.asarray(case.meta.reporting_years) - years[0]
    factor = _draw_factor(_data_error(screened, config, seed), ets_sd, seed)
    fractions = None
    results: dict[str, Result] = {}
    for name in scenarios:
        log.info("%s: scenario %s, %d draws", case.meta.name, name, n_draws)
        if name in DETERMINISTIC:
            spec = Draws(members, None, 0.0 if name == "no_nsa" else 1.0)
        elif name == "expected":
            fractions = _achievement(screened.commitments, config, posterior, n_draws, seed)
            spec = Draws(members, factor, lambda s0, s1, f=fractions: f[:, s0:s1])
        else:
            spec = Draws(members, factor, float(name.removeprefix("fixed_")))
        results[name] = run(prepared, national_index, spec, report)
    assessment = Assessment(case, config, screened, national, years, paths, structure, prepared, members, results,
                            fractions)
    check_consistency(assessment)
    return assessment


def _data_error(screened: Screened, config: Mapping[str, Any], seed: int):
    """Lognormal data-error factor per actor and draw (median 1), mapped to groups (method §9)."""
    if not cfg(config, "uncertainty.actor_data_error") or screened.groups.empty:
        return None
    sigma_by_type = cfg(config, "uncertainty.actor_data_sigma")
    actors = list(dict.fromkeys(screened.groups["actor_id"]))
    position = {a: i for i, a in enumerate(actors)}
    first_group = screened.groups.drop_duplicates("actor_id").set_index("actor_id")
    sigma = np.array([sigma_by_type[first_group.at[a, "actor_type"]] for a in actors])[:, None]
    rows = screened.groups["actor_id"].map(position).to_numpy()

    def factor(s0: int, s1: int) -> np.ndarray:
        return np.exp(sigma * rnd.normals(seed, "data_error", len(actors), s0, s1))[rows]

    return factor


def _ets_references(case: Case, screened: Screened, years: np.ndarray, config: Mapping[str, Any]
                    ) -> tuple[dict[int, np.ndarray], np.ndarray | None]:
    """Actor-level ETS references (method §3 alternative) and their log-scale forecast sd per group."""
    if cfg(config, "reference.method") != "ets" or screened.groups.empty:
        return {}, None
    from subnat.aggregate.reference import ets_reference
    from subnat.aggregate.screen import _inventory_by_actor, emissions_series

    inventory = _inventory_by_actor(case.inventory)
    own: dict[int, np.ndarray] = {}
    sd = np.zeros(len(screened.groups))
    for g, group in enumerate(screened.groups.itertuples(index=False)):
        fitted = ets_reference(emissions_series(inventory, group.actor_id, group.scope), years,
                               cfg(config, "reference.ets_damped_trend"), cfg(config, "reference.ets_min_years"))
        if fitted is None:
            log.info("%s (%s): history too short for ETS, growth index kept", group.actor_id, group.scope)
            continue
        own[g] = fitted.path
        sd[g] = fitted.log_sd
    use_noise = cfg(config, "uncertainty.ets_paths") and sd.any()
    return own, sd if use_noise else None


def _draw_factor(data_error, ets_sd: np.ndarray | None, seed: int):
    """Per group and draw: data-error factor times ETS baseline noise (each optional)."""
    if ets_sd is None:
        return data_error

    def factor(s0: int, s1: int) -> np.ndarray:
        noise = np.exp(ets_sd[:, None] * rnd.normals(seed, "ets", len(ets_sd), s0, s1))
        return noise if data_error is None else noise * data_error(s0, s1)

    return factor


def _achievement(commitments: pd.DataFrame, config: Mapping[str, Any], posterior: str | Path | None,
                 n_draws: int, seed: int) -> np.ndarray:
    """Delivered fractions (C, S) from the achievement model's posterior (method §9.1)."""
    if posterior is None or not Path(posterior).is_file():
        raise InputError(Problem(str(posterior or "posterior.nc"), None, None,
                                 "the expected scenario needs the fitted achievement model: run "
                                 "`snakemake results/achievement/posterior.nc` or pass --posterior"))
    from subnat.achievement.predict import draw_fractions, mean_fractions

    if commitments.empty:
        return np.zeros((0, n_draws))
    table = commitments[["commitment_id", "actor_type", "target_type", "value", "base_year", "target_year",
                         "status"]].copy()
    # the model's data source of each commitment (a citation string is not a source: config maps types)
    mapping = cfg(config, "achievement.prediction_sources")
    table["source"] = [mapping[t] if mapping[t] != "new" else f"new:{t}" for t in table["actor_type"]]
    if cfg(config, "uncertainty.achievement"):
        return np.asarray(draw_fractions(posterior, table, n_draws, rnd.sub_seed(seed, "achievement")), float)
    mean = np.asarray(mean_fractions(posterior, table), float)
    return np.repeat(mean[:, None], n_draws, axis=1)


def check_consistency(a: Assessment) -> None:
    """Method §8: covered emissions must not exceed national emissions (fails loudly).

    Coverage is checked on the reported data (no data-error draws: a perturbed draw may exceed the
    nation by noise alone), once per CPS member; the deterministic scenarios are the same
    computation for the members they drew, so they are not checked again."""
    tolerance = cfg(a.config, "checks.consistency_tolerance")
    members = np.arange(len(a.national.names))
    index = a.national.index[:, a.years - a.national.years[0]]
    reported = run(a.prepared, index, Draws(members, None, 1.0))
    ratio = reported.coverage / np.where(reported.cps > 0, reported.cps, np.nan)
    if ratio.size and np.nanmax(ratio) > 1 + tolerance:
        t, m = np.unravel_index(np.nanargmax(ratio), ratio.shape)
        raise ConsistencyError(
            f"{a.case.meta.name}: covered reference emissions {reported.coverage[t, m]:.1f} Mt exceed "
            f"national CPS emissions {reported.cps[t, m]:.1f} Mt in {a.years[t]} (CPS {a.national.names[m]}); "
            f"check units, GWP ({a.case.meta.gwp}) and LULUCF basis ({a.case.meta.lulucf}) of actor data vs "
            "national data")
    for name, result in a.results.items():
        if (result.net > result.gross + 1e-9 * (1 + np.abs(result.gross))).any():
            raise ConsistencyError(f"{a.case.meta.name}/{name}: net reduction above gross (bug)")
