"""Issue-4 behaviour in the real app: overlays keep the view, shared links, search, escaping."""
from __future__ import annotations

import json

import pytest

from conftest import REPO, Page, RunningApp

pytestmark = pytest.mark.browser

BELT = ".leaflet-hz-overlay_2024_belt-pane path.leaflet-interactive"
DISTRICTS = ".leaflet-hz-districts-pane path.leaflet-interactive"


def _view(page):
    return page.map_eval("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")


def _open(page, url):
    page.page.goto(url)
    page.map_frame().locator(DISTRICTS).first.wait_for(timeout=30000)
    page.wait_idle()


def test_overlay_toggle_draws_and_removes_it_and_keeps_the_view(app, page, artifacts):
    _open(page, app.url)
    page.map_eval("() => window.map.setView([30.95, 120.15], 11, {animate: false})")
    page.page.wait_for_timeout(1500)
    page.wait_idle()
    before = _view(page)
    page.panel().get_by_text("一带（金腰带）", exact=True).click()
    page.map_frame().locator(BELT).first.wait_for(timeout=15000)
    page.wait_idle()
    assert _view(page) == pytest.approx(before, abs=1e-6)
    page.page.screenshot(path=str(artifacts / "overlay_golden_belt.png"))
    page.panel().get_by_text("一带（金腰带）", exact=True).click()
    page.map_frame().locator(BELT).first.wait_for(state="detached", timeout=15000)
    page.wait_idle()
    assert _view(page) == pytest.approx(before, abs=1e-6)
    assert page.external_requests == [] and page.js_errors == []


def test_toggle_acts_in_the_browser_then_tells_python(app, page):
    """The map draws the layer from the panel's message alone (same page, same map, no
    server round trip needed); the URL catches up afterwards through the ordinary rerun."""
    _open(page, app.url)
    page.map_eval("() => { window.hzMarker = 'kept'; }")
    legend = page.map_frame().locator(".hz-legend")
    assert "一带（金腰带）" not in legend.inner_text()
    # The runtime prefetches small layers while idle; make sure this one is in, then cut the
    # network (websocket included): whatever happens now cannot come from the server.
    assert page.map_eval(
        "() => window.hz.fetchOnce(window.hz.view.configs.layers.overlay_2024_belt.url).then(d => d.features.length)") > 0
    page.page.evaluate("() => { window.__hzOffline = true; }")
    page.context.set_offline(True)
    try:
        page.panel().get_by_text("一带（金腰带）", exact=True).click()
        page.map_frame().locator(BELT).first.wait_for(timeout=5000)
        assert "一带（金腰带）" in legend.inner_text()
    finally:
        page.context.set_offline(False)
    assert page.map_eval("() => window.hzMarker") == "kept"
    legend.get_by_role("button").click()  # folds away, and back
    assert "一带（金腰带）" not in legend.inner_text()
    legend.get_by_role("button").click()
    assert "一带（金腰带）" in legend.inner_text()
    assert page.page.evaluate("() => window.__hzOffline") is True  # the page was not reloaded


def test_url_follows_a_panel_toggle(app, page):
    _open(page, app.url)
    page.panel().get_by_text("一带（金腰带）", exact=True).click()
    page.page.wait_for_function("() => location.search.includes('overlay_2024_belt')", timeout=15000)


def test_layers_switched_on_in_the_panel_survive_a_basemap_change(app, page):
    """A basemap change rebuilds the map iframe: it must come back with what the user chose."""
    _open(page, app.url)
    page.panel().get_by_text("一带（金腰带）", exact=True).click()
    page.map_frame().locator(BELT).first.wait_for(timeout=5000)
    page.wait_idle()
    option = page.page.get_by_role("option", name="OpenStreetMap（需联网）")
    for attempt in range(3):  # a click that lands mid-rerun is dropped by Streamlit: open it again
        page.sidebar().locator('[data-testid="stSelectbox"]').first.click()
        try:
            option.wait_for(timeout=5000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.wait_idle()
    option.click()  # tiles are blocked: fine
    page.page.wait_for_function("() => location.search.includes('basemap=osm')", timeout=15000)
    page.wait_idle()
    page.map_frame().locator(BELT).first.wait_for(timeout=15000)
    assert page.map_frame().locator(DISTRICTS).count() == 5
    # The tiles cannot load here (the test browser is offline): the map says so.
    notice = page.map_frame().locator(".hz-tile-notice")
    notice.wait_for(timeout=15000)
    assert "在线底图无法加载" in notice.inner_text()


def test_whole_plan_switches_on_in_one_click(app, page):
    _open(page, app.url)
    group = page.panel().get_by_role("button", name="全部显示").first  # first overlay group: 2024 plan
    group.click()
    for pane in ("overlay_2024_belt", "overlay_2024_cores", "overlay_2024_zones"):
        page.map_frame().locator(f".leaflet-hz-{pane}-pane .leaflet-interactive").first.wait_for(timeout=15000)
    # 三核: all three cores are drawn (one of them as a labelled district-level point)
    assert page.map_frame().locator(".leaflet-hz-overlay_2024_cores-pane .leaflet-interactive").count() == 3
    assert page.js_errors == []


def test_shared_url_restores_layers_view_and_language(app, page):
    page.page.goto(f"{app.url}/?layers=districts,overlay_2024_belt&lang=en&center=30.95,120.2&zoom=11")
    page.map_frame().locator(BELT).first.wait_for(timeout=30000)
    page.wait_idle()
    assert page.page.get_by_text("Huzhou planning map").count() >= 1
    assert page.map_frame().locator(".leaflet-hz-rail_lines-pane path").count() == 0
    lat, lon, zoom = _view(page)
    assert zoom == 11 and abs(lat - 30.95) < 0.01 and abs(lon - 120.2) < 0.01
    assert page.external_requests == []


def test_search_zooms_to_a_station_and_opens_its_popup(app, page, artifacts):
    _open(page, app.url)
    box = page.page.get_by_label("搜索名称（中文或英文）")
    box.fill("长兴站")
    box.press("Enter")
    popup = page.map_frame().locator(".leaflet-popup-content")
    popup.first.wait_for(timeout=20000)
    assert "长兴站" in popup.first.inner_text()
    assert _view(page)[2] == 13
    page.page.screenshot(path=str(artifacts / "search_changxing.png"))


def _search_and_pick(page, query, option):
    box = page.page.get_by_label("搜索名称（中文或英文）")
    box.fill(query)
    box.press("Enter")
    page.wait_idle()
    page.page.get_by_label("搜索结果").click()
    page.page.get_by_role("option", name=option).click()


def test_a_park_popup_shows_the_major_project_that_concerns_it(app, page):
    _open(page, app.url)
    _search_and_pick(page, "泛半导体", "长三角泛半导体新材料产业园 · 产业平台与园区（三核）")
    popup = page.map_frame().locator(".leaflet-popup-content")
    popup.first.wait_for(timeout=20000)
    text = popup.first.inner_text()
    assert "6. 长三角泛半导体新材料产业园项目" in text and "南浔区" in text


def test_search_result_in_a_hidden_layer_switches_that_layer_on_in_map_and_panel(app, page):
    _open(page, app.url)
    box = page.page.get_by_label("搜索名称（中文或英文）")
    box.fill("金腰带")
    box.press("Enter")
    page.map_frame().locator(BELT).first.wait_for(timeout=20000)
    page.map_frame().locator(".leaflet-popup-content").first.wait_for(timeout=20000)
    switch = page.panel().get_by_role("checkbox", name="一带（金腰带）")
    page.page.wait_for_function("() => location.search.includes('overlay_2024_belt')", timeout=15000)
    assert switch.is_checked()


def test_search_for_nanxun_station_opens_its_popup_on_the_map(app, page):
    _open(page, app.url)
    _search_and_pick(page, "南浔", "湖州南浔站 · 铁路车站")
    # The first result (南浔区) opens its popup first; picking the station moves it there.
    popup = page.map_frame().locator(".leaflet-popup-content", has_text="湖州南浔站")
    popup.first.wait_for(timeout=20000)
    assert "沪苏湖高铁" in popup.first.inner_text()


def test_search_for_an_unlocated_feature_says_it_is_unlocated(app, page):
    _open(page, app.url)
    _search_and_pick(page, "长兴新能源", "长兴新能源汽车产业基地 · 产业平台与园区（三核）")
    page.page.get_by_text("该要素暂无有出处的位置").wait_for(timeout=15000)
    card = page.page.locator('[data-testid="stTable"]').first
    card.wait_for(timeout=10000)
    text = card.inner_text()
    assert "主导产业" in text and "氢能" in text  # a labelled card, in the UI language
    assert page.page.locator('[data-testid="stJson"]').count() == 0  # never raw JSON


def test_html_in_feature_names_is_shown_as_text(geodata_copy, browser):
    path = geodata_copy / "partner_cities.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][2]["properties"]["name_zh"] = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    running = RunningApp(geodata_copy)
    page = Page(browser)
    dialogs = []
    page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _open(page, running.url)
        label = page.map_frame().get_by_text("<img src=x onerror=alert(1)><script>alert(2)</script>", exact=True)
        label.first.wait_for(timeout=15000)
        label.first.click(force=True)
        page.page.wait_for_timeout(1000)
        assert page.map_frame().locator(".hz-label img, .hz-info img, .hz-info script").count() == 0
        assert dialogs == []
    finally:
        page.close()
        running.stop()


def test_browser_gcj_shift_matches_the_python_transform(app, page):
    from layers.geo.crs import wgs84_to_gcj02

    _open(page, app.url)
    lon, lat = page.map_eval("() => window.hz.toGcj(120.01784, 30.86494)")
    expected = wgs84_to_gcj02(120.01784, 30.86494)
    assert abs(lon - expected[0]) < 1e-9 and abs(lat - expected[1]) < 1e-9


def test_measure_tool_reports_distance_and_area(app, page):
    _open(page, app.url)
    frame = page.map_frame()
    frame.get_by_role("button", name="测量", exact=True).click()
    box = page.map_eval("() => { const r = document.getElementById('map_div').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")
    x, y, w, h = box
    map_el = frame.locator("#map_div")
    for dx, dy in ((0.4, 0.4), (0.6, 0.4), (0.6, 0.6)):
        map_el.click(position={"x": w * dx, "y": h * dy})
    text = frame.locator(".hz-measure-out").inner_text()
    assert "距离" in text and "km" in text and "面积" in text


def test_unlocated_features_are_counted_per_district_in_map_panel_and_legend(app, page):
    _open(page, app.url + "/?layers=districts,industrial_parks,major_projects")
    frame = page.map_frame()
    badge = frame.locator(".hz-badge", has_text="未定位").first
    badge.wait_for(timeout=20000)
    texts = [t for t in frame.locator(".hz-badge").all_inner_texts()]
    assert any(t.startswith("全市") for t in texts)  # city-wide projects are not put in a district
    nanxun = frame.locator(".hz-badge").nth(1)  # districts in file order: 吴兴区, 南浔区, …
    nanxun.click()
    card = frame.locator(".hz-badge-card")
    card.wait_for(timeout=10000)
    assert card.inner_text().startswith("南浔区：未定位")
    assert "湖州接轨上海创新合作区建设项目" in card.inner_text()
    summary = card.locator("summary", has_text="湖州接轨上海创新合作区建设项目")
    page.page.wait_for_timeout(500)  # the popup pans into view first; a click mid-pan can miss
    summary.click()
    try:  # the same formatted card as a popup, not raw JSON
        card.get_by_text("牵头单位").first.wait_for(timeout=3000)
    except Exception:
        summary.click()  # the first click landed while the popup was still moving
        card.get_by_text("牵头单位").first.wait_for(timeout=5000)
    legend = frame.locator(".hz-legend").inner_text()
    assert "重大工程项目（14项）：未定位 14 项" in legend
    parks = json.loads((REPO / "geodata" / "industrial_parks.geojson").read_text(encoding="utf-8"))["features"]
    unlocated = sum(1 for f in parks if f["geometry"] is None)
    assert page.panel().get_by_text(f"未定位 {unlocated} 项").count() == 1
    assert page.js_errors == []


def test_project_table_answers_which_projects_are_in_nanxun_and_who_leads_them(app, page, artifacts):
    _open(page, app.url)
    page.page.get_by_role("heading", name="重大工程项目").scroll_into_view_if_needed()
    page.page.wait_for_timeout(1000)
    page.wait_idle()
    for attempt in range(3):  # a start-up rerun can close the dropdown under the click
        page.page.get_by_label("所在区县").click()
        try:
            page.page.get_by_role("option", name="南浔区").click(timeout=5000)
            break
        except Exception:
            page.page.screenshot(path=str(artifacts / f"project_filter_try{attempt}.png"))
            if attempt == 2:
                raise
    page.page.get_by_text("共 3 项").wait_for(timeout=15000)  # one step: the district lists its projects
    grid = page.page.locator('[data-testid="stDataFrame"]').first
    cells = grid.locator('[role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=15000)  # the grid's accessible copy of its cells
    text = " ".join(cells.all_text_contents())
    for name in ("湖州接轨上海创新合作区建设项目", "长三角泛半导体新材料产业园项目", "长三角未来食品产业园项目"):
        assert name in text
    assert text.count("南浔区") >= 3 and "金西翼综合交通枢纽" not in text
    # Picking a row (its selection box) shows the project's features on the map, ringed.
    grid.scroll_into_view_if_needed()  # a mouse click outside the window is lost
    page.page.wait_for_timeout(300)
    box = grid.bounding_box()
    frame = page.map_frame()
    page.page.mouse.click(box["x"] + 12, box["y"] + 35 * 2 + 18)  # second row: 泛半导体
    frame.locator(".hz-highlight").first.wait_for(timeout=20000)
    popup = frame.locator(".leaflet-popup-content", has_text="长三角泛半导体新材料产业园")
    popup.first.wait_for(timeout=20000)
    page.page.screenshot(path=str(artifacts / "project_table_nanxun.png"), full_page=True)
    assert page.js_errors == []
