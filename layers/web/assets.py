"""Serve every JS/CSS file the map needs from the app itself (no CDN at run time).

Leaflet and Leaflet.draw come from the npm registry (package.json, package-lock.json), installed
into node_modules/ by `npm ci` in scripts/start.sh and scripts/test.sh; nothing third-party is
committed (docs/decisions/0010). At start-up the app copies the few files it needs into
static/vendor/, which Streamlit serves at
/app/static/vendor/. Layer data is published next to it under content-hashed names
so browsers cache each version once and an edited file gets a new URL.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from layers.settings import REPO_ROOT, STATIC_DIR, STATIC_URL

VENDOR_DIR = STATIC_DIR / "vendor"
LAYER_DATA_DIR = STATIC_DIR / "layers"
HZ_DIR = STATIC_DIR / "hz"  # our scripts and map configurations (tests point both elsewhere)
STALE_AFTER_SECONDS = 3600
NODE_MODULES = REPO_ROOT / "node_modules"

# (file inside node_modules/ — npm packages leaflet and leaflet-draw, pinned in package.json and
# package-lock.json — , name under static/vendor/leaflet/)
_LEAFLET_FILES = [(f"leaflet/dist/{name}", name) for name in (
    "leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
    "images/marker-icon-2x.png", "images/marker-shadow.png")] + [(f"leaflet-draw/dist/{name}", f"draw/{name}") for name in (
    "leaflet.draw.js", "leaflet.draw.css", "images/spritesheet.png", "images/spritesheet-2x.png",
    "images/spritesheet.svg", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
    "images/marker-icon-2x.png", "images/marker-shadow.png")]

LEAFLET_JS = f"{STATIC_URL}/vendor/leaflet/leaflet.js"
LEAFLET_SOURCE = NODE_MODULES / "leaflet" / "dist" / "leaflet.js"  # also inside the map frame's bundle
LEAFLET_CSS = f"{STATIC_URL}/vendor/leaflet/leaflet.css"
LEAFLET_DRAW_JS = f"{STATIC_URL}/vendor/leaflet/draw/leaflet.draw.js"
LEAFLET_DRAW_CSS = f"{STATIC_URL}/vendor/leaflet/draw/leaflet.draw.css"


class MissingAssetError(RuntimeError):
    pass


def ensure_vendor_assets() -> Path:
    """Copy Leaflet files from node_modules/ into static/vendor/leaflet if missing or changed."""
    target_dir = VENDOR_DIR / "leaflet"
    for rel, name in _LEAFLET_FILES:
        src = NODE_MODULES / rel
        dst = target_dir / name
        if not src.exists():
            raise MissingAssetError(f"{rel} is not installed: run `npm ci` in the repository "
                                    "(scripts/start.sh does) to install Leaflet for offline use")
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return target_dir


def publish_hashed(stem: str, suffix: str, content: bytes) -> str:
    """Serve `content` under static/hz/<stem>.<hash><suffix>: cached by browsers, re-fetched
    only when it changes, and never re-sent inside a Streamlit rerun."""
    name = f"{stem}.{hashlib.sha256(content).hexdigest()[:12]}{suffix}"
    target = HZ_DIR / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(content)
        tmp.replace(target)
        _prune(HZ_DIR, f"{stem}.*{suffix}", keep=target)
    return f"{STATIC_URL}/hz/{name}"


def _prune(folder: Path, pattern: str, keep: Path) -> None:
    """Other versions of a published file go once they are old: a browser that loaded the page
    a moment ago may still fetch them, so only versions untouched for a while are removed."""
    cutoff = time.time() - STALE_AFTER_SECONDS
    for stale in folder.glob(pattern):
        try:
            if stale != keep and stale.name.count(".") == keep.name.count(".") and stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            pass  # another process pruned it first


def publish_script(source: Path) -> str:
    """One of our own browser scripts (layers/web/js/*.js), published under a content-hashed name."""
    return publish_hashed(source.stem, source.suffix, source.read_bytes())


def publish_bundle(stem: str, sources: list[Path]) -> str:
    """Several browser scripts, in order, as one published file: the map frame loads its
    scripts one after another, so each extra file added a round trip before the first map."""
    return publish_hashed(stem, ".js", bundle_bytes(sources))


def bundle_bytes(sources: list[Path]) -> bytes:
    """The scripts concatenated in order, each named in a comment (the static site uses it too)."""
    return b"".join(f"// {source.name}\n".encode() + source.read_bytes().rstrip() + b"\n;\n" for source in sources)


def publish_layer_data(layer_id: str, digest: str, data: dict[str, Any]) -> str:
    """Write the layer's browser copy once per content version; return its URL."""
    name = f"{layer_id}.{digest}.geojson"
    path = LAYER_DATA_DIR / name
    if not path.exists():
        LAYER_DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
        # Other versions of this copy (not another layer's, nor this layer's LOD copies).
        _prune(LAYER_DATA_DIR, f"{layer_id}.*.geojson", keep=path)
    return f"{STATIC_URL}/layers/{name}"
