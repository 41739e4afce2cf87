"""Prepare a validated layer for the browser: add label anchors, publish under a hashed URL."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from layers.geo.anchors import feature_anchor
from layers.web.assets import publish_layer_data
from layers.model.catalogue import LayerSpec
from layers.model.styles import symbol_table
from layers.io.loader import LoadedLayer
from layers.geo.simplify import HEAVY_BYTES, lod_copies


def _label_anchor(geometry: dict[str, Any] | None) -> list[float] | None:
    """A polygon's pole of inaccessibility, a line's middle (layers/geo/anchors.py); points carry
    their own position."""
    if not geometry or geometry["type"].endswith("Point"):
        return None
    kind, point = feature_anchor(shape(geometry))
    return [round(point.x, 5), round(point.y, 5)] if kind != "point" and point is not None else None


BROWSER_DECIMALS = 6  # ~0.1 m: far below a screen pixel at any zoom the map offers, ~30 % fewer bytes


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, BROWSER_DECIMALS)
    return [_rounded(c) for c in coords]


def browser_copy(data: dict[str, Any], spec: LayerSpec) -> dict[str, Any]:
    """What the browser draws: coordinates rounded for size, label anchors added, and the index
    of each feature's resolved symbol (`__sym`, into the configuration's `symbols`). The files
    in geodata/ keep their full precision."""
    features = []
    _, symbol_of = symbol_table(spec, data["features"])
    for feature, symbol in zip(data["features"], symbol_of):
        props = dict(feature["properties"])
        props["__sym"] = symbol
        geometry = feature["geometry"]
        anchor = _label_anchor(geometry)
        if anchor:
            props["__label"] = anchor
        if geometry and "coordinates" in geometry:
            geometry = {**geometry, "coordinates": _rounded(geometry["coordinates"])}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class Published:
    url: str  # full detail
    lods: tuple[tuple[int, str], ...] = ()  # (max zoom, url) of simplified copies, coarsest first
    feature_count: int = 0


def publish(layer: LoadedLayer) -> Published:
    """Browser copies of a layer that loaded without errors (plus LOD copies when it is heavy)."""
    if not layer.ok or layer.data is None:
        raise ValueError(f"layer '{layer.spec.id}' has errors and cannot be published")
    copy = browser_copy(layer.data, layer.spec)
    # The symbol indexes depend on the catalogue style too: a style change is a new version.
    style = json.dumps([layer.spec.style, layer.spec.style_by], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{layer.digest}:{style}".encode("utf-8")).hexdigest()[:16]
    url = publish_layer_data(layer.spec.id, digest, copy)
    lods: list[tuple[int, str]] = []
    heavy = layer.spec.geometry != "Point" and layer.spec.path.stat().st_size > HEAVY_BYTES
    if heavy:
        for zoom, simplified in lod_copies(copy).items():
            lods.append((zoom, publish_layer_data(f"{layer.spec.id}.z{zoom}", digest, simplified)))
    return Published(url, tuple(lods), len(copy["features"]))
