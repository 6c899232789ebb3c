# One-command set-up: `make run` starts the platform, `make test` runs every suite.
# Both create .venv (Python >= 3.12) and install the pinned requirements the first time.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help venv venv-dev run test test-backend test-frontend e2e lint bench bench-smoke reliability migrate demo clean

help:
	@echo "make run          start backend (:8000), worker and dashboard (:3000) with demo data"
	@echo "make test         lint + backend suites (SQLite, then PostgreSQL when reachable) + dashboard"
	@echo "make bench        benchmarks with targets and baselines (writes bench/results.json)"
	@echo "make reliability  fuzzing, load and fault scenarios with the summary table"

venv:
	@scripts/bootstrap.sh requirements.txt

venv-dev:
	@scripts/bootstrap.sh requirements-dev.txt

migrate: venv
	@$(PY) manage.py migrate --no-input -v0

demo: migrate
	@$(PY) manage.py bootstrap_demo

run: venv
	@$(PY) scripts/run_platform.py

test: venv-dev
	@scripts/test.sh

test-backend: venv-dev
	@SKIP_FRONTEND=1 scripts/test.sh

test-frontend:
	@scripts/test_frontend.sh

lint: venv-dev
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .

bench: venv-dev
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
		|| { echo "==> apt-get install wrk (the serving load generator)"; \
		     apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@$(PY) -m bench

bench-smoke: venv-dev
	@$(PY) -m bench --smoke

reliability: venv-dev
	@$(PY) -m reliability

clean:
	rm -rf var staticfiles artifacts .pytest_cache
