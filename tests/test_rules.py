"""Rules across layers and the recipe schema: `validate` reports them, a save is refused when it
breaks one, and a save of a base layer rebuilds the overlays built from it."""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layers import settings
from layers.model.catalogue import load_catalogue
from layers.editing.editing import load_for_edit, save_layer
from layers.model.findings import LayerError
from layers.io.loader import load_layer
from layers.model.recipes import check_recipes
from layers.checks.rules import check_rules
from layers.plans.overlay_build import overlay_findings

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue()


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **env})


@pytest.fixture()
def geodata(tmp_path, monkeypatch) -> Path:
    """A copy of the data that saves and the CLI can change freely."""
    folder = tmp_path / "geodata"
    shutil.copytree(settings.GEODATA_DIR, folder, ignore=shutil.ignore_patterns(".history"))
    monkeypatch.setattr(settings, "GEODATA_DIR", folder)
    return folder


def _datasets() -> dict[str, dict]:
    return {spec.id: copy.deepcopy(load_layer(spec).data) for spec in CATALOGUE.layers}


def _feature(data: dict, fid: str) -> dict:
    return next(f for f in data["features"] if f["properties"]["id"] == fid)


def _move(feature: dict, dlon: float, dlat: float) -> None:
    lon, lat = feature["geometry"]["coordinates"]
    feature["geometry"]["coordinates"] = [round(lon + dlon, 6), round(lat + dlat, 6)]


def test_the_committed_data_breaks_no_rule():
    datasets = _datasets()
    assert [str(f) for f in check_rules(CATALOGUE, datasets) + overlay_findings(CATALOGUE, datasets)] == []


def test_a_station_dragged_into_tongxiang_is_reported_off_its_line_and_out_of_its_district():
    data = _datasets()
    _move(_feature(data["rail_stations"], "stn_huzhou_east"), 0.25, -0.2)  # into 桐乡市, ~33 km, 6 km past the border
    found = check_rules(CATALOGUE, data)
    findings = {(f.feature_id, f.field): f.message for f in found}
    line_messages = [f.message for f in found if (f.feature_id, f.field) == ("stn_huzhou_east", "lines")]
    assert any("km from 'rail_husuhu'" in m for m in line_messages)
    assert "lies outside every feature of 'districts', but 'district_zh' says '吴兴区'" in findings[("stn_huzhou_east", "district_zh")]
    assert "'in_huzhou' is true" in findings[("stn_huzhou_east", "in_huzhou")]


def test_station_lists_and_order_are_checked():
    data = _datasets()
    line = _feature(data["rail_lines"], "rail_husuhu")
    stations = line["properties"]["stations"]
    line["properties"]["stations"] = [s for s in stations if s != "湖州东"]
    messages = [f.message for f in check_rules(CATALOGUE, data)]
    assert any("'湖州东' is not in its list" in m for m in messages)
    line["properties"]["stations"] = [*stations[:-2], stations[-1], stations[-2]]  # 湖州 before 湖州东
    messages = [f.message for f in check_rules(CATALOGUE, data)]
    assert any("order does not follow the line" in m for m in messages)


def test_an_id_used_in_two_layers_is_reported():
    data = _datasets()
    _feature(data["airports"], data["airports"]["features"][0]["properties"]["id"])["properties"]["id"] = "stn_huzhou"
    found = [f for f in check_rules(CATALOGUE, data) if f.field == "id"]
    assert found and "also used in layer" in found[0].message


def test_validate_reports_a_dragged_station_and_exits_non_zero(geodata):
    path = geodata / "rail_stations.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    _move(_feature(data, "stn_huzhou_east"), 0.18, -0.16)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = _cli("validate", HZ_GEODATA_DIR=str(geodata))
    assert result.returncode == 1, result.stdout
    assert "stn_huzhou_east" in result.stdout and "km from 'rail_husuhu'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_save_that_drags_a_station_off_its_line_is_refused_and_nothing_is_written(geodata):
    spec = CATALOGUE.get("rail_stations")
    data, version = load_for_edit(spec)
    before = spec.path.read_bytes()
    _move(_feature(data, "stn_huzhou_east"), 0.18, -0.16)
    with pytest.raises(LayerError) as info:
        save_layer(spec, data, version, "wang")
    assert {f.field for f in info.value.findings} >= {"lines", "district_zh"}
    assert spec.path.read_bytes() == before


def test_a_save_rebuilds_the_overlays_built_from_that_layer(geodata):
    spec = CATALOGUE.get("partner_cities")
    arrows = geodata / "overlay_2019_directions.geojson"
    before = arrows.read_text(encoding="utf-8")
    data, version = load_for_edit(spec)
    _move(_feature(data, "city_wuxi"), 0.3, 0.1)  # the "north" arrow points at Wuxi
    save_layer(spec, data, version, "wang")
    assert arrows.read_text(encoding="utf-8") != before
    assert _cli("build-overlays", "--check", HZ_GEODATA_DIR=str(geodata)).returncode == 0


RECIPE = {"id": "ov_test", "kind": "rings", "from": "stn_huzhou", "radii_m": [5000], "name_zh": "测试",
          "name_en": "Test", "clause_zh": "条文", "clause_en": "Clause", "clause_ref": "ref"}


def _recipes_with(recipe: dict) -> dict:
    raw = json.loads(settings.RECIPES_FILE.read_text(encoding="utf-8"))
    raw["overlay_hubs"] = [recipe]
    return raw


@pytest.mark.parametrize("change, key, words", [
    ({"kind": "ringz"}, "kind", "did you mean 'rings'?"),
    ({"radii_m": None}, "radii_m", "missing key 'radii_m'"),
    ({"radii_m": [-5]}, "radii_m", "should be a list of metres"),
    ({"from": "stn_nowhere"}, "from", "unknown feature 'stn_nowhere'"),
    ({"widht_m": 3}, "widht_m", "unknown key 'widht_m'"),
])
def test_a_bad_recipe_is_a_finding_naming_file_entry_and_key(change, key, words):
    recipe = {k: v for k, v in {**RECIPE, **change}.items() if v is not None}
    ids = {f["properties"]["id"] for data in _datasets().values() for f in data["features"]}
    findings = check_recipes(_recipes_with(recipe), CATALOGUE, "overlay_recipes.json", ids)
    assert len(findings) == 1, findings
    (finding,) = findings
    assert finding.file == "overlay_recipes.json" and finding.field == key and "ov_test" in finding.feature_id
    assert words in str(finding)


def test_validate_reports_a_bad_recipe_without_a_traceback(tmp_path):
    recipe = {**RECIPE, "kind": "ringz"}
    path = tmp_path / "overlay_recipes.json"
    path.write_text(json.dumps(_recipes_with(recipe), ensure_ascii=False), encoding="utf-8")
    result = _cli("validate", HZ_RECIPES=str(path))
    assert result.returncode == 1
    assert "overlay_recipes.json, entry overlay_hubs[0] (ov_test), field 'kind'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_reports_an_unknown_catalogue_key_without_a_traceback(tmp_path):
    raw = json.loads(settings.CATALOGUE_FILE.read_text(encoding="utf-8"))
    raw["layers"][2]["visibel"] = True
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    result = _cli("validate", HZ_CATALOGUE=str(path))
    assert result.returncode == 1
    assert f"entry #2 (id={raw['layers'][2]['id']}), field 'visibel'" in result.stdout
    assert "did you mean 'visible'?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
