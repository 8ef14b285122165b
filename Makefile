# eigenpal-ext entry points. `make test` sets up what it needs, then runs every check CI runs.
# Only python3 (>= 3.11) and Node.js/npm (for the spec linters) must already be on the machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
NODE_BIN := node_modules/.bin

.DEFAULT_GOAL := help
.PHONY: help demo setup generate check-generated lint-spec lint format typecheck docs pytest matrix check-dist dist test schemathesis bench clean

help:
	@echo "make demo             run extract-invoice on a sample PDF against a local EigenPal server"
	@echo "make setup            create .venv with the project (editable, [server]) and the dev group; install the spec linters"
	@echo "make test             setup, then check-generated, lint-spec, lint, typecheck, docs, pytest, matrix and dist"
	@echo "make generate         regenerate generated/eigenpal_api from openapi.yaml"
	@echo "make check-generated  fail with a diff if generated/ differs from a fresh generation"
	@echo "make lint-spec        Redocly and Spectral on openapi.yaml"
	@echo "make lint             ruff check + ruff format --check"
	@echo "make typecheck        mypy --strict"
	@echo "make docs             build the documentation site into site/ (mkdocs --strict: any warning fails)"
	@echo "make pytest           the test suite only"
	@echo "make matrix           unit and generated-layer suites under 3.11 (lowest httpx), 3.12 and 3.13 (newest httpx); the official SDK 0.11.2 (nox)"
	@echo "make dist             build wheel+sdist into dist/ and check them as check-dist does (needs only python3)"
	@echo "make check-dist       build wheel+sdist, twine check, install the wheel in fresh venvs, use it from outside"
	@echo "make schemathesis     schemathesis (all checks and phases, 100 examples) against a local server"
	@echo "make bench            raw httpx, the official SDK and eigenpal-ext side by side (median of 3 runs, ~6 min)"

# --- setup: idempotent; each half reinstalls only when its manifest changed --------------------------
setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	# The development tools are a PEP 735 dependency group (not published metadata); pip >= 25.1 reads it.
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[server]' --group dev
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# --- the main job, against the local server (needs only the Python half of the setup) ------------------
demo: $(VENV)/.installed
	$(PY) examples/demo.py

# --- code generation ---------------------------------------------------------------------------------
generate: $(VENV)/.installed
	$(PY) scripts/generate.py

check-generated: $(VENV)/.installed
	$(PY) scripts/check_generated.py

# --- linters and type check --------------------------------------------------------------------------
lint-spec: node_modules/.installed
	$(NODE_BIN)/redocly lint openapi.yaml
	$(NODE_BIN)/spectral lint openapi.yaml --fail-severity=warn

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# --- documentation ---------------------------------------------------------------------------------
# The site (mkdocs.yml, docs/) into site/. --strict: any warning fails, a broken link or anchor among them.
# NO_MKDOCS_2_WARNING silences a notice the Material theme prints on every build (about MkDocs' future).
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# --- tests -------------------------------------------------------------------------------------------
# pytest exits 5 when it collects no test; that is a failure here like any other non-zero status.
# PYTEST_WORKERS processes (pytest-xdist) share the tests a module at a time (--dist loadscope), so a module's
# server and other module-scoped fixtures start once; PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= 2
pytest: $(VENV)/.installed
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope

# The unit and generated-layer suites under every supported Python (noxfile.py); a missing interpreter
# fails the run. The session venvs live in .nox/ and are reused (their install step still runs).
matrix: $(VENV)/.installed
	$(BIN)/nox

# The distributions as a user gets them: built, checked, installed in fresh venvs (runtime only, then
# [server]) and used from a scratch project outside the repository (scripts/check_dist.py).
check-dist: $(VENV)/.installed
	$(PY) scripts/check_dist.py

# The same checks, keeping the distributions in dist/ (emptied first). No `make setup` and no .venv: only
# python3, with the build tools (pyproject.toml's pins) in a throwaway venv; a release is built this way.
dist:
	$(PYTHON) scripts/check_dist.py --dist-dir dist

test: setup check-generated lint-spec lint typecheck docs pytest matrix dist

# Every schemathesis check and phase against a local server, from openapi.yaml; exits non-zero on any
# failure. `make pytest` runs the same with 20 examples (tests/e2e/test_e2e_schemathesis.py).
schemathesis: $(VENV)/.installed
	$(PY) scripts/run_schemathesis.py --max-examples 100

# Benchmarks print figures; they assert nothing (speed and memory are never asserted by tests). The import
# figures come from a runtime-only venv that benchmarks/run.py makes (once) under .bench/.
bench: $(VENV)/.installed
	$(PY) benchmarks/run.py --runs 3

clean:
	rm -rf $(VENV) node_modules .nox .mypy_cache .ruff_cache .pytest_cache .hypothesis .bench site
