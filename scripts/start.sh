#!/usr/bin/env bash
# Install everything the app needs and start it on http://localhost:8501.
source "$(dirname "$0")/_venv.sh"
npm_assets
make_venv requirements.lock
exec .venv/bin/python scripts/serve.py run app.py "$@"
