#!/usr/bin/env bash
# The whole suite: lint, backend on SQLite, backend on PostgreSQL, then the dashboard.
# With CI=true nothing may be skipped for lack of a service: PostgreSQL and Chromium must work.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CI="${CI:-false}"
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/mlplatform}"

echo "==> lint (ruff)"
$PY -m ruff check .
$PY -m ruff format --check . >/dev/null || { $PY -m ruff format --check .; exit 1; }

echo "==> backend suite on SQLite"
env -u DATABASE_URL $PY -m pytest -q -p no:cacheprovider "$@"

pg_reachable() {
  $PY - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", connect_timeout=3).close()
PYEOF
}

if ! pg_reachable && [ "$CI" = "true" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "==> starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 20); do pg_reachable && break; sleep 1; done
fi

if pg_reachable; then
  echo "==> backend suite on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $PY -m pytest -q -p no:cacheprovider "$@"
elif [ "$CI" = "true" ]; then
  echo "error: CI=true but PostgreSQL at $PG_URL is unreachable; the PostgreSQL suite must run in CI." >&2
  exit 1
else
  echo "==> SKIPPED the PostgreSQL suite: no server at $PG_URL (set TEST_POSTGRES_URL; CI requires it)"
fi

echo "==> benchmark harness smoke run"
$PY -m bench --smoke

if [ "${SKIP_FRONTEND:-0}" != "1" ]; then
  scripts/test_frontend.sh  # starts with scripts/api_types.sh --check
elif [ -x frontend/node_modules/.bin/openapi-typescript ]; then
  echo "==> generated dashboard API types equal a fresh generation"
  scripts/api_types.sh --check
fi
