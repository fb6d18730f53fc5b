# RecoveryPath: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_CLIENTS ?= 60
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run serve test lint security format bench migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(BIN)/recoverypath migrate --noinput --verbosity 0
	DEBUG=1 $(BIN)/recoverypath demo --clients $(DEMO_CLIENTS) --if-empty > var/demo-logins.txt
	DEBUG=1 $(BIN)/recoverypath serve --addr $(HOST):$(PORT) --banner var/demo-logins.txt

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bandit over src (medium severity and above fail; a `# nosec BXXX` carries its reason on the line
# above), then schemathesis: every API operation fuzzed for a client, a clinician and an admin,
# against the OpenAPI schema (tests/security, kept out of `make test` by its marker).
security: $(VENV)/.installed
	$(BIN)/bandit --recursive src --severity-level medium --quiet
	$(BIN)/python -m pytest -m schemathesis tests/security -p no:cacheprovider $(PYTEST_ARGS)

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
