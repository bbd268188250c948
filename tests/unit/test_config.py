"""The config schema, its generated reference, defaults and the assumption register."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from subnat.cli import main
from subnat.config import assumptions, fill_defaults, load, load_schema, render_docs, value
from subnat.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_config_readme_is_generated_from_the_schema():
    committed = (ROOT / "config" / "README.md").read_text(encoding="utf-8")
    assert committed == render_docs(), "config/README.md is stale: run `make docs`"


def test_default_config_validates_and_matches_schema_defaults():
    """Every assumption value in config/config.yaml equals the schema default (one set of defaults)."""
    config = load([ROOT / "config" / "config.yaml"])
    defaults = fill_defaults({}, load_schema())
    for row in assumptions(config):
        assert row["source"], row["key"]
        if row["key"].startswith("case_overrides."):
            continue  # a case's deliberate departure from the defaults
        assert row["value"] == value(defaults, row["key"]), row["key"]


def test_every_schema_key_has_a_description():
    def walk(node, path):
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description") or "$ref" in sub or name in ("value", "source", "rationale"), path + name
            walk(sub, path + name + ".")

    walk(load_schema(), "")


def test_typo_in_config_key_names_the_file_line_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sampling:\n  random_seed: 1\npathway:\n  anchr: {value: mry}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load([bad])
    problem = err.value.problems[0]
    assert problem.file == str(bad) and problem.line == 4 and problem.column == "pathway.anchr"
    assert "anchr" in problem.message


def test_override_of_a_value_says_where_it_was_set(tmp_path):
    override = tmp_path / "o.yaml"
    override.write_text(yaml.safe_dump({"pathway": {"anchor": {"value": "base_year"}}}))
    config = load([override])
    assert value(config, "pathway.anchor") == "base_year"
    assert config["pathway"]["anchor"]["source"] == f"set in {override}"


def test_assumptions_command_lists_every_assumption(capsys):
    assert main(["assumptions", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("key,value,unit,description,source,rationale")
    assert "pathway.anchor" in out and "overlap.nested" in out


def test_cases_command_lists_embedded_cases(capsys):
    assert main(["cases"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out and "us2017" in out and "us2023" in out
