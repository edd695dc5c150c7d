# The two commands of the README, each setting itself up on a fresh machine (Python 3 and make):
#   make demo   runs the main job (tensorgrad compare: four optimizers on the digits)
#   make test   runs lint and the tests (which execute the notebooks and build the docs strictly)
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint format bench docs docs-serve notebooks graphviz clean

demo: $(STAMP)
	@bash scripts/ensure-graphviz.sh --optional
	$(BIN)/python -m tensorgrad compare

# the numeric tests and the notebooks run twice: as the machine's BLAS is set up, then under another OpenBLAS
# kernel and thread count, so a claim that holds for one kernel's rounding only fails here, not on a user's machine
NOT_NUMERIC := --ignore=tests/test_docs.py --ignore=tests/test_data_download.py --ignore=tests/test_cli_options.py \
	--ignore=tests/test_io.py --ignore=tests/test_allocator.py --ignore=tests/test_benchmarks.py \
	--ignore=tests/test_explorer_browser.py --ignore=tests/test_docs_browser.py --ignore=tests/test_notebook_views.py

test: $(STAMP)
	@bash scripts/ensure-graphviz.sh
	@bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	HYPOTHESIS_EXAMPLES=25 $(BIN)/python scripts/second_fp_config.py $(BIN)/python -m pytest -q tests $(NOT_NUMERIC)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --out benchmarks/results
	$(BIN)/python benchmarks/training.py

# the documentation site, built strictly (a broken link or reference fails) into site/
docs: export NO_MKDOCS_2_WARNING = 1
docs: $(STAMP)
	@bash scripts/ensure-graphviz.sh
	$(BIN)/mkdocs build --strict

docs-serve: export NO_MKDOCS_2_WARNING = 1
docs-serve: $(STAMP)
	@bash scripts/ensure-graphviz.sh
	$(BIN)/mkdocs serve

# run every notebook top to bottom in a fresh kernel and store its outputs (what the docs show)
notebooks: $(STAMP)
	@bash scripts/ensure-graphviz.sh
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=120 --ExecutePreprocessor.record_timing=False notebooks/*.ipynb

graphviz:
	@bash scripts/ensure-graphviz.sh

# the virtual environment, rebuilt when the dependencies change
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "tensorgrad needs Python >= 3.10 (found $$($(PYTHON) --version 2>&1))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "could not create a virtual environment: install Python's venv module (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,experiments,docs]"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .cache site
