"""Serve every JS/CSS file the map needs from the app itself (no CDN at run time).

Leaflet and Leaflet.draw come from the PyPI package django-leaflet, installed by
`pip install -r requirements.txt`; nothing third-party is committed. At start-up the
app copies the few files it needs into static/vendor/, which Streamlit serves at
/app/static/vendor/. Layer data is published next to it under content-hashed names
so browsers cache each version once and an edited file gets a new URL.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import time
from pathlib import Path
from typing import Any

from .paths import STATIC_DIR, STATIC_URL

VENDOR_DIR = STATIC_DIR / "vendor"
LAYER_DATA_DIR = STATIC_DIR / "layers"
STALE_AFTER_SECONDS = 3600

# (file inside django-leaflet's static/leaflet/, name under static/vendor/leaflet/)
_LEAFLET_FILES = [
    "leaflet.js", "leaflet.css",
    "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
    "images/marker-icon-2x.png", "images/marker-shadow.png",
    "draw/leaflet.draw.js", "draw/leaflet.draw.css",
    "draw/images/spritesheet.png", "draw/images/spritesheet-2x.png", "draw/images/spritesheet.svg",
    "draw/images/layers.png", "draw/images/layers-2x.png",
    "draw/images/marker-icon.png", "draw/images/marker-icon-2x.png", "draw/images/marker-shadow.png",
]

LEAFLET_JS = f"{STATIC_URL}/vendor/leaflet/leaflet.js"
LEAFLET_CSS = f"{STATIC_URL}/vendor/leaflet/leaflet.css"
LEAFLET_DRAW_JS = f"{STATIC_URL}/vendor/leaflet/draw/leaflet.draw.js"
LEAFLET_DRAW_CSS = f"{STATIC_URL}/vendor/leaflet/draw/leaflet.draw.css"


class MissingAssetError(RuntimeError):
    pass


def _leaflet_package_dir() -> Path:
    # Locate the package without importing it: importing django-leaflet needs Django settings.
    spec = importlib.util.find_spec("leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise MissingAssetError(
            "Leaflet assets not installed: run `pip install -r requirements.txt` "
            "(the django-leaflet package ships Leaflet for offline use)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "leaflet"


def ensure_vendor_assets() -> Path:
    """Copy Leaflet files into static/vendor/leaflet if missing or changed; idempotent."""
    source_dir = _leaflet_package_dir()
    target_dir = VENDOR_DIR / "leaflet"
    for rel in _LEAFLET_FILES:
        src = source_dir / rel
        dst = target_dir / rel
        if not src.exists():
            raise MissingAssetError(f"{src} missing from the installed django-leaflet package")
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return target_dir


def publish_hashed(stem: str, suffix: str, content: bytes) -> str:
    """Serve `content` under static/hz/<stem>.<hash><suffix>: cached by browsers, re-fetched
    only when it changes, and never re-sent inside a Streamlit rerun."""
    name = f"{stem}.{hashlib.sha256(content).hexdigest()[:12]}{suffix}"
    target = STATIC_DIR / "hz" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(content)
        tmp.replace(target)
    return f"{STATIC_URL}/hz/{name}"


def publish_script(source: Path) -> str:
    """One of our own browser scripts (layers/js/*.js), published under a content-hashed name."""
    return publish_hashed(source.stem, source.suffix, source.read_bytes())


def publish_layer_data(layer_id: str, digest: str, data: dict[str, Any]) -> str:
    """Write the layer's browser copy once per content version; return its URL."""
    name = f"{layer_id}.{digest}.geojson"
    path = LAYER_DATA_DIR / name
    if not path.exists():
        LAYER_DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
        # Other versions of this copy (not another layer's, nor this layer's LOD copies) go once
        # they are old: a browser that loaded the page a moment ago may still fetch them.
        cutoff = time.time() - STALE_AFTER_SECONDS
        for stale in LAYER_DATA_DIR.glob(f"{layer_id}.*.geojson"):
            if stale != path and stale.name.count(".") == path.name.count(".") and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
    return f"{STATIC_URL}/layers/{name}"
