"""The method's settings, read from the validated config once and passed down (style.md item 18).

Each stage gets a frozen record of plain values: a reader finds every assumption a function uses
in its signature, and following the config through the code goes down, never back to `config.py`.
`method_settings` is the only place that knows the config's dotted keys for the assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from subnat.config import value as cfg


@dataclass(frozen=True)
class ScreenSettings:
    """Stock-take and grouping (method §2-§4)."""

    statuses: frozenset[str]  # inclusion.statuses
    duplicates: str  # inclusion.duplicates: most_complete | keep_all
    residual_share: float  # net_zero.residual_share (0 when net_zero.offsets_count)
    base_year_fallback: bool  # reference.base_year_fallback
    anchor: str  # pathway.anchor: mry | base_year
    scope_weights: Mapping[str, float]  # method §7 O4, by single scope


@dataclass(frozen=True)
class PathwaySettings:
    """Target levels and pathways (method §4)."""

    after_target: str  # pathway.after_target
    residual_share: float  # net_zero.residual_share (0 when net_zero.offsets_count)
    reference_share: float  # renewable_electricity.reference_share
    electricity_share: Mapping[str, float]  # renewable_electricity.electricity_share_of_emissions, by actor type


@dataclass(frozen=True)
class ReferenceSettings:
    """Reference projections (method §3)."""

    method: str  # growth_index | ets
    ets_damped_trend: bool
    ets_min_years: int


@dataclass(frozen=True)
class OverlapSettings:
    """Overlap rules (method §7): True where the rule removes the overlap."""

    nested_max_ambition: bool  # O2: overlap.nested == max_ambition
    companies_max_ambition: bool  # O3: overlap.companies == max_ambition
    subtract_in_national_projection: bool  # O6


@dataclass(frozen=True)
class UncertaintySettings:
    """Which uncertainty sources are drawn (method §9)."""

    cps: str  # uncertainty.cps: ensemble | range | central | low | high
    land_sink: str  # uncertainty.land_sink: central | high | low (the lulucf series of national.csv)
    projection_error: str = "off"  # auto | on | off: national projection error where one CPS is drawn
    projection_error_sd: tuple[tuple[float, float], ...] = ((0.0, 0.0),)  # (horizon, sd of log error)
    projection_error_bias: tuple[tuple[float, float], ...] = ((0.0, 0.0),)  # (horizon, mean log error)
    projection_error_apply_bias: bool = False
    reference_growth: bool = False
    reference_growth_sd_per_decade: Mapping[str, float] = field(default_factory=dict)  # by actor type
    reference_growth_exponent: float = 0.5
    reference_growth_parent_correlation: float = 0.0
    actor_data_error: bool = False
    actor_data_sigma: Mapping[str, float] = field(default_factory=dict)  # by actor type: latest inventory (MRY)
    # separate data errors (issue 16 item 4): off = one factor on base-year, MRY and reference alike
    actor_data_separate: bool = False
    actor_base_year_sigma: Mapping[str, float] = field(default_factory=dict)  # by actor type
    actor_base_year_correlation: float = 0.0  # base-year vs MRY error when both are rows of the case's inventory
    actor_scope_split_sigma: Mapping[str, float] = field(default_factory=dict)  # by actor type
    ets_paths: bool = False
    achievement: bool = True


@dataclass(frozen=True)
class MethodSettings:
    """Everything the assessment of one case reads from config."""

    draws: int
    seed: int
    screen: ScreenSettings
    pathway: PathwaySettings
    reference: ReferenceSettings
    overlap: OverlapSettings
    uncertainty: UncertaintySettings
    prediction_sources: Mapping[str, str]  # achievement.prediction_sources: actor type -> model source
    # achievement.engine_fraction and achievement.correlation.*: how predict.draw_fractions draws
    achievement_options: Mapping[str, Any]
    consistency_tolerance: float  # checks.consistency_tolerance
    max_join_jump: float  # checks.max_join_jump


def scope_weights(config: Mapping[str, Any]) -> dict[str, float]:
    """How much of each scope's emissions and reductions count nationally (method §7 O4)."""
    factor = cfg(config, "scope.scope2_real_reduction_factor")
    scope2 = {"location_based": 1.0, "market_based": factor, "excluded": 0.0}[cfg(config, "scope.count_scope2")]
    return {"territorial": 1.0, "scope1": 1.0, "scope2": scope2,
            "scope3": 1.0 if cfg(config, "scope.count_scope3") else 0.0}


def _switch(value: Any) -> str:
    """auto | on | off; YAML 1.1 reads a bare on/off as a boolean."""
    return {True: "on", False: "off"}.get(value, value) if isinstance(value, bool) else str(value)


def by_horizon(mapping: Mapping[Any, float]) -> tuple[tuple[float, float], ...]:
    """A horizon -> value mapping as sorted (horizon, value) pairs (YAML and JSON give int or str keys)."""
    pairs = sorted((float(h), float(v)) for h, v in mapping.items())
    if pairs and pairs[0][0] < 0:
        raise ValueError(f"a horizon is negative: {pairs[0][0]}")
    return tuple(pairs)


def method_settings(config: Mapping[str, Any]) -> MethodSettings:
    """The settings of a validated config (`subnat.config.resolve` has filled every default)."""
    # net_zero.offsets_count: offsets bought elsewhere count as reductions, so the target is net 0
    residual = 0.0 if cfg(config, "net_zero.offsets_count") else float(cfg(config, "net_zero.residual_share"))
    return MethodSettings(
        draws=int(cfg(config, "sampling.draws")),
        seed=int(config["sampling"]["random_seed"]),
        screen=ScreenSettings(
            statuses=frozenset(cfg(config, "inclusion.statuses")),
            duplicates=cfg(config, "inclusion.duplicates"),
            residual_share=residual,
            base_year_fallback=bool(cfg(config, "reference.base_year_fallback")),
            anchor=cfg(config, "pathway.anchor"),
            scope_weights=scope_weights(config),
        ),
        pathway=PathwaySettings(
            after_target=cfg(config, "pathway.after_target"),
            residual_share=residual,
            reference_share=cfg(config, "renewable_electricity.reference_share"),
            electricity_share=dict(cfg(config, "renewable_electricity.electricity_share_of_emissions")),
        ),
        reference=ReferenceSettings(
            method=cfg(config, "reference.method"),
            ets_damped_trend=bool(cfg(config, "reference.ets_damped_trend")),
            ets_min_years=int(cfg(config, "reference.ets_min_years")),
        ),
        overlap=OverlapSettings(
            nested_max_ambition=cfg(config, "overlap.nested") == "max_ambition",
            companies_max_ambition=cfg(config, "overlap.companies") == "max_ambition",
            subtract_in_national_projection=bool(cfg(config, "overlap.subtract_in_national_projection")),
        ),
        uncertainty=UncertaintySettings(
            cps=cfg(config, "uncertainty.cps"),
            land_sink=cfg(config, "uncertainty.land_sink"),
            projection_error=_switch(cfg(config, "uncertainty.projection_error")),
            projection_error_sd=by_horizon(cfg(config, "uncertainty.projection_error_sd")),
            projection_error_bias=by_horizon(cfg(config, "uncertainty.projection_error_bias")),
            projection_error_apply_bias=bool(cfg(config, "uncertainty.projection_error_apply_bias")),
            reference_growth=bool(cfg(config, "uncertainty.reference_growth")),
            reference_growth_sd_per_decade=dict(cfg(config, "uncertainty.reference_growth_sd_per_decade")),
            reference_growth_exponent=float(cfg(config, "uncertainty.reference_growth_exponent")),
            reference_growth_parent_correlation=float(cfg(config, "uncertainty.reference_growth_parent_correlation")),
            actor_data_error=bool(cfg(config, "uncertainty.actor_data_error")),
            actor_data_sigma=dict(cfg(config, "uncertainty.actor_data_sigma")),
            actor_data_separate=bool(cfg(config, "uncertainty.actor_data_separate")),
            actor_base_year_sigma=dict(cfg(config, "uncertainty.actor_base_year_sigma")),
            actor_base_year_correlation=float(cfg(config, "uncertainty.actor_base_year_correlation")),
            actor_scope_split_sigma=dict(cfg(config, "uncertainty.actor_scope_split_sigma")),
            ets_paths=bool(cfg(config, "uncertainty.ets_paths")),
            achievement=bool(cfg(config, "uncertainty.achievement")),
        ),
        prediction_sources=dict(cfg(config, "achievement.prediction_sources")),
        achievement_options={"engine_fraction": cfg(config, "achievement.engine_fraction"),
                             "per_actor": bool(cfg(config, "achievement.correlation.per_actor")),
                             "type_shock_sd": float(cfg(config, "achievement.correlation.type_shock_sd"))},
        consistency_tolerance=float(cfg(config, "checks.consistency_tolerance")),
        max_join_jump=float(cfg(config, "checks.max_join_jump")),
    )
