"""Editing in the real app: sign-in, schema-driven attribute edit, save, visible on the map."""
from __future__ import annotations

import json

import pytest

from conftest import RunningApp
from layers.auth import hash_password

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


def _sign_in_and_open_partner_cities(page, url):
    _go_edit(page, url)
    page.page.get_by_label("用户名").fill("wang")
    page.page.get_by_label("密码").fill(PASSWORD)
    page.page.get_by_role("button", name="登录").click()
    page.page.get_by_role("button", name="校验并保存").wait_for(timeout=15000)
    page.page.get_by_role("combobox", name="图层").click()
    page.page.get_by_role("option", name="合作城市").click()
    page.wait_idle()


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
    editor.locator(".leaflet-draw-edit-edit").click()
    page.page.wait_for_timeout(300)
    box = markers.first.bounding_box()  # Playwright gives page coordinates, iframe included
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    page.page.mouse.move(x - 30, y + 30, steps=8)
    page.page.mouse.up()
    editor.get_by_text("Save", exact=True).click()
    editor.get_by_role("button", name="应用几何修改").click()
    page.wait_idle()
    page.page.get_by_role("button", name="校验并保存").click()
    page.page.get_by_text("(geometry)").first.wait_for(timeout=15000)
    saved = json.loads((geodata / "partner_cities.geojson").read_text(encoding="utf-8"))
    before = json.loads((REPO_GEODATA / "partner_cities.geojson").read_text(encoding="utf-8"))
    coords = lambda data: {f["properties"]["id"]: f["geometry"]["coordinates"] for f in data["features"]}  # noqa: E731
    moved = [i for i, c in coords(saved).items() if c != coords(before)[i]]
    assert len(moved) == 1 and len(coords(saved)) == 15  # one point moved, nothing else touched
    assert list((geodata / ".history" / "partner_cities").glob("*.json"))
    assert page.external_requests == [] and page.js_errors == []
