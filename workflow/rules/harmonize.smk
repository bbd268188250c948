# Build the embedded cases from the raw sources (rule build_cases; not in the default `rule all`,
# which runs the committed cases in src/subnat/data/cases/) and the coverage table of each case.
# Include after common.smk and retrieve.smk.
# Reads config:
#   harmonize.duplicates  de-duplication rule across sources: most_complete (default) | keep_all
#                         ({value, source, rationale} object)
#   data.raw_dir          via retrieve.smk (default resources/raw)
# Compare a fresh build with the committed one: diff -r resources/cases/us2017 src/subnat/data/cases/us2017
import sys
from pathlib import Path

PYTHON = sys.executable  # the interpreter running Snakemake (has subnat installed)
BUILD_CASES = ["us2017", "us2023"]
# The coverage table is cheap and offline, so `rule all` builds it for every case.
CASE_TARGET_PATTERNS.append("results/{case}/coverage.csv")
HARMONIZE_DUPLICATES = config["harmonize"]["duplicates"]["value"]


localrules:
    build_cases,
    case_coverage,


def case_folder(wildcards):
    return str(Path(case_inputs(wildcards)[0]).parent)


rule build_case:
    input:
        raw_files(),
    output:
        directory("resources/cases/{case}"),
    log:
        "logs/build_case/{case}.log",
    benchmark:
        "benchmarks/build_case/{case}.tsv"
    wildcard_constraints:
        case="|".join(BUILD_CASES),
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        duplicates=HARMONIZE_DUPLICATES,
    shell:
        "{PYTHON} -m subnat.harmonize build-case {wildcards.case} --reference-data {RAW_DIR} "
        "--out {output} --duplicates {params.duplicates} > {log} 2>&1"


rule build_cases:
    input:
        expand("resources/cases/{case}", case=BUILD_CASES),


rule case_coverage:
    input:
        case_inputs,
    output:
        "results/{case}/coverage.csv",
    log:
        "logs/case_coverage/{case}.log",
    params:
        folder=case_folder,
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    shell:
        "{PYTHON} -m subnat.harmonize coverage {params.folder} --out {output} > {log} 2>&1"
