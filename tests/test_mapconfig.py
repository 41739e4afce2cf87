"""The published configuration the browser draws every layer from."""
import json

from layers.web import mapconfig
from layers.model.catalogue import load_catalogue
from layers.web import assets
from layers.settings import STATIC_URL
from layers.web.session import LayerRegistry

CATALOGUE = load_catalogue()


def _published(url):
    assert url.startswith(f"{STATIC_URL}/hz/mapconfig.")
    return json.loads((assets.HZ_DIR / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))


def test_every_catalogue_layer_is_configured_in_draw_order():
    registry = LayerRegistry()
    config = _published(mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False))
    ids = [s.id for s in sorted(CATALOGUE.layers, key=lambda s: s.order)]
    assert config["order"] == ids
    districts = config["layers"]["districts"]
    assert districts["title"] == "湖州五区县" and districts["url"].endswith(".geojson")
    assert districts["gcj"] is False and config["legend_title"] == "图例"


def test_language_and_gcj_give_their_own_configuration():
    registry = LayerRegistry()
    zh = mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False)
    en = mapconfig.map_config_url(CATALOGUE, registry, "en", gcj=True)
    assert zh != en
    config = _published(en)
    assert config["layers"]["districts"]["title_field"] == "name_en"
    assert all(cfg["gcj"] for cfg in config["layers"].values())


def test_station_lines_are_named_in_the_configuration():
    registry = LayerRegistry()
    config = _published(mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False))
    lines = config["layers"]["rail_stations"]["value_labels"]["lines"]
    assert lines["rail_husuhu"] == "沪苏湖高铁"


def test_configuration_is_republished_when_a_layer_changes(geodata_copy, monkeypatch):
    import layers.settings as settings_module

    monkeypatch.setattr(settings_module, "GEODATA_DIR", geodata_copy)
    registry = LayerRegistry()
    before = mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False)
    path = geodata_copy / "partner_cities.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name_zh"] = "改名测试"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False)
    assert after != before
    assert _published(after)["layers"]["partner_cities"]["url"] != _published(before)["layers"]["partner_cities"]["url"]


def test_a_park_popup_names_the_major_project_that_concerns_it():
    registry = LayerRegistry()
    config = _published(mapconfig.map_config_url(CATALOGUE, registry, "zh", gcj=False))
    parks = config["layers"]["industrial_parks"]
    assert parks["referenced_by_title"] == CATALOGUE.get("major_projects").title("zh")
    lines = parks["referenced_by"]["park_pan_semiconductor"]
    assert any(line.startswith("6. 长三角泛半导体新材料产业园项目") and "（南浔区）" in line for line in lines)
    assert config["layers"]["partner_cities"]["referenced_by"] is None  # no project concerns a partner city


def test_published_configuration_is_the_documented_contract():
    from layers.web.contract import LayerConfig, LeafletSymbol, LegendRow, MapConfig

    config = _published(mapconfig.map_config_url(CATALOGUE, LayerRegistry(), "en", gcj=False))
    assert set(config) == set(MapConfig.__annotations__)
    for layer in config["layers"].values():
        assert set(layer) == set(LayerConfig.__annotations__), layer["id"]
        for row in layer["legend"]:
            assert set(row) == set(LegendRow.__annotations__)
            assert set(row["symbol"]) == set(LeafletSymbol.__annotations__)
            assert row["label"].startswith(layer["title"])  # the layer title (+ value words), never an id
