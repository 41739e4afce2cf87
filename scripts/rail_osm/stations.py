"""Putting a station on an OSM station node: by name where OSM has one, otherwise by position
between its located neighbours on its line, inside its district, near its old point; and the
`accuracy` text that says which rule found it and how far a second table puts it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape

from layers.geo.crs import to_metric
from scripts.rail_osm import LINE_TOL_M, NAME_RADIUS_M, PRIOR_RADIUS_M
from scripts.rail_osm.lines import LineResult
from scripts.rail_osm.sources import OsmStation


def short_name(name_zh: str) -> str:
    """'湖州南浔站' → '湖州南浔': the form used in a line's `stations` list and in station tables."""
    return name_zh[:-1] if name_zh.endswith("站") else name_zh


def metres(a: Point, b) -> float:
    return to_metric(a).distance(to_metric(b))


@dataclass
class StationResult:
    station_id: str
    point: Point
    rule: str           # "name" | "position"
    line_id: str | None
    between: tuple[str | None, str | None]
    district: str | None
    line_distance_m: float
    moved_m: float | None


def _neighbours(names: list[str], own: str, positions: dict[str, Point]) -> tuple[str | None, str | None]:
    if own not in names:
        return None, None
    k = names.index(own)
    prev = next((n for n in reversed(names[:k]) if n in positions), None)
    nxt = next((n for n in names[k + 1:] if n in positions), None)
    return prev, nxt


def identify_station(feature: dict[str, Any], lines: dict[str, LineResult], line_features: dict[str, dict],
                     nodes: list[OsmStation], positions: dict[str, Point],
                     districts: dict[str, Any]) -> StationResult | None:
    props = feature["properties"]
    own = short_name(props["name_zh"])
    prior = shape(feature["geometry"]) if feature.get("geometry") else None
    own_lines = [lid for lid in props.get("lines") or [] if lid in lines]
    if not own_lines:
        return None
    district_name = props.get("district_zh")
    district = districts.get(district_name) if district_name else None

    def line_dist(node: OsmStation, lid: str) -> float:
        return lines[lid].geometry_m.distance(to_metric(node.point))

    # 1. by name
    named = [n for n in nodes if n.name and short_name(n.name) == own]
    near = []
    for n in named:
        ref = metres(prior, n.point) if prior else min(line_dist(n, lid) for lid in own_lines)
        if ref <= NAME_RADIUS_M:
            near.append((ref, n.lon, n.lat, n))
    if near:
        node = sorted(near)[0][3]
        lid = min(own_lines, key=lambda lid: (line_dist(node, lid), lid))
        return StationResult(props["id"], node.point, "name", lid, (None, None), district_name,
                             line_dist(node, lid), metres(prior, node.point) if prior else None)

    # 2. by position: lines where both neighbours are located first
    def rank(lid: str) -> tuple[int, int]:
        prev, nxt = _neighbours(list(line_features[lid]["properties"].get("stations") or []), own, positions)
        return (-(prev is not None) - (nxt is not None), own_lines.index(lid))

    for lid in sorted(own_lines, key=rank):
        line_m = lines[lid].geometry_m
        prev, nxt = _neighbours(list(line_features[lid]["properties"].get("stations") or []), own, positions)
        lo = line_m.project(to_metric(positions[prev])) if prev else None
        hi = line_m.project(to_metric(positions[nxt])) if nxt else None
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        candidates = []
        for n in nodes:
            p = to_metric(n.point)
            d = line_m.distance(p)
            if d > LINE_TOL_M:
                continue
            m = line_m.project(p)
            if (lo is not None and m <= lo) or (hi is not None and m >= hi):
                continue
            if district is not None and not district.contains(n.point):
                continue
            if prior is not None:
                moved = metres(prior, n.point)
                if moved > PRIOR_RADIUS_M:
                    continue
                candidates.append((moved, d, n.lon, n.lat, n))
            else:
                candidates.append((d, 0.0, n.lon, n.lat, n))
        if candidates:
            node = sorted(candidates)[0][4]
            return StationResult(props["id"], node.point, "position", lid, (prev, nxt), district_name,
                                 line_dist(node, lid), metres(prior, node.point) if prior else None)
    return None


def station_texts(result: StationResult, feature: dict[str, Any], line_features: dict[str, dict],
                  check: dict[str, tuple[float, float]]) -> str:
    line_name = line_features[result.line_id]["properties"]["name_zh"] if result.line_id else "?"
    if result.rule == "name":
        text = f"station point: OSM station node identified by name, {result.line_distance_m:.0f} m from the {line_name} track"
    else:
        prev, nxt = result.between
        where = (f"between {prev} and {nxt}" if prev and nxt else
                 f"past {prev or nxt} (no station further along has a position)")
        text = (f"station point: OSM station node (no name in OSM) identified by position on {line_name} {where}"
                + (f", inside {result.district}" if result.district else "")
                + f", {result.line_distance_m:.0f} m from the track")
    own = short_name(feature["properties"]["name_zh"])
    if own in check:
        d = metres(result.point, Point(*check[own]))
        text += f"; heywhale station table (WGS 84 column, pre-2020) {d:.0f} m away"
    else:
        text += "; no second source to check against"
    return text
