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


rule build_case:
    conda:
        "../../environment.yml"
    input:
        RAW_FILES,
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
        python=PYTHON,
        # RAW_DIR, from the input: the first raw file is RAW_DIR/RAW_PATHS[0]
        raw_dir=lambda wildcards, input: str(Path(input[0]).parents[len(Path(RAW_PATHS[0]).parts) - 1]),
    shell:
        "{params.python} -m subnat.harmonize build-case {wildcards.case} --reference-data {params.raw_dir} "
        "--out {output} --duplicates {params.duplicates} > {log} 2>&1"


rule build_cases:
    input:
        expand("resources/cases/{case}", case=BUILD_CASES),


rule case_coverage:
    conda:
        "../../environment.yml"
    input:
        case_inputs,
    output:
        "results/{case}/coverage.csv",
    log:
        "logs/case_coverage/{case}.log",
    params:
        folder=lambda wildcards: str(Path(case_inputs(wildcards)[0]).parent),
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    shell:
        "{params.python} -m subnat.harmonize coverage {params.folder} --out {output} > {log} 2>&1"
