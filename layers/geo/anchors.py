"""Where a feature's label goes. A polygon's: the pole of inaccessibility of its largest part,
inside the shape and away from its edges. A line's: the middle of its longest part (of the part
inside the frame, for a print). One rule for the web map, the PNG and the derived zone labels."""
from __future__ import annotations

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

LONLAT_TOLERANCE = 0.001  # degrees, ~100 m: far below a label's size at any zoom we draw labels


def label_anchor(geom: BaseGeometry, tolerance: float = LONLAT_TOLERANCE) -> Point:
    """tolerance in the geometry's units (degrees for lon/lat, metres for EPSG:4549)."""
    part = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
    return polylabel(part, tolerance=tolerance)


def line_anchor(geom: BaseGeometry, within: BaseGeometry | None = None) -> Point | None:
    """The middle of the longest part of a (multi)line, cut to `within` first when given; None
    when nothing of it is left."""
    if within is not None:
        geom = geom.intersection(within)
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString" and g.length > 0]
    if not parts:
        return None
    return max(parts, key=lambda g: g.length).interpolate(0.5, normalized=True)


def feature_anchor(geom: BaseGeometry, tolerance: float = LONLAT_TOLERANCE,
                   within: BaseGeometry | None = None) -> tuple[str, Point | None]:
    """How a label sits on its feature ("polygon", "line" or "point") and where: label_anchor
    for a polygon, line_anchor for a line (cut to `within`), the point itself otherwise."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return "polygon", label_anchor(geom, tolerance=tolerance)
    if geom.geom_type in ("LineString", "MultiLineString"):
        return "line", line_anchor(geom, within=within)
    return "point", geom
