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


BROWSER_DECIMALS = 6  # ~0.1 m: far below a screen pixel at any zoom the map offers, ~30 % fewer bytes


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, BROWSER_DECIMALS)
    return [_rounded(c) for c in coords]


def browser_copy(data: dict[str, Any]) -> dict[str, Any]:
    """What the browser draws: coordinates rounded for size, label anchors added. The files in
    geodata/ keep their full precision."""
    features = []
    for feature in data["features"]:
        props = dict(feature["properties"])
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
    copy = browser_copy(layer.data)
    url = publish_layer_data(layer.spec.id, layer.digest, copy)
    lods: list[tuple[int, str]] = []
    heavy = layer.spec.geometry != "Point" and layer.spec.path.stat().st_size > HEAVY_BYTES
    if heavy:
        for zoom, simplified in lod_copies(copy).items():
            lods.append((zoom, publish_layer_data(f"{layer.spec.id}.z{zoom}", layer.digest, simplified)))
    return Published(url, tuple(lods), len(copy["features"]))
