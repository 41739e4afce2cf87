"""Plan overlays derived from the base layers: corridor bands, hub rings, direction arrows,
and rail accessibility. Pure geometry in, geometry out; all distances in EPSG:4549 metres.

The recipes (which axes, widths, radii, clauses) live in overlay_recipes.json;
`python -m layers build-overlays` (layers/plans/overlay_build.py) turns them into the derived layers.
"""
from __future__ import annotations

import heapq
import math
from typing import Iterable

from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers.geo.crs import to_metric, to_wgs84

# 64 segments per quarter circle: ring areas within 0.01 % of πr².
_QUAD_SEGS = 64


def corridor_band(axes: Iterable[BaseGeometry], width_m: float) -> BaseGeometry:
    """A band `width_m` wide (width_m / 2 each side) around the union of the axes."""
    metric = unary_union([to_metric(a) for a in axes])
    band = metric.buffer(width_m / 2, quad_segs=_QUAD_SEGS, cap_style="flat", join_style="round")
    return to_wgs84(band)


def ring(center: Point, radius_m: float) -> Polygon:
    """A true circle of `radius_m` metres around a lon/lat point (as a polygon in lon/lat)."""
    return to_wgs84(to_metric(center).buffer(radius_m, quad_segs=_QUAD_SEGS))


def arrow(start: Point, toward: Point, length_m: float, shaft_width_m: float,
          head_width_m: float, head_length_m: float) -> Polygon:
    """An arrow polygon from `start` pointing at `toward`, `length_m` long (metric)."""
    a, b = to_metric(start), to_metric(toward)
    dx, dy = b.x - a.x, b.y - a.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        raise ValueError("arrow start and target coincide")
    ux, uy = dx / norm, dy / norm  # along
    px, py = -uy, ux  # across
    neck = length_m - head_length_m

    def at(along: float, across: float) -> tuple[float, float]:
        return a.x + ux * along + px * across, a.y + uy * along + py * across

    outline = [at(0, -shaft_width_m / 2), at(neck, -shaft_width_m / 2), at(neck, -head_width_m / 2),
               at(length_m, 0), at(neck, head_width_m / 2), at(neck, shaft_width_m / 2),
               at(0, shaft_width_m / 2)]
    return to_wgs84(Polygon(outline))


def shortest_times(edges: Iterable[tuple[str, str, float]], origin: str) -> dict[str, float]:
    """Fastest time from `origin` to every node over undirected timed edges (Dijkstra)."""
    graph: dict[str, list[tuple[str, float]]] = {}
    for a, b, minutes in edges:
        graph.setdefault(a, []).append((b, minutes))
        graph.setdefault(b, []).append((a, minutes))
    best = {origin: 0.0}
    queue = [(0.0, origin)]
    while queue:
        time, node = heapq.heappop(queue)
        if time > best.get(node, math.inf):
            continue
        for neighbour, minutes in graph.get(node, []):
            candidate = time + minutes
            if candidate < best.get(neighbour, math.inf):
                best[neighbour] = candidate
                heapq.heappush(queue, (candidate, neighbour))
    return best


def time_band(minutes: float, bands: list[int]) -> str:
    """'≤30' / '≤60' / '>60' for bands [30, 60]."""
    for limit in bands:
        if minutes <= limit:
            return f"≤{limit}"
    return f">{bands[-1]}"


def line_between(points: list[Point]) -> LineString:
    return LineString([(p.x, p.y) for p in points])
