# The aggregate targets other than the default one, and every rule that runs on the host running
# Snakemake, not as a cluster job (localrules). `rule all` (the default target) is in the top-level
# Snakefile: Snakemake ignores `default_target: True` in an included file (snakemake issues 2056,
# 2773). Include last.


localrules:
    all,
    build_cases,
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
