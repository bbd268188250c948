# Build the embedded cases from the raw sources (target build_cases in collect.smk; not in the
# default `rule all`, which runs the committed cases in src/subnat/data/cases/) and the coverage
# table of each case. The raw files (RAW_FILES) come from retrieve.smk, listed in common.smk.
# Reads config:
#   harmonize.duplicates  de-duplication rule across sources: most_complete (default) | keep_all
#                         ({value, source, rationale} object)
#   data.raw_dir          via common.smk (default resources/raw)
# Compare a fresh build with the committed one: diff -r resources/cases/us2017 src/subnat/data/cases/us2017
HARMONIZE_DUPLICATES = config["harmonize"]["duplicates"]["value"]


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
        raw_dir=raw_dir,
    script:
        "../scripts/build_case.py"


# The coverage table is cheap and offline, so `rule all` builds it for every case.
rule case_coverage:
    conda:
        "../../environment.yml"
    input:
        coverage_inputs,
    output:
        "results/{case}/coverage.csv",
    log:
        "logs/case_coverage/{case}.log",
    params:
        folder=case_dir,
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/case_coverage.py"


# A case for any country of the Climate Action Tracker table (harmonize/country.py,
# docs/country-builder.md): `snakemake -c1 resources/cases/country_JPN`. Not in `rule all`; run the
# built folder as a user case (config `cases`). Its coverage.csv says `ok` or `too_thin`.
rule build_country:
    conda:
        "../../environment.yml"
    input:
        RAW_FILES,
    output:
        directory("resources/cases/country_{iso3}"),
    log:
        "logs/build_country/{iso3}.log",
    benchmark:
        "benchmarks/build_country/{iso3}.tsv"
    wildcard_constraints:
        iso3="[A-Z]{3}|EU27",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        duplicates=HARMONIZE_DUPLICATES,
        raw_dir=raw_dir,
    script:
        "../scripts/build_country.py"
