"""Dense point layers draw on one canvas (layers/web/js/dense_points.js) and still answer hover
and click with the feature's own text."""
from __future__ import annotations

import json
import random

import pytest

from conftest import REPO, Page, RunningApp

pytestmark = pytest.mark.browser


def _dense_app(geodata, tmp_path):
    rnd = random.Random(7)
    features = [{"type": "Feature", "properties": {"id": f"dp{i}", "name_zh": f"测试点{i}", "name_en": f"P{i}",
                                                   "source": "synthetic test data"},
                 "geometry": {"type": "Point", "coordinates": [rnd.uniform(119.4, 120.4), rnd.uniform(30.5, 31.1)]}}
                for i in range(3000)]
    (geodata / "dense.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                                      ensure_ascii=False), encoding="utf-8")
    catalogue = json.loads((REPO / "layers" / "model" / "catalogue.json").read_text(encoding="utf-8"))
    catalogue["layers"].append({"id": "dense", "title": {"zh": "密集点", "en": "Dense"}, "group": "base",
                                "geometry": "Point", "file": "dense.geojson", "property_sets": ["common"],
                                "order": 60, "visible": True, "style": {"color": "#c0392b", "radius": 3}})
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    return RunningApp(geodata, {"HZ_CATALOGUE": str(path)}), features


def test_dense_points_draw_on_canvas_and_open_popups(geodata_copy, tmp_path, browser):
    running, features = _dense_app(geodata_copy, tmp_path)
    page = Page(browser)
    try:
        page.page.goto(running.url)
        frame = page.map_frame()
        frame.locator(".leaflet-hz-dense-pane canvas.hz-dense").wait_for(timeout=30000)
        page.page.wait_for_function("() => true")
        target = features[0]["geometry"]["coordinates"]
        # no Leaflet object per point: the pane holds one canvas, no SVG paths
        assert frame.locator(".leaflet-hz-dense-pane path").count() == 0
        page.map_eval(f"() => window.map.setView([{target[1]}, {target[0]}], 14, {{animate: false}})")
        page.page.wait_for_timeout(500)
        x, y = page.map_eval(f"() => {{ const p = window.map.latLngToContainerPoint([{target[1]}, {target[0]}]); return [p.x, p.y]; }}")
        frame.locator("#map_div").click(position={"x": x, "y": y})
        popup = frame.locator(".leaflet-popup-content")
        popup.first.wait_for(timeout=10000)
        assert "测试点0" in popup.first.inner_text()
        assert page.js_errors == [] and page.external_requests == []
    finally:
        page.close()
        running.stop()
