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


def case_inputs(wildcards):
    return case_files(CASES[wildcards.case])


def case_spec(wildcards):
    return CASES[wildcards.case]


def posterior_input(wildcards):
    return [POSTERIOR] if EXPECTED else []


def sensitivity_parts(wildcards):
    return expand("results/{case}/sensitivity/{name}.csv", case=wildcards.case, name=SENSITIVITY)


def case_targets():
    targets = []
    for case in CASES:
        targets += [f"results/{case}/checks.yaml"]
        if SENSITIVITY:
            targets.append(f"results/{case}/sensitivity.csv")
    return targets
