"""catalogue.json checked like data: every problem is a Finding naming the entry and the key,
unknown keys are rejected with a 'did you mean', and nothing stops at the first problem.

What each key means is documented in the README ("Adding a layer") and in catalogue.py.
"""
from __future__ import annotations

from typing import Any

from layers.model.spec import GEOMETRY_KINDS, PROPERTY_TYPES, ROLES, merged_properties
from layers.model.findings import Finding
from layers.model.schema import Collector, check_keys, did_you_mean, is_number
from layers.model.styles import STYLE_KEYS

TOP_KEYS = {"_comment", "groups", "property_sets", "layers"}
GROUP_KEYS = {"zh", "en", "bulk", "plan"}  # plan: the framework's year, for export presets (--plan 2024)
ENTRY_KEYS = {"id", "title", "group", "geometry", "file", "property_sets", "properties", "style", "style_by",
              "tooltip", "popup", "visible", "order", "description", "allow_unlocated", "roles", "linked_records",
              "osm_ways", "district_field"}
ENTRY_REQUIRED = ("id", "title", "group", "geometry", "file", "style", "order")
PROPERTY_KEYS = {"type", "required", "label", "enum", "refers_to", "max_distance_m", "names_feature_in",
                 "true_inside", "lists_names_of"}
LISTS_NAMES_KEYS = {"layer", "back_ref", "strip_suffix"}
LINKED_KEYS = {"via", "number", "details"}
BILINGUAL = {"zh", "en"}


def check_catalogue(raw: Any, file_name: str = "catalogue.json") -> list[Finding]:
    out = Collector(file_name)
    if not isinstance(raw, dict):
        out.error("top level is not a JSON object", 'write {"groups": {...}, "layers": [...]}')
        return out.findings
    check_keys(out, raw, TOP_KEYS, ("groups", "layers"))
    groups = raw.get("groups") if isinstance(raw.get("groups"), dict) else {}
    for name, group in groups.items():
        if not isinstance(group, dict):
            out.error("group is not an object", 'write {"zh": …, "en": …}', entry=f"group {name}")
            continue
        check_keys(out, group, GROUP_KEYS, ("zh", "en"), entry=f"group {name}")
    raw_sets = raw.get("property_sets") if isinstance(raw.get("property_sets"), dict) else {}
    entries = raw.get("layers") if isinstance(raw.get("layers"), list) else []
    layer_ids = {e.get("id") for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}
    for set_name, props in raw_sets.items():
        for prop_name, prop in (props or {}).items():
            _check_property(out, prop_name, prop, layer_ids, f"property set {set_name}", None)
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            out.error("layer entry is not an object", "each layer is one JSON object", index=index)
            continue
        layer_id = entry.get("id") if isinstance(entry.get("id"), str) else None
        if layer_id in seen:
            out.error(f"layer id '{layer_id}' appears twice (also entry #{seen[layer_id]})",
                      "give every layer its own id", layer_id, index, "id")
        elif layer_id:
            seen[layer_id] = index
        _check_entry(out, entry, index, layer_id, groups, raw_sets, layer_ids)
    boundaries = [e.get("id") for e in entries if isinstance(e, dict) and "reference_boundary" in (e.get("roles") or [])]
    if len(boundaries) > 1:
        out.error(f"more than one layer has the role reference_boundary: {', '.join(boundaries)}",
                  "the city's district boundaries are one layer", key="roles")
    return out.findings


def _check_entry(out: Collector, entry: dict, index: int, layer_id: str | None, groups: dict,
                 raw_sets: dict, layer_ids: set[str]) -> None:
    def err(message: str, hint: str, key: str) -> None:
        out.error(message, hint, layer_id, index, key)

    check_keys(out, entry, ENTRY_KEYS, ENTRY_REQUIRED, layer_id, index)
    if "id" in entry and not layer_id:
        err("id is not a text", "write the layer id as a string", "id")
    for key in ("title", "description"):
        if key in entry:
            value = entry[key]
            if not isinstance(value, dict) or set(value) != BILINGUAL or not all(isinstance(v, str) for v in value.values()):
                err(f"{key} needs exactly 'zh' and 'en' texts", f'write "{key}": {{"zh": …, "en": …}}', key)
    group = entry.get("group")
    if "group" in entry and group not in groups:
        err(f"unknown group '{group}'", did_you_mean(str(group), groups), "group")
    geometry = entry.get("geometry")
    if "geometry" in entry and geometry not in GEOMETRY_KINDS:
        err(f"geometry must be one of {sorted(GEOMETRY_KINDS)}, not {geometry!r}", "", "geometry")
    file_name = entry.get("file")
    if "file" in entry and (not isinstance(file_name, str) or not file_name.endswith(".geojson") or "/" in file_name):
        err(f"file {file_name!r} is not a bare '<name>.geojson' inside geodata/", "", "file")
    if "order" in entry and not (isinstance(entry["order"], int) and not isinstance(entry["order"], bool)):
        err("order is not a whole number", "draw order: higher draws on top", "order")
    for key in ("visible", "allow_unlocated"):
        if key in entry and not isinstance(entry[key], bool):
            err(f"{key} is not true or false", "", key)
    for set_name in entry.get("property_sets", []):
        if set_name not in raw_sets:
            err(f"unknown property set '{set_name}'", did_you_mean(set_name, raw_sets), "property_sets")
    for prop_name, prop in (entry.get("properties") or {}).items():
        _check_property(out, prop_name, prop, layer_ids, layer_id, index)
    names = set(merged_properties(raw_sets, entry))
    _check_style(out, entry, names, layer_id, index)
    for key in ("tooltip", "popup"):
        for field_name in entry.get(key, []):
            if field_name not in names and f"{field_name}_zh" not in names:
                err(f"{key} field '{field_name}' is not a declared property", did_you_mean(field_name, names), key)
    for role in entry.get("roles", []):
        if role not in ROLES:
            err(f"unknown role '{role}'", did_you_mean(str(role), ROLES), "roles")
    linked = entry.get("linked_records")
    if linked is not None:
        _check_linked(out, linked, names, entry, layer_id, index)
    district_field = entry.get("district_field")
    if district_field is not None and district_field not in names:
        err(f"district_field '{district_field}' is not a declared property", did_you_mean(str(district_field), names),
            "district_field")
    osm = entry.get("osm_ways")
    if osm is not None:
        if not isinstance(osm, dict):
            err("osm_ways is not an object", 'write {"tag": "railway", "values": ["rail", ...]}', "osm_ways")
        else:
            check_keys(out, osm, {"tag", "values"}, ("tag", "values"), layer_id, index, prefix="osm_ways.")
            if not (isinstance(osm.get("values"), list) and all(isinstance(v, str) for v in osm["values"])):
                err("osm_ways.values is not a list of OSM tag values", "", "osm_ways.values")


def _check_style(out: Collector, entry: dict, names: set[str], layer_id: str | None, index: int) -> None:
    style = entry.get("style")
    if isinstance(style, dict):
        check_keys(out, style, STYLE_KEYS, (), layer_id, index, prefix="style.")
        priority = style.get("label_priority")
        if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool)):
            out.error("style.label_priority is not a whole number", "higher numbers win label collisions, e.g. 50",
                      layer_id, index, "style.label_priority")
        label = style.get("label")
        if label and label not in names and f"{label}_zh" not in names:
            out.error(f"style.label field '{label}' is not a declared property", did_you_mean(label, names),
                      layer_id, index, "style.label")
    elif "style" in entry:
        out.error("style is not an object", "", layer_id, index, "style")
    style_by = entry.get("style_by", [])
    for rule_no, rule in enumerate([style_by] if isinstance(style_by, dict) else style_by):
        where = f"style_by[{rule_no}]"
        if not isinstance(rule, dict):
            out.error(f"{where} is not an object", "", layer_id, index, where)
            continue
        check_keys(out, rule, {"property", "values"}, ("property", "values"), layer_id, index, prefix=f"{where}.")
        if "property" in rule and rule["property"] not in names:
            out.error(f"{where}.property '{rule['property']}' is not a declared property",
                      did_you_mean(str(rule["property"]), names), layer_id, index, f"{where}.property")
        for value, override in (rule.get("values") or {}).items():
            check_keys(out, override, STYLE_KEYS, (), layer_id, index, prefix=f"{where}.values.{value}.")


def _check_property(out: Collector, name: str, prop: Any, layer_ids: set[str], entry: str | None,
                    index: int | None) -> None:
    where = f"properties.{name}"
    if not isinstance(prop, dict):
        out.error(f"{where} is not an object", 'write {"type": "string", "label": {...}}', entry, index, where)
        return
    check_keys(out, prop, PROPERTY_KEYS, (), entry, index, prefix=f"{where}.")
    ptype = prop.get("type", "string")
    if ptype not in PROPERTY_TYPES:
        out.error(f"{where} has unknown type '{ptype}'", did_you_mean(str(ptype), PROPERTY_TYPES), entry, index,
                  f"{where}.type")
    for key in ("refers_to", "names_feature_in", "true_inside"):
        target = prop.get(key)
        if target is not None and target not in layer_ids and not (key == "refers_to" and target == "*"):
            out.error(f"{where}.{key} names unknown layer '{target}'", did_you_mean(str(target), layer_ids),
                      entry, index, f"{where}.{key}")
    if "max_distance_m" in prop and (not is_number(prop["max_distance_m"]) or not prop.get("refers_to")):
        out.error(f"{where}.max_distance_m needs a number and a refers_to", "", entry, index, f"{where}.max_distance_m")
    if "true_inside" in prop and ptype != "boolean":
        out.error(f"{where}.true_inside is for boolean properties", "", entry, index, f"{where}.true_inside")
    lists = prop.get("lists_names_of")
    if lists is not None:
        if not isinstance(lists, dict):
            out.error(f"{where}.lists_names_of is not an object", "", entry, index, f"{where}.lists_names_of")
        else:
            check_keys(out, lists, LISTS_NAMES_KEYS, ("layer", "back_ref"), entry, index,
                       prefix=f"{where}.lists_names_of.")
            if lists.get("layer") is not None and lists["layer"] not in layer_ids:
                out.error(f"{where}.lists_names_of names unknown layer '{lists['layer']}'",
                          did_you_mean(str(lists["layer"]), layer_ids), entry, index, f"{where}.lists_names_of.layer")


def _check_linked(out: Collector, linked: Any, names: set[str], entry: dict, layer_id: str | None,
                  index: int) -> None:
    if not isinstance(linked, dict):
        out.error("linked_records is not an object", 'write {"via": "<property>", ...}', layer_id, index,
                  "linked_records")
        return
    check_keys(out, linked, LINKED_KEYS, ("via",), layer_id, index, prefix="linked_records.")
    props = merged_properties({}, entry)
    via = linked.get("via")
    if via is not None and not (props.get(via) or {}).get("refers_to"):
        out.error(f"linked_records.via '{via}' is not a property with refers_to", "", layer_id, index,
                  "linked_records.via")
    for field_name in [linked.get("number"), *linked.get("details", [])]:
        if field_name and field_name not in names and f"{field_name}_zh" not in names:
            out.error(f"linked_records field '{field_name}' is not a declared property",
                      did_you_mean(field_name, names), layer_id, index, "linked_records")
