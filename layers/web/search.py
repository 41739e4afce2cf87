"""Find features by name (zh or en, partial, case-insensitive) across the loaded layers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from layers.model.catalogue import LayerSpec


@dataclass(frozen=True)
class Match:
    layer_id: str
    feature_id: str
    name_zh: str
    name_en: str
    center: tuple[float, float] | None  # (lat, lon) to fly to; None when unlocated
    zoom: int
    properties: dict[str, Any]

    def label(self, lang: str, layer_title: str) -> str:
        name = self.name_zh if lang == "zh" else self.name_en
        return f"{name} · {layer_title}"


def _view(geometry: dict[str, Any] | None) -> tuple[tuple[float, float] | None, int]:
    """Centre and a zoom that shows the whole feature at ~800 px."""
    if not geometry:
        return None, 0
    geom = shape(geometry)
    if geom.geom_type == "Point":
        return (geom.y, geom.x), 13
    x0, y0, x1, y1 = geom.bounds
    span = max(x1 - x0, y1 - y0, 1e-6)
    zoom = 12
    while zoom > 6 and span * 2 ** zoom / 360 * 256 > 700:
        zoom -= 1
    point = geom.representative_point() if geom.geom_type.endswith("Polygon") else geom.centroid
    return (point.y, point.x), zoom


def search(query: str, layers: list[tuple[LayerSpec, dict[str, Any]]], limit: int = 20) -> list[Match]:
    """Matches ordered: exact name, then prefix, then substring; located before unlocated."""
    needle = query.strip().casefold()
    if not needle:
        return []
    scored = []
    for spec, data in layers:
        for feature in data["features"]:
            props = feature["properties"]
            names = [str(props.get("name_zh", "")), str(props.get("name_en", ""))]
            folded = [n.casefold() for n in names]
            if not any(needle in n for n in folded):
                continue
            rank = 0 if needle in folded else 1 if any(n.startswith(needle) for n in folded) else 2
            center, zoom = _view(feature.get("geometry"))
            scored.append(((rank, center is None, len(names[0])),
                           Match(spec.id, props["id"], names[0], names[1], center, zoom, props)))
    scored.sort(key=lambda item: item[0])
    return [match for _, match in scored[:limit]]
