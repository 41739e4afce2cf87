"""Who wins when the layer panel and Python both change the visible set (decision 0006)."""
from layers.web.layerstate import VisibleLayers

KNOWN = {"districts", "rail_lines", "overlay_2024_belt"}


def test_a_newer_panel_decision_is_adopted_and_an_older_one_ignored():
    layers = VisibleLayers(["districts"], seq=10)
    assert layers.adopt({"visible": ["districts", "rail_lines"], "seq": 20}, KNOWN)
    assert layers.ids == ["districts", "rail_lines"] and layers.seq == 20
    # a rerun still carrying the earlier click must not undo the later one
    assert not layers.adopt({"visible": ["districts"], "seq": 15}, KNOWN)
    assert layers.ids == ["districts", "rail_lines"]


def test_unknown_ids_and_malformed_values_are_dropped():
    layers = VisibleLayers(["districts"], seq=1)
    assert not layers.adopt(None, KNOWN)
    assert not layers.adopt({"visible": "districts", "seq": 5}, KNOWN)
    assert not layers.adopt({"visible": ["districts"]}, KNOWN)
    assert layers.adopt({"visible": ["gone_layer", "rail_lines"], "seq": 5}, KNOWN)
    assert layers.ids == ["rail_lines"]


def test_python_override_beats_the_browser_even_with_a_slow_server_clock():
    layers = VisibleLayers(["districts"], seq=0)
    layers.adopt({"visible": ["districts"], "seq": 2_000_000}, KNOWN)  # browser clock far ahead
    assert layers.show("overlay_2024_belt", now_ms=1_000)  # server clock behind
    assert layers.seq > 2_000_000
    assert layers.as_message() == {"visible": ["districts", "overlay_2024_belt"], "seq": layers.seq}
    assert not layers.show("districts", now_ms=1_000)  # already on: nothing changes
