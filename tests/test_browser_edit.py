"""Editing in the real app: sign-in, schema-driven attribute edit, save, visible on the map."""
from __future__ import annotations

import json

import pytest

from conftest import RunningApp
from layers.editing.auth import hash_password

pytestmark = pytest.mark.browser
PASSWORD = "pw-湖州-test"
REPO_GEODATA = __import__("pathlib").Path(__file__).resolve().parent.parent / "geodata"


@pytest.fixture()
def editor_app(geodata_copy):
    running = RunningApp(geodata_copy, {"HZ_EDITORS": f"wang={hash_password(PASSWORD)}"})
    yield running, geodata_copy
    running.stop()


def _go_edit(page, url):
    page.page.goto(url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.go_to("Edit", "编辑图层")


def _sign_in_and_open(page, url, layer_title):
    _go_edit(page, url)
    _sign_in_and_pick(page, layer_title)


def _sign_in_and_pick(page, layer_title):
    page.page.get_by_label("用户名").fill("wang")
    page.page.get_by_label("密码").fill(PASSWORD)
    page.page.get_by_role("button", name="登录").click()
    page.page.get_by_role("button", name="校验并保存").wait_for(timeout=15000)
    page.page.get_by_role("combobox", name="图层").click()
    page.page.get_by_role("option", name=layer_title).click()
    page.wait_idle()


def _sign_in_and_open_partner_cities(page, url):
    _sign_in_and_open(page, url, "合作城市")


def _confirm_all(page):
    """Tick every question the save asks (long move, district, accuracy and source)."""
    page.page.get_by_text("保存前请确认").wait_for(timeout=15000)
    page.page.wait_for_timeout(1000)  # let the rerun that showed the questions settle
    page.wait_idle()
    boxes = page.page.locator('.st-key-save_checks [data-testid="stCheckbox"]')
    for n in range(boxes.count()):
        box = boxes.nth(n)
        if not box.locator("input[type=checkbox]").is_checked():
            box.locator("label").first.click(position={"x": 8, "y": 10})  # the tick box itself
            page.page.wait_for_timeout(800)
            page.wait_idle()
        assert box.locator("input[type=checkbox]").is_checked()


def _editor(page):
    editor = page.page.frame_locator('iframe[title*="hz_map_editor"]')
    editor.locator(".leaflet-container").wait_for(timeout=20000)
    return editor, next(f for f in page.page.frames if "hz_map_editor" in f.url)


def _screen_point(page, frame, lon, lat):
    """Page coordinates of a lon/lat on the editor map (centred there first, so it is in view).
    The editor is scrolled into view first: Streamlit's page scrolls in its own container."""
    frame.evaluate(f"() => window.hzEditorMap.setView([{lat}, {lon}], 11, {{animate: false}})")
    iframe = page.page.locator('iframe[title*="hz_map_editor"]')
    iframe.scroll_into_view_if_needed()
    page.page.wait_for_timeout(300)
    x, y = frame.evaluate(f"() => {{ const p = window.hzEditorMap.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}")
    box = iframe.bounding_box()
    inner = frame.evaluate("() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; }")
    return box["x"] + inner[0] + x, box["y"] + inner[1] + y


def test_viewer_sees_no_edit_controls_and_wrong_password_is_refused(editor_app, page):
    running, _ = editor_app
    _go_edit(page, running.url)
    assert page.page.get_by_role("button", name="校验并保存").count() == 0
    assert page.page.get_by_role("tab", name="地图编辑").count() == 0
    page.page.get_by_label("用户名").fill("wang")
    page.page.get_by_label("密码").fill("wrong")
    page.page.get_by_role("button", name="登录").click()
    page.page.get_by_text("用户名或密码错误").wait_for(timeout=15000)
    assert page.page.get_by_role("button", name="校验并保存").count() == 0


def test_editor_changes_an_attribute_saves_and_sees_it_on_the_map(editor_app, page, artifacts):
    running, geodata = editor_app
    _sign_in_and_open_partner_cities(page, running.url)
    page.page.get_by_role("combobox", name="要素").click()
    page.page.get_by_role("option", name="city_hangzhou · 杭州").click()
    page.wait_idle()
    page.page.get_by_label("名称 *").fill("杭州（已编辑）")
    page.page.get_by_role("button", name="应用到工作副本").click()
    page.wait_idle()
    page.page.get_by_role("button", name="校验并保存").click()
    page.page.get_by_text("已保存：changed city_hangzhou (name_zh)").wait_for(timeout=15000)
    saved = json.loads((geodata / "partner_cities.geojson").read_text(encoding="utf-8"))
    assert [f for f in saved["features"] if f["properties"]["id"] == "city_hangzhou"][0]["properties"]["name_zh"] \
        == "杭州（已编辑）"
    assert list((geodata / ".history" / "partner_cities").glob("*.json"))
    page.page.screenshot(path=str(artifacts / "edit_saved.png"), full_page=True)
    page.go_to("Map", "湖州规划地图 · 虹桥国际开放枢纽金西翼")
    page.map_frame().get_by_text("杭州（已编辑）", exact=True).wait_for(timeout=20000)
    assert page.external_requests == []


def test_editor_moves_a_point_on_the_map_and_saves_the_new_position(editor_app, page):
    running, geodata = editor_app
    _sign_in_and_open_partner_cities(page, running.url)
    page.page.get_by_role("tab", name="地图编辑").click()
    editor = page.page.frame_locator('iframe[title*="hz_map_editor"]')
    markers = editor.locator(".leaflet-marker-icon")
    markers.first.wait_for(timeout=20000)
    assert markers.count() == 15
    page.page.locator('iframe[title*="hz_map_editor"]').scroll_into_view_if_needed()
    page.page.wait_for_timeout(300)
    frame = next(f for f in page.page.frames if "hz_map_editor" in f.url)
    x, y = _screen_point(page, frame, 120.75, 30.767)  # 嘉兴 (a marker's tip is its position)
    editor.locator(".leaflet-draw-edit-edit").click()
    page.page.wait_for_timeout(300)
    y -= 8  # grab the marker icon just above its tip
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    page.page.mouse.move(x - 30, y + 30, steps=8)
    page.page.mouse.up()
    editor.get_by_text("保存", exact=True).click()  # Leaflet.draw's toolbar speaks the UI language
    editor.get_by_role("button", name="应用几何修改").click()
    page.wait_idle()
    _confirm_all(page)  # a moved point: review its accuracy and source (and the distance if long)
    page.wait_idle()
    page.page.get_by_role("button", name="校验并保存").click()
    page.page.wait_for_timeout(1000)
    page.wait_idle(60000)
    alerts = page.page.locator('[data-testid="stAlert"]').all_inner_texts()
    codes = page.page.locator('[data-testid="stCode"]').all_inner_texts()
    assert any(a.startswith("已保存") and "(geometry" in a for a in alerts), (alerts, codes)
    saved = json.loads((geodata / "partner_cities.geojson").read_text(encoding="utf-8"))
    before = json.loads((REPO_GEODATA / "partner_cities.geojson").read_text(encoding="utf-8"))
    coords = lambda data: {f["properties"]["id"]: f["geometry"]["coordinates"] for f in data["features"]}  # noqa: E731
    moved = [i for i, c in coords(saved).items() if c != coords(before)[i]]
    assert len(moved) == 1 and len(coords(saved)) == 15  # one point moved, nothing else touched
    assert list((geodata / ".history" / "partner_cities").glob("*.json"))
    assert page.external_requests == [] and page.js_errors == []


def test_editor_markers_wait_for_leaflet_css_so_no_icon_is_fetched_from_a_wrong_path(editor_app, page):
    """Leaflet finds its marker images through leaflet.css: markers built before the stylesheet
    arrives ask for marker-icon.png beside the component page (two 404s on a loaded machine)."""
    running, _ = editor_app
    _go_edit(page, running.url)
    cdp = page.context.new_cdp_session(page.page)  # the map page loaded leaflet.css: no memory-cache hit
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    held = []
    page.page.route("**/vendor/leaflet/leaflet.css", lambda route: held.append(route))
    page.page.get_by_label("用户名").fill("wang")
    page.page.get_by_label("密码").fill(PASSWORD)
    page.page.get_by_role("button", name="登录").click()
    page.page.get_by_role("button", name="校验并保存").wait_for(timeout=15000)
    page.page.get_by_role("combobox", name="图层").click()
    page.page.get_by_role("option", name="合作城市").click()
    page.wait_idle()
    page.page.get_by_role("tab", name="地图编辑").click()
    for _ in range(100):  # until the editor asks for the stylesheet (and has loaded leaflet.js)
        if held:
            break
        page.page.wait_for_timeout(200)
    assert held, "the editor never asked for leaflet.css"
    page.page.wait_for_timeout(1500)  # Leaflet and the layer are there; the stylesheet is not
    markers = page.page.frame_locator('iframe[title*="hz_map_editor"]').locator(".leaflet-marker-icon")
    assert markers.count() == 0  # nothing built yet
    for route in held:
        route.continue_()
    page.page.unroute("**/vendor/leaflet/leaflet.css")
    markers.first.wait_for(timeout=20000)
    page.page.wait_for_timeout(500)
    assert page.js_errors == []
    src = markers.first.get_attribute("src")
    assert src.endswith("/vendor/leaflet/images/marker-icon.png"), src


def test_editor_places_an_unlocated_park_by_clicking_its_town(editor_app, page, artifacts):
    running, geodata = editor_app
    _sign_in_and_open(page, running.url, "产业平台与园区（三核）")
    page.page.get_by_role("tab", name="地图编辑").click()
    page.page.get_by_role("combobox", name="给未定位要素定位").click()
    page.page.get_by_role("option", name="park_changxing_nev · 长兴新能源汽车产业基地").click()
    page.wait_idle()
    editor, frame = _editor(page)
    editor.get_by_text("单击地图放置 park_changxing_nev").wait_for(timeout=15000)
    editor.locator(".ctx-label", has_text="长兴县").first.wait_for(timeout=15000)  # boundaries and names underneath
    page.wait_idle()
    x, y = _screen_point(page, frame, 119.91, 31.03)  # inside 长兴县, near the county seat
    page.page.mouse.click(x, y)
    editor.get_by_role("button", name="应用几何修改").click()
    page.wait_idle()
    _confirm_all(page)
    page.page.screenshot(path=str(artifacts / "edit_place_unlocated.png"), full_page=True)
    page.wait_idle()
    page.page.get_by_role("button", name="校验并保存").click()
    page.page.wait_for_timeout(1000)
    page.wait_idle(60000)
    alerts = page.page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(a.startswith("已保存") for a in alerts), alerts
    saved = json.loads((geodata / "industrial_parks.geojson").read_text(encoding="utf-8"))
    park = next(f for f in saved["features"] if f["properties"]["id"] == "park_changxing_nev")
    lon, lat = park["geometry"]["coordinates"]
    assert abs(lon - 119.91) < 0.01 and abs(lat - 31.03) < 0.01
    assert page.js_errors == []


def _marker_centre(page, frame, lon, lat):
    """Page coordinates of the centre of the marker icon drawn nearest to lon/lat."""
    _screen_point(page, frame, lon, lat)  # centre the map there and scroll the editor into view
    inner = frame.evaluate(f"""() => {{
        const p = window.hzEditorMap.latLngToContainerPoint([{lat}, {lon}]);
        const map = document.getElementById('map').getBoundingClientRect();
        let best = null, bestDistance = Infinity;
        for (const icon of document.querySelectorAll('.leaflet-marker-icon')) {{
            const r = icon.getBoundingClientRect();
            const d = Math.hypot((r.left + r.right) / 2 - map.left - p.x, r.bottom - map.top - p.y);
            if (d < bestDistance) {{ bestDistance = d; best = [(r.left + r.right) / 2, (r.top + r.bottom) / 2]; }}
        }}
        return best;
    }}""")
    box = page.page.locator('iframe[title*="hz_map_editor"]').bounding_box()
    return box["x"] + inner[0], box["y"] + inner[1]


def _drag_and_apply(page, editor, frame, lon, lat, dx, dy):
    """Drag the marker at lon/lat by (dx, dy) px in the editor's edit mode and hand it to the
    working copy; retried once, because a Streamlit rerun can redraw the editor mid-drag."""
    for attempt in range(2):
        page.wait_idle()
        x, y = _marker_centre(page, frame, lon, lat)
        editor.locator(".leaflet-draw-edit-edit").click()
        editor.get_by_text("保存", exact=True).wait_for(timeout=10000)  # in edit mode
        page.page.mouse.move(x, y)
        page.page.mouse.down()
        page.page.mouse.move(x + dx, y + dy, steps=10)
        page.page.mouse.up()
        editor.get_by_text("保存", exact=True).click()
        editor.get_by_role("button", name="应用几何修改").click()
        page.wait_idle()
        try:  # a moved station makes the save ask its questions
            page.page.get_by_text("保存前请确认").wait_for(timeout=15000)
            return
        except Exception:
            if attempt:
                raise


def _click_until_shown(page, button, text):
    """Click a button until its answer shows: Streamlit drops a click that lands mid-rerun."""
    for attempt in range(3):
        page.page.get_by_role("button", name=button).click()
        try:
            page.page.get_by_text(text).first.wait_for(timeout=10000)
            return
        except Exception:
            if attempt == 2:
                raise
            page.wait_idle()


def test_a_station_dragged_off_its_line_is_refused_with_the_reason(editor_app, page):
    running, geodata = editor_app
    before = (geodata / "rail_stations.geojson").read_bytes()
    _sign_in_and_open(page, running.url, "铁路车站")
    page.page.get_by_role("tab", name="地图编辑").click()
    editor, frame = _editor(page)
    editor.locator(".leaflet-marker-icon").first.wait_for(timeout=20000)
    _drag_and_apply(page, editor, frame, 120.17479, 30.81931, 120, 100)  # 湖州东站, about 20 km
    page.wait_idle()
    _click_until_shown(page, "校验并保存", "请先确认以上各项")  # not yet confirmed: refused
    assert page.page.get_by_text("移动了").count() >= 1  # the long move names its distance
    _confirm_all(page)
    _click_until_shown(page, "校验并保存", "km from 'rail_")  # confirmed, but off its line: the rules refuse
    assert (geodata / "rail_stations.geojson").read_bytes() == before


def _upload(page, name, raw, mime):
    page.page.get_by_role("tab", name="导入").click()
    page.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": raw}])
    page.wait_idle()


def test_kml_and_csv_without_ids_import_into_the_working_copy(editor_app, page):
    running, _ = editor_app
    _sign_in_and_open_partner_cities(page, running.url)
    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           '<Placemark><name>测试城</name><Point><coordinates>120.3,30.9,0</coordinates></Point></Placemark>'
           '</Document></kml>').encode("utf-8")
    _upload(page, "places.kml", kml, "application/vnd.google-earth.kml+xml")
    page.page.get_by_text("测试城").first.wait_for(state="attached", timeout=20000)
    page.page.get_by_role("button", name="放入工作副本").click()
    page.wait_idle()
    csv = "name_zh,name_en,lon,lat\n新城,New town,120.2,30.7\n".encode("utf-8")
    _upload(page, "towns.csv", csv, "text/csv")
    page.page.get_by_text("新城").first.wait_for(state="attached", timeout=20000)
    page.page.get_by_role("button", name="放入工作副本").click()
    page.wait_idle()
    page.page.get_by_role("tab", name="属性").click()
    page.page.get_by_role("combobox", name="要素").click()
    options = " ".join(page.page.get_by_role("option").all_inner_texts())
    assert "partner_cities_imported_1 · 测试城" in options and "partner_cities_imported_2 · 新城" in options
    assert page.js_errors == []


def test_a_gbk_shapefile_keeps_its_chinese_names(editor_app, page, tmp_path):
    import io
    import zipfile

    import geopandas as gpd
    from shapely.geometry import Point

    running, _ = editor_app
    frame = gpd.GeoDataFrame({"id": ["s1"], "name_zh": ["南浔古镇"]}, geometry=[Point(120.42, 30.87)], crs="EPSG:4326")
    frame.to_file(tmp_path / "s.shp", engine="pyogrio", encoding="GBK")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in tmp_path.glob("s.*"):
            if part.suffix != ".cpg":  # as GBK shapefiles from older tools arrive: no .cpg
                archive.write(part, part.name)
    _sign_in_and_open_partner_cities(page, running.url)
    _upload(page, "s.zip", buffer.getvalue(), "application/zip")
    page.page.get_by_text("GB18030").first.wait_for(timeout=20000)
    cells = page.page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=20000)
    assert "南浔古镇" in " ".join(cells.all_text_contents())


def test_edit_opened_first_on_a_fresh_start_shows_the_editor_fitted_to_its_layer(geodata_copy, page):
    """No map page visit before: the static Leaflet files must already be there (they were only
    put in place by the map page), and the editor opens on Huzhou, not at world zoom."""
    import shutil

    from layers.web.assets import VENDOR_DIR

    shutil.rmtree(VENDOR_DIR, ignore_errors=True)
    running = RunningApp(geodata_copy, {"HZ_EDITORS": f"wang={hash_password(PASSWORD)}"})
    try:
        page.page.goto(running.url + "/edit")
        _sign_in_and_pick(page, "铁路车站")
        page.page.get_by_role("tab", name="地图编辑").click()
        editor, frame = _editor(page)
        editor.locator(".leaflet-control-scale").wait_for(timeout=20000)
        assert frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-container')).position") == "relative"
        zoom, west, south, east, north = frame.evaluate(
            "() => { const b = window.hzEditorMap.getBounds(); return [window.hzEditorMap.getZoom(),"
            " b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
        assert zoom >= 7 and west < 120.1 < east and south < 30.87 < north  # 湖州站 in view
        assert (VENDOR_DIR / "leaflet" / "leaflet.css").exists()
    finally:
        running.stop()
