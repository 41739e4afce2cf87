"""Schema and geometry checks shared by the app, the CLI and the tests.

Every check appends a Finding naming file, feature (index and id), field and what to
do; nothing stops at the first problem, so one run lists everything to fix.
"""
from __future__ import annotations

from typing import Any, Iterable

import shapely
from shapely.geometry import shape

from layers.model.catalogue import GEOMETRY_KINDS, LayerSpec
from layers.model.findings import ERROR, WARNING, Finding

# Huzhou and the partner nodes its lines reach (Hefei, Nanjing, Shanghai, Huangshan):
# anything outside is a mistake, most often swapped or projected coordinates.
REGION_BBOX = (116.0, 28.5, 122.5, 33.5)  # lon_min, lat_min, lon_max, lat_max
WGS84_CRS_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                   "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"}

_PY_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}


def _iter_positions(coords: Any) -> Iterable[tuple[float, float]]:
    # A list of no lists is a position, whatever it holds: ["119.9", "30.9"] is reported as
    # "not two numbers" instead of being skipped.
    if isinstance(coords, (list, tuple)) and coords and not any(isinstance(c, (list, tuple)) for c in coords):
        yield coords[0], coords[1] if len(coords) > 1 else float("nan")
        return
    if isinstance(coords, (list, tuple)):
        for item in coords:
            yield from _iter_positions(item)


def _check_type(value: Any, ptype: str) -> bool:
    if ptype == "string_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(value, bool) and ptype != "boolean":
        return False
    return isinstance(value, _PY_TYPES[ptype])


def _check_positions(geometry: dict, ctx: dict) -> list[Finding]:
    out: list[Finding] = []
    lon_min, lat_min, lon_max, lat_max = REGION_BBOX
    try:
        positions = list(_iter_positions(geometry.get("coordinates")))
    except (TypeError, IndexError, RecursionError):
        positions = []
    if not positions:
        return [Finding(ERROR, message="geometry has no coordinates", field="geometry",
                        hint="give coordinates as [longitude, latitude] arrays", **ctx)]
    for lon, lat in positions:
        if not all(isinstance(v, (int, float)) for v in (lon, lat)):
            return [Finding(ERROR, message=f"coordinate [{lon}, {lat}] is not two numbers",
                            field="geometry", hint="write each position as [longitude, latitude]", **ctx)]
    for lon, lat in positions:
        if lon_min <= lat <= lon_max and lat_min <= lon <= lat_max:
            return [Finding(ERROR, message=f"coordinates look swapped: [{lon}, {lat}] reads as [lat, lon]",
                            field="geometry",
                            hint="GeoJSON order is [longitude, latitude]; swap the two values", **ctx)]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return [Finding(ERROR, message=f"coordinate [{lon}, {lat}] is not longitude/latitude",
                            field="geometry",
                            hint="the data looks projected; convert it to WGS 84 (EPSG:4326) first", **ctx)]
        if not (lon_min <= lon <= lon_max and lat_min <= lat <= lat_max):
            return [Finding(ERROR, message=f"coordinate [{lon}, {lat}] lies outside the Huzhou region "
                                           f"{REGION_BBOX}", field="geometry",
                            hint="check the position; this map covers Huzhou and its rail neighbours", **ctx)]
    return out


NESTING = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _nested_as(coords: Any, depth: int) -> bool:
    """True when `coords` is `depth` levels of non-empty lists around [lon, lat(, z)] numbers."""
    if depth == 0:
        return (isinstance(coords, list) and 2 <= len(coords) <= 3
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in coords))
    return isinstance(coords, list) and bool(coords) and all(_nested_as(c, depth - 1) for c in coords)


def _check_nesting(geometry: dict, ctx: dict) -> list[Finding]:
    gtype = geometry["type"]
    if _nested_as(geometry.get("coordinates"), NESTING[gtype]):
        return []
    shape_word = {0: "[lon, lat]", 1: "a list of [lon, lat]", 2: "a list of lists of [lon, lat]",
                  3: "a list of lists of lists of [lon, lat]"}[NESTING[gtype]]
    return [Finding(ERROR, message=f"coordinates are not nested as a {gtype} needs ({shape_word})",
                    field="geometry", hint="check the brackets of the coordinates, or export the layer again", **ctx)]


def _check_rings(geometry: dict, ctx: dict) -> list[Finding]:
    """RFC 7946: a ring's first and last positions are the same (other tools reject open
    rings; shapely would silently close them)."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    out = []
    for p, rings in enumerate(polygons):
        for r, ring in enumerate(rings):
            if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                where = f"polygon {p}, ring {r}" if geometry["type"] == "MultiPolygon" else f"ring {r}"
                out.append(Finding(ERROR, message=f"{where} is not closed (its first and last positions differ, "
                                                  f"or it has fewer than 4)", field="geometry",
                                   hint="repeat the first position at the end of the ring", **ctx))
    return out


def _check_geometry(feature: dict, spec: LayerSpec, ctx: dict) -> list[Finding]:
    geometry = feature.get("geometry")
    if geometry is None and spec.allow_unlocated:
        # RFC 7946 allows null geometry: a fact we hold without a sourced position yet.
        accuracy = str((feature.get("properties") or {}).get("accuracy", ""))
        if accuracy.startswith("unlocated"):
            return [Finding(WARNING, message="feature has no position yet (unlocated)", field="geometry",
                            hint="add a sourced position and update 'accuracy'", **ctx)]
        return [Finding(ERROR, message="geometry is null but 'accuracy' does not start with 'unlocated'",
                        field="accuracy", hint="say 'unlocated: <why>' or add the geometry", **ctx)]
    if not isinstance(geometry, dict):
        return [Finding(ERROR, message="feature has no geometry", field="geometry",
                        hint=f"this layer needs a {spec.geometry} geometry", **ctx)]
    gtype = geometry.get("type")
    allowed = GEOMETRY_KINDS[spec.geometry]
    if not isinstance(gtype, str) or gtype not in allowed:
        return [Finding(ERROR, message=f"geometry type is {gtype}, expected {' or '.join(sorted(allowed))}",
                        field="geometry", hint=f"layer '{spec.id}' holds {spec.geometry} features only", **ctx)]
    out = _check_positions(geometry, ctx) or _check_nesting(geometry, ctx)
    if out or gtype in ("Point", "MultiPoint"):
        return out  # numeric, in-range positions make a valid point: skip the GEOS round trip
    out = _check_rings(geometry, ctx)
    if out:
        return out
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
        return [Finding(ERROR, message=f"geometry cannot be read: {exc}", field="geometry",
                        hint="check ring closure and nesting depth of the coordinates", **ctx)]
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        out.append(Finding(ERROR, message=f"invalid geometry: {reason}", field="geometry",
                           hint="fix it in QGIS (Vector ▸ Geometry Tools ▸ Fix Geometries) or redraw it",
                           **ctx))
    return out


def _check_properties(props: dict, spec: LayerSpec, ctx: dict) -> list[Finding]:
    out: list[Finding] = []
    for pspec in spec.properties:
        value = props.get(pspec.name)
        if value is None or value == "" or value == []:
            if pspec.required:
                out.append(Finding(ERROR, message="required property is missing or empty",
                                   field=pspec.name, hint=f"add '{pspec.name}' ({pspec.type})", **ctx))
            continue
        if not _check_type(value, pspec.type):
            out.append(Finding(ERROR, message=f"expected {pspec.type}, got {type(value).__name__} {value!r}",
                               field=pspec.name, hint=f"write '{pspec.name}' as a {pspec.type}", **ctx))
            continue
        if pspec.enum and value not in pspec.enum:
            out.append(Finding(ERROR, message=f"value {value!r} is not allowed", field=pspec.name,
                               hint=f"use one of: {', '.join(pspec.enum)}", **ctx))
    return out


def _check_gcj(data: dict, spec: LayerSpec, name: str, boundary_wkb: bytes | None) -> list[Finding]:
    from layers.checks.gcj_check import gcj_shift, looks_gcj02

    if boundary_wkb is None:
        return []
    shift = gcj_shift(data, boundary_wkb)
    if not looks_gcj02(shift):
        return []
    before, after = shift
    return [Finding(ERROR, name, f"coordinates look like GCJ-02 (Amap/Tencent): vertices sit {before:.0f} m off the "
                                 f"reference boundaries, {after:.0f} m after undoing the GCJ-02 shift",
                    "convert to WGS 84 (import the file declaring GCJ-02 on the editing page, or layers.crs."
                    "gcj02_to_wgs84)", field="geometry")]


def _check_text(props: dict, ctx: dict) -> list[Finding]:
    out = []
    for key in ("name_zh", "name_en"):
        value = props.get(key)
        if isinstance(value, str) and "<" in value and ">" in value:
            out.append(Finding(WARNING, message=f"text looks like HTML: {value[:60]!r}", field=key,
                               hint="it is shown as plain text on the map; check it is intended", **ctx))
    return out


def validate_collection(data: Any, spec: LayerSpec, file_name: str | None = None,
                        boundary_wkb: bytes | None = None) -> list[Finding]:
    """All findings for one layer's parsed GeoJSON against its catalogue entry.

    boundary_wkb (district boundaries, see gcj_check.boundary_of) enables the GCJ-02 check."""
    name = file_name or spec.file
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [Finding(ERROR, name, "top level is not a GeoJSON FeatureCollection",
                        'wrap the features as {"type": "FeatureCollection", "features": [...]}')]
    findings: list[Finding] = []
    crs = data.get("crs")
    if crs is not None:
        crs_name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
        if crs_name in WGS84_CRS_NAMES:
            findings.append(Finding(WARNING, name, "RFC 7946 GeoJSON has no 'crs' member",
                                    "remove it; `python -m layers fmt` does"))
        else:
            findings.append(Finding(ERROR, name, f"'crs' member declares {crs_name or crs!r}, not WGS 84",
                                    "reproject to WGS 84 (EPSG:4326) and drop the crs member"))
    features = data.get("features")
    if not isinstance(features, list):
        return findings + [Finding(ERROR, name, "'features' is missing or not a list",
                                   "a FeatureCollection needs a 'features' array")]
    seen_ids: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        fid = props.get("id") if isinstance(props, dict) else None
        ctx = {"file": name, "feature_index": index, "feature_id": str(fid) if fid is not None else None}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            findings.append(Finding(ERROR, message="item is not a GeoJSON Feature",
                                    hint='each item needs "type": "Feature"', **ctx))
            continue
        if not isinstance(props, dict):
            findings.append(Finding(ERROR, message="feature has no properties object", field="properties",
                                    hint="add a properties object with id, name_zh, name_en and source", **ctx))
            props = {}
        findings.extend(_check_properties(props, spec, ctx))
        findings.extend(_check_text(props, ctx))
        findings.extend(_check_geometry(feature, spec, ctx))
        if isinstance(fid, str) and fid:
            if fid in seen_ids:
                findings.append(Finding(ERROR, message=f"duplicate id (also used by feature #{seen_ids[fid]})",
                                        field="id", hint="give every feature its own id", **ctx))
            else:
                seen_ids[fid] = index
    findings.extend(_check_gcj(data, spec, name, boundary_wkb))
    return findings
