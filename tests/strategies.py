"""Hypothesis strategies for small valid cases (nested regions and cities, companies with and
without locations, every target type) and helpers to run them through the engine and the
reference implementation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from subnat.aggregate.settings import MethodSettings, method_settings
from subnat.config import load
from tests.casebuilder import override, write_case

TYPES = ["absolute", "baseline", "intensity_gdp", "fixed_level", "net_zero", "renewable_electricity", "peaking"]


@st.composite
def case_specs(draw: Any, max_regions: int = 3) -> dict[str, Any]:
    """A consistent small case: jurisdictions and companies far smaller than the nation (1000 Mt),
    cities smaller than their region, company located emissions smaller than the places they sit in."""
    n_regions = draw(st.integers(1, max_regions))
    actors, inventory, commitments, locations, drivers = [], [], [], [], []
    jurisdictions = []
    for r in range(n_regions):
        rid = f"R{r}"
        e = draw(st.floats(20, 120))
        actors.append({"actor_id": rid, "name": rid, "actor_type": "region"})
        jurisdictions.append((rid, e))
        for c in range(draw(st.integers(0, 2))):
            cid = f"{rid}C{c}"
            ce = e * draw(st.floats(0.05, 0.3))
            actors.append({"actor_id": cid, "name": cid, "actor_type": "city", "parent_id": rid})
            jurisdictions.append((cid, ce))
            if draw(st.booleans()):
                did = f"{cid}D"
                actors.append({"actor_id": did, "name": did, "actor_type": "city", "parent_id": cid})
                jurisdictions.append((did, ce * draw(st.floats(0.1, 0.5))))
    for jid, e in jurisdictions:
        inventory += [{"actor_id": jid, "year": 2005, "emissions_mt": e},
                      {"actor_id": jid, "year": 2020, "emissions_mt": e * draw(st.floats(0.8, 1.1))}]
    for k in range(draw(st.integers(0, 2))):
        kid = f"K{k}"
        ke = draw(st.floats(0.1, 2.0))
        actors.append({"actor_id": kid, "name": kid, "actor_type": "company"})
        inventory += [{"actor_id": kid, "year": 2018, "emissions_mt": ke * 1.05, "scope": "scope1+2"},
                      {"actor_id": kid, "year": 2020, "emissions_mt": ke, "scope": "scope1+2"}]
        jurisdictions.append((kid, ke))
        if draw(st.booleans()):
            places = draw(st.lists(st.sampled_from([j for j, _ in jurisdictions if not j.startswith("K")]),
                                   min_size=1, max_size=2, unique=True))
            shares = draw(st.lists(st.floats(0.05, 0.5), min_size=len(places), max_size=len(places)))
            locations += [{"company_id": kid, "jurisdiction_id": p, "share": s}
                          for p, s in zip(places, shares, strict=True)]
    n = 0
    for aid, _ in jurisdictions:
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(TYPES))
            year = draw(st.sampled_from([2025, 2030, 2035, 2045]))
            row = {"commitment_id": f"c{n}", "actor_id": aid, "target_type": kind, "target_year": year,
                   "base_year": 2005 if not aid.startswith("K") else 2018,
                   "coverage": draw(st.sampled_from([1.0, 0.5, 0.8])),
                   "in_national_projection": draw(st.sampled_from(["false", "false", "true"]))}
            if aid.startswith("K"):
                row["scope"] = "scope1+2"
            if kind in ("absolute", "baseline", "intensity_gdp"):
                row["value"] = draw(st.floats(0.0, 0.9))
            elif kind == "fixed_level":
                row["value"] = draw(st.floats(0.0, 50.0))
            elif kind == "net_zero":
                row["value"] = 1.0
            elif kind == "renewable_electricity":
                row["value"] = draw(st.floats(0.0, 1.0))
            else:
                row["value"] = ""
            if kind == "intensity_gdp":
                drivers += [{"actor_id": aid, "driver": "gdp", "year": y, "value": v}
                            for y, v in ((2005, 100.0), (2050, draw(st.floats(100, 250))))] \
                    if not any(d["actor_id"] == aid for d in drivers) else []
            commitments.append(row)
            n += 1
    return {"actors": actors, "inventory": inventory, "commitments": commitments, "locations": locations,
            "drivers": drivers}


def materialise(spec: dict[str, Any], folder: Path, national: dict | None = None) -> Path:
    return write_case(folder, spec["actors"], spec["inventory"], spec["commitments"], national=national,
                      locations=spec["locations"] or None, drivers=spec["drivers"] or None,
                      meta={"years": [2019, 2036]})  # short horizon: the loop reference is slow


def ensemble() -> dict[str, dict[int, float]]:
    """A two-member CPS ensemble around 1000 Mt with different trends."""
    return {"history": {2005: 1000.0},
            "cps:low": {y: 1000.0 - 8.0 * max(0, y - 2020) for y in range(2005, 2041)},
            "cps:high": {y: 1000.0 + 5.0 * max(0, y - 2020) for y in range(2005, 2041)}}


_CONFIGS: dict[tuple, dict[str, Any]] = {}


def config_for(**dotted: Any) -> dict[str, Any]:
    """Validated config with some assumption values changed (cached: validation is not free)."""
    key = tuple(sorted((k, repr(v)) for k, v in dotted.items()))
    if key not in _CONFIGS:
        _CONFIGS[key] = load([], override(**dotted))
    return _CONFIGS[key]


def settings_for(draws: int = 1, seed: int = 7, **dotted: Any) -> MethodSettings:
    """The method settings of `config_for(**dotted)` with the given draws and seed."""
    return replace(method_settings(config_for(**dotted)), draws=draws, seed=seed)


__all__ = ["case_specs", "config_for", "ensemble", "materialise", "np", "settings_for"]
