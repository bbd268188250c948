"""One config precedence (issue 14): package defaults < the case's own settings < user files in
order < command-line flags; the same config from any working directory; every source hashed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from subnat.aggregate.assess import prepare
from subnat.cli import main
from subnat.config import PACKAGE_DEFAULTS, compose, config_hash, sources_from, value
from subnat.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _file(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_case_settings_override_the_package_defaults():
    run = prepare("us2017", sources_from())
    assert value(run.config, "uncertainty.cps") == "central"
    assert run.composed.set_by["uncertainty.cps"].startswith("case settings ")
    assert value(compose(sources_from()).config, "uncertainty.cps") == "ensemble"  # no case: the default


def test_a_user_file_overrides_the_case_settings(tmp_path):
    """Found on main: --config with uncertainty.cps low left us2017 at its built-in 'central'."""
    override = _file(tmp_path, "ov.yaml", {"uncertainty": {"cps": {"value": "low"}}})
    run = prepare("us2017", sources_from([override]))
    assert value(run.config, "uncertainty.cps") == "low"
    assert run.settings.uncertainty.cps == "low"
    assert run.composed.set_by["uncertainty.cps"] == str(override)


def test_files_apply_in_order_and_flags_last(tmp_path):
    first = _file(tmp_path, "a.yaml", {"sampling": {"random_seed": 1, "draws": {"value": 10}}})
    second = _file(tmp_path, "b.yaml", {"sampling": {"random_seed": 2}})
    run = prepare("demo", sources_from([first, second]))
    assert (run.settings.seed, run.settings.draws) == (2, 10)
    run = prepare("demo", sources_from([first, second]), draws=7, seed=3)
    assert (run.settings.seed, run.settings.draws) == (3, 7)
    assert run.composed.set_by["sampling.draws"] == "command line"
    assert [s["origin"] for s in run.composed.sources] == [PACKAGE_DEFAULTS, str(first), str(second),
                                                         "command line"]


def test_a_user_files_case_overrides_apply_to_that_case_only(tmp_path):
    override = _file(tmp_path, "ov.yaml", {"case_overrides": {"us2017": {"uncertainty": {"cps": {"value": "high"}}}}})
    assert prepare("us2017", sources_from([override])).settings.uncertainty.cps == "high"
    assert prepare("demo", sources_from([override])).settings.uncertainty.cps == "ensemble"


def test_every_source_is_listed_with_its_hash(tmp_path):
    override = _file(tmp_path, "ov.yaml", {"sampling": {"random_seed": 5}})
    run = prepare("us2017", sources_from([override]))
    by_origin = {s["origin"]: s["sha256"] for s in run.composed.sources}
    assert by_origin[str(override)] == hashlib.sha256(override.read_bytes()).hexdigest()
    settings = ROOT / "src" / "subnat" / "data" / "cases" / "us2017" / "settings.yaml"
    # an embedded case is named, not located: the same origin in every install
    assert by_origin["case settings embedded:us2017/settings.yaml"] == hashlib.sha256(settings.read_bytes()).hexdigest()
    assert by_origin[PACKAGE_DEFAULTS] == hashlib.sha256((ROOT / "config" / "config.yaml").read_bytes()).hexdigest()


def test_the_config_does_not_depend_on_the_working_directory(tmp_path):
    """Found on main: outside the repository `subnat run us2017` ignored config/config.yaml and with it
    the us2017 settings (no_nsa 2025 became 6.1 % (2.5-17.5) instead of 5.8 %)."""
    here = os.getcwd()
    try:
        os.chdir(ROOT)
        inside = prepare("us2017", sources_from()).config
        os.chdir(tmp_path)
        outside = prepare("us2017", sources_from()).config
    finally:
        os.chdir(here)
    assert config_hash(inside) == config_hash(outside)


def test_a_value_set_without_a_source_does_not_keep_the_defaults_citation(tmp_path):
    override = _file(tmp_path, "o.yaml", {"pathway": {"anchor": {"value": "base_year"}}})
    config = compose(sources_from([override])).config
    assert config["pathway"]["anchor"] == {"value": "base_year", "source": f"set in {override}", "rationale": ""}


def test_the_register_marks_overridden_values(tmp_path, capsys):
    override = _file(tmp_path, "ov.yaml", {"uncertainty": {"cps": {"value": "low"}}})
    assert main(["assumptions", "--case", "us2017", "--config", str(override), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("uncertainty.cps,"))
    assert "low" in row and str(override) in row
    assert main(["assumptions", "--case", "us2017", "--format", "csv"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("uncertainty.cps,"))
    assert "central" in row and "case settings" in row


def test_a_bad_value_in_a_user_file_names_that_file_and_line(tmp_path):
    override = tmp_path / "bad.yaml"
    override.write_text("sampling:\n  random_seed: 1\nuncertainty:\n  cps: {value: sometimes}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        prepare("us2017", sources_from([override]))
    problem = err.value.problems[0]
    assert problem.file == str(override) and problem.line == 4


def test_offsets_count_is_not_ignored():
    """Found: net_zero.offsets_count was in the schema but read nowhere. When offsets count, a
    net-zero target's gross level is 0 whatever the residual share."""
    from tests.strategies import settings_for

    assert settings_for(net_zero__residual_share=0.1).pathway.residual_share == 0.1
    settings = settings_for(net_zero__residual_share=0.1, net_zero__offsets_count=True)
    assert settings.pathway.residual_share == 0.0 and settings.screen.residual_share == 0.0


def test_the_workflow_keeps_the_layers_apart(tmp_path):
    """Snakemake merges config/config.yaml, --configfile files and --config values into one dict; the
    assessment rules get them as layers, so a user's file still wins over a case's own settings."""
    from types import SimpleNamespace

    from subnat.config import ConfigSources
    from subnat.workflow import config_sources

    override = _file(tmp_path, "ov.yaml", {"uncertainty": {"cps": {"value": "low"}}})
    base = str(ROOT / "config" / "config.yaml")
    workflow = SimpleNamespace(
        configfiles=[str(override), base],  # Snakemake lists the --configfile files, then the workflow's
        config_settings=SimpleNamespace(configfiles=[override], config={"sampling": {"random_seed": 9}}))
    sources = ConfigSources.from_dict(config_sources(workflow))
    assert [layer.origin for layer in sources.layers] == [str(override), "snakemake --config"]
    run = prepare("us2017", sources)
    assert (run.settings.uncertainty.cps, run.settings.seed) == ("low", 9)
    # the workflow's own configfile given again with --configfile is the defaults, not a user layer
    again = SimpleNamespace(configfiles=[base, base], config_settings=SimpleNamespace(configfiles=[base], config={}))
    assert prepare("us2017", ConfigSources.from_dict(config_sources(again))).settings.uncertainty.cps == "central"


def test_summary_is_byte_identical_from_the_repository_and_elsewhere(tmp_path):
    """Issue 14 acceptance: the same embedded case gives a byte-identical summary.csv from the
    repository root and from another directory."""
    from subnat.run import run_case

    here = os.getcwd()
    try:
        os.chdir(ROOT)
        inside = run_case("us2017", tmp_path / "inside", sources_from(), ["no_nsa", "full_implementation"], draws=50)
        os.chdir(tmp_path)
        outside = run_case("us2017", tmp_path / "outside", sources_from(), ["no_nsa", "full_implementation"],
                           draws=50)
    finally:
        os.chdir(here)
    assert (inside / "summary.csv").read_bytes() == (outside / "summary.csv").read_bytes()
