"""Issue 16, compare frameworks: the 2019 and 2024 plans side by side on synchronised maps,
each with its legend, and a share link that reopens the same comparison after a reload."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

MAPS = 'iframe[title="streamlit_folium.st_folium"]'
PANE = ".leaflet-hz-{}-pane path.leaflet-interactive"
PLAN_2019 = PANE.format("overlay_2019_directions")
PLAN_2024 = PANE.format("overlay_2024_zones")


def _frame(page, side: int):
    """The side's map iframe (0 left, 1 right) as a Playwright Frame."""
    return page.page.locator(MAPS).nth(side).element_handle().content_frame()


def _view(page, side: int):
    return _frame(page, side).evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")


def _open(page, url: str | None, left_pane: str, right_pane: str) -> None:
    """Open url (None: reload the page, with whatever the address bar holds now)."""
    page.page.goto(url) if url else page.page.reload()
    maps = page.page.frame_locator(MAPS)
    # attached, not visible: after a move the first feature of a plan may lie outside the view
    maps.nth(0).locator(left_pane).first.wait_for(state="attached", timeout=30000)
    maps.nth(1).locator(right_pane).first.wait_for(state="attached", timeout=30000)
    page.wait_idle()


def _unexpected_errors(page) -> list[str]:
    """JS errors and failed requests (each logged with its URL), except Streamlit's own probes:
    a deep link's first load asks /compare/_stcore/health and host-config before Streamlit
    finds its base path."""
    return [e for e in page.js_errors if "/compare/_stcore/" not in e]


def _drag(page, side: int, dx: int, dy: int) -> None:
    box = page.page.locator(MAPS).nth(side).bounding_box()
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    for step in range(1, 11):
        page.page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.page.mouse.up()


def test_both_frameworks_side_by_side_each_with_its_legend(app, page, artifacts):
    page.page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, f"{app.url}/compare", PLAN_2019, PLAN_2024)
    maps = page.page.frame_locator(MAPS)
    assert maps.nth(0).locator(PLAN_2024).count() == 0 and maps.nth(1).locator(PLAN_2019).count() == 0
    left_legend, right_legend = (maps.nth(i).locator(".hz-legend").inner_text() for i in (0, 1))
    assert "四向" in left_legend and "一带（金腰带）" not in left_legend
    assert "一带（金腰带）" in right_legend and "四向" not in right_legend
    assert "湖州五区县" in left_legend and "湖州五区县" in right_legend  # the same base on both sides
    # Side by side and whole within a 1280×720 window.
    left, right = (page.page.locator(MAPS).nth(i).bounding_box() for i in (0, 1))
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
    assert right["y"] + right["height"] <= 720 and left["width"] > 500
    query = parse_qs(urlsplit(page.page.url).query)
    assert query["left"] == ["2019"] and query["right"] == ["2024"] and query["lang"] == ["zh"]
    page.page.screenshot(path=str(artifacts / "compare_1280x720.png"))
    assert page.external_requests == [] and _unexpected_errors(page) == []


def test_moving_either_map_moves_the_other(app, page):
    _open(page, f"{app.url}/compare", PLAN_2019, PLAN_2024)
    start = _view(page, 0)
    assert _view(page, 1) == pytest.approx(start)
    _drag(page, 0, 160, 90)
    page.page.wait_for_timeout(500)
    moved = _view(page, 0)
    assert moved != pytest.approx(start)
    assert _view(page, 1) == pytest.approx(moved, abs=1e-9)
    page.page.frame_locator(MAPS).nth(1).locator(".leaflet-control-zoom-in").click()
    page.page.wait_for_timeout(800)
    zoomed = _view(page, 1)
    assert zoomed[2] == moved[2] + 1
    assert _view(page, 0) == pytest.approx(zoomed, abs=1e-9)
    assert _unexpected_errors(page) == []


def test_a_reload_of_the_link_reopens_the_same_plans_and_view(app, page):
    # The plans swapped and English, from the link; then a deliberate move goes into the link.
    _open(page, f"{app.url}/compare?left=2024&right=2019&lang=en", PLAN_2024, PLAN_2019)
    page.page.get_by_text("Plan frameworks compared (the two maps move together)").first.wait_for(timeout=10000)
    _drag(page, 1, -120, 60)
    page.page.frame_locator(MAPS).nth(0).locator(".leaflet-control-zoom-in").click()
    page.page.wait_for_timeout(800)
    page.wait_idle()
    before = _view(page, 0)
    link = page.page.url
    query = parse_qs(urlsplit(link).query)
    assert query["left"] == ["2024"] and query["right"] == ["2019"] and query["lang"] == ["en"]
    assert query["zoom"] == [str(before[2])]
    lat, lon = (float(v) for v in query["center"][0].split(","))
    assert (lat, lon) == pytest.approx(before[:2], abs=1e-4)

    _open(page, None, PLAN_2024, PLAN_2019)  # a reload: a new session from the link alone
    page.page.get_by_text("Plan frameworks compared (the two maps move together)").first.wait_for(timeout=10000)
    for side in (0, 1):
        assert _view(page, side) == pytest.approx(before, abs=1e-4)
    pickers = [page.page.get_by_role("combobox", name=f"{side} map plan").input_value() for side in ("Left", "Right")]
    assert pickers[0].startswith("2024 One Belt") and pickers[1].startswith("2019 One Core")
    legend = page.page.frame_locator(MAPS).nth(0).locator(".hz-legend").inner_text()
    assert "Legend" in legend
    assert page.page.url == link
    assert parse_qs(urlsplit(page.page.url).query) == query  # the reopened page keeps the link
    assert page.external_requests == [] and _unexpected_errors(page) == []


def test_a_bad_compare_link_is_named_and_the_page_still_opens(app, page):
    _open(page, f"{app.url}/compare?left=2030&right=%3Cb%3E&zoom=1e309", PLAN_2019, PLAN_2024)
    page.page.get_by_text("链接中的部分参数无效，已忽略：left、right、zoom").wait_for(timeout=15000)
    assert page.page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.page.content()


def test_changing_a_plan_swaps_that_map_only_and_keeps_view_and_link(app, page):
    _open(page, f"{app.url}/compare", PLAN_2019, PLAN_2024)
    _drag(page, 0, 100, -60)
    page.page.wait_for_timeout(800)
    before = _view(page, 0)
    centre = parse_qs(urlsplit(page.page.url).query)["center"]
    page.page.get_by_role("combobox", name="左图方案").click()
    page.page.get_by_role("option", name="2024 一带三核五区").click()
    maps = page.page.frame_locator(MAPS)
    maps.nth(0).locator(PLAN_2024).first.wait_for(timeout=15000)
    maps.nth(0).locator(PLAN_2019).first.wait_for(state="detached", timeout=15000)
    page.wait_idle()
    assert "一带（金腰带）" in maps.nth(0).locator(".hz-legend").inner_text()
    assert maps.nth(1).locator(PLAN_2024).count() > 0  # the right map is untouched
    for side in (0, 1):
        assert _view(page, side) == pytest.approx(before, abs=1e-9)
    query = parse_qs(urlsplit(page.page.url).query)
    assert query["left"] == ["2024"] and query["right"] == ["2024"] and query["center"] == centre
    # After the state was re-sent, one drag still moves both maps to one view (a second link
    # channel per re-send used to snap a map back and make the two fight).
    _drag(page, 0, -80, 40)
    page.page.wait_for_timeout(1000)
    moved = _view(page, 0)
    assert moved != pytest.approx(before, abs=1e-6)
    assert _view(page, 1) == pytest.approx(moved, abs=1e-6)
    assert _unexpected_errors(page) == []
