"""Catalogue integrity: every entry parses, its file exists and validates."""
from __future__ import annotations

import copy
import json

import pytest

from layers.catalogue import CatalogueError, load_catalogue, parse_catalogue
from layers.loader import load_layer
from layers.paths import CATALOGUE_FILE

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
    (lambda r: r["layers"][0]["style"].update(colour="#f00"), "unknown style keys ['colour']"),
    (lambda r: r["layers"].append(copy.deepcopy(r["layers"][0])), "appears twice"),
    (lambda r: r["layers"][0].pop("file"), "missing key 'file'"),
])
def test_malformed_entries_fail_with_the_entry_named(mutate, expected):
    raw = _raw()
    mutate(raw)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(raw)
    assert expected in str(info.value)
