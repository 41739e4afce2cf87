"""layers/geo/anchors.py: where polygon and line labels go (web map and PNG alike)."""
from __future__ import annotations

from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from layers.geo.anchors import feature_anchor, label_anchor, line_anchor


def test_a_polygon_label_sits_inside_away_from_the_edges():
    ring = Polygon([(0, 0), (10, 0), (10, 2), (2, 2), (2, 10), (0, 10)])  # an L: its centroid is outside
    anchor = label_anchor(ring, tolerance=0.01)
    assert ring.contains(anchor) and not ring.contains(ring.centroid)


def test_a_line_label_sits_at_the_middle_of_the_longest_part():
    lines = MultiLineString([[(0, 0), (1, 0)], [(5, 0), (5, 4), (9, 4)]])
    assert line_anchor(lines).coords[0] == (5, 4)
    assert line_anchor(LineString([(0, 0), (4, 0)])).coords[0] == (2, 0)


def test_a_line_label_in_a_frame_sits_on_the_part_inside_it():
    line = LineString([(0, 0), (100, 0)])
    anchor = line_anchor(line, within=box(60, -1, 80, 1))
    assert anchor.coords[0] == (70, 0)
    assert line_anchor(line, within=box(200, -1, 300, 1)) is None  # nothing of it in the frame


def test_each_geometry_gets_its_own_kind_of_anchor():
    square = box(0, 0, 4, 4)
    assert feature_anchor(square, tolerance=0.01) == ("polygon", label_anchor(square, tolerance=0.01))
    line = LineString([(0, 0), (100, 0)])
    assert feature_anchor(line, within=box(60, -1, 80, 1)) == ("line", Point(70, 0))
    assert feature_anchor(Point(3, 4)) == ("point", Point(3, 4))
