"""Uploads read only what they claim to be, in a child process that cannot stall or swell the
server: files built here by the test itself (issue 25)."""
from __future__ import annotations

import json
import resource
import sqlite3

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point

from layers.io.importing import MAX_FEATURES, UploadError, read_upload
from layers.io.upload_worker import Limits, read_upload_bounded
from layers.model.findings import ERROR, Finding, bounded

MARKER = "SECRET-MARKER-8d1f"


def _vrt_reading(source: str) -> bytes:
    layer = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return (f"<OGRVRTDataSource><OGRVRTLayer name=\"x\"><SrcDataSource>{source}</SrcDataSource>"
            f"<SrcLayer>{layer}</SrcLayer><GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>").encode()


@pytest.fixture()
def server_file(tmp_path):
    secret = tmp_path / "server_only.csv"
    secret.write_text(f"name,lon,lat\n{MARKER},120,30\n", encoding="utf-8")
    return secret


def test_gdal_alone_would_read_the_server_file(tmp_path, server_file):
    """The hole is real: named .kml, GDAL opens the VRT and reads the file it names."""
    disguised = tmp_path / "stations.kml"
    disguised.write_bytes(_vrt_reading(str(server_file)))
    assert MARKER in pyogrio.read_dataframe(disguised).to_json()


@pytest.mark.parametrize("name", ["stations.kml", "stations.gpkg"])
@pytest.mark.parametrize("read", [read_upload, read_upload_bounded])
def test_a_vrt_under_another_name_is_refused_and_reads_nothing(server_file, name, read):
    for raw in (_vrt_reading(str(server_file)), _vrt_reading("/vsicurl/http://127.0.0.1:9/x.csv")):
        with pytest.raises(UploadError) as caught:
            read(raw, name)
        assert MARKER not in str(caught.value) and str(server_file) not in str(caught.value)
        assert "not KML" in str(caught.value) or "not a GeoPackage" in str(caught.value)


def test_kml_with_a_doctype_is_refused():
    raw = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml><Document/></kml>'
    with pytest.raises(UploadError, match="DOCTYPE"):
        read_upload(raw, "a.kml")


def _gpkg(path, features=3):
    gpd.GeoDataFrame({"name": [f"p{n}" for n in range(features)]},
                     geometry=[Point(120 + n / 100, 30.8) for n in range(features)], crs="EPSG:4326").to_file(path)


def test_a_geopackage_view_is_never_read(tmp_path):
    """A view listed as the feature table, with a query that never ends: refused at once."""
    path = tmp_path / "v.gpkg"
    _gpkg(path)
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                   "SELECT i AS fid, NULL AS geom FROM n")
        db.execute("DELETE FROM gpkg_contents")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES ('forever', 'features', 'forever', 4326)")
    with pytest.raises(UploadError, match="forever is a view"):
        read_upload_bounded(path.read_bytes(), "v.gpkg", limits=Limits(seconds=20))


def test_only_a_listed_feature_table_is_read(tmp_path):
    path = tmp_path / "ok.gpkg"
    _gpkg(path)
    result = read_upload_bounded(path.read_bytes(), "ok.gpkg")
    assert [f["properties"]["name"] for f in result.collection["features"]] == ["p0", "p1", "p2"]


def test_an_sqlite_file_that_is_not_a_geopackage_is_refused(tmp_path):
    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(UploadError, match="application id"):
        read_upload(path.read_bytes(), "plain.gpkg")


def test_a_zip_that_holds_no_shapefile_is_refused():
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.shp", _vrt_reading("/etc/passwd"))
        archive.writestr("x.dbf", b"")
    with pytest.raises(UploadError, match="not a shapefile"):
        read_upload(buffer.getvalue(), "x.zip")
    with pytest.raises(UploadError, match="not a zip"):
        read_upload(b"<kml/>", "x.zip")


def test_a_worker_past_its_time_limit_is_stopped_and_named(tmp_path):
    path = tmp_path / "ok.gpkg"
    _gpkg(path)
    with pytest.raises(UploadError, match=r"took too long.*0\.2 s"):
        read_upload_bounded(path.read_bytes(), "ok.gpkg", limits=Limits(seconds=0.2))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_huge_line_is_read_outside_the_server_and_within_its_memory_limit():
    """~20 MiB of GeoJSON, 2 million coordinates: parsed in the child (or refused by its limit);
    the server process does not grow."""
    coords = ",".join(f"[{120 + i * 1e-7:.7f},30.8]" for i in range(1_000_000))
    raw = ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},'
           '"geometry":{"type":"LineString","coordinates":[' + coords + ']}}]}').encode()
    assert 15 * 2**20 < len(raw) <= 20 * 2**20
    before = _peak_rss_mb()
    limits = Limits(seconds=60, memory_mb=700)
    try:
        result = read_upload_bounded(raw, "big.geojson", limits=limits)
        assert len(result.collection["features"][0]["geometry"]["coordinates"]) == 1_000_000
    except UploadError as exc:
        assert "memory limit (700 MB)" in str(exc)
    assert _peak_rss_mb() - before < 400  # the answer is held once; the parse happened elsewhere


def test_too_many_features_are_refused_with_the_limit_named():
    placemarks = "".join(f"<Placemark><name>p{n}</name><Point><coordinates>120,30.8</coordinates></Point></Placemark>"
                         for n in range(MAX_FEATURES + 5))
    raw = f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemarks}</Document></kml>'
    with pytest.raises(UploadError, match=f"more than {MAX_FEATURES:,} features"):
        read_upload_bounded(raw.encode(), "many.kml")
    features = [{"type": "Feature", "properties": {}, "geometry": None}] * (MAX_FEATURES + 1)
    with pytest.raises(UploadError, match="the import limit"):
        read_upload(json.dumps({"type": "FeatureCollection", "features": features}).encode(), "many.geojson")


def test_findings_are_bounded_per_kind_and_in_all():
    many = [Finding(ERROR, "x.geojson", "bad coordinate", feature_index=n) for n in range(5000)]
    other = [Finding(ERROR, "x.geojson", "missing id", feature_index=n) for n in range(3)]
    shown, hidden = bounded(many + other, per_kind=20, total=200)
    assert len(shown) == 23 and hidden == 4980
    assert [f.message for f in shown].count("missing id") == 3
    shown, hidden = bounded([Finding(ERROR, "x", f"kind {n}") for n in range(500)], per_kind=20, total=200)
    assert len(shown) == 200 and hidden == 300


def test_the_worker_environment_has_no_vrt_driver():
    """Defence behind the sniffing: in the child, GDAL has no driver that follows file names."""
    import os
    import subprocess
    import sys

    from layers.io.upload_worker import GDAL_LOCKDOWN
    drivers = subprocess.run([sys.executable, "-c", "import pyogrio, json; print(json.dumps(sorted(pyogrio.list_drivers())))"],
                             env={**os.environ, **GDAL_LOCKDOWN}, capture_output=True, text=True, check=True).stdout
    assert "OGR_VRT" not in json.loads(drivers) and "GPKG" in json.loads(drivers)
    assert "OGR_VRT" in pyogrio.list_drivers()  # here, in the test process, it is there
