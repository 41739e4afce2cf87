"""scripts/build_towns.py on a tiny Vonng/adcode fixture it writes itself: town centres from
GCJ-02 to WGS 84, kinds and romanised names, rows without a centre left out and named, the same
bytes on every run."""
from __future__ import annotations

from conftest import load_script
from layers.geo.crs import gcj02_to_wgs84

bt = load_script("scripts/build_towns.py", "build_towns")

ROWS = {
    "330502": ["330502001000,330502000000,月河街道,town,4,330502,,0572,,f,f,f,120.106067,30.86196,,浙江省,湖州市,吴兴区,月河街道,",
               "330502003000,330502000000,爱山街道,town,4,330502,,,,f,f,f,,,,浙江省,湖州市,吴兴区,爱山街道,",
               "330502000000,330500000000,吴兴区,county,3,330502,,0572,,f,f,f,120.185838,30.857151,,浙江省,湖州市,吴兴区,,"],
    "330503": ["330503101000,330503000000,南浔镇,town,4,330503,,,,f,f,f,120.42,30.87,,浙江省,湖州市,南浔区,南浔镇,"],
    "330521": [], "330522": [],
    "330523": ["330523200000,330523000000,上墅乡,town,4,330523,,,,f,f,f,119.5,30.5,,浙江省,湖州市,安吉县,上墅乡,"],
}


def _fixture(tmp_path):
    for county, rows in ROWS.items():
        (tmp_path / f"{county}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_towns_are_built_from_their_source_rows(tmp_path):
    out = tmp_path / "towns.geojson"
    assert bt.main(["--adcode", str(_fixture(tmp_path)), "--out", str(out)]) == 0
    import json
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    by_id = {f["properties"]["id"]: f for f in features}
    assert sorted(by_id) == ["town_330502001000", "town_330503101000", "town_330523200000"]  # no county row, no row without centre
    yuehe = by_id["town_330502001000"]
    lon, lat = gcj02_to_wgs84(120.106067, 30.86196)
    assert yuehe["geometry"]["coordinates"] == [round(lon, 5), round(lat, 5)]
    assert abs(lon - 120.106067) > 0.003  # the GCJ-02 shift was undone, not copied
    assert yuehe["properties"]["name_en"] == "Yuehe Subdistrict" and yuehe["properties"]["kind"] == "street"
    assert by_id["town_330503101000"]["properties"]["name_en"] == "Nanxun Town"
    assert by_id["town_330523200000"]["properties"]["kind"] == "township"
    assert "330502.csv" in yuehe["properties"]["source"] and "CC BY 4.0" in yuehe["properties"]["source"]
    assert bt.build(tmp_path) == out.read_text(encoding="utf-8")  # deterministic
    assert "爱山街道" in bt.towns_without_centre(tmp_path, bt.COUNTIES)
