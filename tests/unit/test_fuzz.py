"""Fuzzing (issue 8): generated valid cases always load and run; random corruptions of them either
load or fail with subnat's own InputError (never another exception), and `subnat validate` exits
0 or 1 without raising.

Bounded (`max_examples`, no deadline) so the file runs in well under a minute.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from subnat.case.load import load_case
from subnat.cli import main
from subnat.config import load
from subnat.errors import InputError
from subnat.run import run_case

FIRST, LAST, BASE = 2015, 2035, 2005
TARGET_TYPES = ["absolute", "baseline", "intensity_gdp", "intensity_capita", "fixed_level", "net_zero",
                "renewable_electricity", "peaking"]
FILES = ["case.yaml", "actors.csv", "inventory.csv", "commitments.csv", "company_locations.csv", "national.csv",
         "drivers.csv"]
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
            "database": None}


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def valid_cases(draw: st.DrawFn) -> dict[str, str]:
    """A small valid case: regions, cities nested under them, companies with locations; every target type."""
    n_regions = draw(st.integers(1, 3))
    n_cities = draw(st.integers(0, 3))
    n_companies = draw(st.integers(0, 2))
    regions = [f"R{i}" for i in range(n_regions)]
    cities = [f"C{i}" for i in range(n_cities)]
    companies = [f"K{i}" for i in range(n_companies)]
    actors = [[r, f"Region {r}", "region", "XFZ", "", 1_000_000, 5_000, "fuzz"] for r in regions]
    actors += [[c, f"City {c}", "city", "XFZ", draw(st.sampled_from(regions)), 100_000, 800, "fuzz"] for c in cities]
    actors += [[k, f"Company {k}", "company", "XFZ", "", "", "", "fuzz"] for k in companies]
    # a city stays below the region that contains it (above it would be invalid: plausibility check)
    levels = {"R": (50, 150), "C": (0.01, 40), "K": (0.01, 200)}
    inventory, drivers, commitments, locations = [], [], [], []
    for actor in regions + cities + companies:
        scope = "scope1+2" if actor.startswith("K") else "territorial"
        years = draw(st.lists(st.integers(2000, 2022), min_size=1, max_size=3, unique=True))
        level = st.floats(*levels[actor[0]], allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))
        inventory += [[actor, y, draw(level), scope, "fuzz"] for y in sorted(years)]
        if not actor.startswith("K"):
            drivers += [[actor, d, y, v, "fuzz"] for d in ("gdp", "population") for y, v in ((2000, 100), (2050, 140))]
        for n in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(TARGET_TYPES))
            base = draw(st.sampled_from([*years, ""]))
            target = draw(st.integers(2016, 2050))
            value = {"net_zero": 1.0, "peaking": "", "fixed_level": draw(level)}.get(
                kind, draw(st.floats(0, 1).map(lambda x: round(x, 3))))
            coverage = draw(st.sampled_from([1, 0.5, ""]))
            commitments.append([f"{actor}-{n}", actor, kind, target, value, base, "", coverage, scope,
                                draw(st.sampled_from(["law", "policy", "pledge", ""])),
                                draw(st.sampled_from(["true", "false", ""])), "fuzz"])
    places = regions + cities
    for company in companies:
        shares = draw(st.lists(st.floats(0, 0.3).map(lambda x: round(x, 3)), max_size=min(3, len(places))))
        locations += [[company, places[i], s, "fuzz"] for i, s in enumerate(shares)]
    national = [["history", BASE, 1000, "fuzz"]]
    start = draw(st.floats(500, 1500).map(lambda x: round(x, 1)))
    members = draw(st.sampled_from([["cps"], ["cps", "cps:low"], ["cps:a", "cps:b"]]))
    for i, series in enumerate(members):
        slope = draw(st.floats(-20, 10).map(lambda x: round(x, 2)))
        national += [[series, y, round(max(start + slope * (y - FIRST) - i, 1.0), 2), "fuzz"]
                     for y in range(FIRST, LAST + 1)]
    case_yaml = (f"country: XFZ\nbase_year: {BASE}\nyears: [{FIRST}, {LAST}]\nreporting_years: [2025, 2030]\n"
                 "gwp: AR5GWP100\nlulucf: excluded\n"
                 "ndc:\n  - {label: NDC, target_year: 2030, type: absolute, value: 0.4}\n")
    return {
        "case.yaml": case_yaml,
        "actors.csv": _csv(["actor_id", "name", "actor_type", "country", "parent_id", "population", "gdp_musd",
                            "source"], actors),
        "inventory.csv": _csv(["actor_id", "year", "emissions_mt", "scope", "source"], inventory),
        "commitments.csv": _csv(["commitment_id", "actor_id", "target_type", "target_year", "value", "base_year",
                                 "base_year_emissions_mt", "coverage", "scope", "status", "in_national_projection",
                                 "source"], commitments),
        "company_locations.csv": _csv(["company_id", "jurisdiction_id", "share", "source"], locations),
        "national.csv": _csv(["series", "year", "emissions_mt", "source"], national),
        "drivers.csv": _csv(["actor_id", "driver", "year", "value", "source"], drivers),
    }


NASTY_CELLS = st.one_of(
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "Infinity", "1e308", "1e309", "-1", "0", "1e6", "2.5",
                     "2030.0", "2030.5", "true", "none", "NULL", "#N/A", " ", "\t", "=1+1", "'", '"', "\\", "\x00",
                     "\u202e", "ẞ", "🙂", "x" * 5000, "cps", "history", "scope3", "scope1+2", "territorial",
                     "R0", "C0", "K0", "company", "city", "region", "law", "9999", "-2030", "0x10", "1_000"]),
    st.text(max_size=30),
)


@st.composite
def corruptions(draw: st.DrawFn) -> tuple[dict[str, str | bytes], str]:
    """A valid case with one to three random corruptions applied."""
    files: dict[str, str | bytes] = dict(draw(valid_cases()))
    log = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(FILES))
        content = files.get(name)
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop_line", "dup_line", "truncate", "bytes",
                                     "drop_column", "rename_header", "delete", "yaml_value"]))
        log.append(f"{kind}:{name}")
        if content is None:
            continue
        if kind == "delete":
            del files[name]
            continue
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        if kind == "bytes":
            raw = content.encode("utf-8")
            at = draw(st.integers(0, len(raw)))
            files[name] = raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
            continue
        if kind == "truncate":
            files[name] = content[: draw(st.integers(0, len(content)))]
            continue
        if name == "case.yaml":
            lines = content.splitlines() or [""]
            i = draw(st.integers(0, len(lines) - 1))
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(NASTY_CELLS)}" if kind == "yaml_value" else draw(st.text(max_size=20))
            files[name] = "\n".join(lines) + "\n"
            continue
        rows = list(csv.reader(io.StringIO(content, newline="")))
        if kind == "cell" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            if rows[r]:
                rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(NASTY_CELLS)
        elif kind == "drop_line" and len(rows) > 1:
            rows.pop(draw(st.integers(0, len(rows) - 1)))
        elif kind == "dup_line" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            rows.insert(r, list(rows[r]))
        elif kind == "drop_column" and rows and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1:] for row in rows]
        elif kind == "rename_header" and rows and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][c] = draw(st.sampled_from([rows[0][(c + 1) % len(rows[0])], rows[0][c].upper(), "x", ""]))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        files[name] = out.getvalue()
    return files, ", ".join(log)


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


# Found by hypothesis in CI: a fixed-level target at today's level (potential zero without data
# error, above zero in half the draws with it) made fixed_0.5's median exceed full_implementation's.
AT_TODAYS_LEVEL = {
    "case.yaml": "country: XFZ\nbase_year: 2005\nyears: [2015, 2035]\nreporting_years: [2025, 2030]\n"
                 "gwp: AR5GWP100\nlulucf: excluded\n"
                 "ndc:\n  - {label: NDC, target_year: 2030, type: absolute, value: 0.4}\n",
    "actors.csv": "actor_id,name,actor_type,country,parent_id,population,gdp_musd,source\n"
                  "R0,Region R0,region,XFZ,,1000000,5000,fuzz\n",
    "inventory.csv": "actor_id,year,emissions_mt,scope,source\nR0,2015,50.0,territorial,fuzz\n",
    "commitments.csv": "commitment_id,actor_id,target_type,target_year,value,base_year,base_year_emissions_mt,"
                       "coverage,scope,status,in_national_projection,source\n"
                       "R0-0,R0,fixed_level,2016,50.0,2015,,1,territorial,law,false,fuzz\n",
    "company_locations.csv": "company_id,jurisdiction_id,share,source\n",
    "national.csv": "series,year,emissions_mt,source\nhistory,2005,1000,fuzz\n"
                    + "".join(f"cps,{y},500.0,fuzz\n" for y in range(2015, 2036)),
    "drivers.csv": "actor_id,driver,year,value,source\nR0,gdp,2000,100,fuzz\nR0,gdp,2050,140,fuzz\n"
                   "R0,population,2000,100,fuzz\nR0,population,2050,140,fuzz\n",
}


@settings(max_examples=20, **SETTINGS)
@given(valid_cases())
@example(files=AT_TODAYS_LEVEL)
def test_valid_cases_load_and_run(files: dict[str, str]) -> None:
    config = load([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "case", files)
        case = load_case(folder)
        assert len(case.actors) == files["actors.csv"].count("\n") - 1
        out = run_case(folder, Path(tmp) / "out", config, ["no_nsa", "full_implementation", "fixed_0.5"],
                       draws=8, seed=1)
        summary = pd.read_csv(out / "summary.csv")
        assert len(summary) == 3 * 2  # scenarios x reporting years
        assert np.isfinite(summary["emissions_mt_p50"]).all()
        assert set(summary["scenario"]) == {"no_nsa", "full_implementation", "fixed_0.5"}
        # every commitment is either assessed or excluded, never both, never lost
        assessed = pd.read_csv(out / "commitments.csv", dtype=str)["commitment_id"]
        excluded = pd.read_csv(out / "exclusions.csv", dtype=str)["commitment_id"]
        assert sorted([*assessed, *excluded]) == sorted(case.commitments["commitment_id"])


@settings(max_examples=80, **SETTINGS)
@given(corruptions())
def test_corrupted_cases_fail_cleanly(corrupted: tuple[dict[str, str | bytes], str]) -> None:
    files, log = corrupted
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "case", files)
        try:
            load_case(folder)
        except InputError as exc:
            assert exc.problems, log
            for problem in exc.problems:
                text = str(problem)
                assert len(text) < 2000, (log, text[:200])
                assert "\n" not in problem.message or problem.message.count("\n") < 3, log
            return
        # loaded: the whole command (screening included) exits 0 or 1, never raises
        assert main(["validate", str(folder)]) in (0, 1), log
