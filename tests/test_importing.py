"""Import from GIS formats and CRSs into WGS 84, without writing anything."""
from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.geo.crs import distance_m, wgs84_to_gcj02
from layers.io.importing import MAX_UPLOAD_BYTES, UploadError, merge, read_upload

HUZHOU = (120.01784, 30.86494)  # 湖州站, WGS 84
PROPS = {"id": "t1", "name_zh": "测试", "name_en": "Test"}


def _frame(crs="EPSG:4326"):
    return gpd.GeoDataFrame([PROPS], geometry=[Point(*HUZHOU)], crs="EPSG:4326").to_crs(crs)


def _point(result):
    (feature,) = result.collection["features"]
    assert feature["properties"]["name_zh"] == "测试"
    return feature["geometry"]["coordinates"]


def _close(coords, tolerance_m=1.0):
    return distance_m(coords[0], coords[1], *HUZHOU) < tolerance_m


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4490", "EPSG:4549", "EPSG:3857"])
def test_geopackage_in_any_supported_crs_lands_in_wgs84(tmp_path, crs):
    path = tmp_path / "x.gpkg"
    _frame(crs).to_file(path, driver="GPKG")
    result = read_upload(path.read_bytes(), "x.gpkg")
    assert _close(_point(result)) and result.source_crs == crs


def test_zipped_shapefile_with_prj(tmp_path):
    _frame("EPSG:4549").to_file(tmp_path / "x.shp", engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in tmp_path.glob("x.*"):
            archive.write(part, part.name)
    assert _close(_point(read_upload(buffer.getvalue(), "x.zip")))


def test_kml_and_geojson(tmp_path):
    _frame().to_file(tmp_path / "x.kml", driver="KML")
    assert _close(_point(read_upload((tmp_path / "x.kml").read_bytes(), "x.kml")), 0.5)
    assert _close(_point(read_upload(_frame().to_json().encode(), "x.geojson")))


def test_csv_with_declared_gcj02_is_converted_to_wgs84():
    lon, lat = wgs84_to_gcj02(*HUZHOU)
    csv = f"id,name_zh,name_en,经度,纬度\nt1,测试,Test,{lon},{lat}\n".encode("utf-8")
    result = read_upload(csv, "points.csv", declared_crs="GCJ02")
    assert result.source_crs == "GCJ02" and _close(_point(result))
    undeclared = read_upload(csv, "points.csv")
    assert not _close(_point(undeclared), 200) and "assumed WGS 84" in undeclared.notes[0]


def test_bad_uploads_are_explained():
    with pytest.raises(UploadError, match="limited to"):
        read_upload(b"x" * (MAX_UPLOAD_BYTES + 1), "big.geojson")
    with pytest.raises(UploadError, match="unsupported type"):
        read_upload(b"x", "data.xlsx")
    with pytest.raises(UploadError, match="longitude and latitude"):
        read_upload(b"a,b\n1,2\n", "t.csv")
    with pytest.raises(UploadError, match="not valid GeoJSON"):
        read_upload(b"{not json", "t.geojson")
    with pytest.raises(UploadError, match="not a GeoPackage"):
        read_upload(b"{not a gpkg", "t.gpkg")


def test_merge_appends_or_replaces():
    existing = {"type": "FeatureCollection", "features": [{"properties": {"id": "a"}}, {"properties": {"id": "b"}}]}
    incoming = {"type": "FeatureCollection", "features": [{"properties": {"id": "b", "v": 2}}, {"properties": {"id": "c"}}]}
    assert [f["properties"]["id"] for f in merge(existing, incoming, "append")["features"]] == ["a", "b", "c"]
    assert merge(existing, incoming, "replace")["features"] == incoming["features"]
