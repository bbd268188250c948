"""Safety (issue 8): YAML loaded safely, no code evaluated from config or data, case paths cannot
write outside the output folder, and no network access while assessing a case."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from snakemake.exceptions import WorkflowError

from subnat.case.folder import embedded_cases
from subnat.case.load import load_case
from subnat.config import load, read_yaml
from subnat.errors import InputError
from subnat.run import run_case
from subnat.workflow import case_names

REPO = Path(__file__).resolve().parents[2]
CODE = [*sorted((REPO / "src").rglob("*.py")), *sorted((REPO / "workflow").rglob("*.py")),
        *sorted((REPO / "workflow").rglob("*.smk")), REPO / "Snakefile"]
UNSAFE = re.compile(r"yaml\.(load|load_all|unsafe_load|full_load)\s*\(|Loader\s*=\s*yaml\.(Unsafe|Full)?Loader"
                    r"|\beval\s*\(|\bexec\s*\(|pickle\.loads?\s*\(|shell\s*=\s*True|os\.system\s*\(")


def test_no_unsafe_yaml_eval_or_shell_in_code() -> None:
    hits = [f"{path.relative_to(REPO)}:{n}: {line.strip()}"
            for path in CODE for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if UNSAFE.search(line)]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("payload", [
    "x: !!python/object/apply:os.system ['touch {marker}']\n",
    "x: !!python/name:os.system\n",
    "x: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
])
def test_yaml_python_tags_are_rejected(payload: str, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(payload.format(marker=marker), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml(path)
    assert info.value.problems[0].line == 1
    with pytest.raises(InputError):
        load([path])
    assert not marker.exists()


@pytest.mark.parametrize("spec", ["..", "../..", "demo/..", ".", "./", "../.hidden", ""])
def test_config_cases_cannot_escape_results(spec: str) -> None:
    with pytest.raises(InputError) as info:
        load(overrides={"cases": ["demo", spec]})
    assert any(p.column == "cases.1" for p in info.value.problems)
    with pytest.raises(WorkflowError):
        case_names({"cases": ["demo", spec]})


@pytest.mark.parametrize("spec", ["demo", "../../etc/mycase", "/data/cases/us-2030/", "./my.case"])
def test_case_result_folders_are_plain_names(spec: str) -> None:
    load(overrides={"cases": [spec]})  # accepted by the schema
    (name,) = case_names({"cases": [spec]})
    assert name not in ("", ".", "..") and "/" not in name
    assert (Path("results") / name).resolve().parent == Path("results").resolve()


def test_case_name_in_case_yaml_cannot_be_a_path(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(embedded_cases()["demo"], folder)
    path = folder / "case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: demo", "name: ../../escape"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_case(folder)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, "name")]


def test_run_writes_only_into_its_output_folder_and_never_uses_the_network(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    run_case("demo", out, load([]), ["no_nsa", "full_implementation", "fixed_0.5"], draws=16, seed=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    written = {p.name for p in out.iterdir()}
    assert {"summary.csv", "exclusions.csv", "draws.nc", "provenance.yaml"} <= written
    assert not any(name.startswith(".") for name in written), "staging debris left behind"


def test_run_refuses_to_write_into_the_case_folder(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(embedded_cases()["demo"], folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for out in (folder, tmp_path / "." / "demo", tmp_path / "other" / ".." / "demo"):
        with pytest.raises(InputError) as info:
            run_case(folder, out, load([]), ["no_nsa"], draws=4, seed=1)
        assert "case folder" in info.value.problems[0].message
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_only_the_retrieve_step_has_network_code() -> None:
    """Downloads happen in one place (the retrieve rule's module); nothing else imports a network client."""
    network = re.compile(r"^\s*(import|from)\s+(urllib|requests|httpx|http\.client|socket|ftplib|aiohttp)\b"
                         r"|urlopen\s*\(", re.M)
    users = sorted(str(path.relative_to(REPO)) for path in CODE if network.search(path.read_text(encoding="utf-8")))
    assert users in ([], ["src/subnat/harmonize/retrieve.py"]), users
