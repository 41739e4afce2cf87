"""The documented reverse proxy (deploy/nginx.conf) with Debian's nginx in front of the real
app: the map renders through it, the security headers are there, metrics are not reachable,
and published layer files come from disk with long caching."""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, RunningApp, _free_port

pytestmark = pytest.mark.browser
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _nginx(tmp_path: Path, app: RunningApp):
    """deploy/nginx.conf in front of `app`, on a free loopback port: (process, url)."""
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: install Debian's nginx-light (see README test command)")
    port = _free_port()
    conf = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    conf = (conf.replace("__LISTEN__", f"127.0.0.1:{port}").replace("__APP__", f"127.0.0.1:{app.port}")
            .replace("__STATIC__", str(REPO / "static")).replace("__PREFIX__", str(tmp_path)))
    (tmp_path / "nginx.conf").write_text("user root;\n" + conf, encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return proc, url


@pytest.fixture()
def proxied(tmp_path, geodata_copy):
    app = RunningApp(geodata_copy, {"HZ_TRUSTED_PROXIES": "127.0.0.1"})  # as docs/running.md says
    proc, url = _nginx(tmp_path, app)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    app.stop()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def test_map_through_nginx_with_headers_and_no_metrics(proxied, browser):
    from conftest import Page

    status, headers, _ = _get(proxied + "/")
    assert status == 200
    assert headers.get("Content-Security-Policy") == "frame-ancestors 'self'"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert _get(proxied + "/_stcore/metrics")[0] == 404
    page = Page(browser)
    try:
        page.page.goto(proxied)
        page.map_frame().locator(".leaflet-hz-districts-pane path").first.wait_for(timeout=30000)
        published = next(REPO.joinpath("static", "layers").glob("districts.*.geojson"))
        status, headers, body = _get(f"{proxied}/app/static/layers/{published.name}")
        assert status == 200 and body == published.read_bytes()
        assert "immutable" in headers.get("Cache-Control", "")
        assert page.external_requests == [] and page.js_errors == []
    finally:
        page.close()


def test_through_nginx_a_client_cannot_choose_its_address(tmp_path, geodata_copy, browser):
    """nginx replaces X-Forwarded-For with the address it saw; the app trusts exactly nginx."""
    from test_server_edges import IP_PROBE, _client_address_seen

    probe = tmp_path / "probe.py"
    probe.write_text(IP_PROBE, encoding="utf-8")
    app = RunningApp(geodata_copy, {"HZ_TRUSTED_PROXIES": "127.0.0.1"}, script=probe)
    proc, url = _nginx(tmp_path, app)
    try:
        seen = {_client_address_seen(browser, url, f"198.51.100.{n}") for n in (1, 2, 3)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        app.stop()
    assert seen == {"loopback"}  # nginx saw 127.0.0.1 every time, whatever the header said
