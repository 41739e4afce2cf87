"""Rules across layers, declared in the catalogue and checked in one place: `validate`, CI and
every save run the same set (layers/editing/save_rules.py refuses a save that breaks one).

- ids are unique across all layers;
- a property with `refers_to` names features that exist, and with `max_distance_m` the
  feature lies that close to each located feature it names (a station on the lines serving it);
- `names_feature_in`: the feature lies inside the feature its value names (a station or park
  inside the district its `district_zh` names);
- `true_inside`: a boolean that is true exactly when the feature lies inside that layer
  (`in_huzhou`);
- `lists_names_of`: a list of names (a line's stations) agrees with the features that point
  back at it, and their order follows the line;
"""
from __future__ import annotations

from typing import Any, Iterable

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers.model.catalogue import Catalogue, LayerSpec, PropertySpec
from layers.geo.crs import to_metric
from layers.model.findings import ERROR, Finding

INSIDE_TOLERANCE_M = 100  # boundary data is Amap-derived; a point this close to a border counts as inside


def _located(feature: dict) -> BaseGeometry | None:
    geometry = feature.get("geometry")
    return shape(geometry) if geometry else None


def _ctx(spec: LayerSpec, index: int, feature: dict, field: str) -> dict[str, Any]:
    return {"file": spec.file, "feature_index": index, "feature_id": str(feature["properties"].get("id")),
            "field": field}


class _Index:
    """Features by layer and id, with metric geometry computed once."""

    def __init__(self, catalogue: Catalogue, datasets: dict[str, dict]):
        self.catalogue = catalogue
        self.datasets = datasets
        self.by_id: dict[str, tuple[str, dict]] = {}
        self._metric: dict[str, BaseGeometry | None] = {}
        for layer_id, data in datasets.items():
            for feature in data.get("features", []):
                fid = (feature.get("properties") or {}).get("id")
                if isinstance(fid, str):
                    self.by_id.setdefault(fid, (layer_id, feature))

    def features(self, layer_id: str) -> list[dict]:
        return (self.datasets.get(layer_id) or {}).get("features", [])

    def metric(self, feature: dict) -> BaseGeometry | None:
        fid = feature["properties"]["id"]
        key = f"{id(feature)}:{fid}"
        if key not in self._metric:
            geom = _located(feature)
            self._metric[key] = to_metric(geom) if geom is not None else None
        return self._metric[key]


def check_rules(catalogue: Catalogue, datasets: dict[str, dict]) -> list[Finding]:
    """Every cross-layer finding for these layers (layer id → parsed, individually valid data).
    Layers missing from `datasets` are skipped. Whether derived layers are current is the plans'
    own check (layers.plans.overlay_build.overlay_findings): it needs the overlay builder."""
    index = _Index(catalogue, datasets)
    findings = _unique_ids(catalogue, datasets)
    for spec in catalogue.layers:
        if spec.id not in datasets:
            continue
        for prop in spec.properties:
            findings.extend(_property_rules(spec, prop, index))
    return findings


def _unique_ids(catalogue: Catalogue, datasets: dict[str, dict]) -> list[Finding]:
    seen: dict[str, str] = {}
    out = []
    for spec in catalogue.layers:
        for n, feature in enumerate((datasets.get(spec.id) or {}).get("features", [])):
            fid = (feature.get("properties") or {}).get("id")
            if not isinstance(fid, str):
                continue
            if fid in seen and seen[fid] != spec.id:
                out.append(Finding(ERROR, message=f"id '{fid}' is also used in layer '{seen[fid]}'",
                                   hint="ids are unique across all layers (overlays and projects refer to them)",
                                   **_ctx(spec, n, feature, "id")))
            seen.setdefault(fid, spec.id)
    return out


def _property_rules(spec: LayerSpec, prop: PropertySpec, index: _Index) -> Iterable[Finding]:
    for n, feature in enumerate(index.features(spec.id)):
        value = feature["properties"].get(prop.name)
        if value is None or value == "" or value == []:
            continue
        ctx = _ctx(spec, n, feature, prop.name)
        if prop.refers_to:
            yield from _refers(prop, value, feature, ctx, index)
        if prop.names_feature_in:
            yield from _named_container(prop, value, feature, ctx, index)
        if prop.true_inside and isinstance(value, bool):
            yield from _inside_flag(prop, value, feature, ctx, index)
        if prop.lists_names_of:
            yield from _name_list(spec, prop, value, feature, ctx, index)


def _refers(prop: PropertySpec, value: Any, feature: dict, ctx: dict, index: _Index) -> Iterable[Finding]:
    here = index.metric(feature)
    for target_id in value if isinstance(value, list) else [value]:
        found = index.by_id.get(target_id)
        if found is None or (prop.refers_to != "*" and found[0] != prop.refers_to):
            where = "any layer" if prop.refers_to == "*" else f"layer '{prop.refers_to}'"
            yield Finding(ERROR, message=f"refers to '{target_id}', which is not a feature of {where}",
                          hint="fix the id or add that feature", **ctx)
            continue
        if prop.max_distance_m is None or here is None:
            continue
        there = index.metric(found[1])
        if there is None:
            continue
        distance = here.distance(there)
        if distance > prop.max_distance_m:
            yield Finding(ERROR, message=f"lies {distance / 1000:.1f} km from '{target_id}', which it names "
                                         f"(at most {prop.max_distance_m:g} m allowed)",
                          hint="move it onto that feature, or correct the list", **ctx)


def _containers(layer: str, index: _Index) -> list[tuple[dict, BaseGeometry]]:
    return [(f, g) for f in index.features(layer) if (g := index.metric(f)) is not None]


def _named(layer: str, value: Any, index: _Index) -> list[tuple[dict, BaseGeometry]]:
    """The features of `layer` whose name the value contains ('吴兴区（南太湖新区）' names 吴兴区)."""
    return [(f, g) for f, g in _containers(layer, index)
            if f["properties"].get("name_zh") and f["properties"]["name_zh"] in str(value)]


def _lies_in(layer: str, here: BaseGeometry, index: _Index) -> str | None:
    return next((f["properties"].get("name_zh") for f, g in _containers(layer, index) if g.intersects(here)), None)


def _wrong_container(layer: str, value: Any, here: BaseGeometry, index: _Index) -> bool:
    """The position is farther than the tolerance from every feature the value names."""
    return not any(g.distance(here) <= INSIDE_TOLERANCE_M for _, g in _named(layer, value, index))


def _inside_distance(layer: str, here: BaseGeometry, index: _Index) -> float | None:
    polygons = [g for _, g in _containers(layer, index)]
    return unary_union(polygons).distance(here) if polygons else None


def _wrong_flag(value: bool, distance: float) -> bool:
    return (value and distance > INSIDE_TOLERANCE_M) or (not value and distance == 0)


def _named_container(prop: PropertySpec, value: Any, feature: dict, ctx: dict, index: _Index) -> Iterable[Finding]:
    if not _named(prop.names_feature_in, value, index):
        names = "、".join(f["properties"].get("name_zh", "") for f, _ in _containers(prop.names_feature_in, index))
        yield Finding(ERROR, message=f"{value!r} names no feature of layer '{prop.names_feature_in}'",
                      hint=f"use one of: {names}", **ctx)
        return
    here = index.metric(feature)
    if here is None or not _wrong_container(prop.names_feature_in, value, here, index):
        return
    actually = _lies_in(prop.names_feature_in, here, index)
    lies = f"lies in {actually}" if actually else f"lies outside every feature of '{prop.names_feature_in}'"
    yield Finding(ERROR, message=f"{lies}, but '{prop.name}' says {value!r}",
                  hint=f"move it back, or set '{prop.name}' to where it is", **ctx)


def _inside_flag(prop: PropertySpec, value: bool, feature: dict, ctx: dict, index: _Index) -> Iterable[Finding]:
    here = index.metric(feature)
    distance = _inside_distance(prop.true_inside, here, index) if here is not None else None
    if distance is None or not _wrong_flag(value, distance):
        return
    if value:
        yield Finding(ERROR, message=f"'{prop.name}' is true but the feature lies {distance / 1000:.1f} km outside "
                                     f"layer '{prop.true_inside}'", hint=f"move it, or set '{prop.name}' to false",
                      **ctx)
    else:
        yield Finding(ERROR, message=f"'{prop.name}' is false but the feature lies inside layer '{prop.true_inside}'",
                      hint=f"set '{prop.name}' to true, or check the position", **ctx)


def corrected_values(catalogue: Catalogue, spec: LayerSpec, features: Iterable[dict],
                     datasets: dict[str, dict]) -> dict[str, dict[str, Any]]:
    """For features of `spec` (e.g. just moved in the editor): feature id → the properties their
    position contradicts under the same rules as above, with the value the position gives
    (the district it now lies in; in_huzhou true/false). The editor offers these as fixes."""
    index = _Index(catalogue, datasets)
    out: dict[str, dict[str, Any]] = {}
    for feature in features:
        here = index.metric(feature)
        props = feature["properties"]
        if here is None:
            continue
        for prop in spec.properties:
            value = props.get(prop.name)
            if prop.names_feature_in and value and _wrong_container(prop.names_feature_in, value, here, index):
                actually = _lies_in(prop.names_feature_in, here, index)
                if actually:
                    out.setdefault(props["id"], {})[prop.name] = actually
            if prop.true_inside and isinstance(value, bool):
                distance = _inside_distance(prop.true_inside, here, index)
                if distance is not None and _wrong_flag(value, distance):
                    out.setdefault(props["id"], {})[prop.name] = not value
    return out


def _name_list(spec: LayerSpec, prop: PropertySpec, value: Any, feature: dict, ctx: dict,
               index: _Index) -> Iterable[Finding]:
    rule = prop.lists_names_of
    suffix = rule.get("strip_suffix", "")
    fid = feature["properties"]["id"]
    listed = list(value)
    members = [f for f in index.features(rule["layer"]) if fid in (f["properties"].get(rule["back_ref"]) or [])]
    for member in members:
        name = str(member["properties"].get("name_zh", "")).removesuffix(suffix)
        if name not in listed:
            yield Finding(ERROR, message=f"'{member['properties']['id']}' names this feature in "
                                         f"'{rule['back_ref']}', but '{name}' is not in its list",
                          hint=f"add '{name}' to '{prop.name}' in order, or correct the other feature", **ctx)
    line = index.metric(feature)
    if line is None or line.geom_type not in ("LineString", "MultiLineString"):
        return
    placed = sorted((listed.index(name), line.project(g), name)
                    for m in members
                    if (name := str(m["properties"].get("name_zh", "")).removesuffix(suffix)) in listed
                    and (g := index.metric(m)) is not None)
    positions = [p for _, p, _ in placed]
    if positions != sorted(positions) and positions != sorted(positions, reverse=True):
        order = " → ".join(name for _, _, name in sorted(placed, key=lambda t: t[1]))
        yield Finding(ERROR, message=f"the '{prop.name}' order does not follow the line (along it: {order})",
                      hint="list them in the order the line passes them", **ctx)
