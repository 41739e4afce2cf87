"""Replace schematic rail and waterway geometry with real alignments from an OSM extract.

GIS staff with an OpenStreetMap extract (.osm or .osm.pbf, read through GDAL's OSM
driver via pyogrio) run `python -m layers import-osm EXTRACT`. OSM ways are clipped to
Huzhou plus a margin, grouped by name, and matched to our features by name; matched
features keep their id, names and attributes and get the OSM geometry, with `accuracy`
and `source` saying so. Nothing unmatched is invented: the report lists it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
from shapely.geometry import box, mapping
from shapely.ops import linemerge, unary_union

from layers.model.catalogue import Catalogue, LayerSpec
from layers.model.findings import ERROR, Finding, LayerError
from layers.io.loader import validate_layer_data

HUZHOU_BBOX = (119.23, 30.37, 120.49, 31.18)
MARGIN_DEG = 0.3  # keep the lines' approach to neighbouring nodes
_SUFFIXES = re.compile(r"(高速铁路|客运专线|城际铁路|铁路|高铁|航道|运河|高速公路|高速|线)$")
_BRACKETS = re.compile(r"[（(].*?[)）]|\s")


def normalise(name: str) -> str:
    """'宁杭高速铁路' and '宁杭高铁（宁杭客专）' both → '宁杭'."""
    text = _BRACKETS.sub("", name or "").strip()
    previous = None
    while previous != text:
        previous, text = text, _SUFFIXES.sub("", text)
    return text


@dataclass
class ImportReport:
    matched: dict[str, list[str]] = field(default_factory=dict)  # our id → OSM names used
    unmatched_ours: dict[str, list[str]] = field(default_factory=dict)  # layer → ids without OSM match
    unmatched_osm: dict[str, list[str]] = field(default_factory=dict)  # layer → OSM names not used

    def lines(self) -> list[str]:
        out = [f"matched {fid} ← {', '.join(names)}" for fid, names in sorted(self.matched.items())]
        for layer, ids in self.unmatched_ours.items():
            out += [f"{layer}: no OSM match for {fid} (geometry unchanged)" for fid in ids]
        for layer, names in self.unmatched_osm.items():
            out += [f"{layer}: OSM ways named '{n}' match no feature (not imported)" for n in names]
        return out


def _osm_ways(extract: Path) -> Any:
    try:
        frame = pyogrio.read_dataframe(extract, layer="lines")
    except Exception as exc:  # GDAL's many error types: one finding that names the file
        raise LayerError([Finding(ERROR, extract.name, f"cannot read the OSM extract: {str(exc)[:160]}",
                                  "give an .osm or .osm.pbf file (e.g. a Geofabrik extract)")]) from exc
    if "name" not in frame:
        raise LayerError([Finding(ERROR, extract.name, "the extract's lines have no 'name' field",
                                  "use an extract with the standard OSM tags")])
    clip = box(HUZHOU_BBOX[0] - MARGIN_DEG, HUZHOU_BBOX[1] - MARGIN_DEG,
               HUZHOU_BBOX[2] + MARGIN_DEG, HUZHOU_BBOX[3] + MARGIN_DEG)
    frame = frame[frame.geometry.notna() & frame.geometry.intersects(clip)].copy()
    frame["geometry"] = frame.geometry.intersection(clip)
    return frame


def _merge(geoms: list) -> Any:
    """Join touching ways into as few lines as possible (one LineString when they connect)."""
    union = unary_union(geoms)
    return linemerge(union) if union.geom_type == "MultiLineString" else union


def import_osm(extract: Path, catalogue: Catalogue, write: bool = True, user: str = "import-osm") -> ImportReport:
    """Match OSM ways to every layer that declares `osm_ways`, then (write=True) save all the
    changed layers through the editor's safe save (lock, rules, history) — or none: every
    layer is validated first, and if a later save still fails the earlier ones are undone."""
    from layers.editing.editing import load_for_edit, save_layer, undo_last

    ways = _osm_ways(extract)
    report = ImportReport()
    label = extract.name
    pending: list[tuple[LayerSpec, dict, str]] = []
    for spec in catalogue.layers:  # which OSM ways feed which layer: the catalogue's `osm_ways`
        if not spec.osm_ways:
            continue
        layer_id, tag, values = spec.id, spec.osm_ways["tag"], set(spec.osm_ways["values"])
        data, version = load_for_edit(spec)
        chosen = ways[ways[tag].isin(values) & ways["name"].notna()] if tag in ways else ways.iloc[0:0]
        by_name: dict[str, list] = {}
        for name, geom in zip(chosen["name"], chosen.geometry):
            by_name.setdefault(name, []).append(geom)
        used: set[str] = set()
        unmatched = []
        matched_here = False
        for feature in data["features"]:
            props = feature["properties"]
            key = normalise(props["name_zh"])
            names = [n for n in by_name if normalise(n) == key]
            if not names:
                unmatched.append(props["id"])
                continue
            merged = _merge([g for n in names for g in by_name[n]])
            feature["geometry"] = mapping(merged)
            props["accuracy"] = f"OSM alignment (ways named {'、'.join(names)}; extract {label}), clipped to Huzhou ±{MARGIN_DEG}°"
            props["source"] = f"{props['source']}; geometry: © OpenStreetMap contributors (ODbL), extract {label}"
            used.update(names)
            report.matched[props["id"]] = names
            matched_here = True
        report.unmatched_ours[layer_id] = unmatched
        report.unmatched_osm[layer_id] = sorted(set(by_name) - used)
        if matched_here:
            pending.append((spec, json.loads(json.dumps(data)), version))
    problems = [f for spec, data, _ in pending for f in validate_layer_data(spec, data) if f.severity == ERROR]
    if problems:  # validate every layer before writing any
        raise LayerError(problems)
    if write:
        saved: list[LayerSpec] = []
        try:
            for spec, data, version in pending:
                save_layer(spec, data, version, user, summary=f"import-osm from {label}")
                saved.append(spec)
        except BaseException:
            for spec in reversed(saved):  # all or nothing: put back what this import wrote
                undo_last(spec, user)
            raise
    return report
