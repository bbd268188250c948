# Ex-post tracking and benchmarks (issue 19 items 1-3): per case progress.csv (one row per commitment
# with an inventory after its base year), actors.csv (one row per actor: population, 1990 emissions,
# Under2 MOU verdicts, AR6 rates, 2050 consistency, peer ranks), consistency.csv, landscape.csv and
# figures/landscape.png. Reads the case files, the whole config (a param: a change reruns the rule)
# and, when it exists, ClimActor's contextuals under data.reference_dir (population cross-check).
# Cost: us2023 ~3 s, 1 core.
from pathlib import Path

# Files of rule tracking in a case's result folder (`rule all` lists them for every case).
TRACKING_OUTPUTS = ["progress.csv", "actors.csv", "consistency.csv", "landscape.csv", "figures/landscape.png"]


def tracking_climactor(wildcards):
    """The ClimActor contextuals (config tracking.climactor_contextuals under data.reference_dir)
    when the file exists, else nothing (the populations of the case then stand alone)."""
    ref = config["data"].get("reference_dir")
    rel = config["tracking"]["climactor_contextuals"]["value"]
    if not ref or not rel:
        return []
    path = Path(ref) / rel
    return [str(path)] if path.is_file() else []


rule tracking:
    conda:
        "../../environment.yml"
    input:
        case=case_inputs,
        climactor=tracking_climactor,
    output:
        progress="results/{case}/progress.csv",
        actors="results/{case}/actors.csv",
        consistency="results/{case}/consistency.csv",
        landscape="results/{case}/landscape.csv",
        figure="results/{case}/figures/landscape.png",
    params:
        case=case_spec,
        config=CONFIG_SOURCES,
    log:
        "logs/tracking/{case}.log",
    benchmark:
        "benchmarks/tracking/{case}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=lambda wildcards, attempt: 5 * attempt,
    script:
        "../scripts/tracking.py"


# Peer ranks across cases (issue 19 item 2, "globally"): every case's actors.csv, one row per actor
# (an actor in several cases counts once, with its latest inventory), ranked within its actor type.
rule tracking_global:
    conda:
        "../../environment.yml"
    input:
        actors=expand("results/{case}/actors.csv", case=CASES),
    output:
        peers="results/global/peers.csv",
    log:
        "logs/tracking/global.log",
    benchmark:
        "benchmarks/tracking/global.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/tracking_global.py"
