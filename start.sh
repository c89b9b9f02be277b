#!/usr/bin/env bash
# Start the formcheck app (installs what it needs on first run).
set -euo pipefail
cd "$(dirname "$0")"
PYBIN=$(bash scripts/setup_env.sh | tail -n 1)
exec "$PYBIN" -m streamlit run streamlit_app.py --browser.gatherUsageStats false "$@"
