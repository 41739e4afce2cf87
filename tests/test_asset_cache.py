"""scripts/asset_cache.py: hashed static files answered from memory, gzipped once; everything
else (and anything outside the served folders) goes to the app unchanged."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conftest import asgi_get, load_script

AssetCache = load_script("scripts/asset_cache.py", "asset_cache").AssetCache

CHUNK = "index.DormvYxC.js"


@pytest.fixture()
def served(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / CHUNK).write_text("console.log('湖州');\n" * 200, encoding="utf-8")
    (static / "js" / "plain.js").write_text("unhashed", encoding="utf-8")
    (static / "js" / "tiny.Abcdefgh1.js").write_text("x", encoding="utf-8")
    (tmp_path / "secret.Abcdefgh1.js").write_text("outside", encoding="utf-8")
    (static / "js" / "link.Abcdefgh2.js").symlink_to(tmp_path / "secret.Abcdefgh1.js")
    calls = []

    async def app(scope, receive, send):  # stands in for Streamlit's server
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"from the app"})

    return AssetCache(app, {"/static": static}), calls, static


def _get(cache, path, method="GET", gzip_ok=True):
    headers = [(b"accept-encoding", b"gzip, deflate")] if gzip_ok else []
    sent = asgi_get(cache, {"type": "http", "method": method, "path": path, "headers": headers})
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body


def test_a_hashed_file_is_served_gzipped_and_immutable_from_memory(served):
    cache, calls, static = served
    status, headers, body = _get(cache, f"/static/js/{CHUNK}")
    original = (static / "js" / CHUNK).read_bytes()
    assert status == 200 and calls == []
    assert headers[b"content-encoding"] == b"gzip" and gzip.decompress(body) == original
    assert b"immutable" in headers[b"cache-control"] and headers[b"content-type"].startswith(b"text/javascript")
    assert int(headers[b"content-length"]) == len(body) < len(original)
    (static / "js" / CHUNK).unlink()  # read once: later requests never touch the disk
    assert _get(cache, f"/static/js/{CHUNK}")[0] == 200 and calls == []


def test_a_client_without_gzip_gets_the_plain_bytes_and_head_gets_no_body(served):
    cache, _, static = served
    status, headers, body = _get(cache, f"/static/js/{CHUNK}", gzip_ok=False)
    assert status == 200 and b"content-encoding" not in headers and body == (static / "js" / CHUNK).read_bytes()
    status, headers, body = _get(cache, f"/static/js/{CHUNK}", method="HEAD")
    assert status == 200 and body == b"" and int(headers[b"content-length"]) > 0
    status, headers, body = _get(cache, "/static/js/tiny.Abcdefgh1.js")  # too small to be worth gzip
    assert body == b"x" and b"content-encoding" not in headers


@pytest.mark.parametrize("path", [
    "/static/js/plain.js",  # no content hash in the name: may change, Streamlit serves it
    "/static/js/missing.Abcdefgh1.js",  # not there: Streamlit's own 404
    "/static/js/../../secret.Abcdefgh1.js",  # outside the folder
    "/static/js/link.Abcdefgh2.js",  # a link pointing outside the folder
    "/static/js/.hidden.Abcdefgh1.js",
    "/other/js/" + CHUNK,  # not a served prefix
    "/static/",
])
def test_anything_else_goes_to_the_app(served, path):
    cache, calls, _ = served
    status, _, body = _get(cache, path)
    assert (status, body) == (404, b"from the app") and calls == [path]


def test_a_post_goes_to_the_app(served):
    cache, calls, _ = served
    assert _get(cache, f"/static/js/{CHUNK}", method="POST")[0] == 404 and calls


def test_memory_is_bounded_least_recently_used_first(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    for n in range(5):
        (static / f"f{n}.Abcdefgh{n}.png").write_bytes(bytes([n]) * 1000)

    async def app(scope, receive, send):
        raise AssertionError("not reached")

    cache = AssetCache(app, {"/static": static}, max_bytes=2500)
    for n in range(5):
        assert _get(cache, f"/static/f{n}.Abcdefgh{n}.png")[0] == 200
    assert cache._bytes <= 2500 and len(cache._entries) == 2


def test_the_running_app_serves_streamlit_chunks_and_layer_copies_from_the_cache(app):
    """Started through scripts/serve.py, as scripts/start.sh does."""
    import re
    import urllib.request

    def fetch(path):
        request = urllib.request.Request(app.url + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers, response.read()

    _, page = fetch("/")
    chunk = re.search(rb'src="\.?/?(static/js/index\.[\w-]+\.js)"', page).group(1).decode()
    headers, body = fetch("/" + chunk)
    assert headers["Content-Encoding"] == "gzip" and "immutable" in headers["Cache-Control"]
    import streamlit
    assert gzip.decompress(body) == (Path(streamlit.__file__).parent / "static" / chunk).read_bytes()
    headers, _ = fetch("/")  # the page itself is Streamlit's (never cached as immutable)
    assert "immutable" not in (headers.get("Cache-Control") or "")
