# Retrieve the raw upstream files of the case-building rules (not part of the default `rule all`).
# The registry (SOURCES, RAW_DIR, RAW_FILES, source_entry) is read in common.smk.
# Reads config:
#   data.reference_dir  local folder with the upstream files (default null = download;
#                       config/config.yaml sets ../shared/reference-data for offline machines)
#   data.registry       registry of files, URLs and SHA-256 (default config/data_sources.yaml)
#   data.raw_dir        where retrieved files go (default resources/raw)
# Every file's SHA-256 is checked against the registry whether copied or downloaded.
import re

REFERENCE_DIR = config["data"]["reference_dir"]


rule retrieve_source:
    conda:
        "../../environment.yml"
    output:
        f"{RAW_DIR}/{{path}}",
    log:
        "logs/retrieve_source/{path}.log",
    wildcard_constraints:
        path="|".join(re.escape(p) for p in SOURCE_BY_PATH),
    retries: 2
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        entry=source_entry,
        reference_dir=REFERENCE_DIR,
    script:
        "../scripts/retrieve_source.py"
