"""Benchmark harness: our app against the naive baseline (bench/baseline_app.py), same run,
same machine, headless Chromium on loopback only.

    .venv/bin/python bench/run.py            # writes bench/results/latest.md
    .venv/bin/python bench/run.py --quick    # fewer repetitions

Figures (medians): first complete map, script runs per first load, server CPU seconds per map
load (the server process's /proc counters; a first visit, empty cache, and a returning viewer whose
browser has cached the files), overlay toggle on/off, server time and bytes per
rerun, with and without synthetic heavy layers (50 000 points, ~10 MB of polygons); our map
alone on a Streamlit page (bench/map_only_app.py); 1, 4 and 8 viewers opening the map at once
(median first map, server CPU for all of them); PNG export at 1920×1080; validation throughput
on 100 000 features. First visits alternate between the apps (all servers up at once), so the
shared machine's changing load falls on each alike. tests/test_bench_smoke.py runs a tiny
version (one repetition) so the harness cannot silently break.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import REPO, median_seconds, process_cpu_seconds, write_table

sys.path.insert(0, str(REPO / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_PREFIXES, RunningApp  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from layers.model.catalogue import parse_catalogue  # noqa: E402
from layers.settings import CATALOGUE_FILE, GEODATA_DIR  # noqa: E402
from layers.model.storage import dumps_canonical  # noqa: E402
from layers.checks.validation import validate_collection  # noqa: E402

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


# Nothing may leave the machine. Request routing does that for a first visit, but Playwright
# turns the browser's HTTP cache off while routing; a returning viewer (cache on) is kept on
# loopback by a proxy that does not exist instead (loopback itself never goes through a proxy).
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}


class Probe:
    """One browser page on one app, counting bytes received (websocket frames and HTTP bodies).
    cache=False (a first visit): an empty cache that stays off. cache=True: the browser's cache
    works, as for a planner who has opened the map before."""

    def __init__(self, browser, url: str, cache: bool = False, proxy: dict | None = None):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                           **({"proxy": proxy or DEAD_PROXY} if cache else {}))
        self.page = self.context.new_page()
        self.bytes = 0
        if not cache:
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

    def current_frame(self):
        """The map iframe as it is now, or None: it does not exist until Streamlit has run the
        script once and mounted the component, and Streamlit may swap it later."""
        for f in reversed(self.page.frames):
            if "streamlit_folium" in f.url and not f.is_detached():
                return f
        return None

    def evaluate(self, script: str, arg=None, default=None):
        """Run `script` in the current map frame; `default` while there is none, or while the
        frame is being replaced or still loading (Streamlit reruns during start-up)."""
        found = self.current_frame()
        if found is None:
            return default
        try:
            return found.evaluate(script, arg)
        except PlaywrightError:
            return default

    def map_ready(self, ours: bool, expected: int) -> bool:
        """The first complete map. Ours: the runtime (layers/web/js/runtime.js) marks #map_div with
        data-hz-loaded_<layer> once a layer is drawn, so every default layer has a mark. The
        baseline: one SVG path per located feature. #map_div is created by streamlit-folium only
        after Leaflet has loaded inside the frame, hence the null checks."""
        return bool(self.evaluate(READY_OURS if ours else READY_BASELINE, expected, default=False))

    def close(self):
        self.context.close()


READY_OURS = """(n) => {
  const el = document.getElementById('map_div');
  if (!el || !window.hz) { return false; }
  return Object.keys(el.dataset).filter(k => k.startsWith('hzLoaded')).length >= n;
}"""
READY_BASELINE = """(n) => document.getElementById('map_div') !== null &&
  document.querySelectorAll('path.leaflet-interactive').length >= n"""


def _wait(page, predicate, timeout=120.0):
    """Poll `predicate` while letting Playwright process events between polls."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        page.wait_for_timeout(5)
    raise TimeoutError("condition not reached")


def _lines(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def _settle(pages, log: Path, quiet: float = 2.0, timeout: float = 300.0) -> None:
    """Wait until the server has stopped running the script for these pages: no script run
    logged for `quiet` seconds and no page showing Streamlit's running indicator (a rerun
    logs only when it ends, and the baseline's take many seconds with the heavy layers)."""
    pages = pages if isinstance(pages, list) else [pages]
    deadline = time.time() + timeout
    seen, since = _lines(log), time.time()
    while time.time() < deadline:
        pages[0].wait_for_timeout(100)
        now = _lines(log)
        running = any(p.locator('[data-testid="stStatusWidget"]').is_visible() for p in pages)
        if now != seen or running:
            seen, since = now, time.time()
        elif time.time() - since >= quiet:
            return


def warm_up(browser, app: RunningApp, ours: bool, expected: int, log: Path) -> None:
    """One unmeasured map load after the server's start: the first script run of a process
    imports modules, fills caches and publishes the layers, which no later visitor pays."""
    probe = Probe(browser, app.url)
    probe.page.goto(app.url)
    _wait(probe.page, lambda: probe.map_ready(ours, expected))
    _settle(probe.page, log)
    probe.close()


def _first_map(probe: "Probe", ours: bool, expected: int) -> float:
    """Seconds from asking for the page to its first complete map."""
    start = time.perf_counter()
    probe.page.goto(probe.url)
    _wait(probe.page, lambda: probe.map_ready(ours, expected))
    return time.perf_counter() - start


@dataclass
class Subject:
    """One app under measurement: its server, how its map says it is complete (ours: the
    runtime's marks; the baseline: SVG paths), and whether it has the layer panel to toggle."""
    name: str
    app: RunningApp
    ours: bool
    expected: int
    log: Path
    toggles: bool = True


def first_visit(browser, subject: Subject) -> dict:
    """One new browser context (an empty cache, as a first visit): first complete map, script
    runs and server CPU seconds until the page has settled, then (if it has a layer switch) the
    overlay toggle on and off with their server times and bytes."""
    app, ours, expected, log = subject.app, subject.ours, subject.expected, subject.log
    probe = Probe(browser, app.url)
    log.write_text("")
    cpu_before = process_cpu_seconds(app.proc.pid)
    visit = {"first": _first_map(probe, ours, expected)}
    _settle(probe.page, log)
    visit["cpu"] = process_cpu_seconds(app.proc.pid) - cpu_before
    visit["reruns"] = _lines(log)
    if subject.toggles:
        # dispatch_event: the click itself, without Playwright's actionability waits, the same
        # way for both apps. Ours: the layer panel component in the sidebar; baseline: st.checkbox.
        if ours:
            switch = probe.page.frame_locator('iframe[title*="hz_layer_panel"]').get_by_text(TOGGLE_LAYER[1], exact=True)
        else:
            switch = probe.page.locator('[data-testid="stSidebar"]').get_by_label(TOGGLE_LAYER[1], exact=True)
        switch.wait_for()  # Playwright's first touch of a frame injects its helper script: not part of the toggle
        visit["bytes"], visit["server"] = [], []
        for turn_on in (True, False):
            log.write_text("")
            before = probe.bytes
            start = time.perf_counter()
            switch.dispatch_event("click")
            if ours:
                drawn = f"() => document.querySelectorAll('.leaflet-hz-{TOGGLE_LAYER[0]}-pane path').length"
                if turn_on:
                    _wait(probe.page, lambda: probe.evaluate(drawn, default=-1) > 0)
                else:
                    _wait(probe.page, lambda: probe.evaluate(drawn, default=-1) == 0)
            else:
                target = expected + 1 if turn_on else expected
                _wait(probe.page, lambda: probe.evaluate(_count_js(), default=-1) == target)
            visit["on" if turn_on else "off"] = time.perf_counter() - start
            probe.page.wait_for_timeout(1000)  # let the rerun's messages finish arriving
            visit["bytes"].append(probe.bytes - before)
            visit["server"].extend(float(x) for x in log.read_text().split())
    probe.close()
    return visit


def measure_interleaved(browser, subjects: list[Subject], repeats: int) -> dict[str, dict]:
    """First visits to every subject in turn, `repeats` rounds (A B C A B C ...), so a change in
    the shared machine's load falls on all of them alike and the ratios of one run stay fair.
    Returns per subject the medians of first_visit's figures."""
    for subject in subjects:
        warm_up(browser, subject.app, subject.ours, subject.expected, subject.log)
    visits: dict[str, list[dict]] = {s.name: [] for s in subjects}
    for _ in range(repeats):
        for subject in subjects:
            visits[subject.name].append(first_visit(browser, subject))
    med = statistics.median
    results = {}
    for subject in subjects:
        runs = visits[subject.name]
        figures = {key: med(v[key] for v in runs) for key in ("first", "reruns", "cpu")}
        if subject.toggles:
            server = [x for v in runs for x in v["server"]]
            figures.update(on=med(v["on"] for v in runs), off=med(v["off"] for v in runs),
                           bytes=med(b for v in runs for b in v["bytes"]), server=med(server) if server else float("nan"))
        results[subject.name] = figures
    return results


def returning_viewer(browser, app: RunningApp, ours: bool, expected: int, log: Path, repeats: int) -> dict:
    """A planner opening the map again: one visit fills the browser's cache, then each later
    visit in the same browser context is measured (first complete map, server CPU seconds)."""
    probe = Probe(browser, app.url, cache=True)
    firsts, cpu = [], []
    for visit in range(repeats + 1):
        log.write_text("")
        cpu_before = process_cpu_seconds(app.proc.pid)
        first = _first_map(probe, ours, expected)
        _settle(probe.page, log)
        if visit:
            firsts.append(first)
            cpu.append(process_cpu_seconds(app.proc.pid) - cpu_before)
    probe.close()
    return {"first": statistics.median(firsts), "cpu": statistics.median(cpu)}


def _count_js():
    return "() => document.querySelectorAll('path.leaflet-interactive').length"


def concurrent_viewers(browser, app: RunningApp, ours: bool, expected: int, log: Path, viewers: int) -> dict:
    """`viewers` separate browser contexts (no shared cache) open the map at the same moment.
    Returns the median time to each one's first complete map and the server's CPU seconds for
    all of them (until every page has settled). One Chromium draws all pages, on the same
    machine as the server: the figure is the whole system's, as a viewer would see it."""
    probes = [Probe(browser, app.url) for _ in range(viewers)]
    log.write_text("")
    cpu_before = process_cpu_seconds(app.proc.pid)
    starts, done = {}, {}
    for i, probe in enumerate(probes):
        probe.page.goto(app.url, wait_until="commit")  # returns once the request is answered
        starts[i] = time.perf_counter()
    deadline = time.time() + 300
    while len(done) < viewers and time.time() < deadline:
        for i, probe in enumerate(probes):
            if i not in done and probe.map_ready(ours, expected):
                done[i] = time.perf_counter() - starts[i]
        probes[0].page.wait_for_timeout(5)
    if len(done) < viewers:
        raise TimeoutError(f"{viewers - len(done)} of {viewers} viewers got no complete map")
    _settle([p.page for p in probes], log)
    cpu = process_cpu_seconds(app.proc.pid) - cpu_before
    for probe in probes:
        probe.close()
    return {"first": statistics.median(done.values()), "cpu": cpu, "reruns": _lines(log)}


def validation_throughput() -> float:
    catalogue = parse_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))
    spec = catalogue.get("partner_cities")
    data = _heavy_points(100_000)
    for f in data["features"]:
        f["properties"].update(direction="east", plan_clause="synthetic", accuracy="synthetic")
    seconds = median_seconds(lambda: validate_collection(data, spec, "synthetic.geojson"), repeats=3)
    return len(data["features"]) / seconds


def _share_static_folder() -> None:
    """Streamlit serves static/ next to the main script: point the baseline's at ours. (On a
    fresh clone static/ does not exist until the app's first start creates it: the link may
    dangle until then, and must not be created twice.)"""
    link = REPO / "bench" / "static"
    if not link.is_symlink() and not link.exists():
        link.symlink_to(REPO / "static", target_is_directory=True)


APPS = (("ours", REPO / "app.py"), ("baseline", REPO / "bench" / "baseline_app.py"))
MAP_ONLY_APP = REPO / "bench" / "map_only_app.py"


def measure_pair(browser, heavy: bool, repeats: int, viewers: tuple[int, ...] = (), returning: bool = False) -> dict:
    """Our app and the baseline on the same data, in this run, first visits interleaved
    (measure_interleaved): {"ours": {...}, "baseline": {...}}, each with first_visit's medians,
    per number of concurrent viewers n "viewers": {n: concurrent_viewers(...)}, and if asked
    "returning": returning_viewer(...). Without the heavy layers also "map_only": our map alone
    on a Streamlit page (bench/map_only_app.py), what Streamlit and the component frame cost."""
    geodata, catalogue_path = _workspace(heavy)
    subjects: list[Subject] = []
    try:
        specs = parse_catalogue(json.loads(catalogue_path.read_text(encoding="utf-8"))).layers
        drawn_layers = sum(1 for s in specs if s.visible)
        plan = [("ours", APPS[0][1], True, drawn_layers, True),
                ("baseline", APPS[1][1], False, _expected_paths(catalogue_path, geodata), True)]
        if not heavy:
            plan.append(("map_only", MAP_ONLY_APP, True, drawn_layers, False))
        for name, script, ours, expected, toggles in plan:
            log = geodata.parent / f"{name}.log"
            env = {"HZ_CATALOGUE": str(catalogue_path), "HZ_BENCH_LOG": str(log)}
            subjects.append(Subject(name, RunningApp(geodata, env, script=script), ours, expected, log, toggles))
        results = measure_interleaved(browser, subjects, repeats)
        for subject in subjects[:2]:
            args = (browser, subject.app, subject.ours, subject.expected, subject.log)
            results[subject.name]["viewers"] = {n: concurrent_viewers(*args, n) for n in viewers}
            if returning:
                results[subject.name]["returning"] = returning_viewer(*args, repeats)
        return results
    finally:
        for subject in subjects:
            subject.app.stop()
        shutil.rmtree(geodata.parent, ignore_errors=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rows_for(results: dict, heavy: bool) -> list[tuple[str, str, str, str, str]]:
    """Table rows (figure, ours, baseline, ratio, target) for one measure_pair result."""
    tag = " (heavy layers on)" if heavy else ""
    o, b = results["ours"], results["baseline"]
    targets = {"first": "≤ 3 s" if heavy else "≤ 1.5 s; ≤ 0.8 of baseline", "on": "≤ 200 ms" if heavy else "≤ 100 ms"}
    rows = [
        (f"first map{tag}", _ms(o["first"]), _ms(b["first"]), f"{o['first'] / b['first']:.2f}", targets["first"]),
        (f"script runs per first load{tag}", f"{o['reruns']:g}", f"{b['reruns']:g}", f"{o['reruns'] / b['reruns']:.2f}", "1"),
        (f"server CPU per map load, first visit (empty cache){tag}", f"{o['cpu']:.2f} s", f"{b['cpu']:.2f} s", f"{o['cpu'] / b['cpu']:.2f}",
         "≤ ⅓ of 0.5 s (issue 16)"),
        (f"toggle on{tag}", _ms(o["on"]), _ms(b["on"]), f"{o['on'] / b['on']:.2f}", targets["on"]),
        (f"toggle off{tag}", _ms(o["off"]), _ms(b["off"]), f"{o['off'] / b['off']:.2f}", targets["on"]),
        (f"server time per rerun{tag}", _ms(o["server"]), _ms(b["server"]), f"{o['server'] / b['server']:.2f}", "≤ 50 ms"),
        (f"bytes per rerun{tag}", f"{o['bytes'] / 1024:.1f} KiB", f"{b['bytes'] / 1024:.1f} KiB",
         f"{o['bytes'] / max(b['bytes'], 1):.3f}", "≤ 0.10 of baseline"),
    ]
    if "map_only" in results:
        m = results["map_only"]["first"]
        rows.append(("first map, our map alone on a Streamlit page (no widgets, no layer panel)", _ms(m), _ms(b["first"]),
                     f"{m / b['first']:.2f}", "reported: what the stack allows"))
    if "returning" in o:
        orv, brv = o["returning"], b["returning"]
        rows += [
            (f"first map, returning viewer (browser cache){tag}", _ms(orv["first"]), _ms(brv["first"]),
             f"{orv['first'] / brv['first']:.2f}", "reported"),
            (f"server CPU per map load, returning viewer{tag}", f"{orv['cpu']:.2f} s", f"{brv['cpu']:.2f} s",
             f"{orv['cpu'] / brv['cpu']:.2f}", "≤ ⅓ of 0.5 s (issue 16)"),
        ]
    for n in sorted(o.get("viewers", {})):
        ov, bv = o["viewers"][n], b["viewers"][n]
        rows += [
            (f"first map, {n} viewer{'s' if n > 1 else ''} at once (median){tag}", _ms(ov["first"]), _ms(bv["first"]),
             f"{ov['first'] / bv['first']:.2f}", "reported"),
            (f"server CPU, {n} viewer{'s' if n > 1 else ''} at once (all loads){tag}", f"{ov['cpu']:.2f} s", f"{bv['cpu']:.2f} s",
             f"{ov['cpu'] / bv['cpu']:.2f}", "reported"),
        ]
    return rows


def main() -> None:
    _share_static_folder()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, 1 and 4 viewers only")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    viewers = (1, 4) if args.quick else (1, 4, 8)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for heavy in (False, True):
            results = measure_pair(browser, heavy, repeats, () if heavy else viewers, returning=not heavy)
            rows += rows_for(results, heavy)
            print("\n".join(f"| {' | '.join(row)} |" for row in rows_for(results, heavy)), flush=True)
        browser.close()
    rate = validation_throughput()
    rows.append(("validation throughput (100 000 features)", f"{rate:,.0f} features/s", "—", "—", "≥ 50 000/s"))
    import bench_export  # noqa: E402  (same directory)

    rows.append(bench_export.export_row())
    title = "Benchmarks: our app against the naive baseline (medians"
    write_table("latest", title + (f", --quick: {repeats} repetitions)" if args.quick else ")"), rows)


if __name__ == "__main__":
    main()
