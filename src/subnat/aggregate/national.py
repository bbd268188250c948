"""National series: the CPS members each draw uses, NDC levels and the headline metrics (method §8)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from subnat.case.load import Case
from subnat.errors import InputError, Problem

RANGE_STEPS = 21  # `range` CPS: evenly spaced levels between the lowest and highest member


@dataclass
class NationalSeries:
    """CPS members on a common year axis, spliced with history before the CPS starts.

    `index[m, i]` is member m's national emissions in `years[i]` (Mt CO2e/yr) on the national
    (headline) basis: the member where defined, else the central `cps`, else `history`.
    `actor_index` is the same on the actor inventories' basis (e.g. gross of LULUCF when the
    inventories are gross and the nation is net, method §8): the growth index of method §3 divides
    it, so an actor's reference grows like the national emissions it is part of. None when both
    bases agree.
    """

    years: np.ndarray  # (Y,) int
    names: list[str]  # (M,)
    index: np.ndarray  # (M, Y) float
    history: pd.Series  # year -> Mt
    actor_index: np.ndarray | None = None  # (M, Y) float, on the actors' basis; None: same as index
    basis: str = ""  # how actor_index was formed (logged and reported)

    @property
    def growth(self) -> np.ndarray:
        """(M, Y) the series the growth index CPS(t)/CPS(MRY) is formed on: the actors' basis."""
        return self.index if self.actor_index is None else self.actor_index

    def position(self, year: int | np.ndarray) -> np.ndarray | int:
        return np.asarray(year) - self.years[0]

    def over(self, years: np.ndarray) -> np.ndarray:
        """(M, T) every member's emissions over consecutive case years, national basis (the headline CPS)."""
        return self.index[:, years - self.years[0]]

    def growth_over(self, years: np.ndarray) -> np.ndarray:
        """(M, T) like `over`, on the actors' basis: what actor references grow with."""
        return self.growth[:, years - self.years[0]]

    def covers(self, year: int) -> bool:
        """A growth index can be formed at `year` on both bases."""
        if not self.years[0] <= year <= self.years[-1]:
            return False
        i = self.position(year)
        return bool(np.isfinite(self.index[:, i]).all()) and bool(np.isfinite(self.growth[:, i]).all())


def lulucf_name(series: str) -> str:
    """The land-sector series of a national series in national.csv: `lulucf:<name>` for member
    `cps:<name>`, and `lulucf` for `history` and `cps`."""
    return "lulucf:" + series.removeprefix("cps:") if series.startswith("cps:") else "lulucf"


def basis_sign(case: Case) -> int:
    """+1 or -1: actor basis = national + sign * LULUCF; 0 when both bases agree (no conversion).

    A net national series (LULUCF included) minus the land flux is gross; a gross one plus it is net."""
    national, actors = case.meta.lulucf, case.meta.inventory_lulucf or case.meta.lulucf
    if national == actors:
        return 0
    return -1 if national == "included" else 1


LAND_SINKS = {"central": "lulucf", "high": "lulucf_high", "low": "lulucf_low"}  # uncertainty.land_sink


def national_series(case: Case, rule: str, land_sink: str = "central") -> NationalSeries:
    """The CPS members a run draws from, by the `uncertainty.cps` rule (see the config schema),
    on the national basis and, where the inventories differ from it, on theirs: national minus
    (or plus) each series' own land series, else the one `uncertainty.land_sink` names."""
    table = case.national
    wide = table.pivot(index="year", columns="series", values="emissions_mt").sort_index()
    wide.index = wide.index.astype(int)
    years = np.arange(int(wide.index.min()), case.meta.last_year + 1)
    wide = wide.reindex(years)
    history = wide["history"].dropna() if "history" in wide else pd.Series(dtype=float)
    chosen = _chosen(wide, rule)
    index = np.vstack([s.to_numpy(dtype=float) for s in chosen.values()])
    sign = basis_sign(case)
    if not sign:
        return NationalSeries(years=years, names=list(chosen), index=index, history=history)
    shared = LAND_SINKS[land_sink]
    if shared not in wide:
        raise InputError(Problem("national.csv", None, "series",
                                 f"uncertainty.land_sink is '{land_sink}' but the case has no series '{shared}'"))
    actor_wide = wide.copy()
    for name in [c for c in wide.columns if c == "history" or c == "cps" or c.startswith("cps:")]:
        land = lulucf_name(name) if name.startswith("cps:") and lulucf_name(name) in wide else shared
        actor_wide[name] = wide[name] + sign * wide[land]  # NaN where the land series misses a year
    actor = _chosen(actor_wide, rule)
    basis = (f"national series {case.meta.lulucf} LULUCF, inventories {case.meta.inventory_lulucf}: "
             f"growth index on national {'minus' if sign < 0 else 'plus'} the national.csv land series "
             f"(members' own, else {shared})")
    return NationalSeries(years=years, names=list(chosen), index=index, history=history,
                          actor_index=np.vstack([s.to_numpy(dtype=float) for s in actor.values()]), basis=basis)


def _chosen(wide: pd.DataFrame, rule: str) -> dict[str, pd.Series]:
    """The series of each member a rule selects from a (year x series) table, spliced with history."""
    members = [c for c in wide.columns if c.startswith("cps:")]
    central = wide["cps"] if "cps" in wide else wide[members].median(axis=1, skipna=False)
    fallback = central.combine_first(wide["history"]) if "history" in wide else central
    fallback = fallback.interpolate(limit_area="inside")  # inventory gaps between reported years
    spliced = {name: wide[name].combine_first(fallback) for name in members}
    central = fallback
    if rule == "central" or not members:
        return {"cps": central}
    if rule == "ensemble":
        return spliced
    if rule in ("low", "high"):
        stacked = pd.DataFrame(spliced)
        return {f"cps_{rule}": stacked.min(axis=1) if rule == "low" else stacked.max(axis=1)}
    if rule == "range":
        stacked = pd.DataFrame(spliced)
        low, high = stacked.min(axis=1), stacked.max(axis=1)
        return {f"cps_range_{i / (RANGE_STEPS - 1):.2f}": low + (high - low) * i / (RANGE_STEPS - 1)
                for i in range(RANGE_STEPS)}
    raise ValueError(rule)  # the schema forbids anything else


def join_jumps(case: Case) -> list[tuple[str, int, float, int]]:
    """(series, year, relative jump, line) where each CPS series takes over from history: at the
    last year both give (the projection's value against the inventory's) and from that year to the
    projection's first year after history. A large jump is a basis mismatch (GWP, LULUCF, units)."""
    table = case.national
    history = table[table["series"] == "history"].set_index("year")["emissions_mt"]
    if history.empty:
        return []
    last = int(history.index.max())
    out = []
    for name, rows in table[table["series"].str.startswith("cps")].groupby("series"):
        series = rows.set_index("year")["emissions_mt"]
        lines = rows.set_index("year")["_line"]
        spliced = series.combine_first(history)
        shared = sorted(set(series.index) & set(history.index))
        if shared and history[shared[-1]] > 0:
            y = shared[-1]
            out.append((str(name), int(y), float(series[y] / history[y] - 1), int(lines[y])))
        after = series[series.index > last]
        if len(after):
            y = int(after.index.min())
            before = spliced.get(y - 1)
            if before is not None and before > 0:
                out.append((str(name), y, float(after.iloc[0] / before - 1), int(lines[y])))
    return out


def check_joins(case: Case, max_jump: float) -> None:
    """Refuse a projection that jumps from history by more than `max_jump` (checks.max_join_jump)."""
    problems = [Problem("national.csv", line, "emissions_mt",
                        f"series '{name}' jumps {jump:+.1%} from history in {year} (more than "
                        f"{max_jump:.0%}, checks.max_join_jump): check that history and projection share "
                        f"GWP ({case.meta.gwp}), LULUCF basis ({case.meta.lulucf}) and unit")
                for name, year, jump, line in join_jumps(case) if abs(jump) > max_jump]
    if problems:
        raise InputError(problems)


def member_draws(series: NationalSeries, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Member index of every draw: equal weights, balanced (each member as often as possible)."""
    m = len(series.names)
    if m == 1:
        return np.zeros(n_draws, dtype=np.int64)
    balanced = np.resize(np.arange(m), n_draws)
    return rng.permutation(balanced)


def base_year_emissions(case: Case, year: int) -> float:
    """National emissions in a base year: history, else the central CPS, else a member median."""
    table = case.national[(case.national["year"] == year) & ~case.national["series"].str.startswith("lulucf")]
    for series in ("history", "cps"):
        rows = table[table["series"] == series]
        if len(rows):
            return float(rows["emissions_mt"].iloc[0])
    if len(table):
        return float(table["emissions_mt"].median())
    raise InputError(Problem("national.csv", None, "year", f"no national emissions in {year}"))


def pct_below_base(emissions: np.ndarray, base: float) -> np.ndarray:
    """Percent below the base year (13.0 = 13 %), the headline metric of summary.csv."""
    return 100.0 * (1.0 - emissions / base)


def ndc_levels(case: Case, cps_by_draw: np.ndarray, years: np.ndarray) -> list[dict]:
    """Each NDC's level in its target year; `baseline` NDCs follow the CPS of each draw.

    Returns dicts with label, target_year, conditional and `level` (array over draws).
    """
    out = []
    for ndc in case.meta.ndc:
        year = int(ndc["target_year"])
        if ndc["type"] == "absolute":
            level = np.full(cps_by_draw.shape[1], base_year_emissions(case, int(ndc["base_year"])) * (1 - ndc["value"]))
        elif ndc["type"] == "fixed_level":
            level = np.full(cps_by_draw.shape[1], float(ndc["value"]))
        else:  # baseline: below the CPS in the target year
            if not years[0] <= year <= years[-1]:
                continue
            level = cps_by_draw[year - years[0]] * (1 - ndc["value"])
        out.append({"label": ndc["label"], "target_year": year, "conditional": bool(ndc["conditional"]),
                    "type": ndc["type"], "value": ndc["value"], "level": level})
    return out


def headline_ndc(ndcs: list[dict], year: int) -> dict | None:
    """The NDC reported in summary.csv for a year: the first unconditional one with that target year,
    else the first of any kind with that year, else none (documented in README)."""
    same_year = [n for n in ndcs if n["target_year"] == year]
    unconditional = [n for n in same_year if not n["conditional"]]
    return (unconditional or same_year or [None])[0]
