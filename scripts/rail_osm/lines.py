"""An operating line laid on OpenStreetMap track: legs of corridors cut at station projections,
extended to the box edge where the line goes on, station points made vertices across the
source's gaps, and the `source`/`accuracy` texts that say exactly how."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString, Point

from layers.geo.crs import to_metric
from scripts.buildlib.polyline import cut, gap_segments, leaves_box, longest_segment_m, repair_backtracks
from scripts.buildlib.provenance import cite
from scripts.rail_osm import GAP_M, HUZHOU_BBOX, INSERT_MAX_M, LINE_TOL_M, TERMINAL_MAX_M


@dataclass(frozen=True)
class Leg:
    """A stretch of one corridor: from station `start` (None: where the previous leg ended)
    to station `end`. Station names are as in the line's `stations` list."""
    corridor: str
    start: str | None
    end: str


@dataclass
class LineResult:
    line_id: str
    geometry_m: LineString
    corridors: list[str]
    gaps: list[float] = field(default_factory=list)         # lengths (m) of evenly densified bridges
    longest_m: float = 0.0                                  # longest single straight segment
    inserted: list[str] = field(default_factory=list)       # station names made vertices across gaps
    connectors: list[tuple[str, float]] = field(default_factory=list)  # (station, m) straight end pieces
    extended: list[str] = field(default_factory=list)       # ends moved out to the box edge


def assemble_line(feature: dict[str, Any], legs: list[Leg], corridors: dict[str, dict[str, Any]],
                  positions: dict[str, Point]) -> LineResult | None:
    """Cut and join the legs of one line; None when a corridor or a leg's station is missing."""
    names = list(feature["properties"].get("stations") or [])
    located = [n for n in names if n in positions]
    if any(leg.corridor not in corridors for leg in legs):
        return None
    pieces: list[list[tuple[float, float]]] = []
    extended = []
    end_point_m: Point | None = None
    for k, leg in enumerate(legs):
        if leg.end not in positions or (leg.start is not None and leg.start not in positions):
            return None
        line_m = repair_backtracks(to_metric(corridors[leg.corridor]["line"]))
        a_pt = end_point_m if leg.start is None else to_metric(positions[leg.start])
        a = line_m.project(a_pt)
        b = line_m.project(to_metric(positions[leg.end]))
        forward = b >= a
        # Extend out to the box edge where the line's own station list goes on unlocated.
        if k == 0 and leg.start is not None and located and leg.start == located[0] and names[0] != leg.start:
            a2 = leaves_box(line_m, a, not forward, HUZHOU_BBOX)
            if a2 != a:
                a = a2
                extended.append(leg.start)
        if k == len(legs) - 1 and located and leg.end == located[-1] and names[-1] != leg.end:
            b2 = leaves_box(line_m, b, forward, HUZHOU_BBOX)
            if b2 != b:
                b = b2
                extended.append(leg.end)
        piece = list(cut(line_m, a, b).coords)
        if pieces and piece and math.dist(pieces[-1][-1], piece[0]) < 0.5:
            piece = piece[1:]
        pieces.append(piece)
        end_point_m = Point(piece[-1]) if piece else end_point_m
    coords = [c for p in pieces for c in p]
    if len(coords) < 2:
        return None
    return LineResult(feature["properties"]["id"], LineString(coords), [leg.corridor for leg in legs],
                      extended=extended)


def insert_stations(result: LineResult, stops: list[tuple[str, Point]]) -> None:
    """Make station nodes vertices where the source has a gap beside them or stops short."""
    line_m = result.geometry_m
    for name, pt in stops:
        p = to_metric(pt)
        d = line_m.distance(p)
        if d <= LINE_TOL_M:
            continue
        coords = list(line_m.coords)
        m = line_m.project(p)
        if m <= 0.0 or m >= line_m.length:  # past an end: append if close
            end = coords[0] if m <= 0.0 else coords[-1]
            if math.dist(end, (p.x, p.y)) <= TERMINAL_MAX_M:
                coords = [(p.x, p.y)] + coords if m <= 0.0 else coords + [(p.x, p.y)]
                result.connectors.append((name, math.dist(end, (p.x, p.y))))
        elif d <= INSERT_MAX_M:
            seg = next(i for i in range(len(coords) - 1)
                       if LineString(coords[:i + 2]).length >= m - 1e-6)
            if math.dist(coords[seg], coords[seg + 1]) > GAP_M:
                coords.insert(seg + 1, (p.x, p.y))
                result.inserted.append(name)
        line_m = LineString(coords)
    result.geometry_m = line_m
    result.gaps = [length for _i, length in gap_segments(line_m, GAP_M)]
    result.longest_m = longest_segment_m(line_m)


def _corridor_cited(cid: str, meta: dict[str, Any], sources: dict[str, dict[str, str]]) -> str:
    text = cite(sources.get("corridor:" + cid, {"path": "corridor:" + cid}))
    if meta.get("network_line"):
        return f"{text} (line {meta['network_line']}, segments " + ", ".join(meta["segments"]) + ")"
    if meta.get("osmRelation"):
        return f"{text} (OSM relation {meta['osmRelation']})"
    if "china-hsr-simulation" in meta.get("source", ""):
        return (f"{text} (OSM ways from linroger/china-hsr-simulation public/hsr-rails.geojson, "
                "HOTOSM China railways export)")
    return text


def line_texts(result: LineResult, corridors: dict[str, dict[str, Any]], legs: list[Leg],
               sources: dict[str, dict[str, str]], note: str = "") -> tuple[str, str]:
    """(source, accuracy) of a line laid on track."""
    via = [_corridor_cited(cid, corridors[cid]["meta"], sources) for cid in dict.fromkeys(result.corridors)]
    source = "geometry: © OpenStreetMap contributors (ODbL), track stitched per line by " + "; ".join(via)
    legs_text = ", then ".join(
        f"corridor '{leg.corridor}' " + (f"from {leg.start} " if leg.start else "from the junction ") + f"to {leg.end}"
        for leg in legs)
    acc = [f"OpenStreetMap track alignment ({legs_text}); vertices as simplified by the source, not surveyed"]
    if note:
        acc.append(note)
    if result.extended:
        acc.append("continued past " + "、".join(result.extended) + " to the edge of the Huzhou box "
                   f"{HUZHOU_BBOX} where the line goes on")
    if result.inserted:
        acc.append("drawn through the station point of " + "、".join(result.inserted)
                   + " across a straight gap in the source beside it")
    if result.connectors:
        acc.append("schematic straight connector to the station point of "
                   + "、".join(f"{name} ({length / 1000:.1f} km)" for name, length in result.connectors)
                   + " where the source stops short of it")
    acc.append(f"straight segments up to {result.longest_m / 1000:.1f} km where the source simplified "
               "or bridged the track")
    if result.gaps:
        acc.append(f"{len(result.gaps)} of them evenly densified by the source, i.e. certainly gaps "
                   f"({sum(result.gaps) / 1000:.1f} km in all)")
    return source, "; ".join(acc)
