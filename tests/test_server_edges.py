"""The app's HTTP server at its edges, on loopback: control characters in a path are a 400,
HEAD announces what GET sends, a refused encoding is not used, and the client address the
sign-in throttle keys on cannot be chosen with X-Forwarded-For."""
from __future__ import annotations

import http.client

import pytest

from conftest import Page, RunningApp

pytestmark = pytest.mark.browser

# A page that shows the client address Streamlit gives the app (what pages/edit.py keys on).
# Streamlit reports a loopback peer as None.
IP_PROBE = 'import streamlit as st\nst.markdown(f"client=[{st.context.ip_address or \'loopback\'}]")\n'


def _request(port: int, method: str, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from conftest import REPO
    running = RunningApp(REPO / "geodata")
    yield running
    running.stop()


@pytest.mark.parametrize("path", ["/static/js%00x/index.js", "/app/static/layers%00/x.geojson",
                                  "/app/static/layers/a%0Ab.geojson", "/%7f", "/edit%01"])
def test_a_control_character_anywhere_in_a_path_is_a_bad_request(served, path):
    status, headers, body = _request(served.port, "GET", path)
    assert status == 400, (path, status)
    assert b"control character" in body


def test_head_of_the_page_announces_what_get_sends(served):
    got = _request(served.port, "GET", "/")
    head = _request(served.port, "HEAD", "/")
    assert got[0] == head[0] == 200 and head[2] == b""
    assert head[1]["content-length"] == got[1]["content-length"] == str(len(got[2]))
    assert b"modulepreload" in got[2]  # the rewritten page, not Streamlit's own
    assert {k: v for k, v in head[1].items() if k != "date"} == {k: v for k, v in got[1].items() if k != "date"}


def test_a_refused_encoding_is_not_used(served):
    page = _request(served.port, "GET", "/", {"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in page[1] and page[2].lstrip().startswith(b"<!")
    chunk = _request(served.port, "GET", "/", {"Accept-Encoding": "gzip"})  # still gzip when asked
    assert page[0] == chunk[0] == 200


def _client_address_seen(browser, url: str, forwarded: str) -> str:
    page = Page(browser)
    try:
        page.context.set_extra_http_headers({"X-Forwarded-For": forwarded})
        page.page.goto(url)
        text = page.page.get_by_text("client=[").first
        text.wait_for(timeout=30000)
        return text.inner_text().split("[", 1)[1].rstrip("]")
    finally:
        page.close()


def test_x_forwarded_for_does_not_change_the_client_address_without_a_trusted_proxy(tmp_path, geodata_copy, browser):
    probe = tmp_path / "probe.py"
    probe.write_text(IP_PROBE, encoding="utf-8")
    running = RunningApp(geodata_copy, script=probe)
    try:
        seen = {_client_address_seen(browser, running.url, f"203.0.113.{n}") for n in (1, 2, 3)}
    finally:
        running.stop()
    assert seen == {"loopback"}  # one key for every try: the throttle's delay keeps growing
