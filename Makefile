# Customer relationship analytics notebooks. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
CONFIG ?= data/sample/config.yml
OUT ?= reports
STAMP := $(VENV)/.installed

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  (CONFIG=path/to/config.yml OUT=folder run the reports on your own data)"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --python $(PY) --quiet --compile-bytecode -r requirements.lock
	$(UV) pip install --python $(PY) --quiet --compile-bytecode --no-deps -e .
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (crm-notebooks)" >/dev/null
	@touch $@

install: $(STAMP) ## create .venv and install the pinned environment (the other targets do it too)

reports: $(STAMP) ## run every notebook on CONFIG (default: the sample) into OUT as HTML + PDF
	$(PY) -m helpers.report --config $(CONFIG) --out $(OUT)

test: $(STAMP) ## run all tests: units, notebooks (nbval) and the end-to-end pipeline
	$(PY) -m pytest -n 2 --dist loadscope -m "not spark and not warehouse"

test-fast: $(STAMP) ## unit tests and docstring examples only (no notebooks, no pipeline): the edit-test loop
	$(PY) -m pytest -n 2 --dist loadscope -m "not slow and not spark and not warehouse" tests src/helpers

test-spark: $(STAMP) ## install the spark extra (pyspark; needs Java 17) and run the engine tests on Spark local[2]
	$(UV) pip install --python $(PY) --quiet -r requirements-spark.lock
	$(PY) -m pytest -p no:cacheprovider -m spark tests/engine

test-warehouse: $(STAMP) ## install the warehouse extra (ibis) and run the engine tests through Ibis on SQLite
	$(UV) pip install --python $(PY) --quiet -r requirements-warehouse.lock
	$(PY) -m pytest -p no:cacheprovider -m warehouse tests/engine

notebooks: $(STAMP) ## re-execute notebooks/ in place on the sample data (refreshes stored outputs)
	$(PY) -m helpers.report --refresh

sample: $(STAMP) ## regenerate data/sample/ from the seeded generator (byte-identical)
	$(PY) -m helpers.sample --out data/sample

lab: $(STAMP) ## open JupyterLab at the start-here notebook (widgets live; no news prompt)
	CRM_LIVE=1 $(VENV)/bin/jupyter lab --LabApp.news_url=None notebooks/00_start_here.ipynb

bench: $(STAMP) ## run the speed and memory benchmarks
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## remove generated reports (keeps reports/README.md)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +

.PHONY: help install reports test test-fast test-spark test-warehouse notebooks sample lab bench clean
