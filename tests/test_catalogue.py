"""Catalogue integrity: every entry parses, its file exists and validates."""
from __future__ import annotations

import copy
import json

import pytest

from layers.model.catalogue import CatalogueError, load_catalogue, parse_catalogue
from layers.io.loader import load_layer
from layers.settings import CATALOGUE_FILE

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("spec", CATALOGUE.layers, ids=lambda s: s.id)
def test_every_layer_file_exists_and_validates(spec):
    assert spec.path.exists(), f"{spec.file} missing for catalogue entry {spec.id}"
    layer = load_layer(spec)
    assert layer.ok, "\n".join(str(f) for f in layer.findings)
    assert layer.data["features"], f"{spec.id} has no features"


def test_ids_are_unique_across_layers():
    seen: dict[str, str] = {}
    for spec in CATALOGUE.layers:
        for feature in load_layer(spec).data["features"]:
            fid = feature["properties"]["id"]
            assert fid not in seen, f"id {fid} in both {seen.get(fid)} and {spec.id}"
            seen[fid] = spec.id


def test_every_layer_has_titles_in_both_languages_and_a_known_group():
    for spec in CATALOGUE.layers:
        assert spec.title_zh and spec.title_en
        assert spec.group in CATALOGUE.groups


def _raw():
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate, expected", [
    (lambda r: r["layers"][0].update(group="nowhere"), "unknown group 'nowhere'"),
    (lambda r: r["layers"][0].update(tooltip=["nope"]), "tooltip field 'nope'"),
    (lambda r: r["layers"][0].update(geometry="Circle"), "geometry must be one of"),
    (lambda r: r["layers"][0]["style"].update(colour="#f00"), "unknown key 'style.colour' — did you mean 'color'?"),
    (lambda r: r["layers"][0].update(visibel=True), "unknown key 'visibel' — did you mean 'visible'?"),
    (lambda r: r["layers"][0].update(tooltips=["name"]), "unknown key 'tooltips' — did you mean 'tooltip'?"),
    (lambda r: r["layers"][0].update(roles=["readonly"]), "unknown role 'readonly' — did you mean 'read_only'?"),
    (lambda r: r["layers"][0]["properties"]["adcode"].update(refers_to="distrcts"), "did you mean 'districts'?"),
    (lambda r: r["layers"].append(copy.deepcopy(r["layers"][0])), "appears twice"),
    (lambda r: r["layers"][0].pop("file"), "missing key 'file'"),
])
def test_malformed_entries_fail_with_the_entry_named(mutate, expected):
    raw = _raw()
    mutate(raw)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(raw)
    assert expected in str(info.value)


def test_every_problem_is_reported_at_once_with_entry_and_key():
    raw = _raw()
    raw["layers"][0]["visibel"] = True
    raw["layers"][3]["group"] = "transprot"
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(raw)
    found = {(f.feature_id, f.field) for f in info.value.findings}
    assert found == {(raw["layers"][0]["id"], "visibel"), (raw["layers"][3]["id"], "group")}
    assert "did you mean 'transport'?" in str(info.value)


def test_roles_replace_layer_names_in_generic_code():
    assert CATALOGUE.reference_boundary().id == "districts"
    assert not CATALOGUE.get("districts").editable and not CATALOGUE.get("overlay_hubs").editable
    assert CATALOGUE.get("rail_stations").editable
    assert CATALOGUE.is_bulk_group("overlay_2024") and not CATALOGUE.is_bulk_group("transport")
    assert CATALOGUE.get("major_projects").linked_records.via == "related_ids"


def test_a_plan_on_reference_layers_only_keeps_the_boundary_group_and_the_plan():
    """The compare page draws each plan over the reference boundary's group (districts,
    neighbours, water) only, so the two frameworks are what differs between the maps."""
    plan = CATALOGUE.plan_layers("2019", reference_only=True)
    group = CATALOGUE.reference_boundary().group
    assert "districts" in plan and "overlay_2019_directions" in plan and "overlay_2024_belt" not in plan
    assert all(CATALOGUE.get(i).group in (group, "overlay_2019") for i in plan)
    assert set(plan) < set(CATALOGUE.plan_layers("2019"))
