"""Start-up: a click on a sidebar page link while the map page is still starting is never lost.

Issue 16: on first load Streamlit used to run the map page three times (first run,
st_folium's initial value, the map's first moveend), and a page switch that landed during
those reruns was dropped about 1 time in 4. A first load is now one script run (nothing comes
back from st_folium, the layer panel sends nothing until clicked), so no rerun competes with
the click. Twenty clicks: ten away from the map, spread over its start-up (from the moment the
page links appear until after the map has drawn), and ten back to it, each landing while the
page just opened is itself starting."""
from __future__ import annotations

import pytest

from conftest import REPO, Page, RunningApp

pytestmark = pytest.mark.browser

MAP = "Map"
HEADINGS = {MAP: "湖州规划地图 · 虹桥国际开放枢纽金西翼", "Export": "导出地图", "Data": "数据目录"}


@pytest.fixture()
def cold_app(artifacts):
    """A server of its own, just started: its first visits are the slowest start-ups."""
    running = RunningApp(REPO / "geodata")
    yield running
    running.stop()


def test_twenty_page_switches_during_start_up_are_none_lost(cold_app, browser):
    clicks, lost = 0, []

    def switch(page, target: str) -> None:
        nonlocal clicks
        clicks += 1
        page.page.locator('[data-testid="stSidebarNav"] a', has_text=target).click()
        try:
            page.page.get_by_role("heading", name=HEADINGS[target]).first.wait_for(timeout=15000)
        except Exception:
            lost.append((clicks, target))
            page.page.goto(cold_app.url)  # carry on from the map to count every loss

    for visitor in range(2):  # a new visitor (empty cache, new session) opens the map
        page = Page(browser)
        try:
            page.page.goto(cold_app.url, wait_until="commit")
            page.page.locator('[data-testid="stSidebarNav"] a').first.wait_for()
            for k in range(5):
                page.page.wait_for_timeout(250 * (visitor * 5 + k))  # 0 … 2.25 s into the map's start-up
                switch(page, ("Export", "Data")[k % 2])
                switch(page, MAP)  # at once: the other page has only just begun
            assert page.external_requests == []
        finally:
            page.close()
    assert clicks == 20
    assert lost == [], f"page switches lost (click number, page): {lost}"
