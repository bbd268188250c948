# Helpers shared by the rules: resolved config, names of cases, scenarios and figures, and the named
# input functions that declare every file a rule's code reads (touching a file then replans exactly
# the jobs that read it). Include first; the other rule files use only what is defined here.
# Reads: the whole config (validated against workflow/schemas/config.schema.yaml), and
#   data.registry  registry of the raw files (default config/data_sources.yaml)
#   data.raw_dir   where retrieved raw files go (default resources/raw)
from pathlib import Path

from subnat.aggregate.scenarios import scenario_names
from subnat.harmonize.retrieve import load_registry
from subnat.report.layout import TABLE_NAMES, figure_names
from subnat.workflow import (case_files, case_names, case_path, case_sensitivity, config_sources, coverage_files,
                             resolve_config)

_resolved = resolve_config(config)
config.clear()
config.update(_resolved)
# The layers behind `config`, kept apart for the assessment rules (package defaults < the case's own
# settings < --configfile files in order < --config values): see subnat.config.
CONFIG_SOURCES = config_sources(workflow)

CASES = case_names(config)
SENSITIVITY = [c["name"] for c in config["sensitivity"]["cases"]] if config["sensitivity"]["enabled"] else []
EXPECTED = "expected" in config["scenarios"]["enabled"]
POSTERIOR = "results/achievement/posterior.nc"
ACHIEVEMENT = [POSTERIOR, "results/achievement/diagnostics.csv"] if EXPECTED else []
REPORT_SCENARIOS = scenario_names(config)
FIGURES = figure_names(REPORT_SCENARIOS, sensitivity=bool(SENSITIVITY), achievement_model=EXPECTED)
HINDCAST = [c for c in config["hindcast"]["cases"]["value"] if c in CASES]  # cases with a hindcast rule
# the cases harmonize.smk builds from the raw sources (harmonize.build.ALL_CASES)
BUILD_CASES = ["us2017", "us2023", "can2024", "jpn2024", "deu2024", "mex2024", "bra2024"]


def project_path(path):
    """A path from config: as given when it exists (relative to the working directory), else
    relative to the project folder (so `snakemake -d elsewhere` still finds the embedded data)."""
    if Path(path).is_absolute() or Path(path).exists():
        return path
    return str(Path(workflow.basedir) / path)


# The raw upstream files: retrieve.smk fetches them, harmonize.smk builds the cases from them.
SOURCES = load_registry(project_path(config["data"]["registry"]))
RAW_DIR = config["data"]["raw_dir"]
RAW_PATHS = [entry["path"] for entry in SOURCES.values()]
RAW_FILES = [f"{RAW_DIR}/{path}" for path in RAW_PATHS]
SOURCE_BY_PATH = {entry["path"]: name for name, entry in SOURCES.items()}


def source_entry(wildcards):
    """retrieve_source: the registry entry of the file to fetch."""
    return SOURCES[SOURCE_BY_PATH[wildcards.path]]


def raw_dir(wildcards, input):
    """build_case: RAW_DIR, from the input (the first raw file is RAW_DIR/RAW_PATHS[0])."""
    return str(Path(input[0]).parents[len(Path(RAW_PATHS[0]).parts) - 1])


def case_inputs(wildcards):
    """assess_case, assess_sensitivity: the files of the case that `load_case` reads."""
    return case_files(CASES[wildcards.case])


def coverage_inputs(wildcards):
    """case_coverage: the case files and, for a built case, its build_exclusions.csv."""
    return coverage_files(CASES[wildcards.case])


def case_dir(wildcards):
    """The folder of the case (a param of case_coverage)."""
    return str(case_path(CASES[wildcards.case]))


def case_spec(wildcards):
    return CASES[wildcards.case]


def posterior_input(wildcards):
    return [POSTERIOR] if EXPECTED else []


# The sensitivity cases of each case: all of SENSITIVITY less the case's `sensitivity.skip` (its settings.yaml).
CASE_SENSITIVITY = {name: case_sensitivity(CONFIG_SOURCES, name, spec) for name, spec in CASES.items()} if SENSITIVITY else {}


def sensitivity_parts(wildcards):
    return expand("results/{case}/sensitivity/{name}.csv", case=wildcards.case,
                  name=CASE_SENSITIVITY.get(wildcards.case, []))


# The report rules (report.smk), one function per artefact. Each step reads its case through
# `subnat.report.results.load`: the six tables, config.resolved.yaml, provenance.yaml,
# sensitivity.csv (when the workflow makes it) and the case's case.yaml and national.csv.
def report_tables(wildcards):
    """Every file `results.load` reads for one case, by name (use with unpack())."""
    folder = f"results/{wildcards.case}"
    case = case_path(CASES[wildcards.case])
    return {
        "case": [str(case / "case.yaml"), str(case / "national.csv")],
        **{name: f"{folder}/{name}.csv" for name in TABLE_NAMES},
        "resolved": f"{folder}/config.resolved.yaml",
        "provenance": f"{folder}/provenance.yaml",
        "sensitivity": [f"{folder}/sensitivity.csv"] if SENSITIVITY else [],
    }


def assumptions_inputs(wildcards):
    """write_assumptions: the register is made from config.resolved.yaml and provenance.yaml (which
    config layer set which assumption)."""
    return {"resolved": f"results/{wildcards.case}/config.resolved.yaml",
            "provenance": f"results/{wildcards.case}/provenance.yaml"}


def tracking_tables(wildcards):
    """The tables and figure of rule tracking (tracking.smk) that the workbook and report.md show."""
    folder = f"results/{wildcards.case}"
    return [f"{folder}/progress.csv", f"{folder}/actors.csv", f"{folder}/landscape.csv",
            f"{folder}/figures/landscape.png"]


def workbook_inputs(wildcards):
    """make_tables: the case's results, the assumption register and the tracking tables (sheets of the
    workbook)."""
    return {**report_tables(wildcards), "assumptions": f"results/{wildcards.case}/assumptions.csv",
            "tracking": tracking_tables(wildcards)[:2]}


def iamc_inputs(wildcards):
    """export_iamc: the case's results."""
    return report_tables(wildcards)


def figures_inputs(wildcards):
    """make_figures: the case's results, its draws (the waterfall's means) and, with the expected
    scenario, the achievement posterior and its diagnostics (the achievement figure)."""
    return {**report_tables(wildcards), "draws": f"results/{wildcards.case}/draws.nc", "achievement": ACHIEVEMENT}


def hindcast_outputs(wildcards):
    """The hindcast's table, summary and figure (rule hindcast) of a case in hindcast.cases, else none."""
    folder = f"results/{wildcards.case}"
    if wildcards.case not in HINDCAST:
        return []
    return [f"{folder}/hindcast.csv", f"{folder}/hindcast_summary.csv", f"{folder}/figures/hindcast.png"]


def report_inputs(wildcards):
    """write_report: the case's results, the assumption register, the variance decomposition
    (rule uncertainty), the figures it links to, for a case in hindcast.cases, the hindcast (its
    section of report.md) and the tracking tables (their section)."""
    return {
        **report_tables(wildcards),
        "assumptions": f"results/{wildcards.case}/assumptions.csv",
        "uncertainty": f"results/{wildcards.case}/uncertainty.csv",
        "figures": expand("results/{case}/figures/{name}.png", case=wildcards.case, name=FIGURES)
        + [f"results/{wildcards.case}/figures/uncertainty.png"],
        "hindcast": hindcast_outputs(wildcards),
        "tracking": tracking_tables(wildcards),
    }
