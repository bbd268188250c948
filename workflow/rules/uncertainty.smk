# Where the interval comes from (method §9, issue 16 item 6): the variance of the headline metric
# per scenario and reporting year with all uncertainty sources, and with each source alone (same
# seed), as shares that sum to 1 with the interaction. One assessment per source plus one.
# Reads config: every key (passed whole as a param), like assess_case.
# Cost: measured 4-6 s and about 6 assessments per case at 2,000 draws (us2017, us2023).


rule uncertainty:
    conda:
        "../../environment.yml"
    group:
        "assess"
    input:
        case=case_inputs,
        posterior=posterior_input,
    output:
        csv="results/{case}/uncertainty.csv",
        coverage="results/{case}/projection_error.csv",
        png=report(
            "results/{case}/figures/uncertainty.png",
            caption="../report/uncertainty.rst",
            category="Uncertainty",
            labels={"case": "{case}", "figure": "variance decomposition", "scenario": "all"},
        ),
        svg="results/{case}/figures/uncertainty.svg",
    params:
        case=case_spec,
        config=CONFIG_SOURCES,
    log:
        "logs/uncertainty/{case}.log",
    benchmark:
        "benchmarks/uncertainty/{case}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 5 * attempt,
    script:
        "../scripts/uncertainty.py"
