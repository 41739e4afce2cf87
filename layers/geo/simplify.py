"""Level-of-detail copies for heavy line/polygon layers: simplified so no boundary moves by
more than one screen pixel at the zooms each copy is shown.

In Web Mercator (EPSG:3857) one pixel at zoom z is the same number of map units everywhere
(156 543.03 / 2^z), so Douglas–Peucker in 3857 with a tolerance below one pixel bounds the
on-screen displacement by one pixel.
"""
from __future__ import annotations

import json
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

MERCATOR_UNITS_PER_PX_Z0 = 156543.03392804097
LOD_ZOOMS = (8, 10, 12)  # copy for zoom ≤ 8, ≤ 10, ≤ 12; full detail above
HEAVY_BYTES = 1_000_000  # layers smaller than this are sent at full detail only
SAFETY = 0.9  # stay a little under one pixel

_TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_TO_4326 = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


def pixel_size(zoom: int) -> float:
    return MERCATOR_UNITS_PER_PX_Z0 / 2 ** zoom


def simplify_geometry(geometry: dict[str, Any] | None, zoom: int) -> dict[str, Any] | None:
    if not geometry or geometry["type"] in ("Point", "MultiPoint"):
        return geometry
    merc = shapely.transform(shape(geometry), _TO_3857.transform, interleaved=False)
    tolerance = pixel_size(zoom) * SAFETY
    # GEOS's simplifier can overshoot its tolerance a little on rings: measure, and tighten
    # until the displacement really is under one pixel.
    for _ in range(6):
        simple = merc.simplify(tolerance, preserve_topology=True)
        if merc.hausdorff_distance(simple) <= pixel_size(zoom) * SAFETY:
            break
        tolerance /= 2
    else:
        simple = merc
    back = shapely.transform(simple, _TO_4326.transform, interleaved=False)
    return json.loads(json.dumps(mapping(back)))


def lod_copies(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """zoom → simplified FeatureCollection, for each LOD zoom."""
    return {zoom: {"type": "FeatureCollection",
                   "features": [{**f, "geometry": simplify_geometry(f.get("geometry"), zoom)}
                                for f in data["features"]]}
            for zoom in LOD_ZOOMS}


def max_displacement_px(original: dict[str, Any], simplified: dict[str, Any], zoom: int) -> float:
    """Largest Hausdorff distance between matching geometries, in screen pixels at `zoom`."""
    worst = 0.0
    for a, b in zip(original["features"], simplified["features"]):
        if not a.get("geometry"):
            continue
        ga = shapely.transform(shape(a["geometry"]), _TO_3857.transform, interleaved=False)
        gb = shapely.transform(shape(b["geometry"]), _TO_3857.transform, interleaved=False)
        worst = max(worst, ga.hausdorff_distance(gb) / pixel_size(zoom))
    return worst
