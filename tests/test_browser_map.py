"""The real app in headless Chromium: districts drawn, toggles work, nothing leaves the machine."""
from __future__ import annotations

import json

import pytest

from conftest import Page, RunningApp

pytestmark = pytest.mark.browser

DISTRICT_PATHS = ".leaflet-hz-districts-pane path.leaflet-interactive"


def _open(page, url):
    page.page.goto(url)
    page.map_frame().locator(DISTRICT_PATHS).first.wait_for(timeout=30000)


def test_map_draws_five_districts_offline(app, page, artifacts):
    _open(page, app.url)
    frame = page.map_frame()
    assert frame.locator(DISTRICT_PATHS).count() == 5
    labels = frame.locator(".hz-label-polygon").all_inner_texts()
    assert {"吴兴区", "南浔区", "德清县", "长兴县", "安吉县"} <= set(labels)
    page.page.screenshot(path=str(artifacts / "map_default.png"))
    assert page.external_requests == []
    assert page.js_errors == []


def test_switching_a_layer_off_removes_it(app, page):
    _open(page, app.url)
    frame = page.map_frame()
    page.panel().get_by_text("湖州五区县", exact=True).click()
    frame.locator(DISTRICT_PATHS).first.wait_for(state="detached", timeout=15000)
    assert frame.locator(DISTRICT_PATHS).count() == 0
    # the other layers are still there
    assert frame.locator(".leaflet-hz-context_counties-pane path.leaflet-interactive").count() > 0
    page.panel().get_by_text("湖州五区县", exact=True).click()
    frame.locator(DISTRICT_PATHS).first.wait_for(timeout=15000)
    assert frame.locator(DISTRICT_PATHS).count() == 5
    assert page.external_requests == []
    assert page.js_errors == []


def test_english_switch_relabels_ui_and_map(app, page):
    _open(page, app.url)
    page.sidebar().get_by_text("English", exact=True).click()
    page.panel().get_by_text("Huzhou districts and counties").first.wait_for(timeout=15000)
    frame = page.map_frame()
    frame.get_by_text("Anji County", exact=True).wait_for(timeout=15000)
    assert page.js_errors == []


def test_broken_layer_reports_file_feature_field_and_rest_still_draws(geodata_copy, browser, artifacts):
    from conftest import Page

    path = geodata_copy / "partner_cities.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["features"][2]["properties"]["name_en"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    running = RunningApp(geodata_copy)
    page = Page(browser)
    try:
        _open(page, running.url)
        message = page.page.get_by_text("partner_cities.geojson, feature #2 (id=city_hangzhou), field 'name_en'")
        message.first.wait_for(timeout=15000)
        assert page.map_frame().locator(DISTRICT_PATHS).count() == 5
        page.page.screenshot(path=str(artifacts / "map_broken_layer.png"))
    finally:
        page.close()
        running.stop()


def test_deep_links_open_their_page_on_a_fresh_server(geodata_copy, browser):
    """The first visit after a start used to fall into Streamlit's automatic pages/ mode: a
    "Page not found" dialog for /data, Streamlit's own page list for /export."""
    running = RunningApp(geodata_copy)
    page = Page(browser)
    try:
        page.page.goto(f"{running.url}/data")
        page.page.get_by_text("数据目录").first.wait_for(timeout=30000)
        page.wait_idle()
        assert page.page.get_by_text("Page not found").count() == 0
        page.page.goto(f"{running.url}/export")
        page.page.get_by_text("导出地图").first.wait_for(timeout=30000)
        page.wait_idle()
        nav = page.sidebar().inner_text()
        assert "地图 · Map" in nav and "components" not in nav
    finally:
        page.close()
        running.stop()


def test_hostile_link_values_are_ignored_and_named_without_a_traceback(app, page):
    page.page.goto(f"{app.url}/?zoom=1e309&center=nan,inf&layers=districts,nope")
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.page.get_by_text("链接中的部分参数无效，已忽略：center、layers、zoom").wait_for(timeout=15000)
    assert page.page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.page.content()


def test_a_broken_default_layer_leaves_map_and_export_working(geodata_copy, browser):
    (geodata_copy / "partner_cities.geojson").write_text('{"type":"FeatureCollection","features":[{"type":"Fe',
                                                          encoding="utf-8")
    running = RunningApp(geodata_copy)
    page = Page(browser)
    try:
        page.page.goto(running.url)
        page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
        page.page.get_by_text("未能加载").first.wait_for(timeout=15000)  # named, the rest still drawn
        page.go_to("Export", "导出地图")
        page.page.get_by_text("partner_cities").first.wait_for(timeout=20000)  # the error names the layer
        assert page.page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in page.page.content()
    finally:
        page.close()
        running.stop()


def test_the_wheel_scrolls_the_page_until_the_map_is_clicked(app, page):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    page.page.goto(app.url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.wait_idle()
    page.page.wait_for_timeout(1000)
    zoom_before = page.map_eval("() => map.getZoom()")
    url_before = page.page.url
    box = page.page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    scroller = '[data-testid="stMain"]'
    top_before = page.page.evaluate(f"() => document.querySelector('{scroller}').scrollTop")
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 200))
    page.page.mouse.wheel(0, 400)
    page.page.wait_for_timeout(800)
    assert page.map_eval("() => map.getZoom()") == zoom_before  # no zoom out to the whole country
    assert page.page.evaluate(f"() => document.querySelector('{scroller}').scrollTop") > top_before
    assert page.page.url == url_before  # nothing deliberate happened: the link is unchanged
    # Once the planner clicks into the map, the wheel zooms it.
    box = page.page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    page.page.mouse.click(box["x"] + 40, box["y"] + box["height"] - 40)
    page.page.mouse.wheel(0, -300)
    page.page.wait_for_timeout(800)
    assert page.map_eval("() => map.getZoom()") > zoom_before
