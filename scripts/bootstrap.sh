#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install the pinned requirements, once.
# Idempotent: re-running with unchanged requirements does nothing (a stamp holds their hash).
set -euo pipefail
cd "$(dirname "$0")/.."

REQUIREMENTS="${1:-requirements-dev.txt}"
VENV=.venv

find_python() {
  local candidates=("${PYTHON:-}" python3.12 python3.13 python3.14 python3)
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do
      candidates+=("$(pyenv root)/versions/$v/bin/python")
    done
  fi
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || continue
    if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  if ! PY=$(find_python); then
    echo "error: Python 3.12 or newer is required (set PYTHON=/path/to/python3.12)." >&2
    exit 1
  fi
  echo "==> creating $VENV with $("$PY" --version)"
  "$PY" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(basename "$REQUIREMENTS")"
want=$(cat requirements.txt "$REQUIREMENTS" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing $REQUIREMENTS"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" > "$stamp"
fi
