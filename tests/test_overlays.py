"""Derived overlays are geometrically right and come from the data, not from hand drawing."""
from __future__ import annotations

import json
import math

from shapely.geometry import LineString, Point, shape

from layers.model.catalogue import load_catalogue
from layers.geo.crs import distance_m, gcj02_to_wgs84, to_metric, wgs84_to_gcj02
from layers.plans.overlay_build import build_overlays
from layers.plans.overlays import arrow, corridor_band, ring, shortest_times, time_band
from layers.settings import GEODATA_DIR, RECIPES_FILE

CATALOGUE = load_catalogue()


def test_corridor_band_contains_its_axis_and_has_the_configured_width():
    axis = LineString([(119.9, 30.8), (120.3, 30.9), (120.6, 30.85)])
    width = 20_000
    band = to_metric(corridor_band([axis], width))
    metric_axis = to_metric(axis)
    assert band.buffer(1).contains(metric_axis)
    # Away from the ends and the bend, every axis point sits width/2 from the band's edge.
    for fraction in (0.15, 0.3, 0.7, 0.85):
        point = metric_axis.interpolate(fraction, normalized=True)
        assert abs(band.exterior.distance(point) - width / 2) / (width / 2) < 0.01


def test_rings_have_the_stated_radius_in_metres():
    center = Point(120.01784, 30.86494)
    for radius in (5_000, 10_000, 20_000):
        circle = to_metric(ring(center, radius))
        middle = to_metric(center)
        distances = [middle.distance(Point(c)) for c in circle.exterior.coords]
        assert max(abs(d - radius) for d in distances) / radius < 0.01
        assert abs(circle.area - math.pi * radius ** 2) / (math.pi * radius ** 2) < 0.01


def test_arrow_points_from_start_toward_target_with_given_length():
    start, target = Point(120.0, 30.86), Point(121.3, 31.2)
    shape_ = to_metric(arrow(start, target, 45_000, 3_000, 9_000, 9_000))
    tip = max(shape_.exterior.coords, key=lambda c: to_metric(start).distance(Point(c)))
    assert abs(to_metric(start).distance(Point(tip)) - 45_000) < 1
    # the tip lies on the bearing to the target
    bearing_line = LineString([to_metric(start).coords[0], to_metric(target).coords[0]])
    assert bearing_line.distance(Point(tip)) < 1


def test_gcj02_matches_the_published_reference_pair_within_one_metre():
    # wandergis/coordtransform README: wgs84togcj02(116.404, 39.915) → (116.41024449916938, 39.91640428150164)
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert distance_m(lon, lat, 116.41024449916938, 39.91640428150164) < 1
    back = gcj02_to_wgs84(lon, lat)
    assert distance_m(*back, 116.404, 39.915) < 0.01


def test_accessibility_times_come_from_the_network_and_follow_segment_changes():
    edges = [("虹桥", "湖州", 55), ("湖州", "安吉", 12), ("虹桥", "南浔", 43), ("南浔", "湖州", 20)]
    assert shortest_times(edges, "虹桥") == {"虹桥": 0, "南浔": 43, "湖州": 55, "安吉": 67}
    faster = [("虹桥", "湖州", 55), ("湖州", "安吉", 12), ("虹桥", "南浔", 43), ("南浔", "湖州", 5)]
    assert shortest_times(faster, "虹桥")["安吉"] == 60
    assert time_band(43, [30, 60]) == "≤60" and time_band(25, [30, 60]) == "≤30" and time_band(67, [30, 60]) == ">60"


def test_committed_overlays_are_up_to_date():
    for name, text in build_overlays(CATALOGUE).items():
        assert (GEODATA_DIR / name).read_text(encoding="utf-8") == text, f"{name} stale: run python -m layers build-overlays"


def test_access_overlay_changes_when_a_segment_time_changes(tmp_path):
    recipes = json.loads(RECIPES_FILE.read_text(encoding="utf-8"))
    before = json.loads(build_overlays(CATALOGUE)["overlay_access.geojson"])
    for edge in recipes["overlay_access"][0]["edges"]:
        if (edge["a"], edge["b"]) == ("安吉", "湖州"):
            edge["minutes"] = 2
    changed = tmp_path / "recipes.json"
    changed.write_text(json.dumps(recipes, ensure_ascii=False), encoding="utf-8")
    after = json.loads(build_overlays(CATALOGUE, changed)["overlay_access.geojson"])
    minutes = lambda data: {f["properties"]["id"]: f["properties"]["minutes"] for f in data["features"]}
    assert minutes(before)["ov_access_hongqiao_anji"] == 67
    assert minutes(after)["ov_access_hongqiao_anji"] == 57


def test_every_overlay_quotes_its_clause_in_both_languages():
    for spec in CATALOGUE.layers:
        if not spec.group.startswith("overlay"):
            continue
        data = json.loads(spec.path.read_text(encoding="utf-8"))
        assert data["features"], spec.id
        for feature in data["features"]:
            props = feature["properties"]
            assert props["plan_clause_zh"] and props["plan_clause_en"] and props["plan_ref"]


def test_golden_belt_is_built_from_the_rail_axes_and_says_g50_is_missing():
    belt = json.loads((GEODATA_DIR / "overlay_2024_belt.geojson").read_text(encoding="utf-8"))["features"][0]
    polygon = shape(belt["geometry"])
    rail = json.loads((GEODATA_DIR / "rail_lines.geojson").read_text(encoding="utf-8"))["features"]
    husuhu = next(shape(f["geometry"]) for f in rail if f["properties"]["id"] == "rail_husuhu")
    assert to_metric(polygon).buffer(1).contains(to_metric(husuhu))
    assert "road_g50" in belt["properties"]["accuracy"]
