# Every target creates .venv and installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck drills bench bench-scale bench-startup corpus clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/optdesk serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -m "not drill" -n auto --maxprocesses=4 --dist loadfile --cov=consent --cov=storage --cov=webhooks --cov=bot --cov=optdesk --cov-report=term:skip-covered

drills: $(STAMP)
	$(BIN)/pytest -q -m drill

bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run

# Reads at 10k, 100k and 1M contacts; seeded databases are cached (bench/README.md).
bench-scale: $(STAMP)
	$(BIN)/python -m bench.scale

bench-startup: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.startup

corpus: $(STAMP)
	$(BIN)/python -m consent.keywords --report tests/consent/revocation_corpus.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
