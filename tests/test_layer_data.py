"""Cross-layer consistency of the sourced layers (issue: rail, water, ports, parks, airports, projects)."""
from __future__ import annotations

import datetime as dt

from shapely.geometry import shape

from layers.model.catalogue import load_catalogue
from layers.geo.crs import area_km2, to_metric
from layers.io.loader import load_layer
from layers.checks.validation import REGION_BBOX

CATALOGUE = load_catalogue()
DATA = {spec.id: load_layer(spec).data for spec in CATALOGUE.layers}


def _features(layer_id):
    return DATA[layer_id]["features"]


def _by_id(layer_id):
    return {f["properties"]["id"]: f for f in _features(layer_id)}


LINES = _by_id("rail_lines")
STATIONS = _by_id("rail_stations")


def _station_name(feature) -> str:
    return feature["properties"]["name_zh"].removesuffix("站")


def test_every_located_station_lies_within_300_m_of_each_located_line_serving_it():
    checked = 0
    for station in STATIONS.values():
        if not station["geometry"]:
            continue
        point = to_metric(shape(station["geometry"]))
        for line_id in station["properties"]["lines"]:
            line = LINES[line_id]
            if not line["geometry"]:
                continue
            distance = to_metric(shape(line["geometry"])).distance(point)
            assert distance <= 300, f"{station['properties']['id']} is {distance:.0f} m from {line_id}"
            checked += 1
    assert checked >= 15


def test_station_lists_and_station_lines_agree():
    for station in STATIONS.values():
        for line_id in station["properties"]["lines"]:
            assert _station_name(station) in LINES[line_id]["properties"]["stations"], (station, line_id)


def test_stations_are_in_line_order():
    for line in LINES.values():
        if not line["geometry"]:
            continue
        geom = to_metric(shape(line["geometry"]))
        order = line["properties"]["stations"]
        placed = [(order.index(_station_name(s)), geom.project(to_metric(shape(s["geometry"]))))
                  for s in STATIONS.values()
                  if s["geometry"] and line["properties"]["id"] in s["properties"]["lines"]]
        placed.sort()
        positions = [p for _, p in placed]
        assert positions == sorted(positions), f"{line['properties']['id']}: stations out of order {placed}"


def test_every_feature_has_a_source_and_lies_in_the_region():
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    for layer_id, data in DATA.items():
        for feature in data["features"]:
            assert feature["properties"]["source"].strip(), (layer_id, feature["properties"]["id"])
            if feature["geometry"]:
                x0, y0, x1, y1 = shape(feature["geometry"]).bounds
                assert lon_min <= x0 and x1 <= lon_max and lat_min <= y0 and y1 <= lat_max


def test_statuses_and_years_are_consistent():
    this_year = dt.date.today().year
    for layer_id in ("rail_lines", "rail_stations", "airports"):
        for feature in _features(layer_id):
            props = feature["properties"]
            if props["status"] == "operating":
                assert props.get("opened", 0) <= this_year
                if layer_id == "rail_lines":
                    assert props.get("opened") or props.get("opened_note"), props["id"]
            else:
                assert "opened" not in props, f"{props['id']} is {props['status']} but has an opening year"


def test_unlocated_features_say_so_and_located_transport_says_how_exact():
    for layer_id, data in DATA.items():
        spec = CATALOGUE.get(layer_id)
        for feature in data["features"]:
            accuracy = feature["properties"].get("accuracy", "")
            if feature["geometry"] is None:
                assert spec.allow_unlocated and accuracy.startswith("unlocated"), feature["properties"]["id"]
            elif spec.group == "transport":
                assert accuracy and not accuracy.startswith("unlocated")


def test_schematic_lines_are_labelled_schematic():
    for layer_id in ("rail_lines", "waterways"):
        for feature in _features(layer_id):
            if feature["geometry"]:
                accuracy = feature["properties"]["accuracy"]
                assert accuracy.startswith(("schematic", "OSM alignment", "OpenStreetMap track")), \
                    feature["properties"]["id"]


def test_plan_named_lines_and_stations_are_present():
    names = {f["properties"]["name_zh"] for f in _features("rail_lines")}
    for expected in ("沪苏湖高铁", "宁杭高铁", "宣杭铁路", "新长铁路", "湖杭铁路", "宁杭高铁二通道", "宜湖铁路",
                     "如通苏湖城际铁路（湖州段）", "嘉湖铁路", "水乡旅游线", "如通苏湖至高铁湖州站联络线",
                     "宜兴至长兴城际铁路"):
        assert expected in names
    huzhou_stations = {f["properties"]["name_zh"] for f in _features("rail_stations") if f["properties"]["in_huzhou"]}
    assert {"湖州站", "湖州东站", "湖州南浔站", "长兴站", "德清站", "安吉站"} <= huzhou_stations


def test_major_projects_are_the_fourteen_and_link_to_real_features():
    projects = _features("major_projects")
    assert sorted(p["properties"]["number"] for p in projects) == list(range(1, 15))
    all_ids = {f["properties"]["id"] for data in DATA.values() for f in data["features"]}
    for project in projects:
        for related in project["properties"].get("related_ids", []):
            assert related in all_ids, (project["properties"]["id"], related)


def test_taihu_area_matches_published_figures():
    (taihu,) = _features("water_bodies")
    area = area_km2(shape(taihu["geometry"]))
    assert 2300 < area < 2500  # published 2,338–2,445 km²
    assert abs(area - taihu["properties"]["area_km2"]) < 1
