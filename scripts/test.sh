#!/usr/bin/env bash
# Install test dependencies (Chromium, CJK fonts, Python packages) and run the whole suite.
source "$(dirname "$0")/_venv.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk fontconfig)
apt_install "${missing[@]}"
make_venv requirements-dev.txt
# pytest exits 5 when it collects no tests; `set -e` turns that into a failure too.
exec .venv/bin/python -m pytest "$@"
