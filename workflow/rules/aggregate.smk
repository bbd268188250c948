# Effect on national projections: one assessment per case (method §2-§9), then sensitivity cases.
# Reads config: every key (passed whole as a param, so a config change reruns the rules).
# Cost: assess_* measured at 360-500 MB peak RSS, 5-26 s, 1 core (benchmarks/, default workflow,
# 2,000 draws, us2017/us2023 on a loaded 2-core machine); mem_mb/runtime keep >= 3x headroom and
# grow per retry. `group: "assess"` (with uncertainty, hindcast): on a cluster, the profile's
# group-components batches these many small jobs into a few Slurm jobs (docs/cluster.md); a local
# run ignores groups. Cheap rules run on the submit host (localrules in collect.smk).


rule assess_case:
    conda:
        "../../environment.yml"
    group:
        "assess"
    input:
        case=case_inputs,
        posterior=posterior_input,
    output:
        summary="results/{case}/summary.csv",
        national="results/{case}/national.csv",
        commitments="results/{case}/commitments.csv",
        exclusions="results/{case}/exclusions.csv",
        overlaps="results/{case}/overlaps.csv",
        ndc="results/{case}/ndc.csv",
        pathways="results/{case}/pathways.csv",  # per actor-scope and year, for the explorer
        draws="results/{case}/draws.nc",
        resolved="results/{case}/config.resolved.yaml",
        provenance="results/{case}/provenance.yaml",
    params:
        case=case_spec,
        config=CONFIG_SOURCES,
    log:
        "logs/assess_case/{case}.log",
    benchmark:
        "benchmarks/assess_case/{case}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 5 * attempt,
    script:
        "../scripts/assess_case.py"


rule assess_sensitivity:
    conda:
        "../../environment.yml"
    group:
        "assess"
    input:
        case=case_inputs,
        posterior=posterior_input,
    output:
        "results/{case}/sensitivity/{name}.csv",
    params:
        case=case_spec,
        config=CONFIG_SOURCES,
    log:
        "logs/assess_sensitivity/{case}/{name}.log",
    benchmark:
        "benchmarks/assess_sensitivity/{case}/{name}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 5 * attempt,
    script:
        "../scripts/assess_sensitivity.py"


rule merge_sensitivity:
    conda:
        "../../environment.yml"
    input:
        summary="results/{case}/summary.csv",
        parts=sensitivity_parts,
        posterior=posterior_input,
        resolved="results/{case}/config.resolved.yaml",  # the case's composed config (headline scenario, year)
    output:
        "results/{case}/sensitivity.csv",
    log:
        "logs/merge_sensitivity/{case}.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/merge_sensitivity.py"


rule check_outputs:
    conda:
        "../../environment.yml"
    input:
        summary="results/{case}/summary.csv",
        national="results/{case}/national.csv",
        overlaps="results/{case}/overlaps.csv",
        commitments="results/{case}/commitments.csv",
        config="results/{case}/config.resolved.yaml",
    output:
        "results/{case}/checks.yaml",
    log:
        "logs/check_outputs/{case}.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/check_outputs.py"
