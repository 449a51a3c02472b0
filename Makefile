# Everything a developer or CI needs, from a fresh clone, in a local virtual environment.
# The environment is installed from requirements/dev.txt (the lock: every package pinned, with
# hashes), so every clone and every CI run tests with the same releases; pyproject.toml keeps ranges.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements/dev.txt
# The resolver that writes the lock, pinned with hashes in requirements/lock-tools.txt.
LOCK_VENV  := .lock-tools
# `make lock` keeps every pin it can; `make lock LOCK_FLAGS=--upgrade` moves all to the newest.
LOCK_FLAGS ?=

.PHONY: render test lint format docs bench clean editor-tools lock

# Keyed on the lock: a changed lock rebuilds the environment from scratch, so nothing stale stays.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## render: install manifold and render this repository's example (projects/ + environments/ -> rendered/)
render: $(STAMP)
	$(BIN)/manifold render

## editor-tools: yaml-language-server for the editor tests, from tests/editor/package-lock.json (needs npm; skipped without)
editor-tools:
	@if command -v npm >/dev/null 2>&1; then \
		test tests/editor/node_modules/.package-lock.json -nt tests/editor/package-lock.json \
		|| npm ci --prefix tests/editor --no-audit --no-fund; \
	else echo "npm not found: the editor tests (yaml-language-server) will be skipped"; fi

## test: lint, type-check and run the whole test suite (what CI runs)
test: lint editor-tools
	$(BIN)/python -m pytest

## lint: ruff (lint + format check) and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## format: apply ruff's formatter and safe fixes
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## docs: build the documentation site (docs/ -> site/) as the test suite does, strictly
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

## lock: re-resolve requirements/dev.txt from pyproject.toml (run after changing dependencies)
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/lock-tools.txt
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet \
		$(LOCK_FLAGS) --output-file $(LOCK)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .manifold .pytest_cache .mypy_cache .ruff_cache site tests/editor/node_modules
