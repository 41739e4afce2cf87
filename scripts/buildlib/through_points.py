"""A schematic course (示意) through sourced points: each point is a station's own position, a
town or county centre (Vonng/adcode) or a source's node, and says where it comes from. Used
for planned rail lines and for waterways and roads that no source gives a surveyed course of."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from shapely.geometry import Point

from layers.geo.crs import distance_m
from scripts.buildlib.adcode import Unit, cite_unit


class Node(Protocol):
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class Waypoint:
    """kind 'station': ref = a station's short name (its own feature's position); 'town': ref =
    12-digit code in Vonng/adcode; 'node': ref = 'lon,lat' of a node that must exist in the source."""
    kind: str
    ref: str
    label: str


@dataclass(frozen=True)
class Resolved:
    point: Point
    what: str    # for `accuracy`: what the point is
    cited: str   # for `source`: where it comes from


def resolve(wp: Waypoint, *, positions: dict[str, Point] | None = None, units: dict[str, Unit] | None = None,
            nodes: Iterable[Node] = (), nodes_kind: str = "node", nodes_cited: str = "",
            units_commit: str | None = None) -> Resolved | None:
    """The point of one waypoint, or None when the given sources do not place it."""
    if wp.kind == "station":
        pt = (positions or {}).get(wp.ref)
        return None if pt is None else Resolved(pt, f"{wp.ref}站 station point", f"{wp.ref}站: its own feature's position")
    if wp.kind == "town":
        unit = (units or {}).get(wp.ref)
        if unit is None:
            return None
        level = "county seat, Amap county centre" if wp.ref.endswith("000000") else "town centre"
        cited = cite_unit(unit, commit=units_commit) if units_commit else cite_unit(unit)
        return Resolved(Point(unit.lon, unit.lat), f"{unit.name} {level}", cited)
    if wp.kind == "node":
        lon, lat = (float(v) for v in wp.ref.split(","))
        near = [n for n in nodes if abs(n.lon - lon) < 1e-4 and abs(n.lat - lat) < 1e-4]
        best = min(near, key=lambda n: (distance_m(lon, lat, n.lon, n.lat), n.lon, n.lat), default=None)
        if best is None or distance_m(lon, lat, best.lon, best.lat) > 1.0:
            return None
        named = f"named {best.name}" if best.name else "no name"
        return Resolved(Point(best.lon, best.lat), f"{nodes_kind}, {named}",
                        f"{wp.label}: {nodes_kind} ({best.lon:.6f}, {best.lat:.6f}) from {nodes_cited}")
    raise ValueError(f"unknown waypoint kind {wp.kind!r}")


def through(points: list[tuple[Waypoint, Resolved]]) -> str:
    """'平望 (平望镇 town centre), 乌镇 (…)': the points in order, for `accuracy`."""
    return ", ".join(f"{wp.label} ({r.what})" for wp, r in points)


def cited(points: list[tuple[Waypoint, Resolved]]) -> str:
    return "; ".join(r.cited for _wp, r in points)


def line_geometry(points: list[tuple[Waypoint, Resolved]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [[round(r.point.x, 6), round(r.point.y, 6)] for _wp, r in points]}
