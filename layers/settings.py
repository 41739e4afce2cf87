"""Every setting the code reads from outside: environment variables, paths and secrets.

Read them here and nowhere else, through module attributes (`settings.GEODATA_DIR`, not
`from .settings import GEODATA_DIR`), so a test or a staging setup that points one of them
elsewhere redirects every module at once.

| variable          | what                                                              |
| ----------------- | ----------------------------------------------------------------- |
| HZ_GEODATA_DIR    | another copy of the data (tests, staging)                         |
| HZ_CATALOGUE      | another catalogue (benchmarks add synthetic heavy layers)         |
| HZ_RECIPES        | another overlay recipe file (to try a recipe before committing it) |
| HZ_TIANDITU_KEY   | Tianditu key (or the Streamlit secret `tianditu_key`)             |
| HZ_EDITORS        | `name=hash;name=hash` editor accounts (or the secrets `[editors]`) |
| HZ_TILE_CACHE     | where PNG export caches online tiles                              |
| HZ_BENCH_LOG      | bench/run.py: file the map page appends its server time to        |
| HZ_TRUSTED_PROXIES| comma-separated proxy addresses whose X-Forwarded-For is believed |
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
# Our browser code: the map runtime, the layer panel, the view keeper and the editor.
JS_DIR = PACKAGE_DIR / "web" / "js"
GEODATA_DIR = Path(os.environ.get("HZ_GEODATA_DIR", REPO_ROOT / "geodata"))
CATALOGUE_FILE = Path(os.environ.get("HZ_CATALOGUE", PACKAGE_DIR / "model" / "catalogue.json"))
RECIPES_FILE = Path(os.environ.get("HZ_RECIPES", PACKAGE_DIR / "plans" / "overlay_recipes.json"))
# Streamlit serves this folder at /app/static/ (enableStaticServing in .streamlit/config.toml).
STATIC_DIR = REPO_ROOT / "static"
STATIC_URL = "/app/static"


def tile_cache_dir() -> Path:
    return Path(os.environ.get("HZ_TILE_CACHE", Path.home() / ".cache" / "huzhou-map" / "tiles"))


def bench_log() -> str | None:
    return os.environ.get("HZ_BENCH_LOG") or None


def tianditu_key(secrets: Mapping | None) -> str | None:
    """From the environment, else the Streamlit secret `tianditu_key`; None hides Tianditu."""
    if os.environ.get("HZ_TIANDITU_KEY"):
        return os.environ["HZ_TIANDITU_KEY"]
    return (secrets or {}).get("tianditu_key")


def trusted_proxies() -> list[str]:
    """Addresses of reverse proxies in front of the app (deploy/nginx.conf on the same machine:
    127.0.0.1). None by default: without a proxy, a forwarded header is whatever the client wrote."""
    return [a.strip() for a in os.environ.get("HZ_TRUSTED_PROXIES", "").split(",") if a.strip()]


def editor_sources() -> Mapping[str, str]:
    """The environment, for layers.auth.load_editors (HZ_EDITORS)."""
    return os.environ
