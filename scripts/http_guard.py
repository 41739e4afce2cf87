"""The outermost layer of the app's HTTP server (scripts/serve.py installs it): requests that
no part of the app should see are answered here, and Accept-Encoding is read as HTTP means it.

- A path with a control character (a NUL, a newline, DEL; raw or %-encoded) is a 400. Behind
  it, file lookups would fail with a server error (`/static/js%00x/…` gave 500) or, worse,
  a path could mean different files to different parts of the server.
- `Accept-Encoding: gzip;q=0` means "not gzip". Streamlit's compression and our asset cache
  only look for the word, so codings the client refuses are taken out of the header first.
"""
from __future__ import annotations

import re
from typing import Awaitable, Callable

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ENCODED_CONTROL = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])")


def has_control_characters(scope: Scope) -> bool:
    raw = scope.get("raw_path") or b""
    return bool(CONTROL.search(scope.get("path", "")) or ENCODED_CONTROL.search(raw)
                or CONTROL.search(raw.decode("latin-1")))


def accepted_codings(header: str) -> list[str]:
    """The codings of an Accept-Encoding value the client accepts (q > 0), in its order."""
    out = []
    for item in header.split(","):
        name, *params = [part.strip() for part in item.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # an unreadable weight is not a yes
        if name and q > 0:
            out.append(name.lower())
    return out


class HttpGuard:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") in ("http", "websocket") and has_control_characters(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            body = b"Bad request: the path contains a control character.\n"
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        if scope.get("type") == "http":
            headers = []
            for name, value in scope.get("headers", []):
                if name.lower() == b"accept-encoding":
                    value = ", ".join(accepted_codings(value.decode("latin-1"))).encode("latin-1")
                headers.append((name, value))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
