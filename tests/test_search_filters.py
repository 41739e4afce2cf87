"""Search by name and the status/district filters."""
from __future__ import annotations

from shapely.geometry import shape

from layers.model.catalogue import load_catalogue
from layers.web.filters import visible_ids, visible_ids_by_layer
from layers.io.loader import load_layer
from layers.web.search import search

CATALOGUE = load_catalogue()
LOADED = [(spec, load_layer(spec).data) for spec in CATALOGUE.layers]
DATA = {spec.id: data for spec, data in LOADED}


def test_partial_chinese_and_english_names_are_found():
    ids = [m.feature_id for m in search("南浔", LOADED)]
    assert "stn_huzhou_nanxun" in ids and "nanxun" in ids
    assert search("changxing", LOADED)[0].feature_id in {"changxing", "stn_changxing"}
    assert "stn_shanghai_hongqiao" in [m.feature_id for m in search("HONGQIAO", LOADED)]


def test_exact_and_located_matches_come_first():
    first = search("长兴站", LOADED)[0]
    assert first.feature_id == "stn_changxing" and first.center is not None and first.zoom == 13
    nanxun = {m.feature_id: m for m in search("南浔", LOADED)}
    assert nanxun["stn_huzhou_nanxun"].center is not None  # on its OpenStreetMap station node
    nev = {m.feature_id: m for m in search("长兴新能源", LOADED)}
    assert nev["park_changxing_nev"].center is None  # unlocated: no position to fly to


def test_status_filter_hides_planned_lines_only():
    ids = visible_ids(DATA["rail_lines"], {"operating"}, None)
    assert "rail_ninghang" in ids and "rail_yihu" not in ids
    assert visible_ids(DATA["districts"], {"operating"}, None) is None  # no status: untouched


def test_district_filter_keeps_features_in_the_district():
    deqing = shape(next(f for f in DATA["districts"]["features"] if f["properties"]["id"] == "deqing")["geometry"])
    ids = visible_ids(DATA["rail_stations"], None, deqing)
    assert set(ids) == {"stn_deqing", "stn_deqing_west"}


def test_filters_by_layer_leave_untouched_layers_out():
    by_layer = visible_ids_by_layer({"rail_lines": DATA["rail_lines"], "districts": DATA["districts"]},
                                    {"operating"}, None)
    assert set(by_layer) == {"rail_lines"}
    assert by_layer["rail_lines"] == visible_ids(DATA["rail_lines"], {"operating"}, None)
