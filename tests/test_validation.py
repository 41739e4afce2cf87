"""Bad input gets a finding that names file, feature, field and what to do."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from layers.model.catalogue import load_catalogue
from layers.model.findings import ERROR, LayerError
from layers.io.loader import load_layer
from layers.model.storage import read_geojson
from layers.checks.validation import validate_collection

SPEC = load_catalogue().get("partner_cities")
POLY_SPEC = load_catalogue().get("districts")


def _good() -> dict:
    return json.loads(SPEC.path.read_text(encoding="utf-8"))


def _findings(data, spec=SPEC):
    return [f for f in validate_collection(data, spec, "x.geojson") if f.severity == ERROR]


def test_committed_file_is_clean():
    assert _findings(_good()) == []


def test_invalid_json_names_file_line_and_column(tmp_path: Path):
    bad = tmp_path / "partner_cities.geojson"
    text = SPEC.path.read_text(encoding="utf-8")
    bad.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(LayerError) as info:
        read_geojson(bad)
    message = str(info.value)
    assert "partner_cities.geojson" in message and "invalid JSON at line" in message


def test_empty_file_is_reported(tmp_path: Path):
    empty = tmp_path / "e.geojson"
    empty.write_bytes(b"")
    with pytest.raises(LayerError, match="file is empty"):
        read_geojson(empty)


def test_missing_required_property():
    data = _good()
    del data["features"][1]["properties"]["source"]
    (finding,) = _findings(data)
    assert (finding.feature_index, finding.field, finding.feature_id) == (1, "source", "city_shanghai_hongqiao")
    assert "x.geojson, feature #1 (id=city_shanghai_hongqiao), field 'source'" in str(finding)


def test_wrong_type_and_enum():
    data = _good()
    data["features"][0]["properties"]["name_en"] = 42
    data["features"][3]["properties"]["direction"] = "up"
    found = {(f.feature_index, f.field): f.message for f in _findings(data)}
    assert "expected string" in found[(0, "name_en")]
    assert "'up' is not allowed" in found[(3, "direction")]


def test_wrong_geometry_type():
    data = _good()
    data["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[120, 30.8], [120.1, 30.9]]}
    (finding,) = _findings(data)
    assert "expected MultiPoint or Point" in finding.message and finding.field == "geometry"


def test_swapped_coordinates():
    data = _good()
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    data["features"][0]["geometry"]["coordinates"] = [lat, lon]
    (finding,) = _findings(data)
    assert "look swapped" in finding.message


def test_projected_coordinates():
    data = _good()
    data["features"][0]["geometry"]["coordinates"] = [40512345.0, 3412345.0]
    (finding,) = _findings(data)
    assert "not longitude/latitude" in finding.message


def test_bow_tie_polygon_reports_self_intersection():
    data = json.loads(POLY_SPEC.path.read_text(encoding="utf-8"))
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [
        [[120.0, 30.8], [120.1, 30.9], [120.1, 30.8], [120.0, 30.9], [120.0, 30.8]]]}
    (finding,) = _findings(data, POLY_SPEC)
    assert "Self-intersection" in finding.message


def test_duplicate_ids():
    data = _good()
    data["features"][4]["properties"]["id"] = data["features"][0]["properties"]["id"]
    (finding,) = _findings(data)
    assert finding.field == "id" and "duplicate id (also used by feature #0)" in finding.message


def test_foreign_crs_member():
    data = _good()
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}
    (finding,) = _findings(data)
    assert "not WGS 84" in finding.message


def test_all_problems_are_reported_at_once():
    data = _good()
    del data["features"][0]["properties"]["name_zh"]
    del data["features"][5]["properties"]["source"]
    data["features"][6]["geometry"] = None
    assert len(_findings(data)) == 3


def test_html_in_names_is_accepted_as_data():
    data = _good()
    data["features"][0]["properties"]["name_zh"] = "<script>alert(1)</script>"
    assert _findings(data) == []


def test_broken_file_loads_as_not_ok_without_raising(tmp_path: Path, monkeypatch):
    spec = copy.copy(SPEC)
    bad = tmp_path / SPEC.file
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(type(spec), "path", property(lambda self: bad))
    layer = load_layer(spec)
    assert not layer.ok and layer.data is None
    assert "invalid JSON" in str(layer.findings[0])
