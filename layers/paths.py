"""Where things live, anchored to the package so no code depends on the working directory."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
# HZ_GEODATA_DIR lets tests (and staging setups) point the app at another copy of the data.
GEODATA_DIR = Path(os.environ.get("HZ_GEODATA_DIR", REPO_ROOT / "geodata"))
# HZ_CATALOGUE: another catalogue (benchmarks add synthetic heavy layers this way).
CATALOGUE_FILE = Path(os.environ.get("HZ_CATALOGUE", PACKAGE_DIR / "catalogue.json"))
# Streamlit serves this folder at /app/static/ (enableStaticServing in .streamlit/config.toml).
STATIC_DIR = REPO_ROOT / "static"
STATIC_URL = "/app/static"
