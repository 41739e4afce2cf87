"""The layer catalogue: one declarative entry per layer, read from catalogue.json.

Adding a layer means one entry in catalogue.json plus one GeoJSON file in geodata/.
The JSON is checked on load (like xyzservices' registry) so a typo in an entry fails
loudly with the entry's id, instead of as a blank layer in the browser.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .paths import CATALOGUE_FILE, GEODATA_DIR

PROPERTY_TYPES = {"string", "integer", "number", "boolean", "string_list"}
# Each catalogue geometry kind admits the single and the Multi form.
GEOMETRY_KINDS = {
    "Point": {"Point", "MultiPoint"},
    "LineString": {"LineString", "MultiLineString"},
    "Polygon": {"Polygon", "MultiPolygon"},
}
STYLE_KEYS = {"color", "weight", "opacity", "fill_color", "fill_opacity", "dash_array",
              "radius", "label", "label_min_zoom", "label_position"}


class CatalogueError(ValueError):
    """catalogue.json is malformed; the message names the entry and key."""


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    required: bool
    label_zh: str
    label_en: str
    enum: tuple[str, ...] | None = None
    refers_to: str | None = None  # values are feature ids of this layer ("*": of any layer)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class LayerSpec:
    id: str
    title_zh: str
    title_en: str
    group: str
    geometry: str
    file: str
    properties: tuple[PropertySpec, ...]
    style: dict[str, Any]
    style_by: tuple[dict[str, Any], ...]  # rules applied in order: {"property", "values": {value: style}}
    tooltip: tuple[str, ...]
    popup: tuple[str, ...]
    visible: bool
    order: int
    description_zh: str = ""
    description_en: str = ""
    allow_unlocated: bool = False  # features may have null geometry ("accuracy": "unlocated: …")
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def path(self) -> Path:
        return GEODATA_DIR / self.file

    def property(self, name: str) -> PropertySpec | None:
        return next((p for p in self.properties if p.name == name), None)

    def localized_field(self, name: str, lang: str) -> str:
        """'role' → 'role_zh'/'role_en' when the layer has bilingual variants of a field."""
        candidate = f"{name}_{lang}"
        return candidate if self.property(candidate) else name

    def style_for(self, props: dict[str, Any]) -> dict[str, Any]:
        """Base style, overridden per value of one property (e.g. planned lines dashed)."""
        style = dict(self.style)
        for rule in self.style_by:
            style.update(rule["values"].get(str(props.get(rule["property"])), {}))
        return style


@dataclass(frozen=True)
class Catalogue:
    groups: dict[str, dict[str, str]]
    layers: tuple[LayerSpec, ...]

    def get(self, layer_id: str) -> LayerSpec:
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        known = ", ".join(s.id for s in self.layers)
        raise KeyError(f"unknown layer '{layer_id}'; known layers: {known}")

    def by_group(self) -> dict[str, list[LayerSpec]]:
        grouped: dict[str, list[LayerSpec]] = {g: [] for g in self.groups}
        for spec in sorted(self.layers, key=lambda s: s.order):
            grouped[spec.group].append(spec)
        return grouped

    def group_title(self, group: str, lang: str) -> str:
        return self.groups[group][lang]


def _require(entry: dict, key: str, where: str) -> Any:
    if key not in entry:
        raise CatalogueError(f"{where}: missing key '{key}'")
    return entry[key]


def _parse_properties(raw_sets: dict, entry: dict, where: str) -> tuple[PropertySpec, ...]:
    merged: dict[str, dict] = {}
    for set_name in entry.get("property_sets", []):
        if set_name not in raw_sets:
            raise CatalogueError(f"{where}: unknown property set '{set_name}'")
        merged.update(raw_sets[set_name])
    merged.update(entry.get("properties", {}))
    specs = []
    for name, raw in merged.items():
        ptype = raw.get("type", "string")
        if ptype not in PROPERTY_TYPES:
            raise CatalogueError(f"{where}: property '{name}' has unknown type '{ptype}'")
        label = raw.get("label", {})
        enum = raw.get("enum")
        specs.append(PropertySpec(name=name, type=ptype, required=bool(raw.get("required", False)),
                                  label_zh=label.get("zh", name), label_en=label.get("en", name),
                                  enum=tuple(enum) if enum else None, refers_to=raw.get("refers_to")))
    return tuple(specs)


def _parse_layer(raw_sets: dict, groups: dict, entry: dict) -> LayerSpec:
    layer_id = _require(entry, "id", "catalogue entry")
    where = f"catalogue entry '{layer_id}'"
    title = _require(entry, "title", where)
    group = _require(entry, "group", where)
    if group not in groups:
        raise CatalogueError(f"{where}: unknown group '{group}' (known: {', '.join(groups)})")
    geometry = _require(entry, "geometry", where)
    if geometry not in GEOMETRY_KINDS:
        raise CatalogueError(f"{where}: geometry must be one of {sorted(GEOMETRY_KINDS)}")
    style = _require(entry, "style", where)
    unknown_style = set(style) - STYLE_KEYS
    if unknown_style:
        raise CatalogueError(f"{where}: unknown style keys {sorted(unknown_style)}")
    properties = _parse_properties(raw_sets, entry, where)
    names = {p.name for p in properties}
    for key in ("tooltip", "popup"):
        for fname in entry.get(key, []):
            if fname not in names and f"{fname}_zh" not in names:
                raise CatalogueError(f"{where}: {key} field '{fname}' is not a declared property")
    style_by = entry.get("style_by", [])
    if isinstance(style_by, dict):
        style_by = [style_by]
    for rule in style_by:
        if rule.get("property") not in names:
            raise CatalogueError(f"{where}: style_by property '{rule.get('property')}' not declared")
        for value, override in rule.get("values", {}).items():
            if set(override) - STYLE_KEYS:
                raise CatalogueError(f"{where}: style_by value '{value}' has unknown style keys")
    file_name = _require(entry, "file", where)
    if not file_name.endswith(".geojson") or "/" in file_name:
        raise CatalogueError(f"{where}: file must be a bare '<name>.geojson' inside geodata/")
    description = entry.get("description", {})
    known = {"id", "title", "group", "geometry", "file", "property_sets", "properties", "style",
             "style_by", "tooltip", "popup", "visible", "order", "description", "allow_unlocated"}
    return LayerSpec(
        id=layer_id, title_zh=title["zh"], title_en=title["en"], group=group, geometry=geometry,
        file=file_name, properties=properties, style=style, style_by=tuple(style_by),
        tooltip=tuple(entry.get("tooltip", [])), popup=tuple(entry.get("popup", [])),
        visible=bool(entry.get("visible", False)), order=int(_require(entry, "order", where)),
        description_zh=description.get("zh", ""), description_en=description.get("en", ""),
        allow_unlocated=bool(entry.get("allow_unlocated", False)),
        extra={k: v for k, v in entry.items() if k not in known},
    )


def parse_catalogue(raw: dict) -> Catalogue:
    groups = _require(raw, "groups", "catalogue")
    raw_sets = raw.get("property_sets", {})
    layers = tuple(_parse_layer(raw_sets, groups, e) for e in _require(raw, "layers", "catalogue"))
    seen: set[str] = set()
    for spec in layers:
        if spec.id in seen:
            raise CatalogueError(f"catalogue: layer id '{spec.id}' appears twice")
        seen.add(spec.id)
    return Catalogue(groups=groups, layers=layers)


@lru_cache(maxsize=1)
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    with path.open(encoding="utf-8") as handle:
        return parse_catalogue(json.load(handle))
