"""A case: one country assessment, read from a folder of CSV files and `case.yaml`.

`load_case` reads and checks every file and the relations between them. Structural problems
raise InputError (all of them at once); row-level problems that only make one commitment
impossible are left to `subnat.aggregate.screen.screen`, which excludes them with a reason code.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd

from subnat.case.csvfiles import Column, percentage_hint, read_csv, suggest_code
from subnat.case.folder import OPTIONAL_FILES, REQUIRED_FILES, resolve_case
from subnat.case.plausibility import inventory_problems
from subnat.config import key_lines, non_finite_problems, read_yaml, schema_problems
from subnat.errors import InputError, Problem, excerpt

log = logging.getLogger(__name__)

ACTOR_TYPES = frozenset({"region", "city", "company"})
JURISDICTION_TYPES = frozenset({"region", "city"})
TARGET_TYPES = frozenset({
    "absolute", "baseline", "intensity_gdp", "intensity_capita", "fixed_level", "net_zero",
    "renewable_electricity", "peaking",
})
STATUSES = frozenset({"law", "policy", "pledge"})
# targets whose value is a fraction in [0, 1] (0.4 = 40 %)
FRACTION_TYPES = frozenset({"absolute", "baseline", "intensity_gdp", "intensity_capita", "renewable_electricity"})
# GWP sets by their usual names (the columns of the `globalwarmingpotentials` table, see
# reference-data/gwp): a name outside this list is a typo or a set no emission source uses
GWP_SETS = frozenset({
    "SARGWP100", "TARGWP100", "AR4GWP100", "AR5GWP100", "AR5CCFGWP100", "AR6GWP100",
    "TARGWP20", "AR6GWP20", "TARGWP500", "AR6GWP500", "AR6GTP100",
})
LULUCF = frozenset({"included", "excluded"})
NDC_TYPES = frozenset({"absolute", "fixed_level", "baseline"})
MAX_EMISSIONS_MT = 20_000.0  # above any country's annual emissions: a unit error (data.md §1)

ACTORS = (
    Column("actor_id", required=True, nonempty=True),
    Column("name", required=True, nonempty=True),
    Column("actor_type", "enum", required=True, nonempty=True, allowed=ACTOR_TYPES),
    Column("country", required=True, nonempty=True),
    Column("parent_id"),
    Column("population", "float", minimum=0),
    Column("gdp_musd", "float", minimum=0),
    Column("source"),
)
INVENTORY = (
    Column("actor_id", required=True, nonempty=True),
    Column("year", "int", required=True, nonempty=True, minimum=1900, maximum=2100),
    Column("emissions_mt", "float", required=True, nonempty=True, minimum=0, maximum=MAX_EMISSIONS_MT,
           hint="Mt CO2e per year; a value this large is usually t or kt entered as Mt"),
    Column("scope"),
    Column("source"),
)
COMMITMENTS = (
    Column("commitment_id", required=True, nonempty=True),
    Column("actor_id", required=True),
    Column("target_type", required=True),
    Column("target_year", "int", required=True, nonempty=True, minimum=1900, maximum=2150),
    Column("value", "float", required=True, minimum=0, maximum=MAX_EMISSIONS_MT),
    Column("base_year", "int", minimum=1900, maximum=2100),
    Column("base_year_emissions_mt", "float", minimum=0, maximum=MAX_EMISSIONS_MT,
           hint="Mt CO2e per year; a value this large is usually t or kt entered as Mt"),
    Column("coverage", "float", minimum=0, maximum=1, fraction=True),
    Column("scope"),
    Column("status", "enum", allowed=STATUSES),
    Column("in_national_projection", "bool"),
    Column("bau_emissions_mt", "float", minimum=0, maximum=MAX_EMISSIONS_MT),
    Column("reference_share", "float", minimum=0, maximum=1, fraction=True),
    Column("source"),
)
LOCATIONS = (
    Column("company_id", required=True, nonempty=True),
    Column("jurisdiction_id", required=True, nonempty=True),
    Column("share", "float", required=True, nonempty=True, minimum=0, maximum=1, fraction=True),
    Column("source"),
)
NATIONAL = (
    Column("series", required=True, nonempty=True),
    Column("year", "int", required=True, nonempty=True, minimum=1900, maximum=2150),
    # negative only in the land-sector series `lulucf*` (a net sink); checked in _check_national
    Column("emissions_mt", "float", required=True, nonempty=True, minimum=-100_000, maximum=100_000),
    Column("source"),
)
DRIVERS = (
    Column("actor_id", required=True, nonempty=True),
    Column("driver", "enum", required=True, nonempty=True, allowed=frozenset({"gdp", "population"})),
    Column("year", "int", required=True, nonempty=True, minimum=1900, maximum=2150),
    Column("value", "float", required=True, nonempty=True, minimum=0),
    Column("source"),
)
PROGRESS = (
    Column("actor_type", "enum", required=True, nonempty=True, allowed=ACTOR_TYPES),
    Column("source", required=True, nonempty=True),
    Column("r", "float"),
    Column("target_year", "int", minimum=1900, maximum=2150),
    Column("observed_year", "int", minimum=1900, maximum=2150),
)
#: observed.csv (optional): emissions observed after the case's assessment year, for the hindcast
#: (subnat.hindcast). Actors' own emissions (scope territorial, as inventory.csv), the national
#: series (actor_id = the case's country, scope national, on the basis of national.csv) and, when
#: the inventories' LULUCF basis differs from the nation's, the observed national LULUCF flux
#: (scope national_lulucf, negative = a sink) that puts the hindcast's national trend on the
#: actors' basis like national.csv's `lulucf` puts the growth index there (method §8).
NATIONAL_LAND_SCOPE = "national_lulucf"
OBSERVED_NATIONAL_SCOPES = frozenset({"national", NATIONAL_LAND_SCOPE})
OBSERVED_SCOPES = frozenset({"territorial"}) | OBSERVED_NATIONAL_SCOPES
OBSERVED = (
    Column("actor_id", required=True, nonempty=True),
    Column("year", "int", required=True, nonempty=True, minimum=1900, maximum=2150),
    # negative only in scope national_lulucf (a net sink); checked in _check_observed
    Column("emissions_mt", "float", required=True, nonempty=True, minimum=-100_000, maximum=100_000,
           hint="Mt CO2e per year; a value this large is usually t or kt entered as Mt"),
    Column("scope", "enum", required=True, nonempty=True, allowed=OBSERVED_SCOPES),
    Column("source", required=True, nonempty=True),
)

# The columns of each table (file names: subnat.case.folder)
COLUMNS = {
    "actors.csv": ACTORS, "inventory.csv": INVENTORY, "commitments.csv": COMMITMENTS,
    "national.csv": NATIONAL, "company_locations.csv": LOCATIONS, "drivers.csv": DRIVERS,
    "progress.csv": PROGRESS, "observed.csv": OBSERVED,
}


@dataclass
class CaseMeta:
    """The settings of `case.yaml`."""

    name: str
    country: str
    base_year: int
    first_year: int
    last_year: int
    reporting_years: list[int]
    gwp: str
    lulucf: str
    ndc: list[dict[str, Any]]
    description: str = ""
    sources: list[str] = field(default_factory=list)
    inventory_lulucf: str = ""  # LULUCF basis of the actor inventories ("" or absent: same as `lulucf`)
    inventory_gwp: str = ""  # GWP set of the actor inventories ("": same as `gwp`)
    inventory_gwp_factor: dict[str, Any] | None = None  # declared conversion to `gwp`: {value, source}
    lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)  # case.yaml key -> line

    def __post_init__(self) -> None:
        self.inventory_lulucf = self.inventory_lulucf or self.lulucf
        self.inventory_gwp = self.inventory_gwp or self.gwp

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


@dataclass
class Case:
    """A validated case: metadata plus typed tables (each with a `_line` column)."""

    meta: CaseMeta
    path: Path
    actors: pd.DataFrame
    inventory: pd.DataFrame
    commitments: pd.DataFrame
    national: pd.DataFrame
    company_locations: pd.DataFrame
    drivers: pd.DataFrame
    progress: pd.DataFrame | None
    files: dict[str, Path]
    observed: pd.DataFrame | None = None  # observed.csv, when the case has later observations


def _file_problem(folder: Path, name: str) -> Problem | None:
    """Why `folder/name` cannot be read as an input file, or None (also None when it is absent).

    A folder or other non-regular file in place of a file is an error (never read as absent),
    and so is a symbolic link that leads out of the case folder: a case is self-contained, and
    an error message must not quote a file from elsewhere on the machine."""
    path = folder / name
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            return Problem(name, None, None, "is a symbolic link to a file outside the case folder; "
                                             "copy the file into the case folder")
        if not target.exists():
            return Problem(name, None, None, "is a broken symbolic link")
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file"
        return Problem(name, None, None, f"is {what}, expected a file (remove it if the file is optional)")
    return None


def load_case(case: str | Path) -> Case:
    """Read and check a case folder (or embedded case name); raise InputError on problems."""
    folder = resolve_case(case)
    problems: list[Problem] = []
    meta = None
    try:
        meta = _read_meta(folder)
    except InputError as exc:
        problems += exc.problems
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {"case.yaml": folder / "case.yaml"}
    for name in (*REQUIRED_FILES, *OPTIONAL_FILES):
        path = folder / name
        bad = _file_problem(folder, name)
        if bad is not None:
            problems.append(bad)
            continue
        if not path.is_file():
            if name in REQUIRED_FILES:
                problems.append(Problem(name, None, None, f"required file missing from {folder}"))
            continue
        files[name] = path
        try:
            tables[name] = read_csv(path, COLUMNS[name])
        except InputError as exc:
            problems += exc.problems
    if problems or meta is None:
        raise InputError(problems)
    empty_locations = pd.DataFrame({c.name: pd.Series(dtype=object) for c in LOCATIONS})
    empty_drivers = pd.DataFrame({c.name: pd.Series(dtype=object) for c in DRIVERS})
    result = Case(
        meta=meta, path=folder,
        actors=_with_defaults(tables["actors.csv"]),
        inventory=tables["inventory.csv"],
        commitments=tables["commitments.csv"],
        national=tables["national.csv"],
        company_locations=tables.get("company_locations.csv", empty_locations.assign(_line=[])),
        drivers=tables.get("drivers.csv", empty_drivers.assign(_line=[])),
        progress=tables.get("progress.csv"),
        files=files,
        observed=tables.get("observed.csv"),
    )
    _default_scopes(result)
    check_relations(result)
    _convert_gwp(result)
    return result


def _convert_gwp(case: Case) -> None:
    """Put the actors' figures on the national GWP set with the declared factor (case.yaml
    inventory_gwp_factor; only accepted with a different inventory_gwp, see _check_basis)."""
    factor = case.meta.inventory_gwp_factor
    if not factor or case.meta.inventory_gwp == case.meta.gwp:
        return
    f = float(factor["value"])
    case.inventory["emissions_mt"] = case.inventory["emissions_mt"] * f
    com = case.commitments
    for column in ("base_year_emissions_mt", "bau_emissions_mt"):
        com[column] = com[column] * f
    fixed = com["target_type"] == "fixed_level"
    com.loc[fixed, "value"] = com.loc[fixed, "value"] * f
    log.info("%s: actor figures converted from %s to %s (factor %g: %s)", case.meta.name,
             case.meta.inventory_gwp, case.meta.gwp, f, factor["source"])


def _read_meta(folder: Path) -> CaseMeta:
    path = folder / "case.yaml"
    bad = _file_problem(folder, "case.yaml")
    if bad is not None:
        raise InputError(bad)
    if not path.is_file():
        raise InputError(Problem("case.yaml", None, None, f"required file missing from {folder}"))
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(Problem("case.yaml", 1, None, "expected a mapping of case settings"))
    schema = _case_schema()
    lines = key_lines(path)
    own = _meta_code_problems(data, lines)  # clearer than the schema's message for the same key
    errors = jsonschema.Draft202012Validator(schema).iter_errors(data)
    problems = schema_problems(errors, "case.yaml", lines) + non_finite_problems(data, "case.yaml", lines)
    problems = own + [p for p in problems if p.column not in {o.column for o in own}]
    if problems:
        # top-level problems (no key line) point at line 1
        raise InputError(sorted(p if p.line is not None else replace(p, line=1) for p in problems))
    first, last = data["years"]
    if first >= last:
        problems.append(Problem("case.yaml", lines.get(("years",)), "years",
                                f"first year {first} must be before last year {last}"))
    for year in data["reporting_years"]:
        if not first <= year <= last:
            problems.append(Problem("case.yaml", lines.get(("reporting_years",)), "reporting_years",
                                    f"reporting year {year} outside years {first}-{last}"))
    if not data["ndc"]:
        problems.append(Problem("case.yaml", lines.get(("ndc",)), "ndc", "at least one NDC level is required"))
    for i, ndc in enumerate(data["ndc"]):
        if ndc["type"] in ("absolute", "baseline") and ndc["value"] > 1:
            problems.append(Problem("case.yaml", lines.get(("ndc", str(i), "value")), f"ndc.{i}.value",
                                    f"a reduction fraction is at most 1 (0.26 = 26 %), found {ndc['value']}: "
                                    f"{percentage_hint(ndc['value'])}"))
        if first < last and not first <= ndc["target_year"] <= last:
            problems.append(Problem("case.yaml", lines.get(("ndc", str(i), "target_year")), f"ndc.{i}.target_year",
                                    f"NDC target year {ndc['target_year']} outside years {first}-{last}: "
                                    "its gap needs the projection of that year; extend `years` or remove it"))
    if problems:
        raise InputError(problems)
    ndc = [{"base_year": data["base_year"], "conditional": False, **n} for n in data["ndc"]]
    return CaseMeta(
        name=data.get("name", folder.name), country=data["country"], base_year=data["base_year"],
        first_year=first, last_year=last, reporting_years=sorted(data["reporting_years"]),
        gwp=data["gwp"], lulucf=data["lulucf"], ndc=ndc,
        description=data.get("description", ""), sources=data.get("sources", []),
        inventory_lulucf=data.get("inventory_lulucf", ""), inventory_gwp=data.get("inventory_gwp", ""),
        inventory_gwp_factor=data.get("inventory_gwp_factor"),
        lines=lines,
    )


def _meta_code_problems(data: dict[str, Any], lines: dict[tuple[str, ...], int]) -> list[Problem]:
    """case.yaml checks the schema cannot say well: integer years (the schema's `integer`
    accepts 2015.0, which later breaks range()), a known GWP set and codes in another case,
    each with a suggestion."""
    problems = []

    def at(*key: str) -> int | None:
        for n in range(len(key), 0, -1):
            if key[:n] in lines:
                return lines[key[:n]]
        return None

    years: list[tuple[tuple[str, ...], Any]] = [(("base_year",), data.get("base_year"))]
    for key in ("years", "reporting_years"):
        if isinstance(data.get(key), list):
            years += [((key, str(i)), v) for i, v in enumerate(data[key])]
    for i, ndc in enumerate(data.get("ndc") if isinstance(data.get("ndc"), list) else []):
        if isinstance(ndc, dict):
            years += [(("ndc", str(i), k), ndc.get(k)) for k in ("target_year", "base_year")]
            problems += _code_problem(ndc.get("type"), NDC_TYPES, at("ndc", str(i), "type"), f"ndc.{i}.type")
    for key, value in years:
        if isinstance(value, float):
            problems.append(Problem("case.yaml", at(*key), ".".join(key),
                                    f"expected an integer year, found {excerpt(repr(value))} "
                                    "(years are whole numbers)"))
    for key in ("lulucf", "inventory_lulucf"):
        problems += _code_problem(data.get(key), LULUCF, at(key), key)
    for key in ("gwp", "inventory_gwp"):
        gwp = data.get(key)
        if isinstance(gwp, str) and gwp not in GWP_SETS:
            close = suggest_code(gwp, GWP_SETS) or next(iter(difflib.get_close_matches(gwp[:60], GWP_SETS, 1, 0.8)),
                                                        None)
            hint = f"did you mean '{close}'?" if close else f"known sets: {', '.join(sorted(GWP_SETS))}"
            problems.append(Problem("case.yaml", at(key), key, f"unknown GWP set {excerpt(gwp)!r}: {hint}"))
    return problems


def _code_problem(value: Any, allowed: frozenset[str], line: int | None, column: str) -> list[Problem]:
    if not isinstance(value, str) or value in allowed:
        return []
    close = suggest_code(value, allowed)
    hint = f"did you mean '{close}'?" if close else f"expected one of {', '.join(sorted(allowed))}"
    return [Problem("case.yaml", line, column, f"unknown value {excerpt(value)!r}: {hint}")]


@cache
def _case_schema() -> dict[str, Any]:
    import yaml

    text = resources.files("subnat").joinpath("data/case.schema.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _with_defaults(actors: pd.DataFrame) -> pd.DataFrame:
    return actors.assign(parent_id=actors["parent_id"].fillna("").astype(str))


def _default_scopes(case: Case) -> None:
    """Default scope: territorial for jurisdictions, scope1+2 for companies (docs/case-format.md)."""
    # duplicate actor ids are reported by check_relations; map through the first of each here
    types = case.actors.drop_duplicates("actor_id").set_index("actor_id")["actor_type"]
    for table in (case.inventory, case.commitments):
        kind = table["actor_id"].map(types)
        default = kind.map({"company": "scope1+2"}).fillna("territorial")
        table["scope"] = table["scope"].where(table["scope"].astype(str) != "", default)


def check_relations(case: Case) -> None:
    """Cross-file checks: ids, parents, cycles, location shares, CPS coverage, scopes."""
    from subnat.case.scopes import ScopeError, parse_scope

    problems: list[Problem] = []
    actors = case.actors
    dup = actors["actor_id"].duplicated(keep="first")
    # zip over columns, not iterrows: these checks run over 100,000-row files (issue 8)
    for actor, line in zip(actors.loc[dup, "actor_id"], actors.loc[dup, "_line"], strict=True):
        problems.append(Problem("actors.csv", int(line), "actor_id", f"duplicate actor_id '{actor}'"))
    known = set(actors["actor_id"])
    kinds = dict(zip(actors["actor_id"], actors["actor_type"], strict=True))
    parents = {a: p for a, p in zip(actors["actor_id"], actors["parent_id"], strict=True) if p}
    for actor, kind, parent, line in zip(actors["actor_id"], actors["actor_type"], actors["parent_id"],
                                         actors["_line"], strict=True):
        if not parent:
            continue
        if parent not in known:
            problems.append(Problem("actors.csv", int(line), "parent_id",
                                    f"unknown parent '{parent}' (not an actor_id in actors.csv)"))
        elif kind == "company":
            problems.append(Problem("actors.csv", int(line), "parent_id",
                                    "a company has no parent jurisdiction; put its locations in "
                                    "company_locations.csv"))
        elif kinds[parent] == "company":
            problems.append(Problem("actors.csv", int(line), "parent_id",
                                    f"parent '{parent}' is a company, expected a region or city"))
        elif parent == actor:
            problems.append(Problem("actors.csv", int(line), "parent_id",
                                    "an actor cannot be its own parent"))
    lines = dict(zip(actors["actor_id"], actors["_line"], strict=True))
    for cycle in _cycles(parents):
        first = min(cycle, key=lambda a: lines[a])
        problems.append(Problem("actors.csv", int(lines[first]), "parent_id",
                                "cycle in parent_id: " + " -> ".join([*cycle, cycle[0]])))

    problems += _check_inventory(case, known)
    problems += _check_commitment_codes(case)
    commitments = case.commitments
    dup = commitments["commitment_id"].duplicated(keep="first")
    for cid, line in zip(commitments.loc[dup, "commitment_id"], commitments.loc[dup, "_line"], strict=True):
        problems.append(Problem("commitments.csv", int(line), "commitment_id", f"duplicate commitment_id '{cid}'"))
    for table, name in ((case.inventory, "inventory.csv"), (case.commitments, "commitments.csv")):
        errors: dict[str, str | None] = {}  # each distinct spelling parsed once
        for scope in table["scope"].unique():
            try:
                parse_scope(scope)
                errors[scope] = None
            except ScopeError as exc:
                errors[scope] = str(exc)
        for scope, line in zip(table["scope"], table["_line"], strict=True):
            if errors[scope] is not None:
                problems.append(Problem(name, int(line), "scope", errors[scope]))
    problems += _check_locations(case.company_locations, kinds)
    problems += _check_national(case)
    problems += _check_drivers(case.drivers, known)
    if case.observed is not None:
        problems += _check_observed(case.observed, known, case.meta)
    if problems:
        raise InputError(problems)
    implausible = inventory_problems(case.actors, case.inventory, case.national)  # on well-formed tables only
    if implausible:
        raise InputError(implausible)


def _cycles(parents: dict[str, str]) -> list[list[str]]:
    """Every cycle in the parent graph, each reported once."""
    seen: set[str] = set()
    cycles = []
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()  # `node in path` on the list was quadratic in a deep chain
        node = start
        while node in parents and node not in seen and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents[node]
        if node in on_path:
            cycles.append(path[path.index(node):])
        seen.update(path)
    return cycles


def _check_inventory(case: Case, known: set[str]) -> list[Problem]:
    from subnat.case.scopes import ScopeError, parse_scope, scope_key

    inv = case.inventory
    problems = [Problem("inventory.csv", int(ln), "actor_id", f"unknown actor '{a}' (not in actors.csv)")
                for a, ln in zip(inv["actor_id"], inv["_line"], strict=True) if a not in known][:20]
    # duplicates after canonicalising the scope: `scope1+2` and `scope2+1` are one row
    canonical = {}
    for scope in inv["scope"].unique():
        try:
            canonical[scope] = scope_key(parse_scope(scope))
        except ScopeError:
            canonical[scope] = scope  # reported by check_relations
    keyed = inv.assign(_scope=inv["scope"].map(canonical))
    columns = ["actor_id", "year", "_scope"]
    dup = keyed.duplicated(columns, keep="first")
    if dup.any():
        firsts = keyed[~dup].set_index(columns)[["_line", "scope"]]
        rows = keyed[dup].head(20)
        for actor, year, scope, raw, line in zip(rows["actor_id"], rows["year"], rows["_scope"], rows["scope"],
                                                 rows["_line"], strict=True):
            first_line, first_raw = firsts.loc[(actor, year, scope)]
            spelt = f" (written '{excerpt(first_raw)}' there, '{excerpt(raw)}' here)" if raw != first_raw else ""
            problems.append(Problem("inventory.csv", int(line), "year",
                                    f"duplicate row for actor '{excerpt(actor)}', year {int(year)}, scope {scope}: "
                                    f"same as line {int(first_line)}{spelt}"))
    return problems


def _check_commitment_codes(case: Case) -> list[Problem]:
    """Values that can only be typos are errors with a suggestion (docs/case-format.md,
    "Errors or exclusions"): a fraction above 1, a net_zero value other than 1, a known code in
    another case or spelling. A genuinely unknown target type stays an exclusion."""
    name = "commitments.csv"
    table = case.commitments
    problems: list[Problem] = []
    for kind, value, line in zip(table["target_type"], table["value"], table["_line"], strict=True):
        close = suggest_code(kind, TARGET_TYPES) if kind not in TARGET_TYPES else None
        if close:
            problems.append(Problem(name, int(line), "target_type",
                                    f"unknown target type {excerpt(kind)!r}: did you mean '{close}'?"))
            continue
        message = value_problem(kind, value)
        if message:
            problems.append(Problem(name, int(line), "value", message))
    problems = problems[:40]
    for file, rows in ((name, table), ("inventory.csv", case.inventory)):
        upper = rows[rows["scope"].str.lower().ne(rows["scope"])].head(20)
        problems += [Problem(file, int(line), "scope", f"scope {excerpt(scope)!r} in another case: "
                                                       f"did you mean '{excerpt(scope.lower())}'?")
                     for scope, line in zip(upper["scope"], upper["_line"], strict=True)]
    country = case.meta.country
    actors = case.actors[case.actors["country"].str.upper().eq(country) & case.actors["country"].ne(country)]
    problems += [Problem("actors.csv", int(line), "country",
                         f"country {excerpt(code)!r} in another case: did you mean '{country}'?")
                 for code, line in zip(actors["country"].head(20), actors["_line"].head(20), strict=True)]
    return problems


def value_problem(kind: str, value: float) -> str | None:
    """Why `value` cannot be meant for a `kind` target (shared with screen's safety net), or None."""
    if kind in FRACTION_TYPES and value > 1:
        return (f"the value of {kind} targets is a fraction (0.4 = 40 %), found {value:g}: "
                f"{percentage_hint(value)}")
    if kind == "net_zero" and value == value and value != 1:
        return (f"a net_zero value is 1.0, found {value:g}: residual emissions at the net-zero year are "
                "the config setting net_zero.residual_share, and a target on part of the emissions "
                "is written with coverage")
    return None


def _check_locations(locations: pd.DataFrame, kinds: dict[str, str]) -> list[Problem]:
    problems = []
    name = "company_locations.csv"
    for company, place, line in zip(locations["company_id"], locations["jurisdiction_id"], locations["_line"],
                                    strict=True):
        line = int(line)
        if kinds.get(company) != "company":
            what = "unknown actor" if company not in kinds else f"a {kinds[company]}, not a company"
            problems.append(Problem(name, line, "company_id", f"'{company}' is {what}"))
        if kinds.get(place) not in JURISDICTION_TYPES:
            what = "unknown actor" if place not in kinds else "a company, not a jurisdiction"
            problems.append(Problem(name, line, "jurisdiction_id", f"'{place}' is {what}"))
    dup = locations.duplicated(["company_id", "jurisdiction_id"], keep="first")
    for company, place, line in zip(locations.loc[dup, "company_id"], locations.loc[dup, "jurisdiction_id"],
                                    locations.loc[dup, "_line"], strict=True):
        problems.append(Problem(name, int(line), "jurisdiction_id", f"duplicate location '{place}' for '{company}'"))
    if len(locations):
        totals = locations.groupby("company_id")["share"].sum()
        last_line = locations.groupby("company_id")["_line"].max()
        for company, total in totals[totals > 1 + 1e-9].items():
            line = int(last_line[company])
            problems.append(Problem(name, line, "share",
                                    f"shares of company '{company}' sum to {total:.4g}, expected at most 1"))
    return problems


def _check_national(case: Case) -> list[Problem]:
    national = case.national
    name = "national.csv"
    problems = []
    valid = national["series"].str.fullmatch(r"(history|cps|lulucf|lulucf_high|lulucf_low)"
                                             r"|(cps|lulucf):[A-Za-z0-9_.+()\- ]{1,100}")
    for _, row in national[~valid].head(20).iterrows():
        problems.append(Problem(name, int(row["_line"]), "series",
                                f"expected history, cps, cps:<name>, lulucf, lulucf_high, lulucf_low or "
                                f"lulucf:<name>, "
                                f"found '{row['series'][:60]}'"))
    land = national["series"].str.startswith("lulucf")
    negative = national[~land & (national["emissions_mt"] < 0)]
    for line, value in zip(negative["_line"].head(20), negative["emissions_mt"].head(20), strict=True):
        problems.append(Problem(name, int(line), "emissions_mt",
                                f"expected at least 0, found {value:g} (only the land-sector series lulucf "
                                "may be negative, a net sink)"))
    dup = national.duplicated(["series", "year"], keep="first")
    for _, row in national[dup].head(20).iterrows():
        problems.append(Problem(name, int(row["_line"]), "year",
                                f"duplicate year {int(row['year'])} for series '{row['series']}'"))
    if problems:
        return problems
    problems += _check_basis(case)
    national = national[~land]  # the checks below are on emissions series
    meta = case.meta
    years = set(meta.years)
    cps = national[national["series"].str.startswith("cps")]
    if cps.empty:
        return [*problems, Problem(name, None, "series", "no CPS series: add rows with series 'cps' or 'cps:<name>'")]
    history_years = set(national.loc[national["series"] == "history", "year"].astype(int))
    for series, rows in cps.groupby("series"):
        own = set(rows["year"].astype(int))
        # a projection may start at (or after) its last inventory year: history covers the years before
        missing = sorted(y for y in years - own if not (y < min(own) and y in history_years))
        if missing:
            problems.append(Problem(name, int(rows["_line"].max()), "year",
                                    f"series '{series}' misses projection years {_years(missing)}"
                                    + (" (and history does not cover them)" if history_years else "")))
    base = national[national["year"] == meta.base_year]
    if base.empty:
        problems.append(Problem(name, None, "year",
                                f"no national emissions in the base year {meta.base_year} "
                                "(needed for '% below base year')"))
    for ndc in meta.ndc:
        if ndc["type"] == "absolute" and national[national["year"] == ndc["base_year"]].empty:
            problems.append(Problem(name, None, "year",
                                    f"no national emissions in {ndc['base_year']}, "
                                    f"the base year of NDC '{ndc['label']}'"))
    # '% below base year' and absolute NDC levels divide by the base-year emissions
    base_years = {meta.base_year} | {n["base_year"] for n in meta.ndc if n["type"] == "absolute"}
    zero = national[national["year"].isin(base_years) & (national["emissions_mt"] <= 0)]
    for line, year in zip(zero["_line"].head(20), zero["year"].head(20), strict=True):
        problems.append(Problem(name, int(line), "emissions_mt",
                                f"national emissions of base year {int(year)} must be above 0 "
                                "(percentages below the base year divide by them)"))
    return problems


def _check_observed(observed: pd.DataFrame, known: set[str], meta: CaseMeta) -> list[Problem]:
    """observed.csv: known actors (or the country for the national series), one row per actor x year x
    scope, negative only in the land flux, and the land flux in every observed national year when the
    inventories' LULUCF basis differs from the nation's (the hindcast's trend is on the actors' basis)."""
    name, country = "observed.csv", meta.country
    problems = []
    for actor, scope, line in zip(observed["actor_id"], observed["scope"], observed["_line"], strict=True):
        if scope in OBSERVED_NATIONAL_SCOPES and actor != country:
            problems.append(Problem(name, int(line), "actor_id", f"scope {scope} belongs to the case's country "
                                    f"'{country}', not '{excerpt(actor)}'"))
        elif scope not in OBSERVED_NATIONAL_SCOPES and actor not in known:
            problems.append(Problem(name, int(line), "actor_id",
                                    f"unknown actor '{excerpt(actor)}' (not in actors.csv; the national series "
                                    f"has actor_id '{country}' and scope national)"))
    negative = observed[(observed["scope"] != NATIONAL_LAND_SCOPE) & (observed["emissions_mt"] < 0)]
    for scope, value, line in zip(negative["scope"], negative["emissions_mt"], negative["_line"], strict=True):
        problems.append(Problem(name, int(line), "emissions_mt", f"{value:g} Mt is negative: only scope "
                                f"{NATIONAL_LAND_SCOPE} (the land flux, a sink) may be, not scope {scope}"))
    dup = observed.duplicated(["actor_id", "year", "scope"], keep="first")
    for actor, year, line in zip(observed.loc[dup, "actor_id"], observed.loc[dup, "year"], observed.loc[dup, "_line"],
                                 strict=True):
        problems.append(Problem(name, int(line), "year",
                                f"duplicate row for actor '{excerpt(actor)}', year {int(year)}"))
    if meta.inventory_lulucf != meta.lulucf:
        land_years = set(observed.loc[observed["scope"] == NATIONAL_LAND_SCOPE, "year"].astype(int))
        nation = observed[(observed["scope"] == "national") & ~observed["year"].astype(int).isin(land_years)]
        for year, line in zip(nation["year"], nation["_line"], strict=True):
            problems.append(Problem(name, int(line), "scope", (
                f"national {int(year)} has no {NATIONAL_LAND_SCOPE} row: the inventories are LULUCF "
                f"{meta.inventory_lulucf} and the nation {meta.lulucf}, so the hindcast's national trend "
                f"needs the observed land flux of {int(year)} (method §8)")))
    return problems[:40]


def _check_basis(case: Case) -> list[Problem]:
    """Actor inventories and national series on one basis (method §8), or a cited land-sector series
    in national.csv that converts the growth index to the inventories' LULUCF basis; never silent."""
    meta, national = case.meta, case.national
    problems = []
    if meta.inventory_gwp != meta.gwp and not meta.inventory_gwp_factor:
        key = "inventory_gwp"
        problems.append(Problem("case.yaml", meta.lines.get((key,), 1), key,
                                f"actor inventories are on {meta.inventory_gwp} but the national series on "
                                f"{meta.gwp} (gwp): convert one side to the other's GWP set, or declare the "
                                "cited conversion inventory_gwp_factor: {value, source}"))
    if meta.inventory_gwp == meta.gwp and meta.inventory_gwp_factor:
        key = "inventory_gwp_factor"
        problems.append(Problem("case.yaml", meta.lines.get((key,), 1), key,
                                f"a GWP conversion needs inventory_gwp other than gwp ({meta.gwp}): remove it "
                                "or declare the inventories' GWP set"))
    land = national[national["series"].str.startswith("lulucf")]
    members = set(national.loc[national["series"].str.startswith("cps:"), "series"])
    for series, rows in land[land["series"].str.startswith("lulucf:")].groupby("series"):
        if "cps:" + series.removeprefix("lulucf:") not in members:
            problems.append(Problem("national.csv", int(rows["_line"].min()), "series",
                                    f"'{series}' has no member 'cps:{series.removeprefix('lulucf:')}' to convert"))
    if meta.inventory_lulucf == meta.lulucf:
        return problems
    key = "inventory_lulucf" if ("inventory_lulucf",) in meta.lines else "lulucf"
    words = {"included": "net (LULUCF included)", "excluded": "gross (LULUCF excluded)"}
    if "lulucf" not in set(land["series"]):
        problems.append(Problem(
            "case.yaml", meta.lines.get((key,), 1), key,
            f"actor inventories are {words[meta.inventory_lulucf]} but the national series are "
            f"{words[meta.lulucf]}: the growth index needs both on one basis. Add the land-sector "
            "series 'lulucf' to national.csv (net LULUCF flux in Mt CO2e, negative = sink, history and "
            "projection years, with a source on every row), or declare matching bases"))
        return problems
    # every year a national series has must be convertible: its own land series, else `lulucf`
    have = {s: set(rows["year"].astype(int)) for s, rows in land.groupby("series")}
    shared = [s for s in ("lulucf", "lulucf_high", "lulucf_low") if s in have]
    for series, rows in national[national["series"].str.fullmatch(r"history|cps|cps:.*")].groupby("series"):
        own = "lulucf:" + series.removeprefix("cps:")
        for land in [own] if own in have else shared:
            missing = sorted(set(rows["year"].astype(int)) - have[land])
            if missing:
                problems.append(Problem("national.csv", int(rows["_line"].max()), "year",
                                        f"series '{land}' misses years {_years(missing)} of '{series}': the growth "
                                        f"index on the inventories' basis ({words[meta.inventory_lulucf]}) needs "
                                        "the land flux in every year of the national series it converts"))
    return problems


def _check_drivers(drivers: pd.DataFrame, known: set[str]) -> list[Problem]:
    problems = [Problem("drivers.csv", int(ln), "actor_id", f"unknown actor '{a}' (not in actors.csv)")
                for a, ln in zip(drivers["actor_id"], drivers["_line"], strict=True) if a not in known]
    dup = drivers.duplicated(["actor_id", "driver", "year"], keep="first")
    problems += [Problem("drivers.csv", int(line), "year", "duplicate driver year")
                 for line in drivers.loc[dup, "_line"]]
    return problems[:40]


def _years(years: list[int]) -> str:
    if len(years) > 6:
        return f"{years[0]}-{years[-1]} ({len(years)} years)"
    return ", ".join(map(str, years))
