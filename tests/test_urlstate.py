"""URL query parameters ⇄ view state."""
from layers.urlstate import encode, parse

KNOWN = {"districts", "rail_lines"}


def test_round_trip():
    params = encode(["districts", "rail_lines"], "osm", "en", (30.9, 120.1), 11)
    state = parse(params, KNOWN, ["none", "osm"], ("zh", "en"))
    assert (state.layers, state.basemap, state.lang, state.center, state.zoom) == \
        (["districts", "rail_lines"], "osm", "en", (30.9, 120.1), 11)
    assert state.problems == []


def test_bad_values_are_ignored_and_reported():
    state = parse({"layers": "districts,nope", "basemap": "bing", "center": "abc", "zoom": "99"},
                  KNOWN, ["none"], ("zh", "en"))
    assert state.layers == ["districts"] and state.basemap is None and state.center is None
    assert state.zoom == 18
    assert len(state.problems) == 3
