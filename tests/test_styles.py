"""One style resolver: the web map, the web legend, the PNG and the PNG legend draw the same
resolved symbols."""
from __future__ import annotations

import json

import pytest

from layers.web import assets
from layers.model.catalogue import load_catalogue
from layers.printing.exports import export_png
from layers.io.loader import load_layer
from layers.web.mapconfig import map_config
from layers.printing.printmap import ExportRequest
from layers.web.session import LayerRegistry
from layers.settings import STATIC_URL
from layers.model.styles import DEFAULTS, legend_entries, resolve

CATALOGUE = load_catalogue()


@pytest.fixture()
def views(tmp_path, monkeypatch):
    monkeypatch.setattr("layers.web.assets.LAYER_DATA_DIR", tmp_path / "static_layers")
    registry = LayerRegistry()
    return {spec.id: registry.view(spec) for spec in CATALOGUE.layers}


def load_layer_data(layer_id: str) -> dict:
    return load_layer(CATALOGUE.get(layer_id)).data


def _feature(layer_id: str, fid: str) -> dict:
    return next(f for f in load_layer_data(layer_id)["features"] if f["properties"]["id"] == fid)


def test_planned_lines_resolve_dashed_and_operating_lines_solid():
    spec = CATALOGUE.get("rail_lines")
    planned = resolve(spec, _feature("rail_lines", "rail_yihu")["properties"])
    operating = resolve(spec, _feature("rail_lines", "rail_husuhu")["properties"])
    assert planned.dash_array and not operating.dash_array
    assert planned.color == operating.color  # same kind, different status


def test_a_style_leaves_nothing_undefined():
    symbol = resolve(CATALOGUE.get("districts"), {})
    assert all(getattr(symbol, key) is not None for key in DEFAULTS if key not in ("fill_color", "dash_array"))


def test_a_layer_with_nothing_drawn_has_no_legend_entry():
    spec = CATALOGUE.get("major_projects")  # every project is unlocated today
    features = load_layer_data("major_projects")["features"]
    assert all(f["geometry"] is None for f in features)
    assert legend_entries(spec, features, "zh") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_web_legend_and_png_legend_list_the_same_entries(views, lang):
    layer_ids = ["districts", "rail_lines", "rail_stations", "waterways", "overlay_2019_belts", "major_projects"]
    config = map_config(CATALOGUE, views, lang, False)
    ordered = sorted(layer_ids, key=lambda i: CATALOGUE.get(i).order)
    web = [entry["label"] for i in ordered for entry in config["layers"][i]["legend"]]
    png = export_png(CATALOGUE, ExportRequest(layers=layer_ids, lang=lang)).legend
    assert web == png
    assert len(web) > len(layer_ids) - 1  # style_by values give their own entries (lines by status)


def test_the_browser_copy_carries_each_features_symbol(views):
    view = views["rail_lines"]
    config = map_config(CATALOGUE, views, "zh", False)["layers"]["rail_lines"]
    published_file = assets.LAYER_DATA_DIR / view.url.removeprefix(f"{STATIC_URL}/layers/")
    published = json.loads(published_file.read_text(encoding="utf-8"))
    for feature in published["features"]:
        expected = resolve(CATALOGUE.get("rail_lines"), feature["properties"]).leaflet()
        assert config["symbols"][feature["properties"]["__sym"]] == expected


def test_a_legend_never_shows_an_internal_id():
    spec = CATALOGUE.get("overlay_2019_belts")  # styled per feature id
    features = load_layer_data("overlay_2019_belts")["features"]
    for lang in ("zh", "en"):
        labels = [e.label for e in legend_entries(spec, features, lang)]
        assert labels and not any(f["properties"]["id"] in label for f in features for label in labels), labels


def test_schematic_geometry_is_drawn_and_listed_as_schematic():
    """A waterway of straight segments and a district-level park are dotted, faded and hollow, and
    their legend rows say 示意（非实测）; a real OSM alignment that mentions a short schematic
    connector is not."""
    from layers.model.styles import SCHEMATIC_DASH, is_schematic

    rail = CATALOGUE.get("rail_lines")
    real = _feature("rail_lines", "rail_husuhu")
    assert "schematic" in real["properties"]["accuracy"] and not is_schematic(rail, real["properties"])
    parks = CATALOGUE.get("industrial_parks")
    stand_in = {"accuracy": "district-level, schematic: a point on the boundary", "status": "operating"}
    surveyed = {**stand_in, "accuracy": "town centre of 千金镇 per Vonng/adcode"}
    hollow, solid = resolve(parks, stand_in), resolve(parks, surveyed)
    assert hollow.dash_array == SCHEMATIC_DASH and hollow.fill_color is None and solid.fill_color is not None
    assert hollow.opacity < solid.opacity
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [119.9, 30.9]}}
    rows = legend_entries(parks, [{**feature, "properties": stand_in}, {**feature, "properties": surveyed}], "zh")
    assert sum("示意（非实测）" in r.label for r in rows) == 1 and len(rows) == 2
    rows_en = legend_entries(parks, [{**feature, "properties": stand_in}], "en")
    assert "schematic (not surveyed)" in rows_en[0].label
