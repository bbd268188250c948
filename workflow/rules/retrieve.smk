# Retrieve the raw upstream files of the case-building rules (not part of the default `rule all`).
# Reads config:
#   data.reference_dir  local folder with the upstream files (default null = download;
#                       config/config.yaml sets ../shared/reference-data for offline machines)
#   data.registry       registry of files, URLs and SHA-256 (default config/data_sources.yaml)
#   data.raw_dir        where retrieved files go (default resources/raw)
# Every file's SHA-256 is checked against the registry whether copied or downloaded.
import re
from pathlib import Path

from subnat.harmonize.retrieve import load_registry

DATA_REGISTRY = config["data"]["registry"]
RAW_DIR = config["data"]["raw_dir"]
REFERENCE_DIR = config["data"]["reference_dir"]
# a relative registry path is looked up in the working directory, else beside the Snakefile
_registry = Path(DATA_REGISTRY)
if not _registry.is_absolute() and not _registry.exists():
    _registry = Path(workflow.basedir) / _registry
SOURCES = load_registry(_registry)
_BY_PATH = {entry["path"]: name for name, entry in SOURCES.items()}
RAW_PATHS = [entry["path"] for entry in SOURCES.values()]
RAW_FILES = [f"{RAW_DIR}/{path}" for path in RAW_PATHS]  # inputs of build_case


localrules:
    retrieve_source,  # compute nodes often have no internet


rule retrieve_source:
    conda:
        "../../environment.yml"
    output:
        f"{RAW_DIR}/{{path}}",
    log:
        "logs/retrieve_source/{path}.log",
    wildcard_constraints:
        path="|".join(re.escape(p) for p in _BY_PATH),
    retries: 2
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        entry=lambda wc: SOURCES[_BY_PATH[wc.path]],
        reference_dir=REFERENCE_DIR,
    script:
        "../scripts/retrieve_source.py"
