"""Ex-post progress observations for the achievement model (method.md §9.1, §11).

Builds ``progress.csv`` (interfaces.md §2) from the real upstream files:

- companies: SBTi progress report 2021 appendix (absolute scope-1/2 targets),
- cities: CDP 2021 city targets, "% of target achieved so far" (absolute, city-wide targets),
- US states: C2ES state targets against the EPA state inventory (observed year 2020, the COVID
  year, flagged with ``covid_year``),

and, separately, the hand-entered published outcome counts (``aggregates.csv``).

All three sources reduce to fractions of base-year emissions, so ``E(BY)`` cancels: with
``g = N(t_obs)/N(BY)`` (national growth index), ``p`` the pledged reduction fraction, ``x`` the
elapsed share of the target period and ``a`` the share of the pledged reduction achieved,

    B/E(BY) = g,   T/E(BY) = 1 - x p,   E_obs/E(BY) = 1 - a p,
    r = (B - E_obs) / (B - T) = (g - 1 + a p) / (g - 1 + x p),
    r_base_year = a / x   (the same ratio with g = 1, i.e. no counterfactual).

``r`` and ``r_base_year`` measure from the base year. The delivery window
(:mod:`subnat.achievement.window`) restarts the measurement at the later of base year and
adoption year and adds ``e_start, e_obs, b_window, t_window, r_window`` (all relative to
E(BY) = 1). ``B - T <= 0`` is no longer an exclusion: ``b_le_t`` flags it (``r`` is NaN there)
and the row stays for a likelihood on the observed level. Observations whose window is shorter
than ``achievement.min_window_years`` are excluded (``window_too_short``).

Observed year of a city: the accounting year of its inventory in the CDP city-wide file of the
same reporting year (2021), else the latest accounting year any earlier vintage states for the
account (flag ``observed_year_earlier_vintage``), else the year before reporting (flag
``observed_year_assumed``). The CDP targets file states no inventory year of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from subnat.achievement.window import WINDOW_COLUMNS, Growth, delivery_window
from subnat.sources import (
    c2es_states,
    cdp_citywide,
    cdp_targets,
    epa_states,
    sbti_progress,
    state_adoption,
)

#: Columns of progress.csv, in order (interfaces.md §2 plus the model's inputs and provenance).
PROGRESS_COLUMNS = [
    "observation_id", "actor_id", "actor_name", "actor_type", "source", "country",
    "target_type", "target_value", "base_year", "target_year", "observed_year",
    "expected_fraction", "achieved_fraction", "national_growth", "national_series",
    "r", "r_base_year", "ambition_pct_per_year", "covid_year", "flags", "status", "record",
    *WINDOW_COLUMNS, "b_le_t",
]
EXCLUSION_COLUMNS = ["source", "record", "actor_id", "reason_code", "detail"]

#: Short source keys: the model pools by these.
SRC_SBTI = "sbti_progress_2021"
SRC_CDP = "cdp_cities_2021"
SRC_STATES = "c2es_epa_states_2020"

#: Relative paths of the upstream files under the reference-data folder.
FILES = {
    "sbti": "openclimate-oef/raw/sbti_progress_report_2021_appendix.xlsx",
    "sbti_list": "openclimate-oef/raw/sbti_companies-taking-action_2023-01-09.xlsx",
    "cdp": "openclimate-oef/raw/cdp_2021_cities_emissions_reduction_targets.csv",
    **{f"cdp_inventory_{y}": f"openclimate-oef/raw/cdp_citywide_emissions_{y}.csv"
       for y in range(2016, 2022)},
    "c2es": "openclimate-oef/raw/c2es_us_state_ghg_targets.csv",
    "epa_states": "openclimate-oef/processed/EPA_GHG_inventory/EmissionsAgg.csv",
    "unfccc": "openclimate-oef/processed/UNFCCC_Annex1/EmissionsAgg.csv",
    "climate_watch": "openclimate-oef/processed/climate_watch_historical_GHG/EmissionsAgg.csv",
    "iso_names": "openclimate-oef/processed/ISO-3166-1/ActorName.csv",
    "iso_ids": "openclimate-oef/processed/ISO-3166-1/ActorIdentifier.csv",
}

#: SBTi "Location" spellings that differ from ISO 3166-1 English short names.
_LOCATION_ALIASES = {
    "United Kingdom (UK)": "GB", "United Kingdom": "GB", "United States of America (USA)": "US",
    "Taiwan, Province of China": "TW", "Hong Kong, China": "HK", "Turkey": "TR",
    "South Korea": "KR", "Vietnam": "VN", "United Arab Emirates (UAE)": "AE", "Russia": "RU",
    "Czech Republic": "CZ", "Trinidad And Tobago": "TT", "Macau, Province of China": "MO",
    "Myanmar (Burma)": "MM",
}  # fmt: skip

#: Year of the state observations: the latest year of the EPA state inventory (2023 edition).
STATE_OBSERVED_YEAR = 2020
#: Reporting year of the CDP city targets (its city-wide inventory file has the same year).
CDP_REPORTING_YEAR = 2021
#: Where each source's adoption year comes from (``adoption_source``).
ADOPTION_SOURCES = {
    SRC_SBTI: "SBTi progress appendix: Year target approved",
    SRC_CDP: "CDP 2021 targets: Year target was set",
    SRC_STATES: "hand table us_state_target_adoption.csv (first adopting instrument)",
}


def r_ratio(growth: float, achieved: float, expected: float, value: float) -> float:
    """Baseline-adjusted ratio r = (g - 1 + a p) / (g - 1 + x p) (module docstring); NaN if B-T<=0."""
    denom = growth - 1.0 + expected * value
    if not denom > 0:
        return float("nan")
    return (growth - 1.0 + achieved * value) / denom


@dataclass
class National:
    """National historical emissions by ISO2 country: UNFCCC Annex I first, else Climate Watch."""

    series: dict[str, pd.Series]
    label: dict[str, str]

    @classmethod
    def load(cls, ref: Path) -> National:
        series: dict[str, pd.Series] = {}
        label: dict[str, str] = {}
        for key, name in (("unfccc", "UNFCCC Annex I"), ("climate_watch", "Climate Watch")):
            df = pd.read_csv(ref / FILES[key], dtype={"actor_id": str}, keep_default_na=False)
            df["total_emissions"] = pd.to_numeric(df["total_emissions"], errors="coerce")
            df = df.dropna(subset=["total_emissions"])
            for iso, g in df.groupby("actor_id"):
                if iso not in series:
                    series[iso] = g.set_index(g["year"].astype(int))["total_emissions"].sort_index()
                    label[iso] = name
        return cls(series, label)

    def growth(self, iso2: str | None, base_year: int, year: int) -> tuple[float, str, list[str]]:
        """(N(year)/N(base_year), series label, flags); (1.0, '', [flag]) when history is missing."""
        s = self.series.get(iso2 or "")
        if s is None or base_year not in s.index:
            return 1.0, "", ["no_national_history"]
        flags = []
        y = year
        if y not in s.index:
            y = int(s.index.max())
            flags.append(f"national_year_{y}")
        return float(s.loc[y] / s.loc[base_year]), f"{self.label[iso2]} {base_year}-{y}", flags

    def growth_fn(self, iso2: str | None) -> Growth:
        """``(start, end) -> (N(end)/N(start), flags)`` for the delivery window."""
        def fn(start: int, end: int) -> tuple[float, list[str]]:
            g, _, flags = self.growth(iso2, start, end)
            return g, flags
        return fn


def _iso_maps(ref: Path) -> tuple[dict[str, str], dict[str, str]]:
    names = pd.read_csv(ref / FILES["iso_names"], keep_default_na=False)
    ids = pd.read_csv(ref / FILES["iso_ids"], keep_default_na=False)
    name2 = dict(zip(names["name"], names["actor_id"], strict=True)) | _LOCATION_ALIASES
    a3 = ids[ids["namespace"].str.contains("alpha-3")]
    return name2, dict(zip(a3["identifier"], a3["actor_id"], strict=True))


def _row(**kw: object) -> dict:
    return {c: kw.get(c) for c in PROGRESS_COLUMNS}


def _finish(rec: dict, growth: float, value: float, expected: float, achieved: float) -> dict:
    rec["national_growth"] = round(growth, 6)
    rec["expected_fraction"] = round(expected, 6)
    rec["achieved_fraction"] = round(achieved, 6)
    rec["r"] = r_ratio(growth, achieved, expected, value)
    rec["r_base_year"] = achieved / expected
    return rec


def _window(rec: dict, adoption: int | None, source: str, e_obs: float, growth: Growth,
            levels: dict[int, float] | None = None, adoption_flag: str = "") -> dict:
    """Add the delivery-window columns (window.py) to one observation row."""
    w = delivery_window(base_year=int(rec["base_year"]), target_year=int(rec["target_year"]),
                        observed_year=int(rec["observed_year"]), value=float(rec["target_value"]),
                        e_obs=e_obs, adoption_year=adoption, growth=growth, levels=levels)
    flags = ([adoption_flag] if adoption_flag else []) + list(w.pop("window_flags"))
    rec.update(w)
    rec["adoption_source"] = ADOPTION_SOURCES[source] if adoption is not None else None
    rec["window_flags"] = ";".join(dict.fromkeys(flags))
    return rec


def _excl(source: str, record: str, actor_id: object, code: str, detail: str) -> dict:
    return {"source": source, "record": record, "actor_id": actor_id,
            "reason_code": code, "detail": detail}


def companies(ref: Path, nat: National) -> tuple[list[dict], list[dict]]:
    """SBTi absolute scope-1/2 targets with progress data (one row per company-target)."""
    df = sbti_progress.read(ref / FILES["sbti"])
    listing = pd.read_excel(ref / FILES["sbti_list"], usecols=["Company Name", "Location"])
    name2, _ = _iso_maps(ref)
    loc = {str(n).strip().lower(): name2.get(str(c)) for n, c in
           zip(listing["Company Name"], listing["Location"], strict=True)}
    rows, excl = [], []
    for i, r in df.iterrows():
        rec = f"{Path(FILES['sbti']).name}: {r['record']}"
        iso = loc.get(r["company"].lower())
        aid = f"sbti:{r['company']}"
        if not r["reported"]:
            # "No comparable progress data publicly found" mixes never-reported (recent targets)
            # with stopped reporting, so it is not counted as 'stopped reporting'.
            excl.append(_excl(SRC_SBTI, rec, aid, "no_progress_data", str(r["status_text"])))
            continue
        if r["target_type"] != "absolute":
            code = "intensity_target" if r["target_type"] == "intensity" else "not_emissions_target"
            excl.append(_excl(SRC_SBTI, rec, aid, code, f"target type {r['target_type']}"))
            continue
        if "3" in str(r["scope"]):
            excl.append(_excl(SRC_SBTI, rec, aid, "scope_not_counted", str(r["scope"])))
            continue
        need = ("base_year", "target_year", "reporting_year", "target_value", "progress", "elapsed")
        if any(pd.isna(r[c]) for c in need) or not r["target_value"] > 0:
            excl.append(_excl(SRC_SBTI, rec, aid, "missing_value", "base/target/progress missing"))
            continue
        by, ty, t = int(r["base_year"]), int(r["target_year"]), int(r["reporting_year"])
        if t <= by or ty <= by:
            excl.append(_excl(SRC_SBTI, rec, aid, "not_started",
                              f"observed {t} not after base year {by}"))
            continue
        value = float(r["target_value"])
        expected = (t - by) / (ty - by)
        achieved = float(r["progress"]) / value
        growth, series, flags = nat.growth(iso, by, t)
        if iso is None:
            flags = ["country_unknown", *flags]
        out = _row(observation_id=f"{SRC_SBTI}:{i}", actor_id=aid, actor_name=r["company"],
                   actor_type="company", source=SRC_SBTI, country=iso, target_type="absolute",
                   target_value=value, base_year=by, target_year=ty, observed_year=t,
                   national_series=series, ambition_pct_per_year=100 * value / (ty - by),
                   covid_year=t == 2020, flags=";".join([f"scope {r['scope']}", *flags]),
                   status="reporting", record=rec)
        rec_out = _finish(out, growth, value, expected, achieved)
        approved = r["year_approved"]
        adoption = None if pd.isna(approved) else int(approved)
        rows.append(_window(rec_out, adoption, SRC_SBTI, 1.0 - float(r["progress"]),
                            nat.growth_fn(iso),
                            adoption_flag="" if adoption is not None else "sbti_no_approval_year"))
    return rows, excl


def city_inventories(ref: Path) -> pd.DataFrame:
    """Rows of every CDP city-wide vintage that state an accounting year (totals where given)."""
    parts = [cdp_citywide.inventory_years(ref / FILES[f"cdp_inventory_{y}"])
             for y in range(2016, 2022)]
    return pd.concat(parts, ignore_index=True)


def observed_years(inv: pd.DataFrame, reporting_year: int = CDP_REPORTING_YEAR
                   ) -> dict[str, tuple[int, str]]:
    """Account -> (observed year, flag): the same-year vintage's accounting year, else the latest
    accounting year an earlier vintage states (``observed_year_earlier_vintage``)."""
    inv = inv[inv["reporting_year"] <= reporting_year]
    same = inv[inv["reporting_year"] == reporting_year].groupby("account")["accounting_year"].max()
    earlier = inv[inv["reporting_year"] < reporting_year].groupby("account")["accounting_year"].max()
    out = {str(a): (int(y), "observed_year_earlier_vintage") for a, y in earlier.items()}
    out |= {str(a): (int(y), "") for a, y in same.items()}
    return out


def inventory_levels(inv: pd.DataFrame, account: str, e_by: float, tolerance: float
                     ) -> tuple[dict[int, float], str]:
    """(E(year)/E(BY) of one city from its city-wide totals, flag); latest vintage wins per year.

    The totals and the target's base-year emissions can be on different bases (protocol,
    boundary, units: a city's inventory at 47 times its target's base year): when any level
    lies outside ``1 +- tolerance`` none is used (flag ``inventory_basis_differs``) and the
    window start is interpolated between the target's own base-year and observed levels.
    """
    if not e_by > 0:
        return {}, ""
    rows = inv[(inv["account"] == account) & inv["total_mt"].notna()]
    rows = rows.sort_values(["accounting_year", "reporting_year"]).drop_duplicates(
        "accounting_year", keep="last")
    levels = {int(y): float(t) / e_by for y, t in zip(rows["accounting_year"], rows["total_mt"],
                                                      strict=True)}
    if any(abs(v - 1.0) > tolerance for v in levels.values()):
        return {}, "inventory_basis_differs"
    return levels, ""


def cities(ref: Path, nat: National, tolerance: float = 0.5) -> tuple[list[dict], list[dict]]:
    """CDP 2021 absolute city-wide targets with '% of target achieved so far'."""
    df = cdp_targets.read(ref / FILES["cdp"])
    inv = city_inventories(ref)
    inv_year = observed_years(inv)
    _, a3 = _iso_maps(ref)
    rows, excl = [], []
    for i, r in df.iterrows():
        rec = f"{Path(FILES['cdp']).name}: row {i + 2}"
        aid = f"cdp:{r['account']}"
        tt, value, reason = cdp_targets.classify(r)
        if reason:
            if reason != "no_target":
                excl.append(_excl(SRC_CDP, rec, aid, reason, str(r.get("target_kind"))))
            continue
        if pd.isna(r["pct_achieved"]):
            excl.append(_excl(SRC_CDP, rec, aid, "no_progress_data", "% achieved empty"))
            continue
        if tt not in ("absolute", "net_zero"):
            excl.append(_excl(SRC_CDP, rec, aid, "not_absolute_target", f"{tt}"))
            continue
        reason = cdp_targets.scope_reason(r)
        if reason:
            excl.append(_excl(SRC_CDP, rec, aid, reason,
                              f"sector={r.get('sector')!r}; boundary={r.get('boundary')!r}"))
            continue
        if pd.isna(r["base_year"]) or pd.isna(r["target_year"]):
            excl.append(_excl(SRC_CDP, rec, aid, "missing_value", "base or target year"))
            continue
        by, ty = int(r["base_year"]), int(r["target_year"])
        flags = []
        t, how = inv_year.get(str(r["account"]), (None, ""))
        if t is None:
            t = int(r["reporting_year"]) - 1
            how = "observed_year_assumed"
        flags += [how] if how else []
        if ty <= by or t <= by:
            excl.append(_excl(SRC_CDP, rec, aid, "not_started",
                              f"observed {t}, base {by}, target {ty}"))
            continue
        value = float(r["pct_reduction"]) if tt == "absolute" else 1.0
        expected = min(1.0, (t - by) / (ty - by))
        iso2 = a3.get(str(r["iso"]))
        growth, series, nflags = nat.growth(iso2, by, t)
        out = _row(observation_id=f"{SRC_CDP}:{i}", actor_id=aid, actor_name=r["organization"],
                   actor_type="city", source=SRC_CDP, country=iso2, target_type=tt,
                   target_value=value, base_year=by, target_year=ty, observed_year=t,
                   national_series=series, ambition_pct_per_year=100 * value / (ty - by),
                   covid_year=t == 2020, flags=";".join(flags + nflags), status="reporting",
                   record=rec)
        rec_out = _finish(out, growth, value, expected, float(r["pct_achieved"]))
        e_obs = 1.0 - float(r["pct_achieved"]) * value
        levels, lflag = inventory_levels(inv, str(r["account"]),
                                         float(r["base_year_emissions_mt"]), tolerance)
        ys = r["year_set"]
        adoption = None if pd.isna(ys) else int(ys)
        aflags = [f for f in ("" if adoption is not None else "cdp_year_set_empty", lflag) if f]
        rows.append(_window(rec_out, adoption, SRC_CDP, e_obs, nat.growth_fn(iso2), levels,
                            adoption_flag=";".join(aflags)))
    return rows, excl


def states(ref: Path, nat: National) -> tuple[list[dict], list[dict]]:
    """C2ES state targets in force (base year < 2020 <= target year) against EPA 2020."""
    tg = c2es_states.read(ref / FILES["c2es"])
    inv = epa_states.read(ref / FILES["epa_states"]).set_index(["actor_id", "year"])["emissions_mt"]
    adoption_table = state_adoption.committed()
    t = STATE_OBSERVED_YEAR
    rows, excl = [], []
    for i, r in tg.iterrows():
        rec = f"{Path(FILES['c2es']).name}: row {i + 2}"
        aid = r["actor_id"]
        if r["target_type"] != "absolute" or pd.isna(r["value"]) or pd.isna(r["target_year"]):
            excl.append(_excl(SRC_STATES, rec, aid, "missing_value", str(r["target_type"])))
            continue
        by, ty = int(r["base_year"]), int(r["target_year"])
        if not by < t <= ty:
            excl.append(_excl(SRC_STATES, rec, aid, "not_started" if t <= by else "expired",
                              f"base {by}, target {ty}, observed {t}"))
            continue
        if (aid, by) not in inv.index or (aid, t) not in inv.index:
            excl.append(_excl(SRC_STATES, rec, aid, "missing_emissions",
                              f"EPA state inventory lacks {by} or {t}"))
            continue
        e_by, e_t = float(inv.loc[(aid, by)]), float(inv.loc[(aid, t)])
        value = float(r["value"])
        expected = (t - by) / (ty - by)
        growth, series, flags = nat.growth("US", by, t)
        # A 0 % target ("return to 1990 levels") has p = 0: the share achieved is undefined, but
        # r is not (B - T = g - 1); a stands in as E-based progress relative to B - T.
        reduction = 1.0 - e_t / e_by
        achieved = reduction / value if value > 0 else float("nan")
        out = _row(observation_id=f"{SRC_STATES}:{i}", actor_id=aid, actor_name=r["state"],
                   actor_type="region", source=SRC_STATES, country="US", target_type="absolute",
                   target_value=value, base_year=by, target_year=ty, observed_year=t,
                   national_series=series, ambition_pct_per_year=100 * value / (ty - by),
                   covid_year=True, flags=";".join(["covid_year", *flags]), status="reporting",
                   record=f"{rec}; EPA state inventory {by} and {t}")
        out["national_growth"] = round(growth, 6)
        out["expected_fraction"] = round(expected, 6)
        out["achieved_fraction"] = None if math.isnan(achieved) else round(achieved, 6)
        denom = growth - 1.0 + expected * value
        out["r"] = (growth - e_t / e_by) / denom if denom > 0 else float("nan")
        out["r_base_year"] = (reduction / (expected * value)) if value > 0 else float("nan")
        adoption, aflag = state_adoption.first_adopted(adoption_table, aid, by, ty, value)
        levels = {int(y): float(e) / e_by for (a, y), e in inv.items() if a == aid}
        rows.append(_window(out, adoption, SRC_STATES, e_t / e_by, nat.growth_fn("US"), levels,
                            adoption_flag=aflag))
    return rows, excl


def defaults() -> dict[str, float]:
    """The progress-building settings of the package defaults (config/config.yaml)."""
    from subnat import config

    ach = config.load()["achievement"]
    return {k: ach[k]["value"] for k in ("min_window_years", "inventory_level_tolerance")}


def build(reference_dir: str | Path, min_window_years: int | None = None,
          inventory_level_tolerance: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(progress, exclusions) from the upstream files under ``reference_dir``."""
    ref = Path(reference_dir)
    nat = National.load(ref)
    d = defaults()
    minimum = d["min_window_years"] if min_window_years is None else min_window_years
    tol = d["inventory_level_tolerance"] if inventory_level_tolerance is None \
        else inventory_level_tolerance
    rows, excl = [], []
    for part in (companies(ref, nat), cities(ref, nat, float(tol)), states(ref, nat)):
        rows += part[0]
        excl += part[1]
    prog = flag_counterfactual_met(pd.DataFrame(rows, columns=PROGRESS_COLUMNS))
    minimum = int(minimum)
    prog, short = drop_short_windows(prog, minimum)
    excl += short
    prog, dup = _one_per_actor(prog)
    excl += dup
    for c in ("r", "r_base_year", "ambition_pct_per_year", "e_start", "e_obs", "b_window",
              "t_window", "r_window"):
        prog[c] = prog[c].astype(float).round(6)
    for c in ("adoption_year", "window_start", "window_years"):
        prog[c] = prog[c].astype("Int64")
    prog["covid_year"] = prog["covid_year"].astype("boolean").fillna(False).astype(bool)
    return prog, pd.DataFrame(excl, columns=EXCLUSION_COLUMNS)


def flag_counterfactual_met(prog: pd.DataFrame) -> pd.DataFrame:
    """``b_le_t``: the base-year B - T <= 0 (r undefined; the national trend alone meets the
    pledge path). Kept as a flag: the row stays for a likelihood on the observed level."""
    return prog.assign(b_le_t=~np.isfinite(prog["r"].astype(float)))


def drop_short_windows(prog: pd.DataFrame, min_years: int) -> tuple[pd.DataFrame, list[dict]]:
    """Exclude observations whose delivery window is shorter than ``min_years`` (reason
    ``window_too_short``): a year or two of delivery is mostly noise around the pledge path.
    A window of zero or fewer years (adopted in or after the observed year) is always short."""
    short = prog["window_years"].astype(float) < max(1, min_years)
    excl = [_excl(r["source"], r["record"], r["actor_id"], "window_too_short",
                  f"window {r['window_start']}-{r['observed_year']} ({r['window_years']} years; "
                  f"adopted {r['adoption_year']}, base year {r['base_year']}) < {min_years}")
            for _, r in prog[short].iterrows()]
    return prog[~short].reset_index(drop=True), excl


def _one_per_actor(prog: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Keep one observation per actor: the target governing the observed year (method §5).

    Several targets of one actor observed in the same year share one emission number, so they
    are not independent observations; the nearest target year at or after the observed year is
    kept (ties: the first row), the others are logged as ``later_target_same_actor``.
    """
    rep = prog[prog["status"] == "reporting"].copy()
    rep["_gap"] = rep["target_year"] - rep["observed_year"]
    rep["_pos"] = np.arange(len(rep))
    keep = rep.sort_values(["actor_id", "_gap", "_pos"]).groupby("actor_id").head(1).index
    drop = rep.index.difference(keep)
    excl = [_excl(r["source"], r["record"], r["actor_id"], "later_target_same_actor",
                  f"target year {r['target_year']}; a nearer target of the actor is kept")
            for _, r in prog.loc[drop].iterrows()]
    return prog.drop(index=drop).reset_index(drop=True), excl


def write(reference_dir: str | Path, out_dir: str | Path, min_window_years: int | None = None,
          inventory_level_tolerance: float | None = None) -> tuple[Path, Path]:
    """Write progress.csv and exclusions.csv (the README is maintained by hand)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prog, excl = build(reference_dir, min_window_years, inventory_level_tolerance)
    p, e = out / "progress.csv", out / "exclusions.csv"
    prog.to_csv(p, index=False, lineterminator="\n")
    excl.to_csv(e, index=False, lineterminator="\n")
    return p, e


def load(path: str | Path) -> pd.DataFrame:
    """Read a progress.csv (committed table or a synthetic one) with its dtypes."""
    df = pd.read_csv(path)
    for c in ("covid_year",):
        if c in df:
            df[c] = df[c].fillna(False).astype(str).str.lower().isin(["true", "1"])
        else:
            df[c] = False
    if "flags" not in df:
        df["flags"] = ""
    if "status" not in df:
        df["status"] = "reporting"
    return df
