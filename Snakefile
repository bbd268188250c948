# subnat: non-state and subnational climate action and its effect on national emissions.
# The only entry point. Rules live in workflow/rules/<stage>.smk; logic lives in src/subnat.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/retrieve.smk"
include: "workflow/rules/harmonize.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        case_targets(),
