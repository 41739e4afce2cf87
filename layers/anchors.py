"""Where a polygon's label goes: the pole of inaccessibility of its largest part, inside the
shape and away from its edges. One rule for the web map, the PNG and the derived zone labels."""
from __future__ import annotations

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

LONLAT_TOLERANCE = 0.001  # degrees, ~100 m: far below a label's size at any zoom we draw labels


def label_anchor(geom: BaseGeometry, tolerance: float = LONLAT_TOLERANCE) -> Point:
    """tolerance in the geometry's units (degrees for lon/lat, metres for EPSG:4549)."""
    part = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
    return polylabel(part, tolerance=tolerance)
