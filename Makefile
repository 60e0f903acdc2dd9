# Two commands matter: `make run` and `make test`. Both build .venv from the locked
# requirements first, so they work on a fresh machine that has only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format schema migrations lock bench services clean

$(BIN)/.installed-base: requirements/base.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt
	@touch $@

$(BIN)/.installed-dev: requirements/dev.txt $(BIN)/.installed-base
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

## run: migrate, seed demo data and serve http://$(HOST):$(PORT)/graphql (GraphiQL included)
run: $(BIN)/.installed-base
	$(BIN)/python main.py migrate
	$(BIN)/python main.py seed
	HOST=$(HOST) PORT=$(PORT) WECHAT_API_BASE=$${WECHAT_API_BASE:-http://$(HOST):$(PORT)/dev/wechat} \
		$(BIN)/python main.py serve

JS_DIR := tests/js

# The JavaScript clients the tests run (graphql-ws, playwright-core), from tests/js/package.json.
$(JS_DIR)/node_modules/.installed: $(JS_DIR)/package.json
	@bash scripts/ensure-js.sh
	@touch $@

## test: the whole suite against real PostgreSQL and Redis (started if installed but stopped)
test: $(BIN)/.installed-dev $(JS_DIR)/node_modules/.installed
	@bash scripts/ensure-services.sh
	@bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## schema: re-export schema.graphql after an API change
schema: $(BIN)/.installed-base
	$(BIN)/python main.py export-schema

## migrations name=<what changed>: let aerich write migrations for both dialects
migrations: $(BIN)/.installed-dev
	@bash scripts/ensure-services.sh
	$(BIN)/python scripts/makemigrations.py $(name)

## lock: re-pin requirements/*.txt from pyproject.toml
lock: $(BIN)/.installed-dev
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.txt

bench: $(BIN)/.installed-dev
	@bash scripts/ensure-services.sh
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache $(JS_DIR)/node_modules
