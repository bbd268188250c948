"""Bad-input corpus (issue 8): every corrupted case fails cleanly or is excluded with a reason code.

The corpus lives in `tests/corpus/corpus.yaml` as small mutations of the embedded demo case, so
the repository holds one table, not dozens of case copies. For each entry we assert the exact
outcome (interfaces.md §5, docs/case-format.md): errors print `file:line: column: message`,
exit 1, no traceback and nothing written; exclusions exit 0 with the reason code in
`exclusions.csv`. The user's input folder is never modified.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from subnat.case.folder import embedded_cases
from subnat.cli import main

CORPUS_FILE = Path(__file__).resolve().parents[1] / "corpus" / "corpus.yaml"
CORPUS: list[dict[str, Any]] = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
BY_NAME = {entry["name"]: entry for entry in CORPUS}
# `file:line: column: message`, with the unknown parts left out: `file:line: message`,
# `file: column: message`, `file: message` (errors.Problem.__str__)
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>.+)$")
RUN_ARGS = ["--draws", "8", "--scenario", "no_nsa", "--scenario", "full_implementation"]
INPUT_FILES = ("case.yaml", "actors.csv", "inventory.csv", "commitments.csv", "company_locations.csv",
               "national.csv", "drivers.csv", "config.yaml")


# --- applying a corpus entry -------------------------------------------------------------------

def _value(spec: Any) -> str:
    """A cell or text value; {repeat, times, prefix} builds very long strings without storing them."""
    if isinstance(spec, dict):
        return str(spec.get("prefix", "")) + str(spec["repeat"]) * int(spec["times"])
    return "" if spec is None else str(spec)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _write_rows(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def apply(entry: dict[str, Any], folder: Path) -> Path | None:
    """Apply an entry's mutation steps to the case copy in `folder`; return the config override, if any."""
    config = None
    if entry.get("config"):
        config = folder.parent / "override.yaml"
        config.write_text(entry["config"], encoding="utf-8")
    if entry["file"] == "config.yaml":
        path = folder.parent / "config.yaml"
        path.write_text("", encoding="utf-8")
        config = path
    else:
        path = folder / entry["file"]
    for step in entry["mutation"]:
        (kind, arg), = step.items()
        if kind == "delete":
            path.unlink()
            continue
        if kind == "bytes_hex":
            path.write_bytes(bytes.fromhex(arg))
            continue
        if kind == "make_dir":  # a folder in place of the file
            path.unlink(missing_ok=True)
            path.mkdir()
            continue
        if kind == "symlink_outside":  # a link to a file outside the case folder, with this text
            outside = folder.parent / "outside.txt"
            outside.write_text(arg, encoding="utf-8")
            path.unlink(missing_ok=True)
            path.symlink_to(outside)
            continue
        if kind == "encode":
            path.write_bytes(path.read_text(encoding="utf-8").encode(arg))
            continue
        text = path.read_text(encoding="utf-8")
        if kind == "text":
            text = _value(arg)
        elif kind in ("replace", "replace_all"):
            assert arg["old"] in text, f"{entry['name']}: {arg['old']!r} not in {path.name}"
            text = text.replace(arg["old"], _value(arg["new"]), 1 if kind == "replace" else -1)
        elif kind == "append":
            text = text.rstrip("\n") + "\n" + arg + "\n"
        elif kind == "drop_lines":
            lines = text.splitlines(keepends=True)
            drop = set(range(arg["from"], arg["to"] + 1)) if isinstance(arg, dict) else set(arg)
            text = "".join(line for n, line in enumerate(lines, 1) if n not in drop)
        elif kind in ("set", "drop_column", "add_column"):
            rows = _rows(text)
            header = rows[0]
            if kind == "set":
                rows[arg["line"] - 1][header.index(arg["column"])] = _value(arg["value"])
            elif kind == "drop_column":
                i = header.index(arg)
                rows = [r[:i] + r[i + 1:] for r in rows]
            else:
                rows = [[*rows[0], arg["name"]], *([*r, _value(arg["value"])] for r in rows[1:])]
            text = _write_rows(rows)
        else:
            raise AssertionError(f"unknown mutation {kind}")
        path.write_text(text, encoding="utf-8")
    return config


def folder_hash(folder: Path) -> str:
    """SHA-256 over every file's name and content: proves the input was not modified."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """A private copy of the demo case (the embedded one must never be touched)."""
    folder = tmp_path / "input" / "demo"
    shutil.copytree(embedded_cases()["demo"], folder)
    return folder


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _problems(err: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(PROBLEM_LINE.match, err.splitlines())
            if m and m["file"] != "subnat"]  # not the closing "subnat: N problem(s) found" line


def _matches(problem: dict[str, str], expected: dict[str, Any]) -> bool:
    """Same file name and line ("" = none); the message starts with `column: ` unless the
    expected column is "-" (none)."""
    column = str(expected["column"])
    return (Path(problem["file"]).name == expected["file"]
            and (problem["line"] or "") == str(expected["line"])
            and (column == "-" or problem["message"].startswith(f"{column}: "))
            and expected.get("message", "") in problem["message"])


# --- the corpus ------------------------------------------------------------------------------

def test_corpus_is_large_and_covers_every_file() -> None:
    names = [e["name"] for e in CORPUS]
    assert len(names) == len(set(names)), "corpus names must be unique"
    assert len(CORPUS) >= 30
    assert {e["file"] for e in CORPUS} >= set(INPUT_FILES)
    for entry in CORPUS:
        assert entry["expect"] in ("error", "exclusion", "ok"), entry["name"]
        assert entry.get("category"), entry["name"]
        assert entry["expect"] == "ok" or entry.get("problems") or entry.get("exclusions"), entry["name"]


ERRORS = [e for e in CORPUS if e["expect"] == "error"]
EXCLUSIONS = [e for e in CORPUS if e["expect"] == "exclusion"]
ACCEPTED = [e for e in CORPUS if e["expect"] == "ok"]


@pytest.mark.parametrize("entry", ERRORS, ids=[e["name"] for e in ERRORS])
def test_corpus_error(entry: dict[str, Any], case_copy: Path, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    config = apply(entry, case_copy)
    before = folder_hash(case_copy.parent)
    extra = ["--config", str(config)] if config else []

    code, out, err = _cli(["validate", str(case_copy), *extra], capsys)
    assert code == 1, f"exit {code}\n{out}\n{err}"
    assert "Traceback" not in err
    found = _problems(err)
    assert found, err
    for expected in entry["problems"]:
        assert any(_matches(p, expected) for p in found), f"expected {expected} in:\n{err}"
    assert all(len(p["message"]) < 600 for p in found), "messages must stay short"
    assert "nothing was written" in err
    for text in entry.get("not_in_output", []):
        assert text not in err, f"{text!r} echoed in:\n{err}"

    out_dir = tmp_path / "out"
    code, out, err = _cli(["run", str(case_copy), "--out", str(out_dir), *RUN_ARGS, *extra], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir()), "a failed run must write nothing"
    assert folder_hash(case_copy.parent) == before, "input files were modified"


@pytest.mark.parametrize("entry", EXCLUSIONS, ids=[e["name"] for e in EXCLUSIONS])
def test_corpus_exclusion(entry: dict[str, Any], case_copy: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    config = apply(entry, case_copy)
    before = folder_hash(case_copy.parent)
    extra = ["--config", str(config)] if config else []

    code, out, err = _cli(["validate", str(case_copy), *extra], capsys)
    assert code == 0, f"exit {code}\n{out}\n{err}"
    for expected in entry["exclusions"]:
        assert f": {expected['commitment_id']}: {expected['reason_code']}: " in out, out

    out_dir = tmp_path / "out"
    code, out, err = _cli(["run", str(case_copy), "--out", str(out_dir), *RUN_ARGS, *extra], capsys)
    assert code == 0, err
    exclusions = pd.read_csv(out_dir / "exclusions.csv", dtype=str, keep_default_na=False)
    pairs = set(zip(exclusions["commitment_id"], exclusions["reason_code"], strict=True))
    for expected in entry["exclusions"]:
        assert (expected["commitment_id"], expected["reason_code"]) in pairs, exclusions
    # each excluded commitment is excluded once, and never also assessed
    assert not exclusions["commitment_id"].duplicated().any()
    assessed = pd.read_csv(out_dir / "commitments.csv", dtype=str, keep_default_na=False)
    assert not set(assessed["commitment_id"]) & set(exclusions["commitment_id"])
    assert folder_hash(case_copy.parent) == before, "input files were modified"


@pytest.mark.parametrize("entry", ACCEPTED, ids=[e["name"] for e in ACCEPTED])
def test_corpus_accepted(entry: dict[str, Any], case_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apply(entry, case_copy)
    code, out, err = _cli(["validate", str(case_copy)], capsys)
    assert code == 0, err
    assert "demo: valid (11 actors, 18 commitments; 12 assessable, 6 would be excluded)" in out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["actors_binary_garbage", "case_yaml_python_object_tag", "config_top_level_key_typo"])
def test_corpus_error_subprocess(name: str, case_copy: Path, tmp_path: Path) -> None:
    """The installed entry point, as a user runs it: exit 1, problem lines, no traceback, no output."""
    entry = BY_NAME[name]
    config = apply(entry, case_copy)
    extra = ["--config", str(config)] if config else []
    before = folder_hash(case_copy.parent)
    out_dir = tmp_path / "out"
    for args in (["validate", str(case_copy)], ["run", str(case_copy), "--out", str(out_dir), *RUN_ARGS]):
        proc = subprocess.run([sys.executable, "-m", "subnat", *args, *extra], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        found = _problems(proc.stderr)
        for expected in entry["problems"]:
            assert any(_matches(p, expected) for p in found), proc.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())
    assert not (tmp_path / "PWNED").exists() and not (case_copy / "PWNED").exists()
    assert folder_hash(case_copy.parent) == before


def test_problem_lines_are_capped_per_column(case_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hundreds of bad cells give a bounded report (MAX_PROBLEMS_PER_COLUMN plus a summary line)."""
    from subnat.case.csvfiles import MAX_PROBLEMS_PER_COLUMN

    rows = ["actor_id,year,emissions_mt,scope,source"]
    rows += [f"XDM-N,{1900 + i},-{i + 1},territorial,bad" for i in range(150)]
    (case_copy / "inventory.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = _cli(["validate", str(case_copy)], capsys)
    assert code == 1
    found = [p for p in _problems(err) if p["message"].startswith("emissions_mt: ")]
    assert len(found) == MAX_PROBLEMS_PER_COLUMN + 1
    assert "and 130 more problems" in found[-1]["message"]


def test_config_problem_names_the_file_that_set_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With several --config files, a typo is reported in the file (and line) where it is."""
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("# comment\nsampling:\n  random_seed: 3\n  drawz: {value: 10, source: x}\n", encoding="utf-8")
    second.write_text("sampling:\n  random_seed: 4\n", encoding="utf-8")
    code, _, err = _cli(["validate", "demo", "--config", str(first), "--config", str(second)], capsys)
    assert code == 1
    found = _problems(err)
    assert [(Path(p["file"]).name, p["line"], p["message"].split(": ")[0]) for p in found] == [
        ("first.yaml", "4", "sampling.drawz")]
