# Results people read (issue 7): assumption register, workbook, IAMC export, figures, report.md and
# the Snakemake HTML report (`snakemake --report results/report.html`).
# Inputs: one named function per artefact in common.smk (everything `report.steps` reads).
# Reads config: scenarios (figure list), sensitivity.enabled/cases (tornado), report.languages.


report: "../report/workflow.rst"


REPORT_CATEGORY = "Effect on national projections"
# Figure -> (caption, report category, figure label, scenario label) for the HTML report.
FIGURE_REPORT = {
    **{
        f"fan_{s}": ("../report/fan_chart.rst", REPORT_CATEGORY, "fan chart", s)
        for s in REPORT_SCENARIOS
    },
    "waterfall": ("../report/waterfall.rst", REPORT_CATEGORY, "reduction waterfall", "all"),
    "coverage": ("../report/coverage.rst", "Coverage", "coverage by actor type", "all"),
    "tornado": ("../report/tornado.rst", "Uncertainty", "tornado", "all"),
    "achievement": ("../report/achievement.rst", "Uncertainty", "achievement posterior", "all"),
}


rule write_assumptions:
    conda:
        "../../environment.yml"
    input:
        unpack(assumptions_inputs),
    output:
        assumptions="results/{case}/assumptions.csv",
    log:
        "logs/write_assumptions/{case}.log",
    benchmark:
        "benchmarks/write_assumptions/{case}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/write_assumptions.py"


rule make_tables:
    conda:
        "../../environment.yml"
    input:
        unpack(workbook_inputs),
    output:
        xlsx="results/{case}/tables.xlsx",
    log:
        "logs/make_tables/{case}.log",
    benchmark:
        "benchmarks/make_tables/{case}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/make_tables.py"


rule export_iamc:
    conda:
        "../../environment.yml"
    input:
        unpack(iamc_inputs),
    output:
        csv="results/{case}/iamc.csv",
        xlsx="results/{case}/iamc.xlsx",
        meta="results/{case}/iamc.meta.yaml",
    log:
        "logs/export_iamc/{case}.log",
    benchmark:
        "benchmarks/export_iamc/{case}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/export_iamc.py"


rule make_figures:
    conda:
        "../../environment.yml"
    group:
        "figures"
    input:
        unpack(figures_inputs),
    output:
        png=[
            report(
                f"results/{{case}}/figures/{name}.png",
                caption=FIGURE_REPORT[name][0],
                category=FIGURE_REPORT[name][1],
                labels={"case": "{case}", "figure": FIGURE_REPORT[name][2], "scenario": FIGURE_REPORT[name][3]},
            )
            for name in FIGURES
        ],
        svg=expand("results/{{case}}/figures/{name}.svg", name=FIGURES),
    log:
        "logs/make_figures/{case}.log",
    benchmark:
        "benchmarks/make_figures/{case}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/make_figures.py"


rule write_report:
    conda:
        "../../environment.yml"
    input:
        unpack(report_inputs),
    output:
        md="results/{case}/report.md",
        html=report(
            "results/{case}/headline.html",
            caption="../report/headline.rst",
            category="Headline results",
            labels={"case": "{case}", "figure": "headline table", "scenario": "all"},
        ),
    params:
        languages=config["report"]["languages"],
    log:
        "logs/write_report/{case}.log",
    benchmark:
        "benchmarks/write_report/{case}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/write_report.py"
