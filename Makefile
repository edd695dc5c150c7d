# The two commands of the README, each setting itself up on a fresh machine (Python 3 and make):
#   make demo   runs the main job (tensorgrad compare: four optimizers on the digits)
#   make test   runs lint and the tests
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint format bench graphviz clean

demo: $(STAMP)
	@bash scripts/ensure-graphviz.sh --optional
	$(BIN)/python -m tensorgrad compare

test: $(STAMP)
	@bash scripts/ensure-graphviz.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --out benchmarks/results
	$(BIN)/python benchmarks/training.py

graphviz:
	@bash scripts/ensure-graphviz.sh

# the virtual environment, rebuilt when the dependencies change
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "tensorgrad needs Python >= 3.10 (found $$($(PYTHON) --version 2>&1))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "could not create a virtual environment: install Python's venv module (Debian: apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,experiments]"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
