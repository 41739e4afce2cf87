"""Hostile input is a finding or a message, never a traceback: broken layer files, URL values,
export titles, a GCJ-02-shifted boundary layer, unclosed rings, and the CLI on all of them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layers import settings
from layers.model.catalogue import load_catalogue
from layers.geo.crs import shift_geometry, wgs84_to_gcj02
from layers.model.findings import LayerError
from layers.io.loader import load_layer, validate_layer_data
from layers.model.storage import read_geojson
from layers.web.urlstate import parse

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue()
LANGS = ("zh", "en")
LAYERS = {s.id for s in CATALOGUE.layers}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **env})


BROKEN = {
    "deep.geojson": "[" * 100_000 + "]" * 100_000,
    "huge_number.geojson": '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},'
                           '"geometry":{"type":"Point","coordinates":[1' + "0" * 5000 + ',30]}}]}',
    "nan.geojson": '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},'
                   '"geometry":{"type":"Point","coordinates":[NaN,Infinity]}}]}',
    "truncated.geojson": '{"type":"FeatureCollection","features":[{"type":"Feat',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_a_finding_not_an_exception(tmp_path, name):
    path = tmp_path / name
    path.write_text(BROKEN[name], encoding="utf-8")
    with pytest.raises(LayerError) as info:
        read_geojson(path)
    assert info.value.findings and info.value.findings[0].file == name


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_validate_and_fmt_report_a_broken_layer_without_a_traceback(tmp_path, name):
    geodata = tmp_path / "geodata"
    shutil.copytree(settings.GEODATA_DIR, geodata, ignore=shutil.ignore_patterns(".history", ".save.lock"))
    target = geodata / "partner_cities.geojson"
    target.write_text(BROKEN[name], encoding="utf-8")
    for command in (["validate"], ["fmt"], ["fmt", "--check"]):
        result = _cli(*command, HZ_GEODATA_DIR=str(geodata))
        assert result.returncode != 0, command
        assert "Traceback" not in result.stdout + result.stderr, (command, result.stderr[-500:])
        assert "partner_cities.geojson" in result.stdout + result.stderr
    assert target.read_text(encoding="utf-8") == BROKEN[name]  # fmt never rewrites what it cannot read


def test_a_broken_layer_leaves_every_other_layer_loadable(tmp_path, monkeypatch):
    geodata = tmp_path / "geodata"
    shutil.copytree(settings.GEODATA_DIR, geodata, ignore=shutil.ignore_patterns(".history", ".save.lock"))
    (geodata / "partner_cities.geojson").write_text(BROKEN["deep.geojson"], encoding="utf-8")
    monkeypatch.setattr(settings, "GEODATA_DIR", geodata)
    results = {spec.id: load_layer(spec) for spec in CATALOGUE.layers}
    assert not results["partner_cities"].ok and results["partner_cities"].findings
    assert all(layer.ok for layer_id, layer in results.items() if layer_id != "partner_cities")


def test_fmt_output_is_always_strict_json(tmp_path):
    data = json.loads((settings.GEODATA_DIR / "partner_cities.geojson").read_text(encoding="utf-8"))
    target = tmp_path / "partner_cities.geojson"
    target.write_text(json.dumps(data, indent=3), encoding="utf-8")
    assert _cli("fmt", str(target)).returncode == 0

    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    json.loads(target.read_text(encoding="utf-8"), parse_constant=refuse)


def test_an_unclosed_ring_is_reported_with_feature_and_ring():
    spec = CATALOGUE.get("districts")
    data = json.loads((settings.GEODATA_DIR / "districts.geojson").read_text(encoding="utf-8"))
    geometry = data["features"][1]["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    ring.pop()  # the closing position
    findings = [f for f in validate_layer_data(spec, data) if "not closed" in f.message]
    assert findings and findings[0].feature_index == 1 and "ring 0" in findings[0].message


def test_a_districts_layer_shifted_into_gcj02_is_caught():
    spec = CATALOGUE.get("districts")
    data = json.loads((settings.GEODATA_DIR / "districts.geojson").read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["geometry"] = shift_geometry(feature["geometry"], wgs84_to_gcj02)
    messages = [f.message for f in validate_layer_data(spec, data)]
    assert any("GCJ-02" in m for m in messages)
    clean = json.loads((settings.GEODATA_DIR / "districts.geojson").read_text(encoding="utf-8"))
    assert not any("GCJ-02" in f.message for f in validate_layer_data(spec, clean))


@pytest.mark.parametrize("params, problem", [
    ({"zoom": "1e309"}, "zoom"),
    ({"zoom": "nan"}, "zoom"),
    ({"zoom": "-inf"}, "zoom"),
    ({"center": "inf,120"}, "center"),
    ({"center": "nan,nan"}, "center"),
    ({"center": "30.8," + "9" * 5000}, "center"),
    ({"layers": "x" * 100_000}, "layers"),
    ({"basemap": "<script>"}, "basemap"),
    ({"lang": "fr"}, "lang"),
])
def test_url_values_are_parsed_defensively_and_reported(params, problem):
    state = parse(params, LAYERS, ["none", "osm"], LANGS)
    assert state.zoom is None and state.center is None
    assert any(problem in p for p in state.problems)
    assert all(len(p) < 200 for p in state.problems)  # a huge value is not echoed back whole


def test_export_titles_with_mathtext_render_as_text():
    from layers.printing.exports import export_png
    from layers.printing.printmap import ExportRequest

    result = export_png(CATALOGUE, ExportRequest(layers=["districts"], title=r"$\foo$ 湖州 $x^2$",
                                                 subtitle="100% $"))
    assert result.png.startswith(b"\x89PNG")
