# Everything a developer or CI needs, from a fresh clone, in a local virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: render test lint format docs bench clean editor-tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

## format: apply ruff's formatter and safe fixes
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## docs: build the documentation site (docs/ -> site/) as the test suite does, strictly
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) .manifold .pytest_cache .mypy_cache .ruff_cache site tests/editor/node_modules
