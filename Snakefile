# subnat: non-state and subnational climate action and its effect on national emissions.
# The only entry point. Rules live in workflow/rules/<stage>.smk (aggregate targets and local rules
# in collect.smk), logic lives in src/subnat. The default target, every file of every case, is
# listed here: Snakemake ignores `default_target: True` in an included file.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/retrieve.smk"
include: "workflow/rules/harmonize.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/uncertainty.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/hindcast.smk"
include: "workflow/rules/tracking.smk"
include: "workflow/rules/explorer.smk"
include: "workflow/rules/collect.smk"


# Every case: checked results, coverage, sensitivity table (when enabled), the report artefacts and,
# for the cases in hindcast.cases, the hindcast; the tracking tables of every case; the explorer
# pages and their index.
rule all:
    default_target: True
    input:
        expand("results/{case}/checks.yaml", case=CASES),
        expand("results/{case}/uncertainty.csv", case=CASES),
        expand("results/{case}/coverage.csv", case=CASES),
        expand("results/{case}/sensitivity.csv", case=CASES) if SENSITIVITY else [],
        expand("results/{case}/assumptions.csv", case=CASES),
        expand("results/{case}/tables.xlsx", case=CASES),
        expand("results/{case}/iamc.csv", case=CASES),
        expand("results/{case}/report.md", case=CASES),
        expand("results/{case}/headline.html", case=CASES),
        expand("results/{case}/figures/{name}.{ext}", case=CASES, name=FIGURES, ext=["png", "svg"]),
        expand("results/{case}/{name}", case=CASES, name=TRACKING_OUTPUTS),
        "results/global/peers.csv",
        "results/global/countries.csv",
        "results/global/countries.png",
        "results/global/countries.md",
        expand("results/{case}/explorer.html", case=CASES),
        "results/explorer.html",
        expand("results/{case}/{name}", case=HINDCAST, name=["hindcast.csv", "hindcast_summary.csv",
                                                              "figures/hindcast.png"]),
