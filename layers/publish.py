"""Prepare a validated layer for the browser: add label anchors, publish under a hashed URL."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape
from shapely.ops import polylabel

from .assets import publish_layer_data
from .loader import LoadedLayer
from .simplify import HEAVY_BYTES, lod_copies


def _label_anchor(geometry: dict[str, Any] | None) -> list[float] | None:
    """Pole of inaccessibility of the largest part: inside the shape, away from edges."""
    if not geometry or geometry["type"] not in ("Polygon", "MultiPolygon"):
        return None
    geom = shape(geometry)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    point = polylabel(geom, tolerance=0.001)
    return [round(point.x, 5), round(point.y, 5)]


def browser_copy(data: dict[str, Any]) -> dict[str, Any]:
    features = []
    for feature in data["features"]:
        props = dict(feature["properties"])
        anchor = _label_anchor(feature["geometry"])
        if anchor:
            props["__label"] = anchor
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
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
    copy = browser_copy(layer.data)
    url = publish_layer_data(layer.spec.id, layer.digest, copy)
    lods: list[tuple[int, str]] = []
    heavy = layer.spec.geometry != "Point" and layer.spec.path.stat().st_size > HEAVY_BYTES
    if heavy:
        for zoom, simplified in lod_copies(copy).items():
            lods.append((zoom, publish_layer_data(f"{layer.spec.id}.z{zoom}", layer.digest, simplified)))
    return Published(url, tuple(lods), len(copy["features"]))
