"""Cards shown outside the map (search results without a position, the project table) read
like the map's popups: labelled fields, words in the UI language, names instead of ids."""
from __future__ import annotations

from layers.web.cards import feature_card, feature_names
from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer

CATALOGUE = load_catalogue()
DATA = {spec.id: load_layer(spec).data for spec in CATALOGUE.layers}


def _props(layer_id: str, fid: str) -> dict:
    return next(f["properties"] for f in DATA[layer_id]["features"] if f["properties"]["id"] == fid)


def test_an_unlocated_project_card_is_labelled_and_names_its_features():
    spec = CATALOGUE.get("major_projects")
    rows = dict(feature_card(spec, _props("major_projects", "proj_07"), "zh", feature_names(CATALOGUE, DATA, "zh")))
    assert rows["牵头单位"] == "南浔区"
    assert rows["名称"] == "长三角未来食品产业园项目"
    assert "长三角未来食品产业园" in rows["涉及要素"] and "park_" not in rows["涉及要素"]


def test_english_card_uses_english_labels_and_enum_words():
    spec = CATALOGUE.get("rail_lines")
    rows = dict(feature_card(spec, _props("rail_lines", "rail_yihu"), "en", feature_names(CATALOGUE, DATA, "en")))
    assert rows["Status"] == "planned" and rows["Kind"] == "high-speed"
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in rows)
