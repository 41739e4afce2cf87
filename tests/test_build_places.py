"""scripts/build_places.py on a tiny fixture it writes itself: town centres (GCJ-02 → WGS 84),
a runway midpoint, district check, untouched features and byte-identical reruns."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.geo.crs import gcj02_to_wgs84
from layers.model.storage import dumps_canonical

from conftest import load_script

bp = load_script("scripts/build_places.py", "build_places")


def _square(name: str, x0: float, y0: float, x1: float, y1: float) -> dict:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Feature", "properties": {"id": name, "name_zh": name, "name_en": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _feature(fid: str, **props) -> dict:
    return {"type": "Feature", "geometry": None,
            "properties": {"id": fid, "name_zh": fid, "name_en": fid, "accuracy": "unlocated: test", **props}}


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture()
def fixture(tmp_path: Path) -> dict:
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    (geodata / "districts.geojson").write_text(dumps_canonical(_collection(
        _square("吴兴区", 119.8, 30.8, 120.2, 31.0), _square("安吉县", 119.4, 30.6, 119.8, 30.9),
        _square("长兴县", 119.4, 30.9, 119.8, 31.1))), encoding="utf-8")
    (geodata / "context_counties.geojson").write_text(dumps_canonical(_collection(
        _square("广德市", 119.0, 30.6, 119.4, 31.1))), encoding="utf-8")
    (geodata / "industrial_parks.geojson").write_text(dumps_canonical(_collection(
        _feature("park_a", district_zh="吴兴区", source="news A"),
        _feature("park_b", district_zh="吴兴区", source="news B"),
        _feature("park_untouched", district_zh="吴兴区", source="news C"))), encoding="utf-8")
    (geodata / "ports_logistics.geojson").write_text(dumps_canonical(_collection(
        _feature("log_a", source="news D"))), encoding="utf-8")
    (geodata / "airports.geojson").write_text(dumps_canonical(_collection(
        _feature("air_a", source="news E; point: an older position"))), encoding="utf-8")
    adcode = tmp_path / "adcode"
    adcode.mkdir()
    # Vonng/adcode layout: code,parent,name,level,rank,adcode,...,longitude(13),latitude(14),...
    rows = [
        "330502000000,330500000000,吴兴区,county,3,330502,,0572,,f,f,f,120.185838,30.857151,X,浙江省,湖州市,吴兴区,,",
        "330502007000,330502000000,康山街道,town,4,330502,,0572,,f,f,f,120.07488,30.859332,X,浙江省,湖州市,吴兴区,康山街道,",
        "330502008000,330502000000,仁皇山街道,town,4,330502,,0572,,f,f,f,120.087385,30.905253,X,浙江省,湖州市,吴兴区,仁皇山街道,",
        "330502003000,330502000000,爱山街道,town,4,330502,,0572,,f,f,f,,,,浙江省,湖州市,吴兴区,爱山街道,",
    ]
    (adcode / "330502.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    aeroways = tmp_path / "aeroways.geojson"
    aeroways.write_text(json.dumps(_collection(
        {"type": "Feature", "properties": {"aeroway": "runway", "ref": "08/26"},
         "geometry": {"type": "LineString", "coordinates": [[119.585, 30.796], [119.595, 30.798]]}},
        {"type": "Feature", "properties": {"aeroway": "taxiway", "ref": None},
         "geometry": {"type": "LineString", "coordinates": [[119.59, 30.797], [119.59, 30.7978]]}},
    )), encoding="utf-8")
    recipes = {
        "park_a": bp.TownRecipe(codes=("330502007000",), district_zh="吴兴区", placed_by="park A is in 康山街道",
                                accuracy="town centre of {towns}, ~{radius} km"),
        "park_b": bp.TownRecipe(codes=("330502007000", "330502008000"), district_zh="吴兴区",
                                placed_by="area over two streets", accuracy="mean of {towns}, ~{radius} km"),
        "log_a": bp.TownRecipe(codes=("330502008000",), district_zh="吴兴区", placed_by="in 仁皇山街道",
                               accuracy="town centre of {towns}"),
        "air_a": bp.RunwayRecipe(district_zh="安吉县", check=(119.59, 30.797),
                                 accuracy="runway {ref}, {length} m, check {check_m} m"),
    }
    towns = bp.read_towns(adcode, ["330502"])
    runways = bp.read_runways(aeroways, (119.2, 30.35, 120.6, 31.2))
    return {"geodata": geodata, "towns": towns, "runways": runways, "recipes": recipes}


def _features(text: str) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in json.loads(text)["features"]}


def test_reads_only_towns_with_a_centre(fixture):
    assert sorted(fixture["towns"]) == ["330502007000", "330502008000"]
    assert [ref for _, ref in fixture["runways"]] == ["08/26"]


def test_town_centre_is_converted_from_gcj02_and_cited(fixture):
    out = bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], fixture["recipes"])
    park = _features(out["industrial_parks.geojson"])["park_a"]
    lon, lat = gcj02_to_wgs84(120.07488, 30.859332)
    assert park["geometry"]["coordinates"] == [round(lon, 5), round(lat, 5)]
    props = park["properties"]
    assert props["accuracy"] == "town centre of 康山街道, ~5 km"
    assert props["source"].startswith("position: Vonng/adcode data/adcode/330502.csv @ ")
    assert "row 330502007000 康山街道 120.07488,30.859332" in props["source"]
    assert "placement: park A is in 康山街道" in props["source"] and props["source"].endswith("news A")


def test_area_over_several_streets_is_their_mean(fixture):
    out = bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], fixture["recipes"])
    park = _features(out["industrial_parks.geojson"])["park_b"]
    a = gcj02_to_wgs84(120.07488, 30.859332)
    b = gcj02_to_wgs84(120.087385, 30.905253)
    assert park["geometry"]["coordinates"] == [round((a[0] + b[0]) / 2, 5), round((a[1] + b[1]) / 2, 5)]
    assert park["properties"]["accuracy"].startswith("mean of 康山街道、仁皇山街道")


def test_runway_midpoint_replaces_an_older_point_citation(fixture):
    out = bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], fixture["recipes"])
    air = _features(out["airports.geojson"])["air_a"]
    lon, lat = air["geometry"]["coordinates"]
    assert abs(lon - 119.59) < 1e-3 and abs(lat - 30.797) < 1e-3
    assert air["properties"]["accuracy"].startswith("runway 08/26, ")
    assert "point: an older position" not in air["properties"]["source"]
    assert air["properties"]["source"].endswith("news E")


def test_other_features_are_untouched_and_rerun_is_identical(fixture, tmp_path):
    geodata = fixture["geodata"]
    before = (geodata / "industrial_parks.geojson").read_text(encoding="utf-8")
    out = bp.build(geodata, fixture["towns"], fixture["runways"], fixture["recipes"])
    assert _features(out["industrial_parks.geojson"])["park_untouched"] == _features(before)["park_untouched"]
    for name, text in out.items():
        (geodata / name).write_text(text, encoding="utf-8")
    again = bp.build(geodata, fixture["towns"], fixture["runways"], fixture["recipes"])
    assert again == out


def test_point_outside_its_district_is_refused(fixture):
    recipes = dict(fixture["recipes"])
    recipes["park_a"] = bp.TownRecipe(codes=("330502007000",), district_zh="安吉县", placed_by="x", accuracy="x")
    with pytest.raises(SystemExit, match="not inside 安吉县"):
        bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], recipes)


def test_unknown_town_or_feature_is_refused(fixture):
    recipes = dict(fixture["recipes"])
    recipes["park_a"] = bp.TownRecipe(codes=("330502003000",), district_zh="吴兴区", placed_by="x", accuracy="x")
    with pytest.raises(SystemExit, match="no centre for 330502003000"):
        bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], recipes)
    recipes = dict(fixture["recipes"], park_missing=fixture["recipes"]["log_a"])
    with pytest.raises(SystemExit, match="park_missing"):
        bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], recipes)


def test_a_zone_known_only_by_its_counties_and_border_gets_a_labelled_district_level_point(fixture):
    (fixture["geodata"] / "industrial_parks.geojson").write_text(dumps_canonical(_collection(
        _feature("zone", district_zh="长兴县、安吉县", source="news Z"))), encoding="utf-8")
    recipe = bp.BorderRecipe(counties=("长兴县", "安吉县"), inset_m=3000, placed_by="across both, on the border",
                             accuracy="district-level, schematic: {counties}, {inset_km} km in, by {neighbour}")
    out = bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], {"zone": recipe})
    zone = _features(out["industrial_parks.geojson"])["zone"]
    lon, lat = zone["geometry"]["coordinates"]
    # On the shared boundary (lat 30.9), walked in from its end on the city border (west, at
    # 广德), not from the end where it meets 吴兴区: 3 km east of 119.4 E.
    assert lat == pytest.approx(30.9, abs=1e-4)
    assert bp.distance_m(119.4, 30.9, lon, lat) == pytest.approx(3000, abs=150)  # the tolerance bends round corners
    props = zone["properties"]
    assert props["accuracy"] == "district-level, schematic: 长兴县–安吉县, 3 km in, by 广德市"
    assert props["source"].startswith("position: derived from geodata/districts.geojson") and "news Z" in props["source"]


def test_counties_without_a_shared_boundary_are_refused(fixture):
    (fixture["geodata"] / "industrial_parks.geojson").write_text(dumps_canonical(_collection(
        _feature("zone", district_zh="吴兴区、安吉县"))), encoding="utf-8")
    recipe = bp.BorderRecipe(counties=("长兴县", "广德市"), inset_m=3000, placed_by="x", accuracy="x")
    with pytest.raises((SystemExit, KeyError)):
        bp.build(fixture["geodata"], fixture["towns"], fixture["runways"], {"zone": recipe})
