"""A feature's popup card as rows of (label, text) in the UI language: what the map's popups
show, for places that are not the map (a search result without a position, the project table).
Field labels from the catalogue, enum values through the string table, ids of other features
as their names: never raw JSON."""
from __future__ import annotations

from typing import Any

from layers.model.catalogue import Catalogue, LayerSpec
from layers.web.webmap import value_labels


def _text(value: Any, words: dict[str, str], names: dict[str, str]) -> str:
    values = value if isinstance(value, list) else [value]
    return "、".join(words.get(str(v)) or names.get(str(v)) or str(v) for v in values)


def feature_names(catalogue: Catalogue, datasets: dict[str, dict], lang: str) -> dict[str, str]:
    """Feature id → name in the UI language, across layers (for properties holding ids)."""
    out = {}
    for spec in catalogue.layers:
        field = spec.localized_field("name", lang)
        for feature in (datasets.get(spec.id) or {}).get("features", []):
            props = feature["properties"]
            out[props["id"]] = props.get(field) or props["id"]
    return out


def feature_card(spec: LayerSpec, props: dict[str, Any], lang: str,
                 names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The layer's popup fields that have a value, labelled and worded as on the map."""
    enum_words = value_labels(spec, lang)
    rows = []
    for name in spec.popup:
        key = spec.localized_field(name, lang)
        value = props.get(key)
        if value is None or value == "" or value == []:
            continue
        prop = spec.property(key)
        rows.append((prop.label(lang) if prop else key, _text(value, enum_words.get(key, {}), names or {})))
    return rows
