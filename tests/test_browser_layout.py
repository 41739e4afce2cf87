"""Issue 16 in the real app: the map fills a laptop window, labels never collide, English
mode is English, and filters zoom, keep the context and go into the share link."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}
PLAN_2024 = "districts,water_bodies,rail_lines,rail_stations,industrial_parks,major_projects," \
            "overlay_2024_belt,overlay_2024_cores,overlay_2024_zones"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Every visible label and badge box in the map frame, as [text, left, top, right, bottom].
VISIBLE_BOXES = """() => Array.from(document.querySelectorAll('.hz-label, .hz-badge'))
    .filter(el => getComputedStyle(el).visibility !== 'hidden' && el.getClientRects().length)
    .map(el => { const r = el.getBoundingClientRect(); return [el.textContent, r.left, r.top, r.right, r.bottom]; })"""


def _open(page, url, viewport=LAPTOP):
    page.page.set_viewport_size(viewport)
    page.page.goto(url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.wait_idle()


def _touching(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


def test_the_map_fills_a_laptop_window_and_the_legend_starts_folded(app, page):
    _open(page, app.url)
    box = page.page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    visible = min(box["y"] + box["height"], LAPTOP["height"]) - max(box["y"], 0)
    assert visible >= 0.75 * LAPTOP["height"], box
    # The Leaflet map inside fills its frame (not the fixed height it was created with).
    inner = page.map_eval("() => map.getSize().y")
    assert inner >= box["height"] - 2
    title = page.map_frame().locator(".hz-legend-title")
    assert title.inner_text().startswith("▸")  # a button on a small screen
    title.click()
    page.map_frame().locator(".hz-legend-item").first.wait_for(timeout=5000)


@pytest.mark.parametrize("zoom", [9, 10, 11])
def test_no_two_labels_overlap_with_the_2024_plan_on(app, page, zoom):
    _open(page, f"{app.url}/?layers={PLAN_2024}&zoom={zoom}&center=30.85,120.0")
    page.map_frame().locator(".leaflet-hz-overlay_2024_cores-pane .leaflet-interactive").first.wait_for(timeout=15000)
    page.page.wait_for_timeout(1500)  # labels are placed on the frame after the layers' data arrives
    assert page.map_eval("() => map.getZoom()") == zoom
    boxes = page.map_eval(VISIBLE_BOXES)
    assert len(boxes) >= 5  # labels are drawn at all
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _touching(a, b)]
    assert clashes == []
    shown = {b[0] for b in boxes}
    assert any(t.startswith("三核") for t in shown)  # the top priority is never the one hidden
    if zoom >= 10:  # park labels are on: a core and the park it copies get one label
        assert "三核：南太湖新区" in shown and "南太湖新区" not in shown
        assert any("铁路" in t or t.endswith("高铁") for t in shown), shown  # railways are named too
    assert page.js_errors == []


def test_english_mode_shows_no_chinese_outside_names_and_data(app, page):
    _open(page, f"{app.url}/?lang=en&layers={PLAN_2024}", viewport={"width": 1920, "height": 1080})
    page.map_frame().locator(".hz-legend-item").first.wait_for(timeout=15000)
    # The language switch names each language in itself; everything else is English.
    sidebar = page.sidebar().inner_text().replace("语言 / Language", "").replace("中文", "")
    assert not CJK.findall(sidebar), sidebar
    assert not CJK.findall(page.panel().locator("body").inner_text())
    furniture = page.map_frame().locator(".leaflet-control-container").inner_text()  # legend, tools, credits
    assert not CJK.findall(furniture), furniture
    assert "Measure" in furniture and "OpenStreetMap contributors" in furniture
    # A popup's field names and enum values are English too (names and sources are data).
    page.map_frame().locator(".leaflet-hz-rail_stations-pane .leaflet-interactive").first.click(force=True)
    popup = page.map_frame().locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    labels = " ".join(popup.locator("th").all_text_contents())
    assert labels and not CJK.findall(labels), labels
    toggle = page.page.get_by_text("Show all projects")
    assert not CJK.findall(toggle.inner_text())
    toggle.click()
    page.wait_idle()
    page.page.locator('[data-testid="stDataFrame"] [role="columnheader"]').first.wait_for(state="attached", timeout=15000)
    headers = " ".join(page.page.locator('[data-testid="stDataFrame"] [role="columnheader"]').all_text_contents())
    assert not CJK.findall(headers)
    assert page.js_errors == []


def test_a_district_filter_zooms_there_keeps_water_counts_and_goes_into_the_link(app, page):
    _open(page, f"{app.url}/?layers=districts,water_bodies,industrial_parks,rail_stations&district=nanxun")
    page.page.wait_for_function("() => location.search.includes('district=nanxun')", timeout=15000)
    page.page.wait_for_timeout(1500)
    lat, lon, zoom = page.map_eval("() => { const c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; }")
    assert zoom >= 10 and 120.2 < lon < 120.6 and 30.6 < lat < 31.0  # 南浔区
    assert page.map_frame().locator(".leaflet-hz-water_bodies-pane path").count() >= 1  # Taihu stays
    assert page.sidebar().get_by_text(re.compile(r"筛选后显示 \d+ 个要素")).count() == 1
    # A status filter chosen in the sidebar joins the link.
    page.sidebar().get_by_role("button", name=re.compile("Delete|删除|Remove")).first.click()
    page.page.wait_for_function("() => location.search.includes('status=')", timeout=15000)
    query = parse_qs(urlparse(page.page.url).query)
    assert query["district"] == ["nanxun"] and len(query["status"][0].split(",")) == 2
