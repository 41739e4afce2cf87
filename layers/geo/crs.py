"""Coordinate helpers: WGS 84 ⇄ GCJ-02, and measurements in a metric CRS.

GCJ-02 is the obfuscated datum Chinese web maps (Amap/Gaode) use; it shifts points by
a few hundred metres. Our data stays in WGS 84; we convert Amap's boundaries from
GCJ-02 once (scripts/build_admin_layers.py) and shift our data to GCJ-02 only for
drawing over Amap tiles. The forward transform follows the published algorithm
(Krasovsky 1940 ellipsoid offsets); the inverse is solved by fixed-point iteration.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable

import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)
# CGCS2000 / 3-degree Gauss-Kruger CM 120E: metric, true at Huzhou (119.2–120.6 E).
METRIC = CRS.from_epsg(4549)

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def _offset_lat(x: float, y: float) -> float:
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    value += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return value


def _offset_lon(x: float, y: float) -> float:
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    value += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return value


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Shift a WGS 84 point onto GCJ-02 (for drawing over Amap tiles)."""
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """Exact inverse (to ~1e-4 m) by iterating the forward shift; the offset field is smooth."""
    guess_lon, guess_lat = lon, lat
    for _ in range(30):
        shifted_lon, shifted_lat = wgs84_to_gcj02(guess_lon, guess_lat)
        err_lon, err_lat = shifted_lon - lon, shifted_lat - lat
        if abs(err_lon) < tolerance_deg and abs(err_lat) < tolerance_deg:
            break
        guess_lon -= err_lon
        guess_lat -= err_lat
    return guess_lon, guess_lat


def map_coordinates(coords: Any, func: Callable[[float, float], tuple[float, float]]) -> Any:
    """Apply a point function to GeoJSON coordinates of any nesting depth."""
    if coords and isinstance(coords[0], (int, float)):
        return list(func(coords[0], coords[1]))
    return [map_coordinates(c, func) for c in coords]


def shift_geometry(geometry: dict[str, Any], func: Callable[[float, float], tuple[float, float]]) -> dict[str, Any]:
    return {"type": geometry["type"], "coordinates": map_coordinates(geometry["coordinates"], func)}


@lru_cache(maxsize=16)  # the metric pair plus the CRSs of imports and typed coordinates
def transformer(src: str, dst: str) -> Transformer:
    """One cached pyproj transformer per CRS pair, always x/y (lon/lat) order."""
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """WGS 84 lon/lat geometry → EPSG:4549 metres."""
    return shapely.transform(geom, transformer("EPSG:4326", "EPSG:4549").transform, interleaved=False)


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """EPSG:4549 metres → WGS 84 lon/lat."""
    return shapely.transform(geom, transformer("EPSG:4549", "EPSG:4326").transform, interleaved=False)


def area_km2(geom: BaseGeometry) -> float:
    return to_metric(geom).area / 1e6


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance on the WGS 84 ellipsoid."""
    from pyproj import Geod

    return Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]
