#!/usr/bin/env bash
# Create/refresh the project's virtualenv in .venv (idempotent, fast when nothing changed).
# Usage: source-free; prints the venv python path on the last line of stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv >&2
fi
stamp=".venv/.setup-stamp"
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing formcheck and its dependencies into .venv (first run takes about a minute)..." >&2
  if ! .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,cluster]" \
      > .venv/pip-install.log 2>&1; then
    tail -n 30 .venv/pip-install.log >&2
    echo "error: installing dependencies failed (full log: .venv/pip-install.log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
echo "$PWD/.venv/bin/python"
