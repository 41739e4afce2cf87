"""The export page in the real app: preview and downloads, offline."""
from __future__ import annotations

import pytest
from conftest import REPO, RunningApp

from layers.model.catalogue import load_catalogue

pytestmark = pytest.mark.browser


def test_export_page_previews_and_offers_png(app, page, artifacts):
    page.page.goto(app.url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.panel().get_by_text("合作城市", exact=True).click()  # the export takes what the map shows
    page.page.wait_for_timeout(1500)
    page.go_to("Export", "导出地图")
    picker = page.page.locator('[data-testid="stMultiSelect"]').filter(has_text="图层（默认取自地图页）")
    tags = picker.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
    tags.first.wait_for(timeout=15000)
    chips = [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]
    expected = [s.title_zh for s in load_catalogue().layers if s.visible and s.id != "partner_cities"]
    assert sorted(chips) == sorted(expected)
    page.wait_idle()
    page.page.get_by_role("button", name="生成预览").click()
    page.page.locator('[data-testid="stImage"] img').first.wait_for(timeout=60000)
    page.page.get_by_role("button", name="下载 PNG").wait_for(timeout=30000)
    page.page.get_by_role("button", name="下载 GeoPackage").wait_for(timeout=30000)
    page.page.screenshot(path=str(artifacts / "export_page.png"), full_page=True)
    assert page.external_requests == []
    assert page.js_errors == []


def test_data_catalogue_lists_layers_and_downloads_csv(app, page):
    page.page.goto(app.url)
    page.go_to("Data", "数据目录")
    csv_button = page.page.get_by_role("button", name="下载 CSV")
    csv_button.wait_for(timeout=30000)
    with page.page.expect_download() as download:
        csv_button.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("id,name_zh,name_en,source")
    assert page.external_requests == [] and page.js_errors == []


def _drag_map(page, dx: float, dy: float) -> None:
    """A planner's drag with the mouse (a deliberate move; programmatic moves are not reported)."""
    box = page.page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    page.page.mouse.move(x + dx, y + dy, steps=12)
    page.page.mouse.up()
    page.page.wait_for_timeout(800)


def test_a_pan_updates_link_and_export_extent_without_a_rerun(page, tmp_path):
    runs = tmp_path / "runs.log"
    running = RunningApp(REPO / "geodata", {"HZ_BENCH_LOG": str(runs)})
    try:
        page.page.goto(running.url)
        page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
        page.wait_idle()
        page.page.wait_for_timeout(1500)
        before = len(runs.read_text().splitlines())
        _drag_map(page, -300, 200)
        west, north, lat, lng = page.map_eval(
            "() => [map.getBounds().getWest(), map.getBounds().getNorth(), map.getCenter().lat, map.getCenter().lng]")
        page.page.wait_for_function(f"() => location.search.includes('center={lat:.5f}')", timeout=10000)
        page.page.wait_for_timeout(1000)
        assert len(runs.read_text().splitlines()) == before  # the map reported its view itself
        page.panel().get_by_text("合作城市", exact=True).click()  # a rerun keeps the dragged view in the link
        page.page.wait_for_function("() => !location.search.includes('partner_cities')", timeout=10000)
        page.wait_idle()
        page.page.wait_for_timeout(1000)
        assert f"center={lat:.5f}" in page.page.url
        page.go_to("Export", "导出地图")
        page.page.wait_for_function(
            f"() => Math.abs(parseFloat(document.querySelector('input[aria-label=\"lon min\"]').value) - {west}) < 0.001",
            timeout=15000)
        assert abs(float(page.page.get_by_label("lat max").input_value()) - north) < 0.001
        assert page.js_errors == []
    finally:
        running.stop()
