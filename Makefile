# RecoveryPath: `make run` to try it, `make test` to check it.
# The first Python 3.11+ on PATH (override: make PYTHON=/path/to/python3.12).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo "$$p"; break; }; \
	done)
endif
VENV := .venv
BIN := $(VENV)/bin
DEMO_CLIENTS ?= 60
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto
# What the test suite needs from the system: the browser tests drive Chromium, WeasyPrint draws
# PDFs with Pango and the DejaVu fonts. Missing ones are installed by SYSTEM_INSTALL (Debian's
# packages through apt-get); override it to install them another way.
CHROMIUM_PATH ?= /usr/bin/chromium
DEJAVU_FONT ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
PANGO_LIBS ?= /usr/lib/*/libpangoft2-1.0.so.0 /usr/lib64/libpangoft2-1.0.so.0 /usr/lib/libpangoft2-1.0.so.0
SYSTEM_INSTALL ?= scripts/install-system-packages
export CHROMIUM_PATH

.PHONY: bench-large bench-profile run serve test test-deps lint security format bench migrate demo clean messages

$(BIN)/python:
	@[ -n "$(PYTHON)" ] || { echo "RecoveryPath needs Python 3.11 or newer (python3.13, python3.12, python3.11 or python3); none found on PATH. Install one, or run: make PYTHON=/path/to/python3.12" >&2; exit 1; }
	@"$(PYTHON)" -c 'import ensurepip' >/dev/null 2>&1 || $(SYSTEM_INSTALL) $(notdir $(PYTHON))-venv
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m recoverypath.core.translations
	touch $@

# Compiled translations (not committed): made in pure Python (polib) whenever a catalogue changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard src/recoverypath/locale/*/LC_MESSAGES/*.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/python -m recoverypath.core.translations

# Developers: refresh the catalogues from the code and templates (needs GNU gettext's xgettext),
# then translate the new entries in src/recoverypath/locale/<language>/LC_MESSAGES/django.po.
messages: $(VENV)/.installed
	cd src/recoverypath && DEBUG=1 ../../$(BIN)/recoverypath makemessages --locale es \
		--extension html,txt,py --no-obsolete --no-location --ignore 'static/*'
	$(BIN)/python -m recoverypath.core.translations

# Links in e-mails point at the address `make run` serves, unless SITE_URL is set already.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed $(MO_FILES)
	DEBUG=1 $(BIN)/recoverypath migrate --noinput --verbosity 0
	DEBUG=1 $(BIN)/recoverypath demo --clients $(DEMO_CLIENTS) --if-empty > var/demo-logins.txt
	DEBUG=1 $(BIN)/recoverypath serve --dev --addr $(HOST):$(PORT) --banner var/demo-logins.txt

test: test-deps $(VENV)/.installed $(MO_FILES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Installs what is missing, then checks again: a browser still missing stops here with a message
# rather than as 17 failing browser tests.
test-deps:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium"; \
	[ -e "$(DEJAVU_FONT)" ] || missing="$$missing fonts-dejavu-core"; \
	pango=""; for lib in $(PANGO_LIBS); do [ -e "$$lib" ] && pango=yes; done; \
	[ -n "$$pango" ] || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		echo "make test: missing system packages:$$missing"; \
		$(SYSTEM_INSTALL) $$missing || { echo "make test: could not install:$$missing" >&2; exit 1; }; \
		[ -x "$(CHROMIUM_PATH)" ] || { echo "make test: Chromium still not found at $(CHROMIUM_PATH); install it or set CHROMIUM_PATH." >&2; exit 1; }; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy

# bandit over src (medium severity and above fail; a `# nosec BXXX` carries its reason on the line
# above), then schemathesis: every API operation fuzzed for a client, a clinician and an admin,
# against the OpenAPI schema (tests/security, kept out of `make test` by its marker).
security: $(VENV)/.installed
	$(BIN)/bandit --recursive src --severity-level medium --quiet
	$(BIN)/python -m pytest -m schemathesis tests/security -p no:cacheprovider $(PYTEST_ARGS)

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Small sizes, so that a fresh clone runs every workload in under 10 minutes: 1,000 requests a
# workload over HTTP, the FHIR export at 50 and 150 clients (bench_fhir_export.py N... for more).
bench: $(VENV)/.installed
	@export BENCH_REQUESTS=$${BENCH_REQUESTS:-1000}; missed=""; for script in bench/bench_*.py; do echo "== $$script"; started=$$(date +%s); \
		$(BIN)/python $$script || missed="$$missed $$script"; \
		echo "== $$script: $$(( $$(date +%s) - started )) s"; done; \
	if [ -n "$$missed" ]; then echo "== goals missed (figures above):$$missed"; exit 1; fi

# The same hot paths over a million synthetic clients on PostgreSQL (BENCH_SCALE to change the
# size; the loaded database is kept between runs: a first run loads for about half an hour).
BENCH_SCALE ?= 1000000
BENCH_LARGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rp_bench_$(BENCH_SCALE)
bench-large: $(VENV)/.installed
	@missed=""; for script in bench/bench_http.py bench/bench_nightly_rules.py; do \
		echo "== $$script at $(BENCH_SCALE) clients"; \
		BENCH_SCALE=$(BENCH_SCALE) BENCH_KEEP_DATABASE=1 \
		BENCH_DATABASE_URL=$(BENCH_LARGE_DATABASE_URL) $(BIN)/python $$script \
		|| missed="$$missed $$script"; done; \
	echo "== bench/profile_hot_paths.py at $(BENCH_SCALE) clients (where the time goes)"; \
	BENCH_SCALE=$(BENCH_SCALE) BENCH_KEEP_DATABASE=1 \
		BENCH_DATABASE_URL=$(BENCH_LARGE_DATABASE_URL) $(BIN)/python bench/profile_hot_paths.py; \
	if [ -n "$$missed" ]; then echo "== goals missed (figures above):$$missed"; exit 1; fi

# Where the hot paths spend their time (W1, W6, W2, W3 by kind of work), at small size.
bench-profile: $(VENV)/.installed
	$(BIN)/python bench/profile_hot_paths.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
