# Shared by start.sh and test.sh: install missing Debian packages, then a venv with $1.
# Sourced, not run.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

apt_install() {
  [ "$#" -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Leaflet and Leaflet.draw from the npm registry, pinned by package-lock.json (decision 0010).
npm_assets() {
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  if [ ! -f node_modules/leaflet/dist/leaflet.js ] || [ ! -f node_modules/leaflet-draw/dist/leaflet.draw.js ] \
     || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  fi
}

# $1: a lock file (requirements.lock or requirements-dev.lock): every package of the tree
# pinned with its hashes, so a fresh machine installs exactly what was tested. The .txt files
# are the hand-edited inputs; regenerate the locks with pip-compile (see README).
make_venv() {
  local lockfile="$1"
  if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt_install python3-venv
  fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r "$lockfile"
}
