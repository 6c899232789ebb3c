#!/usr/bin/env bash
# Dashboard checks: lint, types, component tests, production build, then end-to-end in Chromium.
# With CI=true the end-to-end run is required; elsewhere it is skipped (with the reason) when
# Chromium or npm is missing.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
CI="${CI:-false}"
export NEXT_TELEMETRY_DISABLED=1

if ! command -v npm >/dev/null 2>&1; then
  if [ "$CI" = "true" ]; then echo "error: npm is required in CI" >&2; exit 1; fi
  echo "==> SKIPPED dashboard checks: npm not found (install Node.js 20+)"
  exit 0
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.installed ] || [ "$(cat node_modules/.installed)" != "$lock_hash" ]; then
  echo "==> npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.installed
fi

echo "==> dashboard: API types equal a fresh generation from the backend schema"
../scripts/api_types.sh --check

echo "==> dashboard: lint, typecheck, component tests"
npm run --silent lint
npm run --silent typecheck
npm run --silent test

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "==> dashboard: end-to-end in Chromium against the real backend"
  ../.venv/bin/python ../scripts/e2e_harness.py
elif [ "$CI" = "true" ]; then
  echo "error: CI=true but /usr/bin/chromium is missing (apt-get install chromium)" >&2
  exit 1
else
  echo "==> SKIPPED dashboard end-to-end tests: /usr/bin/chromium not found (apt-get install chromium)"
fi
