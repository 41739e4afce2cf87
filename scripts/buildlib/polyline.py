"""A source's polyline in metres (EPSG:4549): put traced-backwards runs in order, find the
evenly densified gaps a source bridged, cut a stretch between two measures, find where a line
leaves a box. Shared by every script that lays our lines on someone else's track or course."""
from __future__ import annotations

import math

import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from layers.geo.crs import to_metric


def repair_backtracks(line_m: LineString) -> LineString:
    """Put back in order a run the source traced the wrong way round: between two reversals
    (turns sharper than 120°) reverse the run when that makes the path shorter."""
    pts = list(line_m.coords)

    def reversal(i: int) -> bool:
        (x0, y0), (x1, y1), (x2, y2) = pts[i - 1], pts[i], pts[i + 1]
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x1, y2 - y1
        na, nb = math.hypot(ax, ay), math.hypot(bx, by)
        return na > 0 and nb > 0 and (ax * bx + ay * by) / (na * nb) < -0.5

    i = 1
    while i < len(pts) - 1:
        if reversal(i):
            for j in range(i + 1, len(pts) - 1):
                if reversal(j):
                    before = math.dist(pts[i - 1], pts[i]) + math.dist(pts[j], pts[j + 1])
                    after = math.dist(pts[i - 1], pts[j]) + math.dist(pts[i], pts[j + 1])
                    if after < before:
                        pts[i:j + 1] = pts[i:j + 1][::-1]
                    i = j
                    break
        i += 1
    return LineString(pts)


def gap_segments(line_m: LineString, gap_m: float) -> list[tuple[int, float]]:
    """(index, length m) of runs of two or more equal, collinear segments longer than gap_m
    in all: a gap the source bridged and densified evenly, certainly not surveyed."""
    pts = list(line_m.coords)
    out: list[tuple[int, float]] = []
    i = 0
    while i < len(pts) - 1:
        length = math.dist(pts[i], pts[i + 1])
        j = i + 1
        while j < len(pts) - 1 and abs(math.dist(pts[j], pts[j + 1]) - length) < 1.0:
            j += 1
        run = math.dist(pts[i], pts[j])
        if run > gap_m and j - i >= 2 and abs(run - length * (j - i)) < 1.0:
            out.append((i, run))
            i = j
        else:
            i += 1
    return out


def longest_segment_m(line_m: LineString) -> float:
    coords = list(line_m.coords)
    return max(math.dist(a, b) for a, b in zip(coords, coords[1:]))


def cut(line_m: LineString, a: float, b: float) -> LineString:
    """The stretch of line_m between measures a and b, running from a to b."""
    if a <= b:
        return substring(line_m, a, b)
    return LineString(list(substring(line_m, b, a).coords)[::-1])


def leaves_box(line_m: LineString, m: float, forward: bool, bbox: tuple[float, float, float, float]) -> float:
    """Measure where line_m, walked from m forwards (or backwards), leaves the lon/lat bbox;
    m itself when the walk starts outside the box."""
    box_m = to_metric(shapely.box(*bbox))
    if forward:
        piece = substring(line_m, m, line_m.length)
    else:
        piece = LineString(list(substring(line_m, 0, m).coords)[::-1])
    if piece.length == 0 or not box_m.contains(Point(piece.coords[0])):
        return m
    crossings = piece.intersection(box_m.exterior)
    reach = min((piece.project(Point(c)) for g in getattr(crossings, "geoms", [crossings])
                 for c in g.coords if piece.project(Point(c)) > 0), default=piece.length)
    return m + reach if forward else m - reach
