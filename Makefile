# Two commands on a fresh machine: `make demo` (build, then open the demo dashboard) and
# `make test` (build, then run every test, browser tests included). Both make their own venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8050

.PHONY: demo test browser lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium'"; exit 1; fi; }

demo: $(STAMP)
	$(BIN)/counterpoint demo --port $(PORT)

test: $(STAMP) browser
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check ingest dashboard tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data/store .mypy_cache .ruff_cache .pytest_cache
