"""The published static map (python -m layers publish): deterministic files, precompressed
copies, a folder swap that never wipes someone else's files, and the site itself in Chromium
behind deploy/nginx-site.conf, with nothing loaded from outside its folder."""
from __future__ import annotations

import brotli
import gzip
import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, _free_port
from layers.web.site import MARKER, SiteError, publish_site

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CJK = re.compile(r"[\u3400-\u9fff]")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_publishes_of_the_same_data_are_byte_identical(tmp_path):
    publish_site(tmp_path / "a")
    publish_site(tmp_path / "b")
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first == second and "index.html" in first and len(first) > 40


def test_the_site_names_only_its_own_files_and_every_one_exists(tmp_path):
    root = tmp_path / "site"
    publish_site(root)
    html = (root / "index.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all((root / ref).is_file() for ref in refs)
    boot = json.loads(re.search(r'<script type="application/json" id="hz-site">(.*?)</script>', html, re.S).group(1))
    for lang in ("zh", "en"):
        config = json.loads((root / boot["configs"][lang]).read_text(encoding="utf-8"))
        urls = [cfg["url"] for cfg in config["layers"].values()] + \
               [url for cfg in config["layers"].values() for _, url in cfg["lods"]]
        assert urls and all(u.startswith("data/") and (root / u).is_file() for u in urls)
    assert "/app/static" not in "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.json"))
    index = json.loads((root / boot["search"]).read_text(encoding="utf-8"))
    assert any(item["zh"] == "湖州站" and item["center"] for item in index)


def test_precompressed_copies_hold_the_same_bytes(tmp_path):
    root = tmp_path / "site"
    publish_site(root)
    packed = list(root.rglob("*.br"))
    assert any(p.name.startswith("map.") for p in packed)
    for br in packed:
        original = br.with_name(br.name[:-3])
        assert brotli.decompress(br.read_bytes()) == original.read_bytes()
        assert gzip.decompress(br.with_name(original.name + ".gz").read_bytes()) == original.read_bytes()


def test_a_publish_replaces_only_a_folder_it_wrote(tmp_path):
    mine = tmp_path / "site"
    publish_site(mine)
    (mine / "data" / "leftover.json").write_text("{}")
    publish_site(mine)  # a re-publish: the old site goes whole
    assert not (mine / "data" / "leftover.json").exists() and (mine / MARKER).exists()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me")
    with pytest.raises(SiteError, match="not written by `publish`"):
        publish_site(theirs)
    assert (theirs / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published", "site", "theirs"]  # no half-built folder


def test_a_broken_layer_stops_the_publish_and_names_the_layer(tmp_path, monkeypatch, geodata_copy):
    from layers import settings

    (geodata_copy / "rail_stations.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    monkeypatch.setattr(settings, "GEODATA_DIR", geodata_copy)
    with pytest.raises(SiteError, match="rail_stations"):
        publish_site(tmp_path / "site")
    assert not (tmp_path / "site").exists()


@pytest.fixture()
def served_site(tmp_path):
    """The published site behind deploy/nginx-site.conf on a free loopback port."""
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: install Debian's nginx-light (see README test command)")
    root = tmp_path / "site"
    publish_site(root)
    port = _free_port()
    conf = (REPO / "deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    conf = conf.replace("__LISTEN__", f"127.0.0.1:{port}").replace("__SITE__", str(root)).replace("__PREFIX__", str(tmp_path))
    (tmp_path / "nginx.conf").write_text("user root;\n" + conf, encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.browser
def test_nginx_serves_the_precompressed_copies_with_long_caching(served_site):
    html = urllib.request.urlopen(served_site, timeout=10).read().decode("utf-8")
    script = re.search(r'<script src="(assets/map\.[0-9a-f]+\.js)"', html).group(1)
    request = urllib.request.Request(f"{served_site}/{script}", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.headers["Content-Encoding"] == "br"
        assert "immutable" in resp.headers["Cache-Control"]
        assert brotli.decompress(resp.read()).startswith(b"// leaflet.js")
    with urllib.request.urlopen(served_site, timeout=10) as resp:
        assert resp.headers["Cache-Control"] == "no-cache"
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{served_site}/{MARKER}", timeout=10)


def _map(page, url):
    page.goto(url)
    page.wait_for_function("() => window.hz && window.hz.view.configs && document.body.dataset.hzLoaded_districts",
                           timeout=20000)
    page.wait_for_timeout(300)


def _shown(page) -> set[str]:
    return set(page.evaluate("() => Object.keys(window.hz.view.shown)"))


@pytest.mark.browser
def test_the_published_map_works_from_its_folder_alone(served_site, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    outside, errors = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served_site)
                  else (outside.append(route.request.url), route.abort()))
    _map(page, served_site)
    assert {"districts", "rail_lines", "rail_stations"} <= _shown(page)

    # A layer switch, then a whole plan in one click.
    page.get_by_role("checkbox", name="铁路车站").uncheck()
    assert "rail_stations" not in _shown(page)
    plan = page.locator("#panel h3", has_text="2024").first
    plan.locator("xpath=following-sibling::div[1]").get_by_role("button", name="全部显示").click()
    page.wait_for_timeout(300)
    assert {"overlay_2024_belt", "overlay_2024_cores", "overlay_2024_zones"} <= _shown(page)

    # Search: a result opens its popup.
    page.locator("#search").fill("湖州东站")
    page.locator("#results button").first.click()
    page.locator(".leaflet-popup-content", has_text="湖州东站").wait_for(timeout=10000)
    assert "rail_stations" in _shown(page)

    # A move, then the link (hash) in a new page: same layers and view.
    page.mouse.move(600, 780)  # below the open popup, so the map (not the popup) is dragged
    page.mouse.down()
    page.mouse.move(480, 700, steps=5)
    page.mouse.up()
    page.wait_for_function("() => hz.view.reported && hz.view.reported.center[1] !== undefined &&"
                           " location.hash.indexOf(hz.view.map.getCenter().lng.toFixed(5)) >= 0", timeout=10000)
    link, before = page.url, page.evaluate("() => { const c = hz.view.map.getCenter(); return [c.lat, c.lng, hz.view.map.getZoom()]; }")
    assert "center=" in link and "layers=" in link
    shown_before = _shown(page)
    again = context.new_page()
    _map(again, link)
    after = again.evaluate("() => { const c = hz.view.map.getCenter(); return [c.lat, c.lng, hz.view.map.getZoom()]; }")
    assert after == pytest.approx(before, abs=1e-4) and _shown(again) == shown_before

    # English: the page's own words carry no Chinese (names in the data may).
    again.get_by_role("button", name="English").click()
    again.wait_for_function("() => hz.view.configs && hz.view.configs.legend_title === 'Legend'", timeout=10000)
    again.wait_for_timeout(300)
    chrome = again.evaluate("""() => [document.title, document.querySelector('#title').textContent,
        document.querySelector('#search').placeholder, document.querySelector('#notes').textContent,
        document.querySelector('#projects summary').textContent,
        ...Array.from(document.querySelectorAll('#panel h2, #panel h3, #panel label, #panel button, #project-table th, ' +
            '.hz-legend-title, .hz-legend-group, .hz-legend-item, .hz-measure a, .leaflet-control-attribution'))
            .map(e => e.textContent)]""")
    assert [text for text in chrome if CJK.search(text)] == []
    assert "lang=en" in again.url

    # The project table moves the map to a project's features.
    again.locator("#projects summary").click()
    row = again.locator("#project-table tr.located").first
    row.click()
    again.locator(".hz-highlight").first.wait_for(state="attached", timeout=10000)
    again.wait_for_timeout(500)
    lat, lon = again.evaluate("() => { const c = hz.view.map.getCenter(); return [c.lat, c.lng]; }")
    assert 29.5 < lat < 32.5 and 118.5 < lon < 121.5  # on the project's features, popup kept inside the map
    assert outside == [] and errors == []
    context.close()
