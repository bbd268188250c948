# The aggregate targets other than the default one, and every rule that runs on the host running
# Snakemake, not as a cluster job (localrules). `rule all` (the default target) is in the top-level
# Snakefile: Snakemake ignores `default_target: True` in an included file (snakemake issues 2056,
# 2773). Include last.


localrules:
    all,
    build_cases,
    countries_table,
    retrieve_source,  # compute nodes often have no internet
    case_coverage,
    merge_sensitivity,
    check_outputs,
    write_assumptions,
    make_tables,
    export_iamc,
    write_report,
    explorer,
    explorer_index,
    tracking_global,


# The embedded cases rebuilt from the raw sources (harmonize.smk; not part of `all`).
rule build_cases:
    input:
        expand("resources/cases/{case}", case=BUILD_CASES),


# The cross-country table of every case in `cases` (issue 18 item 4; subnat.crosscountry): 2030
# figures from each case's summary.csv and coverage.csv beside the cited published figures
# (data/hand/published_comparisons.csv), a bar figure and a markdown page; part of `all`.
rule countries_table:
    conda:
        "../../environment.yml"
    input:
        summaries=expand("results/{case}/summary.csv", case=CASES),
        coverage=expand("results/{case}/coverage.csv", case=CASES),
        published=project_path("src/subnat/data/hand/published_comparisons.csv"),
    output:
        table="results/global/countries.csv",
        figure="results/global/countries.png",
        page="results/global/countries.md",
    log:
        "logs/countries_table.log",
    params:
        cases=list(CASES),
        case_yamls=[str(case_path(CASES[c]) / "case.yaml") for c in CASES],
    script:
        "../scripts/countries_table.py"
