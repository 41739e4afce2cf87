"""The export page in the real app: preview and downloads, offline."""
from __future__ import annotations

import pytest

from layers.catalogue import load_catalogue

pytestmark = pytest.mark.browser


def test_export_page_previews_and_offers_png(app, page, artifacts):
    page.page.goto(app.url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.panel().get_by_text("合作城市", exact=True).click()  # the export takes what the map shows
    page.page.wait_for_timeout(1500)
    page.go_to("Export", "导出地图")
    tags = page.page.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag]')
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


def test_export_takes_the_current_map_extent(app, page):
    page.page.goto(app.url)
    page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
    page.map_eval("() => window.map.setView([30.55, 120.0], 11, {animate: false})")
    page.page.wait_for_timeout(1500)
    page.wait_idle()
    page.go_to("Export", "导出地图")
    lon_min = float(page.page.get_by_label("lon min").input_value())
    lat_max = float(page.page.get_by_label("lat max").input_value())
    assert 119.5 < lon_min < 120.0 and 30.55 < lat_max < 30.8
