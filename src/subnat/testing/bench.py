"""Benchmark of the per-draw aggregation on a synthetic nested case (not a test: run by hand).

    python -m subnat.bench aggregate --actors 20000 --draws 4000 --first-year 2015 --last-year 2050 --json
    python -m subnat.testing.bench aggregate --actors 20000 --draws 4000 --first-year 2015 --last-year 2050 --json
    python -m subnat.testing.bench scaling --actors 5000 10000 20000 40000 --draws 1000 4000

Builds regions, cities inside them (some two levels deep) and companies with locations, runs the
full per-draw aggregation (CPS ensemble, national projection error, reference-growth error
correlated within parents, separate base-year and latest-inventory data errors, achievement
draws, every overlap rule) and
prints one JSON line: seconds, peak memory, and the speed-up over the loop reference
implementation measured on a subsample (with a check that both agree to 1e-9 relative).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from subnat import draws as rnd
from subnat.aggregate.engine import Prepared, ScenarioDraws, aggregate_draws, build_structure
from subnat.aggregate.national import national_series
from subnat.aggregate.pathways import build_pathways
from subnat.aggregate.perturb import DataErrors, actor_rows, data_errors, growth_normals, growth_sd, projection_factor
from subnat.aggregate.screen import screen
from subnat.aggregate.settings import MethodSettings, method_settings
from subnat.case.load import Case, CaseMeta
from subnat.config import load
from subnat.testing import naive

KINDS = np.array(["absolute", "absolute", "net_zero", "baseline", "fixed_level", "peaking"])


def synthetic_case(n_actors: int, first_year: int, last_year: int, seed: int = 1, members: int = 10) -> Case:
    """Regions (5 %), cities inside them (70 %, a tenth nested in another city), companies (25 %)."""
    rng = np.random.default_rng(seed)
    n_regions = max(1, n_actors // 20)
    n_companies = n_actors // 4
    n_cities = max(0, n_actors - n_regions - n_companies)
    ids = [f"R{i}" for i in range(n_regions)] + [f"C{i}" for i in range(n_cities)] + \
        [f"K{i}" for i in range(n_companies)]
    types = ["region"] * n_regions + ["city"] * n_cities + ["company"] * n_companies
    parents = [""] * n_regions
    for i in range(n_cities):
        if i >= 10 and rng.random() < 0.1:
            parents.append(f"C{rng.integers(0, i)}")
        else:
            parents.append(f"R{rng.integers(0, n_regions)}")
    parents += [""] * n_companies
    emissions = np.concatenate([rng.uniform(50, 150, n_regions), rng.uniform(0.05, 1.0, n_cities),
                                rng.uniform(0.01, 0.5, n_companies)])
    actors = pd.DataFrame({"actor_id": ids, "name": ids, "actor_type": types, "country": "XBM",
                           "parent_id": parents, "population": np.nan, "gdp_musd": np.nan, "source": "synthetic",
                           "_line": np.arange(2, len(ids) + 2)})
    inventory = pd.DataFrame({
        "actor_id": ids * 2, "year": np.repeat([2005.0, 2019.0], len(ids)),
        "emissions_mt": np.concatenate([emissions * 1.1, emissions]),
        "scope": [("scope1+2" if t == "company" else "territorial") for t in types] * 2, "source": "synthetic"})
    inventory["_line"] = np.arange(2, len(inventory) + 2)
    kind = KINDS[rng.integers(0, len(KINDS), len(ids))]
    target_year = rng.choice([2025, 2030, 2035, 2040, 2050], len(ids))
    value = np.where(kind == "fixed_level", emissions * rng.uniform(0.3, 0.9, len(ids)),
                     np.where(kind == "net_zero", 1.0, rng.uniform(0.1, 0.8, len(ids))))
    value = np.where(kind == "peaking", np.nan, value)
    commitments = pd.DataFrame({
        "commitment_id": [f"c{i}" for i in range(len(ids))], "actor_id": ids, "target_type": kind,
        "target_year": target_year.astype(float), "value": value, "base_year": 2005.0,
        "base_year_emissions_mt": np.nan, "coverage": rng.choice([1.0, 0.8], len(ids)),
        "scope": [("scope1+2" if t == "company" else "territorial") for t in types],
        "status": "pledge", "in_national_projection": rng.random(len(ids)) < 0.05,
        "bau_emissions_mt": np.nan, "reference_share": np.nan, "source": "synthetic",
        "_line": np.arange(2, len(ids) + 2)})
    company_idx = np.arange(n_regions + n_cities, len(ids))
    located = company_idx[rng.random(len(company_idx)) < 0.7]
    rows = []
    for k in located:
        places = rng.choice(n_regions + n_cities, size=rng.integers(1, 4), replace=False)
        shares = rng.dirichlet(np.ones(len(places))) * rng.uniform(0.5, 1.0)
        rows += [(ids[k], ids[p], s) for p, s in zip(places, shares, strict=True)]
    locations = pd.DataFrame(rows, columns=["company_id", "jurisdiction_id", "share"]).assign(source="synthetic")
    locations["_line"] = np.arange(2, len(locations) + 2)
    total = float(emissions.sum()) * 1.5 + 100.0
    years = np.arange(2005, last_year + 1)
    series = []
    for m in range(members):
        trend = rng.uniform(-0.02, 0.005)
        series.append(pd.DataFrame({"series": f"cps:m{m}", "year": years.astype(float),
                                    "emissions_mt": total * (1 + trend) ** np.maximum(0, years - 2019)}))
    national = pd.concat([pd.DataFrame({"series": ["history"], "year": [2005.0], "emissions_mt": [total]}),
                          *series], ignore_index=True).assign(source="synthetic")
    national["_line"] = np.arange(2, len(national) + 2)
    meta = CaseMeta(name="bench", country="XBM", base_year=2005, first_year=first_year, last_year=last_year,
                    reporting_years=[2030], gwp="AR5GWP100", lulucf="excluded",
                    ndc=[{"label": "NDC", "target_year": 2030, "type": "absolute", "value": 0.5, "base_year": 2005,
                          "conditional": False}])
    empty = pd.DataFrame({"actor_id": [], "driver": [], "year": [], "value": [], "source": [], "_line": []})
    return Case(meta=meta, path=None, actors=actors, inventory=inventory, commitments=commitments,  # type: ignore[arg-type]
                national=national, company_locations=locations, drivers=empty, progress=None, files={})


def prepare_case(case: Case, settings: MethodSettings):
    national = national_series(case, "ensemble")
    screened = screen(case, settings.screen, national)
    years = np.arange(case.meta.first_year, case.meta.last_year + 1)
    paths = build_pathways(screened.groups, screened.commitments, national, years, settings.pathway)
    structure = build_structure(case.actors, screened.groups, screened.commitments, case.company_locations,
                                paths.gov, settings.overlap)
    return national, screened, years, Prepared(paths, structure)


def random_draws(n_groups: int, n_commitments: int, n_members: int, n_draws: int, seed: int):
    """CPS member, lognormal data error (sigma 0.1) and achievement fractions (logit-normal), chunk-stable."""
    members = member_draws_for(n_members, n_draws, seed)

    def factor(s0: int, s1: int) -> np.ndarray:
        return np.exp(0.1 * rnd.normals(seed, "data_error", n_groups, s0, s1))

    def fraction(s0: int, s1: int) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(0.5 + rnd.normals(seed, "achievement", n_commitments, s0, s1))))

    return members, factor, fraction


def every_source(settings: MethodSettings) -> MethodSettings:
    """The settings with the projection, reference-growth and separate data errors switched on whatever the case."""
    return replace(settings, uncertainty=replace(settings.uncertainty, projection_error="on", reference_growth=True,
                                                 actor_data_error=True, actor_data_separate=True))


def case_data_errors(screened, settings: MethodSettings, seed: int) -> DataErrors:
    """The case's data errors as `assess` draws them (perturb.data_errors)."""
    errors = data_errors(screened, settings.uncertainty, settings.screen.scope_weights, seed)
    if errors is None:
        raise ValueError("the benchmark needs actor_data_error on")
    return errors


def naive_data_errors(errors: DataErrors, n_draws: int) -> dict[str, Any]:
    """The data-error draws as the loop reference takes them: each factor on its own."""
    return {"data_factor": errors.latest(0, n_draws),
            "base_factor": errors.base_year(0, n_draws) if errors.base_year is not None else None,
            "weight_factor": errors.scope_split(0, n_draws) if errors.scope_split is not None else None}


def perturbations(case: Case, national, screened, years: np.ndarray, settings: MethodSettings, n_draws: int,
                  seed: int) -> dict[str, Any]:
    """The engine's projection and reference-growth draws (ScenarioDraws fields), as `assess` builds them."""
    u = settings.uncertainty
    return {"projection": projection_factor(national, u, seed, n_draws),
            "growth_sd": growth_sd(screened.groups, years, u),
            "growth_z": growth_normals(case.actors, screened.groups, u.reference_growth_parent_correlation, seed)}


def naive_perturbations(case: Case, n_draws: int, seed: int) -> dict[str, np.ndarray]:
    """The same draws as the loop reference takes them: the raw normals (it correlates them itself)."""
    return {"projection_z": rnd.normals(seed, "projection_error", 1, 0, n_draws)[0],
            "growth_eps": rnd.normals(seed, "reference_growth", len(case.actors), 0, n_draws)[actor_rows(case.actors)]}


def member_draws_for(n_members: int, n_draws: int, seed: int) -> np.ndarray:
    return np.resize(np.arange(n_members), n_draws)[rnd.generator(seed, "members").permutation(n_draws)]


def aggregate(n_actors: int, n_draws: int, first_year: int, last_year: int, seed: int = 1,
              naive_actors: int = 40, naive_draws: int = 3) -> dict[str, Any]:
    """Time preparation and aggregation of the synthetic case; compare with the loop reference on a subsample.

    The subsample runs first: it compiles the kernel (cached on disk afterwards), so `seconds` is
    the steady state and `warmup_seconds` shows what a first run on a new machine adds."""
    settings = every_source(method_settings(load([])))
    warm = time.perf_counter()
    small = synthetic_case(naive_actors, first_year, last_year, seed + 1)
    s_national, s_screened, s_years, s_prepared = prepare_case(small, settings)
    m, _, f_fraction = random_draws(len(s_screened.groups), len(s_screened.commitments),
                                    len(s_national.names), naive_draws, seed)
    s_errors = case_data_errors(s_screened, settings, seed)
    s_index = s_national.index[:, s_years - s_national.years[0]]
    fast_small = aggregate_draws(s_prepared, s_index, ScenarioDraws(
        m, delivered_fraction=f_fraction, **s_errors.fields(),
        **perturbations(small, s_national, s_screened, s_years, settings, naive_draws, seed)),
        np.arange(len(s_years)))  # every year a reporting year: the avoided-growth split is compared too
    warmup = time.perf_counter() - warm

    case = synthetic_case(n_actors, first_year, last_year, seed)
    started = time.perf_counter()
    national, screened, years, inputs = prepare_case(case, settings)
    prepared_at = time.perf_counter()
    members, _, fraction = random_draws(len(screened.groups), len(screened.commitments),
                                        len(national.names), n_draws, seed)
    measured = case_data_errors(screened, settings, seed).fields()
    index = national.index[:, years - national.years[0]]
    varied = perturbations(case, national, screened, years, settings, n_draws, seed)
    aggregate_draws(inputs, index, ScenarioDraws(members, delivered_fraction=fraction, **measured, **varied))
    finished = time.perf_counter()
    fast_unit = (finished - prepared_at) / (n_actors * n_draws * len(years))

    t0 = time.perf_counter()
    slow = naive.aggregate(small, s_screened, s_national, s_years, settings,
                           naive.DrawArrays(members=m, delivered_fraction=f_fraction(0, naive_draws),
                                            **naive_data_errors(s_errors, naive_draws),
                                            **naive_perturbations(small, naive_draws, seed)))
    naive_unit = (time.perf_counter() - t0) / (naive_actors * naive_draws * len(s_years))
    equal = all(np.allclose(getattr(fast_small, k), v, rtol=1e-9, atol=1e-9) for k, v in slow.items())
    return {
        "seconds": round(finished - started, 3), "prepare_seconds": round(prepared_at - started, 3),
        "aggregate_seconds": round(finished - prepared_at, 3), "warmup_seconds": round(warmup, 3),
        "actors": n_actors, "draws": n_draws, "years": len(years), "groups": len(screened.groups),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "naive_ratio": round(naive_unit / fast_unit, 1), "naive_equal": bool(equal),
    }


def scaling(actors: Sequence[int], draws: Sequence[int], first_year: int, last_year: int, repeats: int
            ) -> list[dict[str, Any]]:
    """`aggregate` over a grid of sizes, each in a fresh process (so peak memory is per size); medians of `repeats`."""
    rows = []
    for n_actors in actors:
        for n_draws in draws:
            runs = []
            for _ in range(repeats):
                out = subprocess.run([sys.executable, "-m", "subnat.testing.bench", "aggregate",
                                      "--actors", str(n_actors),
                                      "--draws", str(n_draws), "--first-year", str(first_year),
                                      "--last-year", str(last_year), "--json"],
                                     check=True, capture_output=True, text=True)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            row = {k: runs[0][k] for k in ("actors", "draws", "years", "naive_equal")}
            for key in ("seconds", "prepare_seconds", "aggregate_seconds", "peak_rss_mb"):
                row[key] = float(np.median([r[key] for r in runs]))
            row["seconds_range"] = [min(r["seconds"] for r in runs), max(r["seconds"] for r in runs)]
            print(json.dumps(row, sort_keys=True), flush=True)
            rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m subnat.bench")
    sub = parser.add_subparsers(required=True, dest="command")
    p = sub.add_parser("aggregate", help="time the per-draw aggregation on a synthetic case")
    p.add_argument("--actors", type=int, default=20000)
    p.add_argument("--draws", type=int, default=4000)
    p.add_argument("--first-year", type=int, default=2015)
    p.add_argument("--last-year", type=int, default=2050)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON line")
    q = sub.add_parser("scaling", help="time and peak memory over a grid of actors and draws (JSON lines)")
    q.add_argument("--actors", type=int, nargs="+", default=[5000, 10000, 20000, 40000])
    q.add_argument("--draws", type=int, nargs="+", default=[1000, 4000])
    q.add_argument("--first-year", type=int, default=2015)
    q.add_argument("--last-year", type=int, default=2050)
    q.add_argument("--repeats", type=int, default=3, help="runs per size (the median is reported)")
    args = parser.parse_args(argv)
    if args.command == "scaling":
        scaling(args.actors, args.draws, args.first_year, args.last_year, args.repeats)
        return 0
    result = aggregate(args.actors, args.draws, args.first_year, args.last_year, args.seed)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
