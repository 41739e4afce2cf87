"""Questions before a save that moved or placed geometry: the distance of a long move, the
district a point now lies in (with the fix), and the accuracy and source of a new position."""
from __future__ import annotations

import copy

import pytest

from layers.model.catalogue import load_catalogue
from layers.geo.crs import distance_m, wgs84_to_gcj02
from layers.editing.edit_checks import MOVE_CONFIRM_M, apply_fixes, lonlat_to_wgs84, save_checks
from layers.io.loader import load_layer

CATALOGUE = load_catalogue()
SPEC = CATALOGUE.get("rail_stations")
DATASETS = {s.id: load_layer(s).data for s in CATALOGUE.layers}
BASE = DATASETS["rail_stations"]


def _moved(fid: str, dlon: float, dlat: float, **props) -> dict:
    data = copy.deepcopy(BASE)
    feature = next(f for f in data["features"] if f["properties"]["id"] == fid)
    lon, lat = feature["geometry"]["coordinates"]
    feature["geometry"]["coordinates"] = [lon + dlon, lat + dlat]
    feature["properties"].update(props)
    return data


def test_a_long_drag_asks_for_confirmation_with_its_distance():
    checks = save_checks(CATALOGUE, SPEC, BASE, _moved("stn_huzhou_east", 0.2, 0.0), DATASETS)
    moved = [c for c in checks if c.kind == "moved"]
    assert len(moved) == 1 and 18 < float(moved[0].words["km"]) < 21


def test_a_small_nudge_asks_only_about_accuracy_and_source():
    checks = save_checks(CATALOGUE, SPEC, BASE, _moved("stn_huzhou_east", 0.001, 0.0), DATASETS)
    assert [c.kind for c in checks] == ["provenance"]
    assert MOVE_CONFIRM_M > 100
    revisited = _moved("stn_huzhou_east", 0.001, 0.0, accuracy="moved onto the platform per site visit 2026-12")
    assert save_checks(CATALOGUE, SPEC, BASE, revisited, DATASETS) == []


def test_a_point_dragged_into_another_district_offers_the_fix():
    data = _moved("stn_huzhou_east", 0.2, 0.0)  # 吴兴区 → 南浔区
    checks = save_checks(CATALOGUE, SPEC, BASE, data, DATASETS)
    (district,) = [c for c in checks if c.kind == "district"]
    assert district.words["new"] == "南浔区" and district.fix == {"district_zh": "南浔区"}
    fixed = apply_fixes(data, [district])
    assert next(f for f in fixed["features"] if f["properties"]["id"] == "stn_huzhou_east")["properties"][
        "district_zh"] == "南浔区"


def test_a_point_dragged_out_of_huzhou_offers_in_huzhou_false():
    checks = save_checks(CATALOGUE, SPEC, BASE, _moved("stn_huzhou_east", 0.25, -0.2), DATASETS)
    assert {"in_huzhou": False} in [c.fix for c in checks if c.kind == "district"]


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4490", "GCJ02"])
def test_typed_coordinates_in_any_offered_crs_land_in_wgs84(crs):
    lon, lat = 120.01784, 30.86494
    typed = wgs84_to_gcj02(lon, lat) if crs == "GCJ02" else (lon, lat)
    assert distance_m(*lonlat_to_wgs84(*typed, crs), lon, lat) < 1
