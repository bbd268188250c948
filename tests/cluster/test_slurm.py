"""The global run through a real single-node Slurm cluster gives the same tables as a local run,
with the many small assessment jobs grouped into few Slurm jobs (issue 20 item 3).

The global run: every embedded country case and the demo, each with the test config's two
sensitivity cases (64 draws, no achievement model), to the tables of every case (summary,
national, sensitivity, uncertainty, checks) and results/global/countries.csv. The figures, reports
and explorer pages are left out: they are local rules or one small group job per case, and would
double the test's time (measured: 41 remote jobs, 320 s on the cluster with them).
SUBNAT_SLURM_CASES (comma-separated) chooses other cases, e.g. `demo` for a quick check.

Opt-in: needs root, Slurm and munge (tests/cluster/install-slurm.sh) and SUBNAT_SLURM_TEST=1,
which .ci/run sets after installing them. The cluster is started with tests/cluster/start-slurm.sh
and stopped with tests/cluster/stop-slurm.sh (also when the test fails), unless it was already
running before the test.
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CONFIG = ROOT / "tests" / "data" / "config.test.yaml"
PROFILE = ROOT / "profiles" / "slurm-local"
SLURM_DIR = Path(os.environ.get("SUBNAT_SLURM_DIR", "/var/tmp/subnat-slurm"))
SLURM_CONF = SLURM_DIR / "etc" / "slurm.conf"
GLOBAL = "demo,us2017,us2023,can2024,jpn2024,deu2024,mex2024,bra2024"
CASES = [c for c in os.environ.get("SUBNAT_SLURM_CASES", GLOBAL).split(",") if c]
TABLES = ("summary.csv", "national.csv", "sensitivity.csv", "uncertainty.csv", "checks.yaml")
TARGETS = [f"results/{case}/{name}" for case in CASES for name in TABLES] + ["results/global/countries.csv"]
# Rules that would be one Slurm job each without grouping (all but the localrules of collect.smk).
REMOTE_RULES = ("assess_case", "assess_sensitivity", "uncertainty", "hindcast", "make_figures", "fit_achievement")
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")
TIMEOUT = 900  # seconds per workflow run: a hanging status query must fail the test, not CI


def _which(cmd):
    return shutil.which(cmd) or shutil.which(cmd, path="/usr/sbin:/sbin")


pytestmark = [
    pytest.mark.cluster,
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("SUBNAT_SLURM_TEST") != "1", reason="set SUBNAT_SLURM_TEST=1 to run"),
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (slurmd, munged)"),
    pytest.mark.skipif(
        not all(_which(c) for c in ("sbatch", "squeue", "slurmctld", "slurmd", "munged")),
        reason="Slurm/munge not installed (tests/cluster/install-slurm.sh)",
    ),
]


def _env():
    env = dict(os.environ)
    env["SLURM_CONF"] = str(SLURM_CONF)
    env["SUBNAT_SLURM_DIR"] = str(SLURM_DIR)
    env["SOURCE_DATE_EPOCH"] = "1700000000"  # fixed provenance time: byte-identical outputs
    # Jobs inherit this environment (sbatch --export=ALL): put the venv first on PATH so that
    # jobs find its python, snakemake and subnat, and the sbin tools for the scripts.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", ""), "/usr/sbin", "/sbin"])
    return env


def _script(name, env):
    proc = subprocess.run(["bash", str(HERE / name)], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _running(pidfile):
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


@pytest.fixture(scope="module")
def slurm_cluster(request):
    env = _env()
    already = _running(SLURM_DIR / "run" / "slurmctld.pid")

    def stop():
        if not already:
            subprocess.run(["bash", str(HERE / "stop-slurm.sh")], env=env, capture_output=True, text=True, timeout=120)

    request.addfinalizer(stop)
    _script("start-slurm.sh", env)
    return env


def _snakemake(workdir, extra, env):
    cmd = [
        sys.executable, "-m", "snakemake", *TARGETS,  # first: --configfile and --config take many values
        "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir),
        "--configfile", str(CONFIG),
        *extra,
    ]  # fmt: skip
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return seconds, proc.stderr


def _csvs(workdir):
    base = workdir / "results"
    found = {p.relative_to(base).as_posix(): p for case in CASES for p in sorted((base / case).rglob("*.csv"))}
    return found | {"global/countries.csv": base / "global" / "countries.csv"}


def _job_counts(log):
    """Jobs of the remote rules (from Snakemake's job stats table) and Slurm jobs submitted."""
    remote = sum(int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", log, re.M) if m.group(1) in REMOTE_RULES)
    return remote, len(set(SUBMITTED.findall(log)))


def test_global_run_on_slurm_equals_local(slurm_cluster, tmp_path, capsys):
    env = slurm_cluster
    local_dir, cluster_dir = tmp_path / "local", tmp_path / "slurm"
    local_dir.mkdir()
    cluster_dir.mkdir()
    cases = ["--config", f"cases={CASES!r}"]

    local_s, _ = _snakemake(local_dir, ["--cores", "2", *cases], env)
    cluster_s, log = _snakemake(
        cluster_dir,
        ["--executor", "slurm", "--profile", str(PROFILE), "--workflow-profile", "none", *cases],
        env,
    )
    # The assessments went through sbatch as group jobs; the cheap rules ran as localrules.
    # The plugin's log folder of a group job is group_<group>_<its rules>/ (plugin 2.8).
    assert re.search(r"slurm_logs/group_assess\w*/", log), f"group assess was not submitted to Slurm:\n{log[-3000:]}"
    assert "localrule check_outputs" in log
    remote, submitted = _job_counts(log)
    assert 0 < submitted < remote, f"{submitted} Slurm jobs for {remote} remote jobs: not grouped\n{log[-3000:]}"

    local, cluster = _csvs(local_dir), _csvs(cluster_dir)
    assert local, "the local run wrote no CSV tables"
    assert {f"{c}/{n}" for c in CASES for n in ("summary.csv", "sensitivity.csv")} <= set(local)
    assert sorted(cluster) == sorted(local)
    for name, path in local.items():
        a, b = path.read_bytes(), cluster[name].read_bytes()
        if a != b:
            diff = difflib.unified_diff(
                a.decode().splitlines(), b.decode().splitlines(), "local/" + name, "slurm/" + name, lineterm=""
            )
            pytest.fail(f"{name} differs between the local and the Slurm run:\n" + "\n".join(list(diff)[:40]))

    with capsys.disabled():
        print(
            f"\n[slurm] cases {','.join(CASES)}: {remote} remote jobs in {submitted} Slurm jobs; cluster run "
            f"{cluster_s:.1f} s, local run {local_s:.1f} s, overhead {(cluster_s - local_s) / submitted:.1f} s "
            f"per Slurm job ({len(local)} CSV tables byte-identical)"
        )
