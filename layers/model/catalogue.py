"""The layer catalogue: one declarative entry per layer, read from catalogue.json.

Adding a layer means one entry in catalogue.json plus one GeoJSON file in geodata/. What a
layer *is for* (the city's district boundaries, derived from a recipe, read-only in the
editor, carrying records linked to other features) is declared in its entry as a role, so
generic code never tests a layer id. The JSON is checked like data (see catalogue_rules.py):
every problem becomes a Finding naming entry and key, unknown keys included.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from layers import settings
from layers.model.catalogue_rules import check_catalogue
from layers.model.findings import ERROR, Finding, LayerError
from layers.model.storage import read_geojson
# The entry types live in spec.py (styles and the catalogue checks need them without the loader);
# every caller keeps importing them from here.
from layers.model.spec import (  # noqa: F401
    CONTEXT, DERIVED, GEOMETRY_KINDS, PROPERTY_TYPES, READ_ONLY, REFERENCE_BOUNDARY, ROLES, LayerSpec,
    LinkedRecords, PropertySpec, merged_properties)

class CatalogueError(LayerError, ValueError):
    """catalogue.json (or a recipe file) is malformed; carries every finding."""


@dataclass(frozen=True)
class Catalogue:
    groups: dict[str, dict[str, Any]]
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

    def is_bulk_group(self, group: str) -> bool:
        """A plan group whose layers switch on and off together (one click per plan)."""
        return bool(self.groups[group].get("bulk"))

    def plans(self) -> list[str]:
        """The plan frameworks groups declare (e.g. '2019', '2024'), for export presets."""
        return sorted({str(g["plan"]) for g in self.groups.values() if g.get("plan")})

    def plan_layers(self, plan: str, reference_only: bool = False) -> list[str]:
        """A plan preset: the default-visible base layers plus every layer of that plan's groups.
        reference_only: of the base, only the default-visible layers of the reference boundary's
        group (districts, neighbours, water), so the plan itself stands out (the compare page)."""
        groups = {name for name, g in self.groups.items() if str(g.get("plan", "")) == plan}
        if not groups:
            raise KeyError(f"unknown plan '{plan}'; known: {', '.join(self.plans())}")
        boundary = self.reference_boundary()
        base = [s.id for s in self.layers if s.visible and not self.is_bulk_group(s.group)
                and (not reference_only or boundary is None or s.group == boundary.group)]
        return base + [s.id for s in sorted(self.layers, key=lambda s: s.order) if s.group in groups]

    def with_role(self, role: str) -> list[LayerSpec]:
        return [s for s in self.layers if role in s.roles]

    def reference_boundary(self) -> LayerSpec | None:
        """The layer holding the city's districts (declared once in the catalogue)."""
        found = self.with_role(REFERENCE_BOUNDARY)
        return found[0] if found else None


def parse_catalogue(raw: Any, file_name: str = "catalogue.json") -> Catalogue:
    """The catalogue, or CatalogueError carrying every finding (not just the first)."""
    findings = check_catalogue(raw, file_name)
    if any(f.severity == ERROR for f in findings):
        raise CatalogueError(findings)
    return _build(raw)


def catalogue_findings(path: Path | None = None) -> list[Finding]:
    """Every finding for the catalogue file (for `validate`): never raises."""
    path = path or settings.CATALOGUE_FILE
    try:
        raw = read_geojson(path)  # the same bounded, finding-producing JSON reader as layers
    except LayerError as exc:
        return exc.findings
    return check_catalogue(raw, path.name)


def _build(raw: dict) -> Catalogue:
    """Dataclasses from an entry list that check_catalogue found clean."""
    raw_sets = raw.get("property_sets", {})
    layers = tuple(_build_layer(raw_sets, entry) for entry in raw["layers"])
    return Catalogue(groups=raw["groups"], layers=layers)


def _build_property(name: str, raw: dict) -> PropertySpec:
    label = raw.get("label", {})
    enum = raw.get("enum")
    return PropertySpec(name=name, type=raw.get("type", "string"), required=bool(raw.get("required", False)),
                        label_zh=label.get("zh", name), label_en=label.get("en", name),
                        enum=tuple(enum) if enum else None, refers_to=raw.get("refers_to"),
                        max_distance_m=raw.get("max_distance_m"), names_feature_in=raw.get("names_feature_in"),
                        true_inside=raw.get("true_inside"), lists_names_of=raw.get("lists_names_of"))


def _build_layer(raw_sets: dict, entry: dict) -> LayerSpec:
    style_by = entry.get("style_by", [])
    if isinstance(style_by, dict):
        style_by = [style_by]
    description = entry.get("description", {})
    linked = entry.get("linked_records")
    return LayerSpec(
        id=entry["id"], title_zh=entry["title"]["zh"], title_en=entry["title"]["en"], group=entry["group"],
        geometry=entry["geometry"], file=entry["file"],
        properties=tuple(_build_property(n, r) for n, r in merged_properties(raw_sets, entry).items()),
        style=entry["style"], style_by=tuple(style_by),
        tooltip=tuple(entry.get("tooltip", [])), popup=tuple(entry.get("popup", [])),
        visible=bool(entry.get("visible", False)), order=int(entry["order"]),
        description_zh=description.get("zh", ""), description_en=description.get("en", ""),
        allow_unlocated=bool(entry.get("allow_unlocated", False)),
        roles=frozenset(entry.get("roles", [])),
        linked_records=LinkedRecords(via=linked["via"], number=linked.get("number"),
                                     details=tuple(linked.get("details", []))) if linked else None,
        osm_ways=entry.get("osm_ways"), district_field=entry.get("district_field"),
    )


@lru_cache(maxsize=1)
def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or settings.CATALOGUE_FILE
    with path.open(encoding="utf-8") as handle:
        return parse_catalogue(json.load(handle), path.name)
