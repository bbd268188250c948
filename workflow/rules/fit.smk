# The achievement model (method.md §9.1): fitted once per configuration, shared by all cases.
# Fails (and Snakemake removes the outputs) when a gate of config["achievement"] fails.


rule fit_achievement:
    conda:
        "../../environment.yml"
    message:
        "Fitting the achievement model on {input.progress}"
    input:
        progress=project_path(config["achievement"]["progress"]),
        aggregates=project_path(config["achievement"]["aggregates"]),
    output:
        posterior="results/achievement/posterior.nc",
        diagnostics="results/achievement/diagnostics.csv",
        holdout="results/achievement/holdout.csv",
        loo="results/achievement/loo.csv",
        summary="results/achievement/summary.csv",
        figures=directory("results/achievement/figures"),
    params:
        settings=config["achievement"],
    log:
        "logs/fit_achievement.log",
    benchmark:
        "benchmarks/fit_achievement.tsv"
    # Two chains run in parallel (nutpie); three fits (main, pooled for LOO, held-out) about
    # 5 minutes on 2 cores, peak memory below 1.5 GB.
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../scripts/fit_achievement.py"
