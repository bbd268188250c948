"""Hostile input (issue 14, points 5, 6, 9 and 10): each class fails fast with a clear error
(`file:line: column: message`, exit 1, no traceback, nothing written) or is a documented
acceptance. Timings are asserted loosely (a shared 2-core machine): what matters is that they
are linear, i.e. seconds, not minutes. See docs/case-format.md, "Hostile input"."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from subnat.config import MAX_YAML_DEPTH, MAX_YAML_VALUES, read_yaml
from subnat.errors import InputError, Problem

# --- Problem formatting (point 9) -----------------------------------------------------------

@pytest.mark.parametrize(("problem", "text"), [
    (Problem("a.csv", 3, "year", "bad"), "a.csv:3: year: bad"),
    (Problem("a.csv", 3, None, "bad"), "a.csv:3: bad"),
    (Problem("a.csv", None, "year", "bad"), "a.csv: year: bad"),
    (Problem("a.csv", None, None, "bad"), "a.csv: bad"),
])
def test_problem_prints_only_the_parts_it_has(problem: Problem, text: str) -> None:
    assert str(problem) == text
    assert ":: " not in str(problem) and " -: " not in str(problem)


# --- YAML: alias bombs, nesting, duplicate keys (point 10) ---------------------------------

def _bomb(levels: int = 9) -> str:
    lines = ["k0: &k0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"k{i}: &k{i} [" + ", ".join([f"*k{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _problem(path: Path) -> Problem:
    with pytest.raises(InputError) as info:
        read_yaml(path)
    assert len(info.value.problems) >= 1
    return info.value.problems[0]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    start = time.perf_counter()
    problem = _problem(path)
    assert time.perf_counter() - start < 2
    assert f"more than {MAX_YAML_VALUES:,} values" in problem.message and "alias" in problem.message


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n", encoding="utf-8")
    assert read_yaml(path) == {"a": {"b": 1}, "c": {"b": 1}, "d": {"b": 1, "e": 2}}


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    assert "recursive alias" in _problem(path).message


@pytest.mark.parametrize("text", [
    "x: " + "[" * 100_000 + "]" * 100_000 + "\n",  # flow style: quadratic in PyYAML's scanner
    "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "x:\n" + "".join("  " * i + "-\n" for i in range(1, 200)),  # block style
    "- " * 100_000 + "1\n",
])
def test_deep_nesting_is_refused_quickly(text: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    problem = _problem(path)
    assert time.perf_counter() - start < 2
    assert f"more than {MAX_YAML_DEPTH} levels" in problem.message


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml(path)
    found = [(p.line, p.column, p.message) for p in info.value.problems]
    assert [(line, col) for line, col, _ in found] == [(4, "c"), (5, "a")]
    assert "first on line 3" in found[0][2] and "first on line 1" in found[1][2]


# --- case resolution (point 5) --------------------------------------------------------------

def test_local_folder_and_embedded_case_of_one_name_is_ambiguous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import shutil

    from subnat.case.folder import embedded_cases, resolve_case

    monkeypatch.chdir(tmp_path)
    shutil.copytree(embedded_cases()["demo"], tmp_path / "demo")
    with pytest.raises(InputError) as info:
        resolve_case("demo")
    message = str(info.value)
    assert "ambiguous" in message and "./demo" in message and "embedded:demo" in message
    assert message.startswith("demo: ")  # no empty line or column parts
    with caplog.at_level(logging.INFO, logger="subnat"):
        assert resolve_case("./demo") == Path("./demo")
        assert resolve_case("embedded:demo") == embedded_cases()["demo"]
    logged = caplog.text
    assert "reading the folder" in logged and str((tmp_path / "demo").resolve()) in logged
    assert "reading the embedded case" in logged
    # without the local folder, the plain name is the embedded case; a path never is
    shutil.rmtree(tmp_path / "demo")
    assert resolve_case("demo") == embedded_cases()["demo"]
    with pytest.raises(InputError, match=r"no such case folder \(the embedded case is embedded:demo\)"):
        resolve_case("./demo")
    with pytest.raises(InputError, match="no embedded case of that name"):
        resolve_case("embedded:nowhere")


def test_cli_refuses_the_ambiguous_name_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from subnat.case.folder import embedded_cases
    from subnat.cli import main

    monkeypatch.chdir(tmp_path)
    shutil.copytree(embedded_cases()["demo"], tmp_path / "demo")
    (tmp_path / "demo" / "actors.csv").write_text("broken\n", encoding="utf-8")
    assert main(["validate", "demo"]) == 1
    err = capsys.readouterr().err
    assert "ambiguous case name" in err and "Traceback" not in err
    assert main(["run", "demo", "--out", "out", "--draws", "4", "--scenario", "no_nsa"]) == 1
    assert not (tmp_path / "out").exists()
    assert main(["validate", "embedded:demo"]) == 0


# --- linear checks (point 10) ---------------------------------------------------------------

def test_parent_cycle_walk_is_linear_in_a_deep_chain() -> None:
    from subnat.case.load import _cycles

    n = 200_000  # deepest actor first: the worst order for the walk
    parents = {f"C{i}": f"C{i - 1}" for i in range(n - 1, 0, -1)}
    start = time.perf_counter()
    assert _cycles(parents) == []
    assert time.perf_counter() - start < 2  # was quadratic: minutes at this depth
    parents["C0"] = f"C{n - 1}"
    assert len(_cycles(parents)[0]) == n


def test_symlink_inside_the_case_folder_is_followed(tmp_path: Path) -> None:
    """A documented acceptance: a link to a file in the case folder (e.g. a shared copy) is read."""
    import shutil

    from subnat.case.folder import embedded_cases
    from subnat.case.load import load_case

    folder = tmp_path / "demo"
    shutil.copytree(embedded_cases()["demo"], folder)
    (folder / "data").mkdir()
    (folder / "national.csv").rename(folder / "data" / "national.csv")
    (folder / "national.csv").symlink_to(Path("data") / "national.csv")
    assert len(load_case(folder).national) > 0


def test_no_message_quotes_more_than_an_excerpt_of_a_file(tmp_path: Path) -> None:
    import shutil

    from subnat.case.folder import embedded_cases
    from subnat.case.load import load_case

    folder = tmp_path / "demo"
    shutil.copytree(embedded_cases()["demo"], folder)
    secret = "s3cr3t" * 50  # a long first line, no comma: every required column is missing
    (folder / "actors.csv").write_text(secret + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_case(folder)
    for problem in info.value.problems:
        assert len(problem.message) < 400
        assert secret[:250] not in problem.message


# --- severity (point 6): typos are errors, screen keeps the checks as a safety net ----------

def _target_case(tmp_path: Path, **row: object) -> Path:
    from tests.casebuilder import write_case

    region = [{"actor_id": "R", "name": "Region", "actor_type": "region"}]
    inventory = [{"actor_id": "R", "year": 2005, "emissions_mt": 100.0},
                 {"actor_id": "R", "year": 2020, "emissions_mt": 90.0}]
    commitment = {"commitment_id": "c1", "actor_id": "R", "target_type": "absolute", "target_year": 2030,
                  "value": 0.4, "base_year": 2005, "status": "law", **row}
    return write_case(tmp_path / "case", region, inventory, [commitment])


@pytest.mark.parametrize(("row", "column", "text"), [
    ({"value": 1.5}, "value", "looks like a percentage; write 0.015"),
    ({"value": 40}, "value", "looks like a percentage; write 0.4"),
    ({"value": 400}, "value", "a fraction is at most 1"),
    ({"target_type": "renewable_electricity", "value": 60}, "value", "write 0.6"),
    ({"target_type": "net_zero", "value": 0.8}, "value", "net_zero.residual_share"),
    ({"coverage": 100}, "coverage", "looks like a percentage; write 1"),
    ({"target_type": "ABSOLUTE"}, "target_type", "did you mean 'absolute'?"),
    ({"target_type": "intensity gdp"}, "target_type", "did you mean 'intensity_gdp'?"),
    ({"status": "Law"}, "status", "did you mean 'law'?"),
])
def test_fraction_above_one_and_codes_in_another_case_are_errors(tmp_path: Path, row: dict, column: str,
                                                                  text: str) -> None:
    from subnat.case.load import load_case

    with pytest.raises(InputError) as info:
        load_case(_target_case(tmp_path, **row))
    assert [(p.line, p.column) for p in info.value.problems] == [(2, column)]
    assert text in info.value.problems[0].message


@pytest.mark.parametrize(("row", "code", "text"), [
    ({"value": 40.0}, "missing_value", "looks like a percentage; write 0.4"),
    ({"target_type": "net_zero", "value": 0.8}, "missing_value", "net_zero.residual_share"),
    ({"target_type": "Absolute"}, "unknown_target_type", "did you mean 'absolute'?"),
])
def test_screen_keeps_the_checks_as_a_safety_net(tmp_path: Path, row: dict, code: str, text: str) -> None:
    """A Case changed after load_case (as a library user may) is screened with the same messages."""
    from subnat.aggregate.national import national_series
    from subnat.aggregate.screen import screen
    from subnat.aggregate.settings import method_settings
    from subnat.case.load import load_case
    from subnat.config import load

    case = load_case(_target_case(tmp_path))
    for key, value in row.items():
        case.commitments[key] = value
    screened = screen(case, method_settings(load([])).screen, national_series(case, "ensemble"))
    assert list(screened.exclusions["reason_code"]) == [code]
    assert text in screened.exclusions["detail"][0]


def test_genuinely_unknown_target_type_stays_an_exclusion(tmp_path: Path) -> None:
    from subnat.case.load import load_case

    case = load_case(_target_case(tmp_path, target_type="absolut"))  # a typo, but no spelling variant
    assert list(case.commitments["target_type"]) == ["absolut"]
