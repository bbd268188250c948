# Helpers shared by the rules: resolved config, case names, input functions.
# Reads: the whole config (validated against workflow/schemas/config.schema.yaml).
from subnat.workflow import case_files, case_names, resolve_config

_resolved = resolve_config(config)
config.clear()
config.update(_resolved)

CASES = case_names(config)
SENSITIVITY = [c["name"] for c in config["sensitivity"]["cases"]] if config["sensitivity"]["enabled"] else []
EXPECTED = "expected" in config["scenarios"]["enabled"]
POSTERIOR = "results/achievement/posterior.nc"


def project_path(path):
    """A path from config: as given when it exists (relative to the working directory), else
    relative to the project folder (so `snakemake -d elsewhere` still finds the embedded data)."""
    from pathlib import Path

    if Path(path).is_absolute() or Path(path).exists():
        return path
    return str(Path(workflow.basedir) / path)


def case_inputs(wildcards):
    return case_files(CASES[wildcards.case])


def case_spec(wildcards):
    return CASES[wildcards.case]


def posterior_input(wildcards):
    return [POSTERIOR] if EXPECTED else []


def sensitivity_parts(wildcards):
    return expand("results/{case}/sensitivity/{name}.csv", case=wildcards.case, name=SENSITIVITY)


# Files `rule all` builds for every case; later rule files append their own patterns.
CASE_TARGET_PATTERNS = ["results/{case}/checks.yaml"]
if SENSITIVITY:
    CASE_TARGET_PATTERNS.append("results/{case}/sensitivity.csv")
# Files `rule all` builds once (not per case), e.g. the achievement model's diagnostics.
GLOBAL_TARGETS = []


def case_targets():
    return expand(CASE_TARGET_PATTERNS, case=list(CASES)) + GLOBAL_TARGETS
