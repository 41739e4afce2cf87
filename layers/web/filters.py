"""Status and district filters, evaluated in Python so the browser keeps one cached copy
of each layer and only receives the list of feature ids to show."""
from __future__ import annotations

from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

STATUSES = ("operating", "under_construction", "planned")


def visible_ids(data: dict[str, Any], statuses: set[str] | None, district: BaseGeometry | None) -> list[str] | None:
    """Ids of features passing the filters, or None when nothing is filtered out.

    Features without a status pass the status filter (base layers have none); the
    district filter keeps features whose geometry intersects the district."""
    keep = []
    dropped = False
    for feature in data["features"]:
        props = feature["properties"]
        ok = True
        if statuses is not None and "status" in props and props["status"] not in statuses:
            ok = False
        if ok and district is not None:
            geometry = feature.get("geometry")
            ok = geometry is not None and shape(geometry).intersects(district)
        if ok:
            keep.append(props["id"])
        else:
            dropped = True
    return keep if dropped else None


def visible_ids_by_layer(layers: dict[str, dict[str, Any]], statuses: set[str] | None,
                         district: BaseGeometry | None) -> dict[str, list[str]]:
    """visible_ids for each layer (id → data); layers the filters leave whole are left out."""
    out = {}
    for layer_id, data in layers.items():
        ids = visible_ids(data, statuses, district)
        if ids is not None:
            out[layer_id] = ids
    return out
