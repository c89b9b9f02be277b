#!/usr/bin/env bash
# Run the formcheck test suite (installs what it needs on first run, Chromium included).
set -euo pipefail
cd "$(dirname "$0")"
PYBIN=$(bash scripts/setup_env.sh | tail -n 1)
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium for the browser tests (about 40 s)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  else
    echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped" >&2
  fi
fi
"$PYBIN" -m ruff check .
exec "$PYBIN" -m pytest -q -ra "$@"
