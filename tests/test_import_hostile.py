"""Imports that hold: exports of the app re-import unchanged, KML from other tools and CSV
without ids work, shapefile encodings are found, and hostile archives are refused before they
cost disk. Exports escape what they must."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from layers.model.catalogue import load_catalogue
from layers.io.exporting import geojson_bytes, geopackage_bytes, kml_bytes
from layers.io.importing import MAX_ARCHIVE_BYTES, UploadError, conform, merge, read_upload
from layers.io.loader import load_layer, validate_layer_data
from layers.io.tables import csv_bytes, csv_table

CATALOGUE = load_catalogue()
SPEC = CATALOGUE.get("rail_stations")  # points, lists, booleans, integers and unlocated features
DATA = load_layer(SPEC).data


def _canonical(collection: dict) -> dict:
    """Compare as stored: ids in order, properties without the export's layer tag."""
    return {f["properties"]["id"]: ({k: v for k, v in f["properties"].items() if k != "layer"},
                                    f["geometry"] and [round(c, 6) for c in f["geometry"]["coordinates"]])
            for f in collection["features"]}


def test_geojson_export_reimports_unchanged():
    result = read_upload(geojson_bytes(CATALOGUE, [SPEC.id]), "rail_stations.geojson")
    assert _canonical(conform(result.collection, SPEC)) == _canonical(DATA)


def test_geopackage_export_reimports_unchanged():
    result = read_upload(geopackage_bytes(CATALOGUE, [SPEC.id]), "rail_stations.gpkg")
    assert _canonical(conform(result.collection, SPEC)) == _canonical(DATA)


def test_data_page_csv_reimports_unchanged():
    raw = csv_bytes(csv_table(SPEC, DATA))
    assert b"2024.0" not in raw
    result = read_upload(raw, "rail_stations.csv")
    imported = conform(result.collection, SPEC)
    assert _canonical(imported) == _canonical(DATA)
    assert not [f for f in validate_layer_data(SPEC, imported) if f.severity == "error"]


def test_csv_without_an_id_column_gets_ids_and_typed_values():
    csv = "name_zh,name_en,opened,lon,lat\n新站,New,2024.0,120.1,30.8\n".encode("utf-8")
    incoming = conform(read_upload(csv, "new.csv").collection, SPEC)
    merged = merge(DATA, incoming, "append", id_prefix="stn_new_")
    added = merged["features"][-1]["properties"]
    assert added["id"] == "stn_new_1" and added["opened"] == 2024


def test_update_by_id_changes_only_the_fields_given():
    incoming = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "stn_anji", "name_en": "Anji (renamed)"}, "geometry": None}]}
    merged = merge(DATA, incoming, "update")
    before = next(f for f in DATA["features"] if f["properties"]["id"] == "stn_anji")
    after = next(f for f in merged["features"] if f["properties"]["id"] == "stn_anji")
    assert after["properties"] == {**before["properties"], "name_en": "Anji (renamed)"}
    assert after["geometry"] == before["geometry"]


def test_kml_from_google_earth_imports_with_its_names():
    kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>我的地点</name>
<Placemark><name>测试站</name><description>from Google Earth</description>
<Point><coordinates>120.05,30.85,0</coordinates></Point></Placemark></Folder></Document></kml>"""
    result = read_upload(kml.encode("utf-8"), "places.kml")
    json.dumps(result.collection)  # KML's empty timestamps must not break the preview (was a TypeError)
    (feature,) = result.collection["features"]
    assert "timestamp" not in feature["properties"]
    assert feature["properties"]["name_zh"] == "测试站"
    assert feature["geometry"]["coordinates"][:2] == pytest.approx([120.05, 30.85])


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in parts.items():
            archive.writestr(name, raw)
    return buffer.getvalue()


def _shapefile(tmp_path, encoding: str, with_cpg: bool, with_dbf: bool = True) -> bytes:
    frame = gpd.GeoDataFrame({"id": ["s1"], "name_zh": ["湖州南浔站"]}, geometry=[Point(120.4, 30.83)], crs="EPSG:4326")
    frame.to_file(tmp_path / "s.shp", engine="pyogrio", encoding=encoding)
    parts = {p.name: p.read_bytes() for p in tmp_path.glob("s.*")
             if (with_cpg or p.suffix != ".cpg") and (with_dbf or p.suffix != ".dbf")}
    return _zip(parts)


def test_a_gbk_shapefile_without_cpg_keeps_its_chinese_names(tmp_path):
    result = read_upload(_shapefile(tmp_path, "GBK", with_cpg=False), "s.zip")
    assert result.collection["features"][0]["properties"]["name_zh"] == "湖州南浔站"
    assert any("GB18030" in note for note in result.notes)


def test_the_encoding_can_be_chosen(tmp_path):
    result = read_upload(_shapefile(tmp_path, "GBK", with_cpg=False), "s.zip", encoding="GBK")
    assert result.collection["features"][0]["properties"]["name_zh"] == "湖州南浔站"


def test_a_shapefile_without_dbf_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(UploadError, match=r"s\.dbf' is missing"):
        read_upload(_shapefile(tmp_path, "UTF-8", with_cpg=True, with_dbf=False), "s.zip")


def test_a_zip_bomb_is_refused_before_extraction(tmp_path, monkeypatch):
    import layers.io.importing as importing

    extracted = []
    monkeypatch.setattr(importing, "_extract", lambda *a: extracted.append(a))
    bomb = _zip({"s.shp": b"\0" * (MAX_ARCHIVE_BYTES + 1), "s.dbf": b"\0", "s.shx": b"\0"})
    assert len(bomb) < MAX_ARCHIVE_BYTES // 100  # small upload, huge expansion
    with pytest.raises(UploadError, match="expands to"):
        read_upload(bomb, "s.zip")
    ratio_bomb = _zip({"s.shp": b"\0" * (30 * 2**20), "s.dbf": b"\0", "s.shx": b"\0"})
    with pytest.raises(UploadError, match="zip bomb"):
        read_upload(ratio_bomb, "s.zip")
    assert extracted == []  # nothing reached the disk


def test_path_traversal_in_a_zip_is_refused():
    with pytest.raises(UploadError, match="outside itself"):
        read_upload(_zip({"../../evil.shp": b"x", "s.dbf": b"x"}), "s.zip")


def test_error_messages_never_show_server_paths():
    with pytest.raises(UploadError) as info:
        read_upload(b"not a geopackage at all", "x.gpkg")
    assert "/tmp" not in str(info.value) and "x.gpkg" in str(info.value)


def test_kml_export_escapes_ids_and_names(monkeypatch):
    hostile = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.0, 30.8]},
               "properties": {"id": 'a"<b>&', "name_zh": "</name><script>x</script>"}}]}
    monkeypatch.setattr("layers.io.exporting.load_for_export", lambda catalogue, ids: {"partner_cities": hostile})
    root = ET.fromstring(kml_bytes(CATALOGUE, ["partner_cities"]))  # parses: well-formed
    names = [e.text for e in root.iter("{http://www.opengis.net/kml/2.2}name")]
    assert "</name><script>x</script>" in names


def test_csv_cells_that_look_like_formulas_are_neutralised():
    table = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "ok"], "n": [1, 2, 3, -4, 5]})
    text = csv_bytes(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text and "'-2" in text
    assert ",-4" in text  # numbers stay numbers
