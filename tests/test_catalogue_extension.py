"""Adding a plain layer or a plan overlay is data plus catalogue/recipe entries, nothing else:
a throwaway catalogue, data folder and recipe file, run through the same code the app uses."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from layers import settings
from layers.model.catalogue import parse_catalogue
from layers.web.mapconfig import map_config
from layers.plans.overlay_build import build_overlays
from layers.web.session import LayerRegistry

REPO = Path(__file__).resolve().parent.parent

PLAIN = {"id": "test_schools", "title": {"zh": "学校", "en": "Schools"}, "group": "base", "geometry": "Point",
         "file": "test_schools.geojson", "property_sets": ["common"], "order": 60,
         "style": {"color": "#123456", "fill_color": "#abcdef", "radius": 4}, "tooltip": ["name"]}
OVERLAY = {"id": "overlay_test_school_rings", "title": {"zh": "学校服务圈", "en": "School catchments"},
           "group": "overlay_hubs", "geometry": "Polygon", "file": "overlay_test_school_rings.geojson",
           "property_sets": ["common", "overlay"], "properties": {"radius_m": {"type": "number"}},
           "roles": ["derived"], "allow_unlocated": True, "order": 81, "style": {"color": "#654321"}}
SCHOOL = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.09, 30.87]},
          "properties": {"id": "school_1", "name_zh": "一中", "name_en": "No. 1 School", "source": "test fixture"}}
RECIPE = {"id": "ov_school_1", "kind": "rings", "from": "school_1", "radii_m": [2000], "name_zh": "一中服务圈",
          "name_en": "No. 1 School catchment", "clause_zh": "条文", "clause_en": "Clause", "clause_ref": "test"}


def test_a_new_plain_layer_and_a_new_overlay_need_only_entries_and_data(tmp_path, monkeypatch):
    geodata = tmp_path / "geodata"
    shutil.copytree(settings.GEODATA_DIR, geodata, ignore=shutil.ignore_patterns(".history"))
    (geodata / "test_schools.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [SCHOOL]},
                                                             ensure_ascii=False), encoding="utf-8")
    raw = json.loads(settings.CATALOGUE_FILE.read_text(encoding="utf-8"))
    raw["layers"] += [PLAIN, OVERLAY]
    catalogue_file = tmp_path / "catalogue.json"
    catalogue_file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    recipes = json.loads(settings.RECIPES_FILE.read_text(encoding="utf-8"))
    recipes["overlay_test_school_rings"] = [RECIPE]
    recipes_file = tmp_path / "overlay_recipes.json"
    recipes_file.write_text(json.dumps(recipes, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(settings, "GEODATA_DIR", geodata)
    catalogue = parse_catalogue(raw)

    built = build_overlays(catalogue, recipes_file)
    (geodata / OVERLAY["file"]).write_text(built[OVERLAY["file"]], encoding="utf-8")
    ring = json.loads(built[OVERLAY["file"]])["features"][0]
    assert ring["properties"]["id"] == "ov_school_1_2km" and ring["geometry"]["type"] == "Polygon"

    env = {**os.environ, "HZ_GEODATA_DIR": str(geodata), "HZ_CATALOGUE": str(catalogue_file),
           "HZ_RECIPES": str(recipes_file)}
    result = subprocess.run([sys.executable, "-m", "layers", "validate"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    monkeypatch.setattr("layers.web.assets.LAYER_DATA_DIR", tmp_path / "static_layers")
    registry = LayerRegistry()
    config = map_config(catalogue, {s.id: registry.view(s) for s in catalogue.layers}, "zh", False)
    assert config["layers"]["test_schools"]["url"] and config["layers"]["overlay_test_school_rings"]["url"]
    assert [e["label"] for e in config["layers"]["test_schools"]["legend"]] == ["学校"]
