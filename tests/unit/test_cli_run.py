"""`subnat run` writes every output of interfaces.md §4 the package makes (issue 14 item 7), the
same bytes as the functions the Snakemake rules call, and the smaller CLI points of item 9: -v
after the command, --out an existing file, no posterior for the expected scenario."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from subnat.cli import _parser, main

REPO = Path(__file__).resolve().parents[2]
DRAWS = 24
CONFIG = f"""
cases: [demo]
scenarios:
  enabled: [no_nsa, full_implementation, fixed]
sampling:
  draws: {{value: {DRAWS}, source: "tests: few draws"}}
sensitivity:
  cases:
    - name: laws_only
      description: "Only commitments with status law"
      set: {{inclusion.statuses.value: [law]}}
"""
TABLES = ["summary.csv", "national.csv", "commitments.csv", "exclusions.csv", "overlaps.csv", "ndc.csv",
          "pathways.csv", "draws.nc", "config.resolved.yaml", "provenance.yaml"]
REPORT = ["coverage.csv", "checks.yaml", "assumptions.csv", "tables.xlsx", "iamc.csv", "iamc.xlsx",
          "iamc.meta.yaml", "report.md", "headline.html", "uncertainty.csv", "projection_error.csv",
          "progress.csv", "actors.csv", "consistency.csv", "landscape.csv", "figures/landscape.png"]
FIGURES = ["fan_no_nsa", "fan_full_implementation", "fan_fixed_0.5", "waterfall", "coverage"]


def _expected_files(sensitivity: bool) -> list[str]:
    figures = [*FIGURES, "tornado"] if sensitivity else FIGURES
    return sorted([*TABLES, *REPORT, *(["sensitivity.csv"] if sensitivity else []),
                   *(f"figures/{n}.{ext}" for n in [*figures, "uncertainty"] for ext in ("png", "svg"))])


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`subnat run demo --sensitivity` from an empty folder, and the rules' functions on the same config."""
    root = tmp_path_factory.mktemp("cli-run")
    config_file = root / "test.yaml"
    config_file.write_text(CONFIG, encoding="utf-8")
    old, epoch = Path.cwd(), os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"  # the run time in provenance, report.md and workbooks
    os.chdir(root)  # no config/config.yaml, no results/achievement/posterior.nc here
    try:
        assert main(["run", "demo", "--out", str(root / "cli"), "--config", str(config_file), "--sensitivity"]) == 0
        rules = _rules_route(root / "rules", config_file)
    finally:
        os.chdir(old)
        if epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    return {"cli": root / "cli", "rules": rules, "config": config_file}


def _rules_route(out: Path, config_file: Path) -> Path:
    """What the workflow's rules do for one case, call by call (workflow/scripts/*.py)."""
    from subnat.aggregate import checks
    from subnat.aggregate.sensitivity import merge, run_one
    from subnat.case.folder import embedded_cases
    from subnat.config import compose, sources_from
    from subnat.harmonize.__main__ import main as harmonize
    from subnat.report.steps import export_iamc, make_figures, make_tables, write_assumptions, write_report
    from subnat.run import run_case
    from subnat.tracking.steps import outputs_in as tracking_outputs
    from subnat.tracking.steps import tracking
    from subnat.uncertainty.decompose import write_uncertainty

    sources = sources_from([config_file])
    config = compose(sources, "demo").config
    run_case("demo", out, sources)  # assess_case
    assert harmonize(["coverage", str(embedded_cases()["demo"]), "--out", str(out / "coverage.csv")]) == 0
    checks.check_outputs({k: str(out / f"{k}.csv") for k in ("summary", "national", "overlaps", "commitments")},
               str(out / "checks.yaml"))
    run_one("demo", sources, "laws_only", out / "sensitivity" / "laws_only.csv")
    merge(out / "summary.csv", [out / "sensitivity" / "laws_only.csv"], config, out / "sensitivity.csv")
    shutil.rmtree(out / "sensitivity")  # the rules' intermediate parts, not an output of §4
    tracking("demo", sources, None, tracking_outputs(out))  # rule tracking (no ClimActor file here)
    base = {"summary": str(out / "summary.csv"), "resolved": str(out / "config.resolved.yaml"),
            "assumptions": str(out / "assumptions.csv"),
            "tracking": [str(out / n) for n in ("progress.csv", "actors.csv", "landscape.csv",
                                                 "figures/landscape.png")]}
    write_assumptions(base, {"assumptions": base["assumptions"]})
    make_tables(base, {"xlsx": str(out / "tables.xlsx")})
    export_iamc(base, {"csv": str(out / "iamc.csv"), "xlsx": str(out / "iamc.xlsx"),
                       "meta": str(out / "iamc.meta.yaml")})
    names = [*FIGURES, "tornado"]
    make_figures(base, {"png": [str(out / "figures" / f"{n}.png") for n in names],
                        "svg": [str(out / "figures" / f"{n}.svg") for n in names]})
    write_uncertainty("demo", sources, out / "uncertainty.csv", figure=out / "figures" / "uncertainty.png")
    write_report({**base, "figures": [str(out / "figures" / f"{n}.png") for n in [*names, "uncertainty"]]},
                 {"md": str(out / "report.md"), "html": str(out / "headline.html")},
                 {"languages": config["report"]["languages"]})
    return out


def test_run_writes_every_output_of_the_contract(runs: dict[str, Path]) -> None:
    assert _listing(runs["cli"]) == _expected_files(sensitivity=True)
    assert not [p for p in runs["cli"].iterdir() if p.name.startswith(".")], "staging debris left behind"


def test_run_writes_the_same_bytes_as_the_rules(runs: dict[str, Path]) -> None:
    import xarray as xr

    assert _listing(runs["rules"]) == _listing(runs["cli"])
    for name in _listing(runs["cli"]):
        if name == "draws.nc":
            with xr.open_dataset(runs["cli"] / name) as a, xr.open_dataset(runs["rules"] / name) as b:
                xr.testing.assert_identical(a, b)
        else:
            assert (runs["cli"] / name).read_bytes() == (runs["rules"] / name).read_bytes(), name


def test_run_outputs_are_world_readable_like_the_tables(runs: dict[str, Path]) -> None:
    modes = {name: (runs["cli"] / name).stat().st_mode & 0o777 for name in _listing(runs["cli"])}
    assert set(modes.values()) == {modes["summary.csv"]}, modes


def test_run_without_sensitivity_flag_writes_no_sensitivity(runs: dict[str, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "demo", "--out", "out", "--config", str(runs["config"]), "--draws", "8"]) == 0
    assert _listing(tmp_path / "out") == _expected_files(sensitivity=False)


def test_verbose_is_accepted_after_the_command() -> None:
    parser = _parser()
    assert parser.parse_args(["run", "demo", "--out", "x", "-v"]).verbose is True
    assert parser.parse_args(["-v", "run", "demo", "--out", "x"]).verbose is True
    assert parser.parse_args(["run", "demo", "--out", "x"]).verbose is False
    assert parser.parse_args(["validate", "demo", "--verbose"]).verbose is True
    assert parser.parse_args(["cases", "-v"]).verbose is True


def test_out_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "results.csv"
    target.write_text("keep me\n", encoding="utf-8")
    for out in (target, target / "sub"):
        assert main(["run", "demo", "--out", str(out), "--draws", "4", "--scenario", "no_nsa"]) == 1
        err = capsys.readouterr().err
        assert "existing file" in err and "--out" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_without_a_posterior_the_other_scenarios_run_with_a_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    config = tmp_path / "expected.yaml"
    config.write_text("scenarios: {enabled: [no_nsa, full_implementation, expected]}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "demo", "--out", "out", "--config", str(config), "--draws", "8"]) == 0
    captured = capsys.readouterr()
    assert "expected scenario was skipped" in captured.err
    assert "snakemake --cores all results/achievement/posterior.nc" in captured.err and "--posterior" in captured.err
    assert set(pd.read_csv(tmp_path / "out" / "summary.csv")["scenario"]) == {"no_nsa", "full_implementation"}
    # asked for explicitly: an error, as before
    assert main(["run", "demo", "--out", "out2", "--config", str(config), "--draws", "8",
                 "--scenario", "expected"]) == 1
    assert "needs the fitted achievement model" in capsys.readouterr().err
    assert not (tmp_path / "out2" / "summary.csv").exists()


def test_make_run_writes_the_html_report() -> None:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    proc = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True,
                          check=True)
    lines = proc.stdout.splitlines()
    run = [i for i, line in enumerate(lines) if "snakemake --cores" in line and "--report" not in line]
    report = [i for i, line in enumerate(lines) if "snakemake" in line and "--report results/report.html" in line]
    assert run and report and run[-1] < report[0], proc.stdout


def test_a_failing_report_step_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from subnat.config import load
    from subnat.report import steps
    from subnat.run import Full, run_case

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("report failed half way")

    monkeypatch.setattr(steps, "write_report", broken)
    with pytest.raises(RuntimeError, match="half way"):
        run_case("demo", tmp_path / "out", load([]), ["no_nsa", "full_implementation"], draws=4, full=Full())
    assert not (tmp_path / "out").exists()  # not even the folder


def test_failed_output_checks_leave_nothing_and_name_the_check(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from subnat.aggregate import checks
    from subnat.config import load
    from subnat.errors import ConsistencyError
    from subnat.run import Full, run_case

    monkeypatch.setattr(checks, "_net_le_gross", lambda overlaps: False)
    with pytest.raises(ConsistencyError) as info:
        run_case("demo", tmp_path / "out", load([]), ["no_nsa", "full_implementation"], draws=4, full=Full())
    assert "net_not_above_gross" in str(info.value) and ".subnat-" not in str(info.value)
    assert not (tmp_path / "out").exists()  # not even the folder
