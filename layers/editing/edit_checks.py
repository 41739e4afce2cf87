"""What an editor must confirm before a save with moved or placed geometry: a move larger
than a threshold (with its distance), a point now lying in another district than its
properties name (with the fix offered), and a new position whose `accuracy` and `source` were
not revisited. The rules engine (layers/checks/rules.py) still refuses what is plainly wrong; these
are the questions a careful GIS technician would ask before saving."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape

from layers.model.catalogue import Catalogue, LayerSpec
from layers.geo.crs import gcj02_to_wgs84, to_metric, transformer
from layers.checks.rules import corrected_values

MOVE_CONFIRM_M = 1000.0  # a drag this long is rarely meant (a slip of the mouse at city zoom is ~km)
INPUT_CRS = {"EPSG:4326": "WGS 84", "EPSG:4490": "CGCS2000", "GCJ02": "GCJ-02 (高德/腾讯)"}


@dataclass(frozen=True)
class Check:
    feature_id: str
    kind: str  # "moved" | "district" | "provenance"
    words: dict[str, str] = field(default_factory=dict)  # values for the message template
    fix: dict[str, Any] = field(default_factory=dict)  # property values applied when confirmed


def lonlat_to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """A typed coordinate in WGS 84 (CGCS2000 differs by centimetres; GCJ-02 by hundreds of metres)."""
    if crs == "GCJ02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "EPSG:4326":
        return lon, lat
    if crs not in INPUT_CRS:
        raise ValueError(f"unknown CRS '{crs}'; choose one of {', '.join(INPUT_CRS)}")
    return transformer(crs, "EPSG:4326").transform(lon, lat)


def _by_id(collection: dict[str, Any]) -> dict[str, dict]:
    """Like editing.features_by_id, but a working copy may still hold a feature without an id
    (validation names it at save time): it is skipped here rather than crash the page."""
    return {f["properties"]["id"]: f for f in collection.get("features", []) if f.get("properties", {}).get("id")}


def geometry_changed(base: dict[str, Any], data: dict[str, Any]) -> bool:
    """Did this edit move, place or draw anything? (cheap: decides whether to ask at all)"""
    old = {fid: json.dumps(f.get("geometry"), sort_keys=True) for fid, f in _by_id(base).items()}
    return any(f.get("geometry") and old.get(fid) != json.dumps(f.get("geometry"), sort_keys=True)
               for fid, f in _by_id(data).items())


def save_checks(catalogue: Catalogue, spec: LayerSpec, base: dict[str, Any], data: dict[str, Any],
                datasets: dict[str, dict]) -> list[Check]:
    """Questions for the features whose geometry this edit changed (moved, placed or drawn)."""
    old = _by_id(base)
    checks: list[Check] = []
    changed = [f for fid, f in _by_id(data).items() if f.get("geometry") and (
        fid not in old or json.dumps(old[fid].get("geometry"), sort_keys=True)
        != json.dumps(f["geometry"], sort_keys=True))]
    # District questions come from the rules engine itself, so the editor asks exactly what a
    # save would refuse (same containment, same tolerance).
    fixes = corrected_values(catalogue, spec, changed, datasets)
    for feature in changed:
        fid = feature["properties"]["id"]
        before = old.get(fid)
        geom = shape(feature["geometry"])
        if before and before.get("geometry"):
            moved = to_metric(shape(before["geometry"])).hausdorff_distance(to_metric(geom))
            if moved > MOVE_CONFIRM_M:
                checks.append(Check(fid, "moved", {"km": f"{moved / 1000:.1f}"}))
        props = feature["properties"]
        for name, value in fixes.get(fid, {}).items():
            checks.append(Check(fid, "district", {"field": spec.property(name).label("zh"), "old": str(props[name]),
                                                  "new": str(value)}, {name: value}))
        unchanged = before is not None and all(props.get(k) == before["properties"].get(k) for k in ("accuracy", "source"))
        if before is None or unchanged:
            checks.append(Check(fid, "provenance", {"accuracy": str(props.get("accuracy", "")),
                                                    "source": str(props.get("source", ""))}))
    return checks


def apply_fixes(data: dict[str, Any], checks: list[Check]) -> dict[str, Any]:
    """The working copy with the confirmed checks' property fixes applied."""
    fixes: dict[str, dict] = {}
    for check in checks:
        fixes.setdefault(check.feature_id, {}).update(check.fix)
    features = []
    for feature in data["features"]:
        fix = fixes.get(feature["properties"].get("id"))
        features.append({**feature, "properties": {**feature["properties"], **fix}} if fix else feature)
    return {**data, "features": features}
