#!/usr/bin/env bash
# Install test dependencies (Chromium, CJK fonts, nginx, npm and Python packages) and run the whole suite.
source "$(dirname "$0")/_venv.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk fontconfig)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)  # the reverse-proxy test
# deploy/nginx-site.conf serves the published map's .br copies (tests/test_site.py)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)
apt_install "${missing[@]}"
npm_assets
make_venv requirements-dev.lock
# pytest exits 5 when it collects no tests; `set -e` turns that into a failure too.
exec .venv/bin/python -m pytest "$@"
