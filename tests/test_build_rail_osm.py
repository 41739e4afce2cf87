"""scripts/build_rail_osm.py on a tiny made-up network: deterministic output, source vertices
kept, stations on their lines, everything unmatched untouched. No network, no real data."""
from __future__ import annotations

import copy
import json

import pytest
from shapely.geometry import Point, shape

from layers.geo.crs import to_metric
from layers.model.storage import canonical_feature, dumps_canonical

from conftest import load_script

bro = load_script("scripts/build_rail_osm.py", "build_rail_osm")
from scripts.buildlib import adcode  # noqa: E402  (importable once the script has put the repo on the path)
from scripts.rail_osm import LINE_TOL_M  # noqa: E402

# A wiggly east–west track through two made-up districts inside Huzhou's box.
TRACK = [[round(120.0 + 0.02 * i, 6), round(30.85 + (0.0008 if i % 2 else 0.0), 6)] for i in range(21)]
RECIPES = {"rail_demo": [bro.Leg("demo", "甲", "丙")]}
SOURCES = {"corridor:demo": {"repository": "example/corridors", "path": "demo.json", "commit": "c" * 40},
           "stations": {"repository": "example/stations", "path": "st.geojson", "commit": "d" * 40}}


def _fc(features):
    return {"type": "FeatureCollection", "features": features}


def _feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture()
def inputs(tmp_path):
    lines = _fc([
        _feature({"id": "rail_demo", "name_zh": "示例线", "name_en": "Demo line", "status": "operating",
                  "kind": "high_speed", "stations": ["甲", "乙", "丙"], "opened": 2020,
                  "accuracy": "schematic alignment", "source": "old line source"},
                 {"type": "LineString", "coordinates": [[120.0, 30.85], [120.4, 30.85]]}),
        _feature({"id": "rail_plan", "name_zh": "规划线", "name_en": "Planned line", "status": "planned",
                  "kind": "intercity", "stations": ["丁"], "accuracy": "schematic alignment", "source": "plan"},
                 {"type": "LineString", "coordinates": [[120.1, 30.7], [120.2, 30.7]]}),
        _feature({"id": "rail_nosrc", "name_zh": "无源线", "name_en": "No-source line", "status": "operating",
                  "kind": "conventional", "stations": ["甲", "丙"], "accuracy": "schematic alignment",
                  "source": "old"},
                 {"type": "LineString", "coordinates": [[120.0, 30.85], [120.4, 30.85]]}),
    ])
    stations = _fc([
        _feature({"id": "stn_jia", "name_zh": "甲站", "name_en": "Jia", "in_huzhou": True, "district_zh": "吴兴区",
                  "lines": ["rail_demo", "rail_nosrc"], "status": "operating", "accuracy": "old", "source": "old"},
                 {"type": "Point", "coordinates": [120.0, 30.85]}),
        _feature({"id": "stn_yi", "name_zh": "乙站", "name_en": "Yi", "in_huzhou": True, "district_zh": "南浔区",
                  "lines": ["rail_demo"], "status": "operating", "accuracy": "unlocated: none", "source": "old"},
                 None),
        _feature({"id": "stn_bing", "name_zh": "丙站", "name_en": "Bing", "in_huzhou": False,
                  "lines": ["rail_demo", "rail_nosrc"], "status": "operating", "accuracy": "old", "source": "old"},
                 {"type": "Point", "coordinates": [120.4, 30.85]}),
        _feature({"id": "stn_ding", "name_zh": "丁站", "name_en": "Ding", "in_huzhou": True, "district_zh": "吴兴区",
                  "lines": ["rail_plan"], "status": "planned", "accuracy": "old", "source": "old"},
                 {"type": "Point", "coordinates": [120.15, 30.7]}),
    ])
    districts = _fc([
        _feature({"id": "d1", "name_zh": "吴兴区", "name_en": "Wuxing"}, _square(119.9, 30.6, 120.2, 31.0)),
        _feature({"id": "d2", "name_zh": "南浔区", "name_en": "Nanxun"}, _square(120.2, 30.6, 120.5, 31.0)),
    ])
    corridor_dir = tmp_path / "corridors"
    corridor_dir.mkdir()
    (corridor_dir / "demo.json").write_text(json.dumps({"id": "demo", "source": "osm", "osmRelation": 1,
                                                        "railway": TRACK}), encoding="utf-8")
    nodes_path = tmp_path / "osm_stations.geojson"
    nodes_path.write_text(json.dumps(_fc([
        _feature({"name": None, "station": "train"}, {"type": "Point", "coordinates": [120.0004, 30.8503]}),
        _feature({"name": None, "station": "train"}, {"type": "Point", "coordinates": [120.3004, 30.8506]}),
        _feature({"name": None, "station": "subway"}, {"type": "Point", "coordinates": [120.2602, 30.8501]}),
        _feature({"name": None, "station": "train"}, {"type": "Point", "coordinates": [120.25, 30.87]}),
        _feature({"name": "丁", "station": "train"}, {"type": "Point", "coordinates": [120.16, 30.71]}),
    ])), encoding="utf-8")
    corridors = bro.read_corridors(corridor_dir, ["demo"])
    nodes = bro.read_osm_stations(nodes_path, (119.0, 30.0, 121.0, 31.5))
    return lines, stations, districts, corridors, nodes


def _build(inputs):
    lines, stations, districts, corridors, nodes = inputs
    return bro.build(lines, stations, corridors, nodes, districts, {}, recipes=RECIPES, sources=SOURCES)


def _by_id(fc):
    return {f["properties"]["id"]: f for f in fc["features"]}


def test_output_is_deterministic_and_inputs_untouched(inputs):
    before = copy.deepcopy(inputs[:3])
    first_lines, first_stations, _ = _build(inputs)
    second_lines, second_stations, _ = _build(inputs)
    assert dumps_canonical(first_lines).encode() == dumps_canonical(second_lines).encode()
    assert dumps_canonical(first_stations).encode() == dumps_canonical(second_stations).encode()
    assert inputs[:3] == before


def test_matched_line_gets_the_source_vertices(inputs):
    new_lines, _stations, report = _build(inputs)
    demo = _by_id(new_lines)["rail_demo"]
    coords = demo["geometry"]["coordinates"]
    interior = TRACK[1:-1]
    assert all(v in coords for v in interior)
    assert len(coords) >= len(interior)
    props = demo["properties"]
    assert props["accuracy"].startswith("OpenStreetMap track alignment")
    assert "example/corridors demo.json @ " + "c" * 40 in props["source"]
    assert props["source"].endswith("attributes: old line source")
    assert props["stations"] == ["甲", "乙", "丙"] and props["opened"] == 2020
    assert report.lines["rail_demo"]["matched"] is True


def test_stations_are_located_on_osm_nodes_within_150_m_of_their_line(inputs):
    new_lines, new_stations, _report = _build(inputs)
    line_m = to_metric(shape(_by_id(new_lines)["rail_demo"]["geometry"]))
    stations = _by_id(new_stations)
    assert stations["stn_jia"]["geometry"]["coordinates"] == [120.0004, 30.8503]
    # 乙 had no position: the train node between 甲 and 丙, inside 南浔区 (not the subway node,
    # not the one 2 km off the line).
    assert stations["stn_yi"]["geometry"]["coordinates"] == [120.3004, 30.8506]
    assert "identified by position on 示例线 between 甲 and 丙, inside 南浔区" in stations["stn_yi"]["properties"]["accuracy"]
    assert "example/stations st.geojson" in stations["stn_yi"]["properties"]["source"]
    for sid in ("stn_jia", "stn_yi", "stn_bing"):
        assert line_m.distance(to_metric(shape(stations[sid]["geometry"]))) <= LINE_TOL_M


def test_unmatched_features_are_left_as_they_were(inputs):
    lines, stations, *_ = inputs
    new_lines, new_stations, report = _build(inputs)
    old_l, new_l = _by_id(lines), _by_id(new_lines)
    old_s, new_s = _by_id(stations), _by_id(new_stations)
    for lid in ("rail_plan", "rail_nosrc"):  # planned; operating without a recipe
        assert canonical_feature(new_l[lid]) == canonical_feature(old_l[lid])
    for sid in ("stn_bing", "stn_ding"):  # outside Huzhou; on a planned line only
        assert canonical_feature(new_s[sid]) == canonical_feature(old_s[sid])
    assert report.lines["rail_nosrc"]["matched"] is False


def test_a_station_the_source_stops_short_of_gets_a_labelled_connector(inputs):
    lines, stations, districts, corridors, nodes = inputs
    short = {"demo": {"meta": corridors["demo"]["meta"],
                      "line": shape({"type": "LineString", "coordinates": TRACK[:-1]})}}
    new_lines, _s, _r = bro.build(lines, stations, short, nodes, districts, {}, recipes=RECIPES, sources=SOURCES)
    demo = _by_id(new_lines)["rail_demo"]
    assert demo["geometry"]["coordinates"][-1] == [120.4, 30.85]
    assert "schematic straight connector to the station point of 丙" in demo["properties"]["accuracy"]
    assert Point(*demo["geometry"]["coordinates"][-2]).distance(Point(*TRACK[-2])) < 1e-6


# ------------------------------------------------------------------ route network (湖杭's source)

ROUTE_JS = """// generated
(function (root) {
  var RAIL_ROUTE_DATA = {"source": {"provider": "OpenStreetMap"},
   "lines": [{"id": "demo-line", "from": "a", "to": "c"}],
   "segments": [
    {"id": "b-c", "from": "b", "to": "c", "lineIds": ["demo-line"], "polyline": [[120.2, 30.85], [120.4, 30.85]]},
    {"id": "a-b", "from": "a", "to": "b", "lineIds": ["other", "demo-line"],
     "polyline": [[120.0, 30.85], [120.1, 30.8508], [120.2, 30.85]]},
    {"id": "x-y", "from": "x", "to": "y", "lineIds": ["other"], "polyline": [[121.0, 31.0], [121.1, 31.0]]}]};
  root.RAIL_ROUTE_DATA = RAIL_ROUTE_DATA;
})(globalThis);
"""


def test_route_network_chains_the_segments_of_one_line(tmp_path):
    path = tmp_path / "rail-route-data.js"
    path.write_text(ROUTE_JS, encoding="utf-8")
    corridors = bro.read_route_network(path, {"net": "demo-line", "absent": "no-such-line"})
    assert set(corridors) == {"net"}
    assert list(corridors["net"]["line"].coords) == [(120.0, 30.85), (120.1, 30.8508), (120.2, 30.85), (120.4, 30.85)]
    assert corridors["net"]["meta"]["segments"] == ["a-b", "b-c"]
    assert corridors["net"]["meta"]["shared"]["a-b"] == ["other"]
    broken = ROUTE_JS.replace('"from": "b", "to": "c"', '"from": "q", "to": "c"')
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError, match="do not chain"):
        bro.read_route_network(path, {"net": "demo-line"})


def test_a_line_built_from_the_route_network_cites_it(inputs, tmp_path):
    lines, stations, districts, _corridors, nodes = inputs
    path = tmp_path / "rail-route-data.js"
    path.write_text(ROUTE_JS, encoding="utf-8")
    corridors = bro.read_route_network(path, {"net": "demo-line"})
    sources = {**SOURCES, "corridor:net": {"repository": "example/net", "path": "r.js", "commit": "e" * 40}}
    new_lines, _s, report = bro.build(lines, stations, corridors, nodes, districts, {},
                                      recipes={"rail_demo": [bro.Leg("net", "甲", "丙")]}, sources=sources)
    demo = _by_id(new_lines)["rail_demo"]
    assert [120.1, 30.8508] in demo["geometry"]["coordinates"]
    assert "example/net r.js @ " + "e" * 40 + " (line demo-line, segments a-b, b-c)" in demo["properties"]["source"]
    assert report.lines["rail_demo"]["matched"] is True


def test_rebuilding_over_its_own_output_gives_the_same_bytes(inputs):
    """Citations are not stacked on a rebuild. (The first rebuild may still reword an
    accuracy: a station located by the first run becomes a neighbour; after that, a fixed point.)"""
    lines, stations, districts, corridors, nodes = inputs

    def rebuild(lines_fc, stations_fc):
        new_l, new_s, _ = bro.build(lines_fc, stations_fc, corridors, nodes, districts, {},
                                    recipes=RECIPES, sources=SOURCES)
        return new_l, new_s

    first = rebuild(lines, stations)
    second = rebuild(*first)
    third = rebuild(*second)
    assert [dumps_canonical(fc) for fc in third] == [dumps_canonical(fc) for fc in second]
    assert dumps_canonical(second[0]) == dumps_canonical(first[0])
    for feature in second[0]["features"] + second[1]["features"]:
        source = feature["properties"]["source"]
        assert source.count("attributes: ") <= 1 and source.count("earlier position and other facts") <= 1


# ------------------------------------------------------------------ planned lines (规划示意)

def test_towns_are_read_from_adcode_csv_and_converted_to_wgs84(tmp_path):
    from layers.geo.crs import gcj02_to_wgs84

    (tmp_path / "330503.csv").write_text(
        "330503000000,330500000000,南浔区,county,3,330503,,0572,,f,f,f,120.418513,30.849689,,浙江省,湖州市,南浔区,,\n"
        "330503100000,330503000000,南浔镇,town,4,330503,,0572,,f,f,f,120.424891,30.867416,,浙江省,湖州市,南浔区,南浔镇,\n"
        "330503199000,330503000000,无坐标镇,town,4,330503,,0572,,f,f,f,,,,浙江省,湖州市,南浔区,,\n", encoding="utf-8")
    towns = adcode.read_units(tmp_path, ["330503100000", "330503199000", "999999000000"])
    assert set(towns) == {"330503100000"}
    lon, lat = gcj02_to_wgs84(120.424891, 30.867416)
    assert (towns["330503100000"].lon, towns["330503100000"].lat) == (round(lon, 6), round(lat, 6))
    assert towns["330503100000"].name == "南浔镇"
    assert adcode.read_units(None, ["330503100000"]) == {}


PLANNED = {
    "rail_plan": bro.PlannedRecipe((bro.Waypoint("town", "330503100000", "镇甲"),
                                    bro.Waypoint("node", "120.25,30.87", "点乙"),
                                    bro.Waypoint("station", "丁", "丁")), note="a note"),
}


def _planned_build(inputs, planned, towns, unlocated=None):
    lines, stations, districts, corridors, nodes = inputs
    return bro.build(lines, stations, corridors, nodes, districts, {}, recipes=RECIPES, sources=SOURCES,
                     towns=towns, planned=planned, unlocated=unlocated or {})


def test_planned_line_is_drawn_through_its_sourced_points_and_labelled(inputs):
    towns = {"330503100000": adcode.Unit("330503100000", "南浔镇", 120.1, 30.72)}
    lines = copy.deepcopy(inputs[0])
    _by_id(lines)["rail_plan"]["properties"]["stations"] = ["镇甲", "点乙", "无源站", "丁"]
    new_lines, _s, report = _planned_build((lines, *inputs[1:]), PLANNED, towns)
    plan = _by_id(new_lines)["rail_plan"]
    assert plan["geometry"]["coordinates"] == [[120.1, 30.72], [120.25, 30.87], [120.15, 30.7]]
    acc = plan["properties"]["accuracy"]
    assert acc.startswith("schematic") and "规划示意" in acc
    assert "镇甲 (南浔镇 town centre)" in acc and "点乙 (OSM station node, no name)" in acc
    assert "no sourced position for 无源站, skipped" in acc and acc.endswith("a note")
    src = plan["properties"]["source"]
    assert "data/adcode/330503.csv" in src and "row 330503100000" in src and "example/stations st.geojson" in src
    assert src.endswith("attributes: plan")
    assert report.planned["rail_plan"].startswith("schematic through 3 points")
    again, _s2, _r2 = bro.build(new_lines, _s, inputs[3], inputs[4], inputs[2], {}, recipes=RECIPES,
                                sources=SOURCES, towns=towns, planned=PLANNED, unlocated={})
    assert dumps_canonical(again) == dumps_canonical(new_lines)


def test_planned_line_with_an_unsourced_point_is_left_alone(inputs):
    lines = inputs[0]
    no_town, _s, report = _planned_build(inputs, PLANNED, towns={})
    assert canonical_feature(_by_id(no_town)["rail_plan"]) == canonical_feature(_by_id(lines)["rail_plan"])
    assert report.planned["rail_plan"] == "left as it was: no position for 镇甲"
    towns = {"330503100000": adcode.Unit("330503100000", "南浔镇", 120.1, 30.72)}
    invented = {"rail_plan": bro.PlannedRecipe((bro.Waypoint("town", "330503100000", "镇甲"),
                                                bro.Waypoint("node", "120.26,30.88", "点乙")))}
    no_node, _s, report = _planned_build(inputs, invented, towns)  # no OSM node there: not drawn
    assert canonical_feature(_by_id(no_node)["rail_plan"]) == canonical_feature(_by_id(lines)["rail_plan"])


def test_unlocated_planned_lines_say_why(inputs):
    lines = copy.deepcopy(inputs[0])
    lines["features"].append(_feature({"id": "rail_link", "name_zh": "联络线", "name_en": "Link", "status": "planned",
                                       "kind": "intercity", "accuracy": "unlocated: old", "source": "plan"}, None))
    new_lines, _s, report = _planned_build((lines, *inputs[1:]), {}, {},
                                           unlocated={"rail_link": "unlocated: no route source"})
    link = _by_id(new_lines)["rail_link"]
    assert link["geometry"] is None and link["properties"]["accuracy"] == "unlocated: no route source"
    assert report.planned["rail_link"].startswith("unlocated")
