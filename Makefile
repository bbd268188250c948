# The two commands of the quick start: `make run` and `make test`.
# Both create .venv with python3 -m venv when missing and install the package into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= all
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast lint docs bench bench-scaling clean help constraints

help:
	@echo "make run        run the default workflow (the seven embedded country cases) offline, then results/report.html"
	@echo "make test       full test suite incl. the end-to-end Snakemake run"
	@echo "make test-fast  tests not marked slow"
	@echo "make lint       ruff + snakemake --lint"
	@echo "make docs       regenerate config/README.md from the schema"
	@echo "make bench      aggregation benchmark (20,000 actors x 4,000 draws)"
	@echo "make bench-scaling  time and peak memory over actors x draws (several minutes)"
	@echo "make constraints  pin the tested environment again (constraints.txt) after a dependency change"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP) $@

# Pin the tested environment again (after a dependency change in pyproject.toml).
constraints: $(TEST_STAMP)
	{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^subnat'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# the run, then the HTML report of its results (a second snakemake call: --report does not run rules)
run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --report results/report.html

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests workflow
	$(BIN)/python -m pytest -q --durations=15

test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests workflow
	$(BIN)/snakemake --lint

docs: $(STAMP)
	$(BIN)/python -m subnat.config docs > config/README.md

bench: $(STAMP)
	$(BIN)/python -m subnat.testing.bench aggregate --actors 20000 --draws 4000 --first-year 2015 --last-year 2050 --json

bench-scaling: $(STAMP)
	$(BIN)/python -m subnat.testing.bench scaling --actors 5000 10000 20000 40000 --draws 1000 4000 --repeats 3

clean:
	rm -rf results/*/ .snakemake logs benchmarks
