"""The Slurm profiles use only options the installed Snakemake and executor plugin accept and read,
and the installed plugin is in the range pyproject.toml declares (issue 20 item 1)."""

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from subnat import profiles

ROOT = Path(__file__).resolve().parents[2]
PROFILES = sorted(p.parent for p in (ROOT / "profiles").glob("*/profile.yaml"))
BAD = ROOT / "tests" / "data" / "profiles" / "bad-options"


def declared(name):
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return next(Requirement(d) for d in deps if Requirement(d).name == name)


def test_plugin_range_has_both_bounds_and_holds_the_installed_version():
    req = declared(profiles.PLUGIN)
    operators = {spec.operator for spec in req.specifier}
    assert operators & {">=", ">"} and operators & {"<", "<="}, f"{req}: needs a lower and an upper bound"
    installed = metadata.version(profiles.PLUGIN)
    assert req.specifier.contains(installed), f"installed {profiles.PLUGIN} {installed} is outside {req}"


@pytest.mark.parametrize("folder", PROFILES, ids=lambda p: p.name)
def test_every_profile_option_is_accepted_and_read(folder):
    problems = profiles.check_profile(folder, ROOT)
    assert not problems, "\n".join(map(str, problems))


def test_bad_profile_fixture_is_reported_line_by_line():
    problems = profiles.check_profile(BAD, ROOT)
    found = {(p.column, p.line) for p in problems}
    assert ("slurm-no-account", 4) in found  # declared by the plugin, never read
    assert ("slurm-frobnicate-level", 5) in found
    assert ("latency-waits", 6) in found
    messages = "\n".join(map(str, problems))
    assert "'no_such_group'" in messages and "'fit_achievment'" in messages
    assert "'assess'" not in messages
    assert len(problems) == 5, messages


def test_plugin_reads_what_the_profiles_rely_on():
    """The check itself: a read field counts, a declared-only one does not."""
    fields = profiles.plugin_fields()
    used = profiles.read_fields(profiles.plugin_source(), fields)
    assert {"slurm-status-command", "slurm-init-seconds-before-status-checks"} <= used
    assert "slurm-no-account" in fields and "slurm-no-account" not in used  # plugin 2.8: unread


def test_cli_exits_non_zero_on_a_bad_profile(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert profiles.main([str(BAD)]) == 1
    assert "latency-waits" in capsys.readouterr().err
    assert profiles.main([str(p) for p in PROFILES]) == 0
