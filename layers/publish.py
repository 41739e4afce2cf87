"""Prepare a validated layer for the browser: add label anchors, publish under a hashed URL."""
from __future__ import annotations

from typing import Any

from shapely.geometry import shape
from shapely.ops import polylabel

from .assets import publish_layer_data
from .loader import LoadedLayer


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


def publish(layer: LoadedLayer) -> str:
    """URL of the browser copy of a layer that loaded without errors."""
    if not layer.ok or layer.data is None:
        raise ValueError(f"layer '{layer.spec.id}' has errors and cannot be published")
    return publish_layer_data(layer.spec.id, layer.digest, browser_copy(layer.data))
