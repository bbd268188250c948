"""`build_pathways` (numpy over groups) against the per-group loop it replaced, kept below as the
reference: random screened cases (hypothesis) and hand cases for the rare branches (several
targets in one year, passed targets, targets outside the projection years, 12-digit ties)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subnat.aggregate.national import NationalSeries, national_series
from subnat.aggregate.pathways import Pathways, build_pathways, governing
from subnat.aggregate.screen import screen
from subnat.aggregate.settings import method_settings
from subnat.case.load import load_case
from tests.casebuilder import write_case
from tests.strategies import case_specs, config_for, ensemble

# --- reference: the per-group loop of build_pathways before vectorisation (same logic, compacted; same-year
# targets ranked once, at central data and the first member, by the actor-scope level of method §4) ---


def loop_pathways(groups: pd.DataFrame, commitments: pd.DataFrame, national: NationalSeries, years: np.ndarray,
                  config: Any, own_references: dict[int, np.ndarray] | None = None) -> Pathways:
    n_groups, n_years, n_members = len(groups), len(years), len(national.names)
    shape = (n_groups, n_years, n_members)
    X, U, V, PB = np.zeros(shape), np.zeros(shape), np.full(shape, -np.inf), np.zeros(shape)
    kw, gov = np.zeros((n_groups, n_years)), np.zeros((n_groups, n_years), dtype=np.int64)
    p = method_settings(config).pathway
    s = {"after": p.after_target, "residual": p.residual_share, "re_share": p.reference_share,
         "elec": p.electricity_share}
    nat = national.index
    t_pos = years - national.years[0]
    by_group = commitments.groupby("group").indices if len(commitments) else {}
    records = list(commitments.itertuples(index=True))
    for g, group in enumerate(groups.itertuples(index=False)):
        rows = [records[i] for i in np.sort(by_group[g])]
        if own_references and g in own_references:
            x = np.repeat(np.asarray(own_references[g], float)[:, None], n_members, axis=1)
        else:
            x = group.ref_level * (nat[:, t_pos] / nat[:, [group.ref_year - national.years[0]]]).T
        pa, pb, pk, central = _group_path(group, rows, x, years, nat, national.years[0], s)
        X[g], U[g], PB[g] = x, x - pa, pb
        V[g] = np.where(np.isfinite(pk), x - pk, -np.inf)
        gov_rows = governing([r.target_year for r in rows], [r.target_type == "peaking" for r in rows], central,
                             [r.commitment_id for r in rows], years, [r.coverage for r in rows])
        gov[g] = np.array([r.Index for r in rows])[gov_rows]
        kw[g] = group.weight * np.array([r.coverage for r in rows], dtype=float)[gov_rows]
    return Pathways(years=years, X=X, U=U, V=V if np.isfinite(V).any() else None,
                    PB=PB if PB.any() else None, kw=kw, weight=groups["weight"].to_numpy(float), gov=gov)


def _group_path(group, rows, x, years, nat, nat_start, s):
    n_years, n_members = x.shape
    pk = np.full((n_years, n_members), np.inf)
    knots: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    ranks: dict[int, tuple] = {}
    last_year = int(years[-1])

    def x_at(year):
        return x[min(year, last_year) - int(years[0])] if year >= years[0] else \
            group.ref_level * nat[:, year - nat_start] / nat[:, group.ref_year - nat_start]

    central = np.zeros(len(rows))
    for i, row in enumerate(rows):
        ty = int(row.target_year)
        if row.target_type == "peaking":
            central[i] = x_at(ty)[0]
            if ty <= last_year:
                after = years >= ty
                pk[after] = np.minimum(pk[after], x_at(ty))
            continue
        a, b = _target_level(row, x_at(ty), s, n_members)
        central[i] = row.coverage * (a[0] + b[0]) + (1 - row.coverage) * x_at(ty)[0]
        key = (float(f"{central[i]:.12g}"), -row.coverage, str(row.commitment_id))
        if ty not in knots or key < ranks[ty]:  # one winner per year, for every member
            knots[ty], ranks[ty] = (a, b), key
    if not knots:
        return x.copy(), np.zeros_like(x), pk, central
    y0 = int(group.path_year)
    ahead = sorted(y for y in knots if y > y0)
    last = max(knots)
    pa, pb = x.copy(), np.zeros_like(x)
    if ahead:
        knot_years = np.array([y0, *ahead], dtype=float)
        knot_a = np.vstack([np.full(n_members, float(group.path_level)), *[knots[y][0] for y in ahead]])
        knot_b = np.vstack([np.zeros(n_members), *[knots[y][1] for y in ahead]])
        inside = (years > y0) & (years <= last)
        right = np.searchsorted(knot_years, years[inside], side="left")
        lam = ((years[inside] - knot_years[right - 1]) / (knot_years[right] - knot_years[right - 1]))[:, None]
        pa[inside] = (1 - lam) * knot_a[right - 1] + lam * knot_a[right]
        pb[inside] = (1 - lam) * knot_b[right - 1] + lam * knot_b[right]
    after = years > max(last, y0)
    if after.any():
        a_last, b_last = knots[last]
        trend = np.ones((after.sum(), n_members))
        if s["after"] == "cps_trend" and last >= nat_start:
            trend = (nat[:, years[after] - nat_start] / nat[:, [last - nat_start]]).T
        pa[after] = a_last * trend
        pb[after] = b_last * trend
    return pa, pb, pk, central


def _target_level(row, x_ty, s, n_members):
    p = float(row.value) if np.isfinite(row.value) else 0.0
    zeros = np.zeros(n_members)
    kind = row.target_type
    if kind == "absolute":
        return np.full(n_members, row.e_by * (1 - p)), zeros
    if kind == "baseline":
        if np.isfinite(row.bau_emissions_mt):
            return zeros, np.full(n_members, row.bau_emissions_mt * (1 - p))
        return x_ty * (1 - p), zeros
    if kind in ("intensity_gdp", "intensity_capita"):
        return np.full(n_members, row.e_by * (1 - p) * row.driver_ratio), zeros
    if kind == "fixed_level":
        return zeros, np.full(n_members, p / row.coverage if row.coverage > 0 else 0.0)
    if kind == "net_zero":
        return np.full(n_members, s["residual"] * (row.e_by if np.isfinite(row.e_by) else 0.0)), zeros
    if kind == "renewable_electricity":
        share_ref = row.reference_share if np.isfinite(row.reference_share) else s["re_share"]
        return x_ty * (1 - max(0.0, p - share_ref) * s["elec"][row.actor_type]), zeros
    raise ValueError(kind)


# --- comparison ---


def assert_same(fast: Pathways, slow: Pathways) -> None:
    for key in ("X", "U", "V", "PB", "kw", "weight"):
        a, b = getattr(fast, key), getattr(slow, key)
        assert (a is None) == (b is None), key
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=key)
    np.testing.assert_array_equal(fast.gov, slow.gov)
    np.testing.assert_array_equal(fast.special_groups(), slow.special_groups())


def check(groups, commitments, national, years, config, own=None) -> Pathways:
    fast = build_pathways(groups, commitments, national, years, method_settings(config).pathway, own)
    assert_same(fast, loop_pathways(groups, commitments, national, years, config, own))
    return fast


def screened_case(spec: dict[str, Any], config: Any, first_year: int = 2012, rule: str = "ensemble"):
    with tempfile.TemporaryDirectory() as tmp:
        case = load_case(write_case(Path(tmp) / "case", spec["actors"], spec["inventory"], spec["commitments"],
                                    national=ensemble(), locations=spec.get("locations") or None,
                                    drivers=spec.get("drivers") or None, meta={"years": [first_year, 2036]}))
    national = national_series(case, rule)
    return screen(case, method_settings(config).screen, national), national


# --- random cases ---

YEARS = [2012, 2016, 2020, 2025, 2030, 2038, 2045]  # before/at the MRY (2020), inside, beyond 2036 and 2040
EXTRA = ["absolute", "baseline", "fixed_level", "net_zero", "renewable_electricity", "peaking"]


@st.composite
def varied_specs(draw: Any) -> dict[str, Any]:
    """case_specs with target years on both sides of the path year and beyond the horizon, and extra
    targets in the same year as another of the actor (several knots in one year)."""
    spec = draw(case_specs())
    rows = spec["commitments"]
    for row in rows:
        row["target_year"] = draw(st.sampled_from([y for y in YEARS if y > row["base_year"]]))
    for n, original in enumerate(draw(st.lists(st.sampled_from(rows), max_size=4)) if rows else []):
        kind = draw(st.sampled_from(EXTRA))
        value = {"fixed_level": draw(st.floats(0.0, 50.0)), "net_zero": 1.0, "peaking": ""}.get(
            kind, draw(st.floats(0.0, 0.9)))
        rows.append({**original, "commitment_id": f"x{n}", "target_type": kind, "value": value,
                     "base_year": "" if kind == "peaking" and not original["actor_id"].startswith("K")
                     else original["base_year"]})
    for row in rows:
        if row["target_type"] == "baseline" and draw(st.booleans()):
            row["bau_emissions_mt"] = draw(st.floats(1.0, 100.0))
        if row["target_type"] == "renewable_electricity" and draw(st.booleans()):
            row["reference_share"] = draw(st.floats(0.0, 1.0))
    return spec


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied_specs(), st.sampled_from(["constant", "cps_trend"]), st.sampled_from(["mry", "base_year"]),
       st.sampled_from(["ensemble", "range"]), st.integers(2012, 2030), st.integers(0, 12), st.booleans())
def test_equals_group_loop(spec, after, anchor, rule, first, length, own_paths):
    """Projection years start anywhere from 2012 to 2030 (targets before the first year use the
    national index) and end by 2036 (targets beyond are held); some groups with own references."""
    config = config_for(pathway__after_target=after, pathway__anchor=anchor)
    screened, national = screened_case(spec, config, rule=rule)
    years = np.arange(first, min(first + length, int(national.years[-1])) + 1)
    own = {g: 5.0 + np.linspace(1.0, 0.5, len(years)) * g for g in range(0, len(screened.groups), 2)} \
        if own_paths else None
    check(screened.groups, screened.commitments, national, years, config, own)


# --- hand cases ---

REGION = [{"actor_id": "R", "name": "R", "actor_type": "region"}]
INVENTORY = [{"actor_id": "R", "year": 2005, "emissions_mt": 100.0}, {"actor_id": "R", "year": 2020,
                                                                       "emissions_mt": 90.0}]


def target(cid: str, kind: str, year: int, value: Any = "", **kw) -> dict[str, Any]:
    return {"commitment_id": cid, "actor_id": "R", "target_type": kind, "target_year": year, "value": value,
            "base_year": 2005, **kw}


HAND = {
    "same_year": [target("c1", "absolute", 2030, 0.4), target("c2", "fixed_level", 2030, 50, base_year="")],
    "same_year_three": [target("c1", "fixed_level", 2030, 55, base_year=""), target("c2", "absolute", 2030, 0.4),
                        target("c3", "baseline", 2030, 0.4)],
    "peaking_and_absolute": [target("c1", "peaking", 2025, base_year=""), target("c2", "absolute", 2030, 0.3)],
    "before_path_year": [target("c1", "absolute", 2015, 0.2), target("c2", "absolute", 2035, 0.5)],
    "beyond_last_year": [target("c1", "absolute", 2030, 0.2), target("c2", "net_zero", 2050, 1.0)],
    "renewable": [target("c1", "renewable_electricity", 2030, 0.8, reference_share=0.3),
                  target("c2", "renewable_electricity", 2035, 0.9)],
    "fixed_level": [target("c1", "fixed_level", 2030, 40, base_year="", coverage=0.5)],
    "baseline_bau": [target("c1", "baseline", 2030, 0.3, bau_emissions_mt=120.0), target("c2", "baseline", 2035, 0.3)],
    "net_zero": [target("c1", "net_zero", 2045, 1.0)],
    "at_path_year": [target("c1", "absolute", 2020, 0.3), target("c2", "absolute", 2030, 0.5)],
    "peaking_only": [target("c1", "peaking", 2030, base_year=""), target("c2", "peaking", 2025, base_year="")],
}


@pytest.mark.parametrize("after", ["constant", "cps_trend"])
@pytest.mark.parametrize("anchor", ["mry", "base_year"])
@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_cases_equal_group_loop(name, anchor, after):
    config = config_for(pathway__after_target=after, pathway__anchor=anchor)
    spec = {"actors": REGION, "inventory": INVENTORY, "commitments": HAND[name]}
    screened, national = screened_case(spec, config)
    assert len(screened.commitments) == len(HAND[name])
    for years in (np.arange(2012, 2037), np.arange(2026, 2037), np.arange(2021, 2029)):
        check(screened.groups, screened.commitments, national, years, config)


def test_same_year_lower_level_wins():
    """absolute 40 % (60 Mt) and fixed 50 Mt in 2030: 50 wins, in PB; the fixed row governs 2030."""
    config = config_for()
    screened, national = screened_case({"actors": REGION, "inventory": INVENTORY,
                                        "commitments": HAND["same_year"]}, config, rule="central")
    years = np.arange(2012, 2037)
    p = check(screened.groups, screened.commitments, national, years, config)
    t = 2030 - 2012
    assert p.PB[0, t, 0] == pytest.approx(50.0) and p.U[0, t, 0] == p.X[0, t, 0]  # all of the level is fixed
    assert screened.commitments.loc[p.gov[0, t], "commitment_id"] == "c2"


def frame_case(levels: list[tuple[str, float]], year: int = 2030, kinds: tuple[str, ...] = ()):
    """One group (reference 90 in 2020, base-year emissions 100) and targets of the given (id, value) in one
    year, fixed levels unless `kinds` says otherwise."""
    groups = pd.DataFrame([{"group": 0, "actor_id": "R", "actor_type": "region", "scope": "all", "ref_year": 2020,
                            "ref_level": 90.0, "ref_anchor": "mry", "path_year": 2020, "path_level": 90.0,
                            "weight": 1.0}])
    kinds = kinds or ("fixed_level",) * len(levels)
    commitments = pd.DataFrame([{"commitment_id": cid, "actor_id": "R", "actor_type": "region", "target_type": kind,
                                 "target_year": year, "value": level, "coverage": 1.0, "e_by": 100.0,
                                 "bau_emissions_mt": np.nan, "reference_share": np.nan, "group": 0}
                                for (cid, level), kind in zip(levels, kinds, strict=True)],
                               index=[7 + 3 * i for i in range(len(levels))])
    national = NationalSeries(years=np.arange(2005, 2041), names=["a", "b"],
                              index=np.vstack([np.linspace(900, 1100, 36), np.full(36, 1000.0)]),
                              history=pd.Series(dtype=float))
    return groups, commitments, national


def test_levels_equal_to_12_digits_tie_and_go_to_the_id():
    """50 and 50 (1 + 1e-14) tie at 12 digits: 'a' governs although its level is the higher one, and
    the pathway takes its level (governing target and pathway knot are one row); exact ties too."""
    groups, commitments, national = frame_case([("b", 50.0), ("a", 50.0 * (1 + 1e-14)), ("c", 60.0)])
    p = check(groups, commitments, national, np.arange(2020, 2036), config_for())
    assert (p.gov[0] == 10).all()  # row "a" (index label 10)
    assert p.PB[0, 10, 0] == 50.0 * (1 + 1e-14)
    groups, commitments, national = frame_case([("b", 50.0), ("a", 50.0)])
    assert (check(groups, commitments, national, np.arange(2020, 2036), config_for()).gov[0] == 10).all()


def test_target_before_the_first_projection_year_uses_the_national_index():
    groups, commitments, national = frame_case([("a", 50.0)], year=2022)
    commitments.loc[:, "target_type"] = "baseline"
    commitments.loc[:, "value"] = 0.1
    check(groups, commitments, national, np.arange(2025, 2036), config_for())


@pytest.mark.parametrize("kinds", [("absolute", "fixed_level"), ("fixed_level", "absolute")])
def test_exact_tie_in_one_year_goes_to_the_id_whatever_the_row_order(kinds):
    """50 % of 100 and a fixed 50 Mt: the same level, split differently into A and B; the ids are the
    kinds, so 'absolute' wins in both orders and nothing of the level is fixed (PB empty)."""
    values = {"absolute": 0.5, "fixed_level": 50.0}
    groups, commitments, national = frame_case([(k, values[k]) for k in kinds], kinds=kinds)
    p = check(groups, commitments, national, np.arange(2020, 2036), config_for())
    assert p.PB is None
