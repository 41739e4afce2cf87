"""The folium map the page builds: local assets only, safe embedding of text, draw order."""
from __future__ import annotations

import re

from layers.web import assets
from layers.web.assets import LEAFLET_SOURCE, ensure_vendor_assets
from layers.model.catalogue import load_catalogue
from layers.web.webmap import base_map, layer_config, standalone_html, state_group

CATALOGUE = load_catalogue()


def _html(groups=()):
    return standalone_html(base_map(CATALOGUE), list(groups))


def _state(config_url="/app/static/hz/mapconfig.zh.x.json", **extra):
    return state_group(config_url, {"visible": ["districts"], "seq": 1}, "hz-layers-test", **extra)


def test_no_script_or_stylesheet_comes_from_outside():
    page = _html([_state()])
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    bundle = re.search(r'src="(/app/static/hz/map\.[0-9a-f]{12}\.js)"', page).group(1)  # Leaflet + our runtime
    published = assets.HZ_DIR / bundle.rsplit("/", 1)[1]
    assert LEAFLET_SOURCE.read_bytes().rstrip() in published.read_bytes()


def test_every_element_lists_only_local_assets():
    m = base_map(CATALOGUE)
    for element in [m, *m._children.values()]:
        for _, url in getattr(element, "default_js", []) + getattr(element, "default_css", []):
            assert url.startswith("/app/static/"), url


def test_vendor_assets_come_from_the_installed_package():
    target = ensure_vendor_assets()
    assert (target / "leaflet.js").read_text(encoding="utf-8").lstrip().startswith("/* @preserve")


def test_state_text_cannot_break_out_of_the_script():
    group = _state(focus={"layer": "x", "id": "</script><script>alert(1)</script>", "zoom": 12, "token": 1})
    page = _html([group])
    assert "<script>alert(1)" not in page
    assert "window.hz.sync(" in page


def test_tooltips_use_the_chosen_language():
    spec = CATALOGUE.get("districts")
    zh = layer_config(spec, "u", "zh")
    en = layer_config(spec, "u", "en")
    assert zh["title_field"] == "name_zh" and en["title_field"] == "name_en"
    assert ["role_zh", "“五区”定位"] in zh["tooltip"]
    assert ["role_en", "Role in the plan's Five Zones"] in en["tooltip"]


def test_panes_follow_catalogue_draw_order():
    page = _html()
    z = {name: int(v) for name, v in re.findall(r'createPane\("hz-(\w+)"\)\.style\.zIndex = (\d+)', page)}
    assert z["context_counties"] < z["districts"] < z["partner_cities"]


def test_unlocated_features_survive_publishing_without_label_anchor():
    from layers.web.publish import browser_copy

    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x"}, "geometry": None},
        {"type": "Feature", "properties": {"id": "y"},
         "geometry": {"type": "Polygon", "coordinates": [[[120, 30.8], [120.1, 30.8], [120.1, 30.9], [120, 30.8]]]}}]}
    copy = browser_copy(data, CATALOGUE.get("districts"))
    assert copy["features"][0]["geometry"] is None and "__label" not in copy["features"][0]["properties"]
    assert "__label" in copy["features"][1]["properties"]


def test_a_line_is_labelled_at_the_middle_of_its_longest_part():
    from layers.web.publish import browser_copy

    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "l", "name_zh": "线"},
         "geometry": {"type": "MultiLineString", "coordinates": [[[119.0, 30.0], [119.1, 30.0]],
                                                                  [[120.0, 30.5], [120.0, 30.7], [120.2, 30.7]]]}}]}
    copy = browser_copy(data, CATALOGUE.get("rail_lines"))
    assert copy["features"][0]["properties"]["__label"] == [120.0, 30.7]


def test_amap_basemap_shifts_layers_and_tianditu_needs_a_key():
    from layers.web.webmap import available_basemaps, is_gcj

    assert is_gcj("amap") and not is_gcj("osm") and not is_gcj("none")
    assert "tianditu" not in available_basemaps(None)
    assert "tianditu" in available_basemaps("k")
    m = base_map(CATALOGUE, "tianditu", tianditu_key="SECRET")
    assert "tk=SECRET" in m.get_root().render()
    assert available_basemaps(None)[0] == "none"  # the offline default stays the default


def test_the_map_attributes_openstreetmap_data_in_the_page_language():
    from layers import i18n
    from layers.web.webmap import RUNTIME_PARTS

    for lang in i18n.LANGS:  # the runtime puts the configuration's words on the attribution line
        words = i18n.page("map", lang)
        assert "OpenStreetMap" in words["attribution"] and "ODbL" in words["attribution"]
    assert "Amap" in i18n.page("map", "en")["attribution"] and "高德" not in i18n.page("map", "en")["attribution"]
    assert any("addAttribution(words.attribution)" in part.read_text(encoding="utf-8") for part in RUNTIME_PARTS)


def test_the_runtime_is_small_parts_all_in_the_one_bundle():
    # Each part of the browser runtime has one concern and stays readable; a part added to
    # map/ but left out of the bundle would be dead code in the browser.
    from layers import settings
    from layers.web import assets
    from layers.web.webmap import RUNTIME_PARTS, RUNTIME_SOURCE, map_bundle_url

    parts = sorted((settings.JS_DIR / "map").glob("*.js"))
    assert sorted(RUNTIME_PARTS) == parts and len(parts) >= 6
    for source in (*RUNTIME_PARTS, RUNTIME_SOURCE):
        assert len(source.read_text(encoding="utf-8").splitlines()) <= 250, source.name
    bundle = (assets.HZ_DIR / map_bundle_url().rsplit("/", 1)[1]).read_text(encoding="utf-8")
    positions = [bundle.index(f"// {source.name}\n") for source in (*RUNTIME_PARTS, RUNTIME_SOURCE)]
    assert positions == sorted(positions)  # in the order the parts need each other


def test_maps_given_a_link_name_carry_it_to_the_runtime():
    """The compare page's two maps move together through the runtime's linkViews (0011)."""
    assert '"link": "hz-compare-test"' in _html([_state(link="hz-compare-test")])
    assert '"link": null' in _html([_state()])  # the map page links to nothing
