"""scripts/preload.py: Streamlit's page names the lazily loaded modules the map page needs;
component frames and every other response pass unchanged."""
from __future__ import annotations

import gzip
import re
import urllib.request

import pytest

from conftest import asgi_get, load_script

preload = load_script("scripts/preload.py", "preload")

MANIFEST = {
    "index.html": {"file": "static/js/index.Core1234.js", "imports": ["_react.Aaaa1111.js"]},
    "_react.Aaaa1111.js": {"file": "static/js/react.Aaaa1111.js"},
    "_shared.Bbbb2222.js": {"file": "static/js/shared.Bbbb2222.js", "imports": ["_react.Aaaa1111.js"]},
    "_label.Cccc3333.js": {"file": "static/js/label.Cccc3333.js", "imports": ["_shared.Bbbb2222.js"]},
    "../lib/src/components/widgets/Radio/Radio.tsx": {
        "file": "static/js/Radio.Dddd4444.js", "imports": ["_react.Aaaa1111.js", "_label.Cccc3333.js"]},
    "../lib/src/components/widgets/Selectbox/Selectbox.tsx": {
        "file": "static/js/Selectbox.Eeee5555.js", "imports": ["_shared.Bbbb2222.js"]},
}
PAGE = b'<html><head><script type="module" src="./static/js/index.Core1234.js"></script></head><body></body></html>'


def test_an_element_brings_its_imports_minus_what_the_page_already_loads():
    files = preload.modules_to_preload(MANIFEST, ["widgets/Radio/Radio.tsx", "widgets/Selectbox/Selectbox.tsx"])
    assert files == ["static/js/Radio.Dddd4444.js", "static/js/label.Cccc3333.js",
                     "static/js/shared.Bbbb2222.js", "static/js/Selectbox.Eeee5555.js"]


def test_an_element_missing_from_the_manifest_is_skipped_with_a_warning(caplog):
    files = preload.modules_to_preload(MANIFEST, ["widgets/Slider/Slider.tsx", "widgets/Selectbox/Selectbox.tsx"])
    assert files == ["static/js/Selectbox.Eeee5555.js", "static/js/shared.Bbbb2222.js"]
    assert "Slider" in caplog.text


def test_every_map_page_element_is_in_the_installed_streamlit_manifest():
    """A Streamlit upgrade that renames an element module is caught here, not silently slower."""
    from pathlib import Path

    import streamlit
    manifest = preload.load_manifest(Path(streamlit.__file__).parent / "static")
    for element in preload.MAP_PAGE_ELEMENTS:
        assert preload.ELEMENT_PREFIX + element in manifest, element
    assert preload.modules_to_preload(manifest, preload.MAP_PAGE_ELEMENTS)


def _serve(body: bytes, content_type: bytes = b"text/html; charset=utf-8", gzipped: bool = False,
           chunks: int = 1, status: int = 200):
    """Run the middleware in front of a stand-in app that answers `body`; returns what was sent."""
    payload = gzip.compress(body) if gzipped else body

    async def app(scope, receive, send):
        headers = [(b"content-type", content_type), (b"content-length", str(len(payload)).encode())]
        if gzipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        step = max(1, len(payload) // chunks)
        parts = [payload[i:i + step] for i in range(0, len(payload), step)]
        for n, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": n < len(parts) - 1})

    middleware = preload.PreloadLinks(app, MANIFEST, ["widgets/Radio/Radio.tsx"])
    sent = asgi_get(middleware, {"type": "http", "method": "GET", "path": "/", "headers": []})
    headers = dict(sent[0]["headers"])
    out = b"".join(m.get("body", b"") for m in sent[1:])
    assert int(headers[b"content-length"]) == len(out)
    return headers, gzip.decompress(out) if headers.get(b"content-encoding") == b"gzip" else out


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("chunks", [1, 3])
def test_streamlits_page_gets_the_links_before_head_end(gzipped, chunks):
    _, page = _serve(PAGE, gzipped=gzipped, chunks=chunks)
    links = re.findall(rb'<link rel="modulepreload" crossorigin href="\./(static/js/[\w.]+)" />', page)
    assert links == [b"static/js/Radio.Dddd4444.js", b"static/js/label.Cccc3333.js", b"static/js/shared.Bbbb2222.js"]
    assert page.index(links[-1]) < page.index(b"</head>")
    assert page.replace(page[page.index(b"<link"):page.index(b"</head>")], b"") == PAGE


@pytest.mark.parametrize("body,content_type,status", [
    (b"<html><head><script src='main.js'></script></head></html>", b"text/html", 200),  # a component frame
    (PAGE, b"text/javascript", 200),  # not a page
    (PAGE, b"text/html", 404),
])
def test_anything_else_passes_unchanged(body, content_type, status):
    _, out = _serve(body, content_type=content_type, status=status)
    assert out == body


def test_the_running_app_preloads_the_map_page_modules(app):
    """Started through scripts/serve.py: the page at / and at a deep link carry the links, and
    every linked file is served. (Component frames: the stand-in cases above.)"""
    def fetch(path):
        with urllib.request.urlopen(app.url + path, timeout=10) as response:
            return response.read()

    for path in ("/", "/export"):
        links = re.findall(rb'rel="modulepreload" crossorigin href="\./(static/js/[\w.-]+\.js)"', fetch(path))
        assert any(link.startswith(b"static/js/Radio.") for link in links), path
        assert any(link.startswith(b"static/js/ComponentInstance.") for link in links), path
    for link in links:
        assert fetch("/" + link.decode())
