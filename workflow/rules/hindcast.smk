# The hindcast (issue 15): a case assessed as it stood (us2017: latest inventories mostly 2015)
# against the emissions observed afterwards (its observed.csv), for the cases in config
# hindcast.cases. Reads the case files, the achievement posterior (expected scenario) and the
# whole config (a param: a change reruns the rule). Cost: one assessment of the case plus one
# engine pass per scenario at the observed years (us2017, 2,000 draws: ~15 s, 1 core).


rule hindcast:
    conda:
        "../../environment.yml"
    group:
        "assess"
    input:
        case=case_inputs,
        posterior=posterior_input,
    output:
        table="results/{case}/hindcast.csv",
        summary="results/{case}/hindcast_summary.csv",
        figure="results/{case}/figures/hindcast.png",
    params:
        case=case_spec,
        config=CONFIG_SOURCES,
    log:
        "logs/hindcast/{case}.log",
    benchmark:
        "benchmarks/hindcast/{case}.tsv"
    wildcard_constraints:
        case="|".join(HINDCAST) if HINDCAST else "(?!)",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 5 * attempt,
    script:
        "../scripts/hindcast.py"
