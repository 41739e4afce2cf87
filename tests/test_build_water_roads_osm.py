"""scripts/build_water_roads_osm.py on a tiny made-up set of OSM ways the test writes itself:
matched features take the OSM course with every source vertex inside the clip box, the rest
stay byte-for-byte as they were, and the output is deterministic. No network, no real data."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from layers.model.storage import canonical_feature, dumps_canonical

from conftest import load_script

REPO = Path(__file__).resolve().parent.parent
bwr = load_script("scripts/build_water_roads_osm.py", "build_water_roads_osm")

PROVENANCE = {"repository": "example/osm-lines", "path": "huzhou_lines.geojson", "commit": "e" * 40,
              "note": "OSM data of 2025-01-01"}
# Two touching canal ways named 京杭运河 (written in opposite directions), a motorway tagged
# ref=G50;G25 under another name, a same-named river outside the clip box, and a stream.
CANAL_A = [[120.30, 30.60], [120.31, 30.612], [120.325, 30.63]]
CANAL_B = [[120.35, 30.66], [120.34, 30.645], [120.325, 30.63]]
MOTORWAY = [[119.80, 30.95], [119.9, 30.96], [120.0, 30.94], [120.6, 30.90]]  # runs out of the box at the east
FAR_CANAL = [[118.0, 28.0], [118.1, 28.1]]
STREAM = [[120.0, 30.7], [120.01, 30.71]]


def _fc(features):
    return {"type": "FeatureCollection", "features": features}


def _way(props, coords):
    return {"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": coords}}


@pytest.fixture()
def ways_file(tmp_path):
    path = tmp_path / "ways.geojson"
    path.write_text(json.dumps(_fc([
        _way({"name": "京杭运河", "waterway": "canal"}, CANAL_A),
        _way({"name": "京杭运河（湖州段）", "waterway": "canal"}, CANAL_B),
        _way({"name": "沪渝高速", "ref": "G50;G25", "highway": "motorway"}, MOTORWAY),
        _way({"name": "京杭运河", "waterway": "canal"}, FAR_CANAL),
        _way({"name": "东苕溪", "waterway": "stream"}, STREAM),  # wrong kind: not a river or canal
    ]), ensure_ascii=False), encoding="utf-8")
    return path


def _ours():
    waterways = _fc([
        {"type": "Feature", "geometry": None,
         "properties": {"id": "ww_grand_canal", "name_zh": "京杭运河（湖州段）", "name_en": "Grand Canal",
                        "kind": "channel", "network_role": "干线 trunk", "status": "operating",
                        "accuracy": "unlocated: course not sourced", "source": "old canal source",
                        "grade": "三级航道 Class III"}},
        {"type": "Feature", "geometry": None,
         "properties": {"id": "river_dongtiaoxi", "name_zh": "东苕溪", "name_en": "East Tiaoxi",
                        "kind": "river", "network_role": "河流 river", "status": "operating",
                        "accuracy": "unlocated: course described", "source": "old river source"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[120.0, 30.9], [120.4, 30.87]]},
         "properties": {"id": "ww_changhushen_taihu", "name_zh": "长湖申线太湖沟通工程", "name_en": "Taihu link",
                        "kind": "channel", "network_role": "规划工程", "status": "planned",
                        "accuracy": "schematic", "source": "plan"}},
    ])
    roads = _fc([
        {"type": "Feature", "geometry": None,
         "properties": {"id": "road_g50", "name_zh": "申苏浙皖高速（G50）", "name_en": "G50", "status": "operating",
                        "accuracy": "unlocated", "source": "old road source", "via": ["南浔", "长兴"]}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[119.91, 31.03], [120.09, 30.89]]},
         "properties": {"id": "road_s12", "name_zh": "申嘉湖高速（S12）", "name_en": "S12", "status": "operating",
                        "accuracy": "schematic", "source": "old", "via": []}},
    ])
    return waterways, roads


def _by_id(fc):
    return {f["properties"]["id"]: f for f in fc["features"]}


def _vertices(geometry):
    return {tuple(map(float, xy)) for xy in shapely.get_coordinates(shape(geometry)).tolist()}


def test_matched_features_take_the_osm_course_with_source_vertices(ways_file):
    waterways, roads = _ours()
    ways = bwr.read_ways(ways_file, bwr.clip_box())
    assert len(ways) == 4  # the far canal is outside the box and never read

    new_w, report_w = bwr.build(waterways, bwr.MATCHES["waterways.geojson"], ways, PROVENANCE, bwr.clip_box())
    canal = _by_id(new_w)["ww_grand_canal"]
    assert canal["geometry"]["type"] == "LineString"  # the two touching ways merged into one
    assert {tuple(xy) for xy in CANAL_A + CANAL_B} == _vertices(canal["geometry"])
    props = canal["properties"]
    assert props["accuracy"].startswith("OSM waterway course (2 ways matched by name 京杭运河")
    assert "not simplified" in props["accuracy"]
    assert "OpenStreetMap" in props["source"] and "ODbL" in props["source"]
    assert f"example/osm-lines huzhou_lines.geojson @ {'e' * 40}" in props["source"]
    assert props["source"].endswith("attributes: old canal source")
    assert props["grade"] == "三级航道 Class III" and props["name_zh"] == "京杭运河（湖州段）"
    assert [r.feature_id for r in report_w.matched] == ["ww_grand_canal"]
    assert "river_dongtiaoxi" in report_w.unmatched  # a stream is not the river

    new_r, _ = bwr.build(roads, bwr.MATCHES["expressways.geojson"], ways, PROVENANCE, bwr.clip_box())
    g50 = _by_id(new_r)["road_g50"]
    x1 = bwr.clip_box()[2]
    kept = {tuple(xy) for xy in MOTORWAY if xy[0] <= x1}
    got = _vertices(g50["geometry"])
    assert kept <= got and len(got) == len(kept) + 1  # plus the point where it leaves the box
    assert max(x for x, _ in got) == pytest.approx(x1)
    assert "ref G50;G25" in g50["properties"]["accuracy"]
    assert g50["properties"]["via"] == ["南浔", "长兴"]


def test_unmatched_features_are_left_exactly_as_they_were(ways_file):
    waterways, roads = _ours()
    before_w, before_r = copy.deepcopy(waterways), copy.deepcopy(roads)
    ways = bwr.read_ways(ways_file, bwr.clip_box())
    new_w, _ = bwr.build(waterways, bwr.MATCHES["waterways.geojson"], ways, PROVENANCE, bwr.clip_box())
    new_r, report_r = bwr.build(roads, bwr.MATCHES["expressways.geojson"], ways, PROVENANCE, bwr.clip_box())
    assert waterways == before_w and roads == before_r  # inputs not mutated
    for fid in ("river_dongtiaoxi", "ww_changhushen_taihu"):
        assert canonical_feature(_by_id(new_w)[fid]) == canonical_feature(_by_id(before_w)[fid])
    assert canonical_feature(_by_id(new_r)["road_s12"]) == canonical_feature(_by_id(before_r)["road_s12"])
    assert "road_s12" in report_r.unmatched and "road_g25" in report_r.unmatched  # g25 is not in this file


def test_cli_output_is_deterministic_and_needs_provenance(ways_file, tmp_path):
    waterways, roads = _ours()
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    (geodata / "waterways.geojson").write_text(dumps_canonical(waterways), encoding="utf-8")
    (geodata / "expressways.geojson").write_text(dumps_canonical(roads), encoding="utf-8")
    prov = tmp_path / "prov.json"
    prov.write_text(json.dumps(PROVENANCE), encoding="utf-8")
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert bwr.main(["--ways", str(ways_file), "--provenance", str(prov), "--geodata", str(geodata),
                         "--out", str(out)]) == 0
        outputs.append({f: (out / f).read_bytes() for f in bwr.MATCHES})
    assert outputs[0] == outputs[1]
    text = outputs[0]["waterways.geojson"].decode("utf-8")
    assert dumps_canonical(json.loads(text)) == text  # canonical form, ≤ 6 decimals

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"repository": "x/y"}), encoding="utf-8")
    with pytest.raises(SystemExit):
        bwr.main(["--ways", str(ways_file), "--provenance", str(bad), "--geodata", str(geodata),
                  "--out", str(tmp_path / "c")])


def test_every_rule_names_a_feature_in_our_geodata():
    for filename, rules in bwr.MATCHES.items():
        ids = {f["properties"]["id"] for f in json.loads((REPO / "geodata" / filename).read_text("utf-8"))["features"]}
        assert set(rules) <= ids, filename
