"""Benchmark harness: our app against the naive baseline (bench/baseline_app.py), same run,
same machine, headless Chromium on loopback only.

    .venv/bin/python bench/run.py            # writes bench/results/latest.md
    .venv/bin/python bench/run.py --quick    # fewer repetitions

Figures (medians): first map, overlay toggle on/off, server time and bytes per rerun, with and
without synthetic heavy layers (50 000 points, ~10 MB of polygons); PNG export at 1920×1080;
validation throughput on 100 000 features.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, median_seconds, write_table

sys.path.insert(0, str(REPO / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_PREFIXES, RunningApp  # noqa: E402

from layers.catalogue import parse_catalogue  # noqa: E402
from layers.paths import CATALOGUE_FILE, GEODATA_DIR  # noqa: E402
from layers.storage import dumps_canonical  # noqa: E402
from layers.validation import validate_collection  # noqa: E402

TOGGLE_LAYER = ("overlay_2024_belt", "一带（金腰带）")
HUZHOU = (119.25, 30.40, 120.45, 31.15)


def _heavy_points(n: int) -> dict:
    rnd = random.Random(1)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": f"hp{i}", "name_zh": f"点{i}", "name_en": f"P{i}", "source": "synthetic"},
         "geometry": {"type": "Point", "coordinates": [rnd.uniform(HUZHOU[0], HUZHOU[2]), rnd.uniform(HUZHOU[1], HUZHOU[3])]}}
        for i in range(n)]}


def _heavy_polygons(count: int, vertices: int) -> dict:
    rnd = random.Random(2)
    features = []
    for i in range(count):
        cx, cy = rnd.uniform(HUZHOU[0] + 0.1, HUZHOU[2] - 0.1), rnd.uniform(HUZHOU[1] + 0.1, HUZHOU[3] - 0.1)
        ring = []
        for k in range(vertices):
            a = 2 * math.pi * k / vertices
            r = 0.03 * (1 + 0.1 * math.sin(23 * a) + 0.03 * math.sin(301 * a))
            ring.append([cx + r * math.cos(a), cy + r * math.sin(a)])
        ring.append(ring[0])
        features.append({"type": "Feature", "properties": {"id": f"hg{i}", "name_zh": f"面{i}", "name_en": f"G{i}",
                                                           "source": "synthetic"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def _workspace(heavy: bool) -> tuple[Path, Path]:
    root = Path(tempfile.mkdtemp(prefix="hz-bench-"))
    geodata = root / "geodata"
    shutil.copytree(GEODATA_DIR, geodata, ignore=shutil.ignore_patterns(".history"))
    catalogue = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    if heavy:
        (geodata / "heavy_points.geojson").write_text(dumps_canonical(_heavy_points(50_000)), encoding="utf-8")
        (geodata / "heavy_polygons.geojson").write_text(dumps_canonical(_heavy_polygons(200, 2000)), encoding="utf-8")
        for layer_id, geom, colour in (("heavy_points", "Point", "#e74c3c"), ("heavy_polygons", "Polygon", "#2e86c1")):
            catalogue["layers"].append({
                "id": layer_id, "title": {"zh": layer_id, "en": layer_id}, "group": "base", "geometry": geom,
                "file": f"{layer_id}.geojson", "property_sets": ["common"], "order": 60, "visible": True,
                "style": {"color": colour, "weight": 1, "fill_color": colour, "fill_opacity": 0.3, "radius": 2}})
    catalogue_path = root / "catalogue.json"
    catalogue_path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    return geodata, catalogue_path


def _expected_paths(catalogue_path: Path, geodata: Path) -> int:
    """How many vector elements the baseline draws for the default layers (one per located feature)."""
    total = 0
    for spec in parse_catalogue(json.loads(catalogue_path.read_text(encoding="utf-8"))).layers:
        if spec.visible:
            data = json.loads((geodata / spec.file).read_text(encoding="utf-8"))
            total += sum(1 for f in data["features"] if f.get("geometry"))
    return total


class Probe:
    """One browser page on one app, counting bytes received (websocket frames and HTTP bodies)."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.bytes = 0
        self.context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL_PREFIXES) else r.abort())
        self.page.on("websocket", self._socket)
        self.page.on("response", self._response)
        self.url = url

    def _socket(self, ws):
        ws.on("framereceived", self._frame)

    def _frame(self, payload):
        self.bytes += len(payload) if isinstance(payload, (bytes, str)) else 0

    def _response(self, response):
        try:
            self.bytes += int(response.headers.get("content-length") or 0)
        except ValueError:
            pass

    def frame(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            for f in self.page.frames:
                if "streamlit_folium" in f.url:
                    return f
            self.page.wait_for_timeout(20)  # (time.sleep would stall Playwright's event handling)
        raise RuntimeError("map frame not found")

    def close(self):
        self.context.close()


def _count_js():
    return "() => document.querySelectorAll('path.leaflet-interactive').length"


def _wait(page, predicate, timeout=120.0):
    """Poll `predicate` while letting Playwright process events between polls."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        page.wait_for_timeout(5)
    raise TimeoutError("condition not reached")


def measure_app(browser, app: RunningApp, ours: bool, expected: int, log: Path, repeats: int) -> dict:
    firsts, on_times, off_times, rerun_bytes, server = [], [], [], [], []
    for _ in range(repeats):
        probe = Probe(browser, app.url)
        start = time.perf_counter()
        probe.page.goto(app.url)
        frame = probe.frame()
        if ours:
            _wait(probe.page, lambda: frame.evaluate(
                "(n) => Object.keys(document.getElementById('map_div').dataset).filter(k => k.startsWith('hzLoaded')).length >= n",
                expected))
        else:
            _wait(probe.page, lambda: frame.evaluate(_count_js()) >= expected)
        firsts.append(time.perf_counter() - start)
        probe.page.wait_for_timeout(1000)
        frame = probe.frame() if ours else frame  # Streamlit may have swapped the iframe meanwhile
        # dispatch_event: the click itself, without Playwright's actionability waits, the same
        # way for both apps. Ours: the layer panel component in the sidebar; baseline: st.checkbox.
        if ours:
            switch = probe.page.frame_locator('iframe[title*="hz_layer_panel"]').get_by_text(TOGGLE_LAYER[1], exact=True)
        else:
            switch = probe.page.locator('[data-testid="stSidebar"]').get_by_label(TOGGLE_LAYER[1], exact=True)
        switch.wait_for()  # Playwright's first touch of a frame injects its helper script: not part of the toggle
        for turn_on in (True, False):
            log.write_text("")
            before = probe.bytes
            start = time.perf_counter()
            switch.dispatch_event("click")
            if ours:
                selector = f".leaflet-hz-{TOGGLE_LAYER[0]}-pane path"
                if turn_on:
                    _wait(probe.page, lambda: frame.evaluate(f"() => document.querySelectorAll('{selector}').length") > 0)
                else:
                    _wait(probe.page, lambda: frame.evaluate(f"() => document.querySelectorAll('{selector}').length") == 0)
            else:
                target = expected + 1 if turn_on else expected
                _wait(probe.page, lambda: _safe_count(probe) == target)
            (on_times if turn_on else off_times).append(time.perf_counter() - start)
            probe.page.wait_for_timeout(1000)  # let the rerun's messages finish arriving
            rerun_bytes.append(probe.bytes - before)
            server.extend(float(x) for x in log.read_text().split())
        probe.close()
    med = statistics.median
    return {"first": med(firsts), "on": med(on_times), "off": med(off_times), "bytes": med(rerun_bytes),
            "server": med(server) if server else float("nan")}


def _safe_count(probe: Probe) -> int:
    try:
        return probe.frame().evaluate(_count_js())
    except Exception:  # the baseline replaces its map iframe while rebuilding
        return -1


def validation_throughput() -> float:
    catalogue = parse_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))
    spec = catalogue.get("partner_cities")
    data = _heavy_points(100_000)
    for f in data["features"]:
        f["properties"].update(direction="east", plan_clause="synthetic", accuracy="synthetic")
    seconds = median_seconds(lambda: validate_collection(data, spec, "synthetic.geojson"), repeats=3)
    return len(data["features"]) / seconds


def _share_static_folder() -> None:
    """Streamlit serves static/ next to the main script: point the baseline's at ours."""
    link = REPO / "bench" / "static"
    if not link.exists():
        link.symlink_to(REPO / "static", target_is_directory=True)


def main() -> None:
    _share_static_folder()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for heavy in (False, True):
            geodata, catalogue_path = _workspace(heavy)
            expected_ours = sum(1 for s in parse_catalogue(json.loads(catalogue_path.read_text(encoding="utf-8"))).layers
                                if s.visible)
            expected_base = _expected_paths(catalogue_path, geodata)
            results = {}
            for name, script in (("ours", REPO / "app.py"), ("baseline", REPO / "bench" / "baseline_app.py")):
                log = geodata.parent / f"{name}.log"
                env = {"HZ_CATALOGUE": str(catalogue_path), "HZ_BENCH_LOG": str(log)}
                app = RunningApp(geodata, env, script=script)
                try:
                    results[name] = measure_app(browser, app, name == "ours",
                                                expected_ours if name == "ours" else expected_base, log, repeats)
                finally:
                    app.stop()
            tag = " (heavy layers on)" if heavy else ""
            o, b = results["ours"], results["baseline"]
            fmt = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
            targets = {"first": "≤ 3 s" if heavy else "≤ 1.5 s", "on": "≤ 200 ms" if heavy else "≤ 100 ms"}
            rows += [
                (f"first map{tag}", fmt(o["first"]), fmt(b["first"]), f"{o['first'] / b['first']:.2f}", targets["first"]),
                (f"toggle on{tag}", fmt(o["on"]), fmt(b["on"]), f"{o['on'] / b['on']:.2f}", targets["on"]),
                (f"toggle off{tag}", fmt(o["off"]), fmt(b["off"]), f"{o['off'] / b['off']:.2f}", targets["on"]),
                (f"server time per rerun{tag}", fmt(o["server"]), fmt(b["server"]), f"{o['server'] / b['server']:.2f}", "≤ 50 ms"),
                (f"bytes per rerun{tag}", f"{o['bytes'] / 1024:.1f} KiB", f"{b['bytes'] / 1024:.1f} KiB",
                 f"{o['bytes'] / max(b['bytes'], 1):.3f}", "≤ 0.10 of baseline"),
            ]
            shutil.rmtree(geodata.parent, ignore_errors=True)
        browser.close()
    rate = validation_throughput()
    rows.append(("validation throughput (100 000 features)", f"{rate:,.0f} features/s", "—", "—", "≥ 50 000/s"))
    import bench_export  # noqa: E402  (same directory)

    rows.append(bench_export.export_row())
    write_table("latest", "Benchmarks: our app against the naive baseline (medians)", rows)


if __name__ == "__main__":
    main()
