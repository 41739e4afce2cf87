"""Level-of-detail copies move no boundary by more than one screen pixel at their zooms, and
the layer cache notices file changes."""
from __future__ import annotations

import math

from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer
from layers.geo.simplify import LOD_ZOOMS, lod_copies, max_displacement_px


def _wiggly_polygon(n=4000):
    """A detailed ring (like a surveyed boundary): a circle with fine noise, around Huzhou."""
    coords = []
    for i in range(n):
        a = 2 * math.pi * i / n
        r = 0.2 + 0.002 * math.sin(37 * a) + 0.0005 * math.sin(411 * a)
        coords.append([120.0 + r * math.cos(a), 30.85 + r * math.sin(a)])
    coords.append(coords[0])
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "p"}, "geometry": {"type": "Polygon", "coordinates": [coords]}}]}


def test_each_lod_stays_within_one_pixel_at_its_zoom_and_drops_vertices():
    data = _wiggly_polygon()
    for zoom, copy in lod_copies(data).items():
        assert max_displacement_px(data, copy, zoom) <= 1.0
        kept = len(copy["features"][0]["geometry"]["coordinates"][0])
        assert kept < 4000, zoom
    coarse = lod_copies(data)[min(LOD_ZOOMS)]
    assert len(coarse["features"][0]["geometry"]["coordinates"][0]) < 1000


def test_real_district_boundaries_simplify_within_the_bound():
    data = load_layer(load_catalogue().get("districts")).data
    for zoom, copy in lod_copies(data).items():
        assert max_displacement_px(data, copy, zoom) <= 1.0
