# The explorer (issue 19, items 4-5): one self-contained HTML page per case to browse its actors,
# their targets, progress, Under2 MOU check and peers, and one actor's pathway chart; plus an index
# over the cases. Reads the case's actors.csv and progress.csv (rule tracking), commitments.csv and
# pathways.csv (rule assess_case) and the case's inventory (its actors' history). Reads no config.
# Cost: ~1.5 s (demo) to ~3 s (us2023), <200 MB, 1 core; a page is ~5 MB, 4.7 MB of it plotly.js.


rule explorer:
    conda:
        "../../environment.yml"
    input:
        actors="results/{case}/actors.csv",
        progress="results/{case}/progress.csv",
        commitments="results/{case}/commitments.csv",
        pathways="results/{case}/pathways.csv",
        case=case_inputs,
    output:
        "results/{case}/explorer.html",
    params:
        case_dir=case_dir,
    log:
        "logs/explorer/{case}.log",
    benchmark:
        "benchmarks/explorer/{case}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/explorer.py"


rule explorer_index:
    conda:
        "../../environment.yml"
    input:
        pages=expand("results/{case}/explorer.html", case=CASES),
        actors=expand("results/{case}/actors.csv", case=CASES),
        commitments=expand("results/{case}/commitments.csv", case=CASES),
    output:
        "results/explorer.html",
    params:
        cases={name: str(case_path(spec)) for name, spec in CASES.items()},
    log:
        "logs/explorer/index.log",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/explorer.py"
