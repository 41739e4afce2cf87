"""Property-based: canonical writing is lossless (at 6 decimals) and idempotent."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from layers.model.storage import dumps_canonical

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
value = st.one_of(text, st.integers(-10**9, 10**9), st.booleans(), st.none(), st.lists(text, max_size=3))
lon = st.floats(119.0, 121.5, allow_nan=False)
lat = st.floats(30.0, 31.5, allow_nan=False)
point = st.tuples(lon, lat).map(list)
geometry = st.one_of(
    st.none(),
    point.map(lambda p: {"type": "Point", "coordinates": p}),
    st.lists(point, min_size=2, max_size=6).map(lambda c: {"type": "LineString", "coordinates": c}),
)
feature = st.fixed_dictionaries({
    "type": st.just("Feature"),
    "properties": st.dictionaries(st.text(min_size=1, max_size=8), value, max_size=5).map(
        lambda d: {"id": "x", **d}),
    "geometry": geometry,
})
collection = st.lists(feature, max_size=6).map(lambda fs: {"type": "FeatureCollection", "features": fs})


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


@settings(max_examples=150, deadline=None)
@given(collection)
def test_read_write_read_is_lossless(data):
    parsed = json.loads(dumps_canonical(data))
    assert len(parsed["features"]) == len(data["features"])
    for original, back in zip(data["features"], parsed["features"]):
        assert back["properties"] == original["properties"]
        geometry = original["geometry"]
        assert back["geometry"] == (None if geometry is None else
                                    {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])})


@settings(max_examples=150, deadline=None)
@given(collection)
def test_fmt_is_idempotent(data):
    once = dumps_canonical(data)
    assert dumps_canonical(json.loads(once)) == once
