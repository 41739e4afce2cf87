"""Optional online basemap for PNG export: XYZ tiles fetched once, cached on disk, and warped
into the figure's EPSG:4549 frame so they line up with our layers.

Only used when the presenter asks for it; offline the export simply has no tiles. Tests
inject a fetcher, so they never touch the network.
"""
from __future__ import annotations

import io
import math
import urllib.request
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image
from pyproj import Transformer

from layers import settings
from layers.io.basemaps import BASEMAPS, tile_url

TILE = 256
# The basemaps PNG export offers (defined once, with the web map's, in layers/io/basemaps.py).
SOURCES = ("osm", "carto")
Fetcher = Callable[[str], bytes]


class TileError(RuntimeError):
    """Tiles could not be had (offline, blocked): the caller draws the map without them."""


def cache_dir() -> Path:
    return settings.tile_cache_dir()


def _http_fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "huzhou-planning-map/1.0 (PNG export)"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _tile(source: str, z: int, x: int, y: int, fetch: Fetcher) -> Image.Image:
    path = cache_dir() / source / str(z) / str(x) / f"{y}.png"
    if not path.exists():
        try:
            data = fetch(tile_url(source, x, y, z))
        except OSError as exc:
            raise TileError(f"cannot fetch {source} tiles ({exc}); exporting without a basemap") from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return Image.open(io.BytesIO(path.read_bytes())).convert("RGB")


def _lonlat_to_tile(lon: np.ndarray, lat: np.ndarray, z: int) -> tuple[np.ndarray, np.ndarray]:
    n = 2 ** z
    x = (lon + 180.0) / 360.0 * n
    lat_r = np.radians(lat)
    y = (1.0 - np.log(np.tan(lat_r) + 1.0 / np.cos(lat_r)) / math.pi) / 2.0 * n
    return x, y


def warped_basemap(source: str, extent_m: tuple[float, float, float, float], size_px: tuple[int, int],
                   fetch: Fetcher = _http_fetch) -> np.ndarray:
    """An RGB array covering extent_m (EPSG:4549 x0, y0, x1, y1) at size_px (width, height)."""
    if source not in SOURCES:
        raise TileError(f"unknown basemap '{source}'; choose {', '.join(SOURCES)}")
    width, height = size_px
    x0, y0, x1, y1 = extent_m
    xs = np.linspace(x0, x1, width)
    ys = np.linspace(y1, y0, height)  # image rows run north → south
    grid_x, grid_y = np.meshgrid(xs, ys)
    lon, lat = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True).transform(grid_x, grid_y)
    metres_per_px = (x1 - x0) / width
    zoom = int(np.clip(round(math.log2(156543.03 * math.cos(math.radians(float(lat.mean()))) / metres_per_px)), 1, 16))
    tx, ty = _lonlat_to_tile(lon, lat, zoom)
    tx0, ty0 = int(np.floor(tx.min())), int(np.floor(ty.min()))
    tx1, ty1 = int(np.floor(tx.max())), int(np.floor(ty.max()))
    if (tx1 - tx0 + 1) * (ty1 - ty0 + 1) > 400:
        raise TileError("extent needs too many tiles; choose a smaller extent")
    mosaic = Image.new("RGB", ((tx1 - tx0 + 1) * TILE, (ty1 - ty0 + 1) * TILE))
    for x in range(tx0, tx1 + 1):
        for y in range(ty0, ty1 + 1):
            mosaic.paste(_tile(source, zoom, x, y, fetch), ((x - tx0) * TILE, (y - ty0) * TILE))
    pixels = np.asarray(mosaic)
    col = np.clip(((tx - tx0) * TILE).astype(int), 0, pixels.shape[1] - 1)
    row = np.clip(((ty - ty0) * TILE).astype(int), 0, pixels.shape[0] - 1)
    return pixels[row, col]


def attribution(source: str) -> str:
    return BASEMAPS[source]["attr"]
