"""Name, in Streamlit's page, the lazily loaded frontend modules the map page will need, so the
browser fetches them while Streamlit's frontend boots (scripts/serve.py installs it).

Why: Streamlit's page preloads only its core bundle. The module for each widget type (radio,
select box, text input, toggle, component frame...) is fetched when the first message using
it arrives from the server, in waves, and a component frame is mounted only once they have all
arrived (docs/decisions/0013). `<link rel="modulepreload">` for those modules, taken from
Streamlit's own build manifest, starts them at page load, in parallel with the core bundle.

Only the page's HTML changes: one `<link>` per file before `</head>`. If the manifest lacks an
element (another Streamlit version), that element is skipped and the page is served as is.
"""
from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path
from typing import Awaitable, Callable, Iterable

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

# What the map page shows (app.py): language radio, basemap and search select boxes, district
# and lead-unit filters, search box, the project-table toggle (a Checkbox), the page style
# (st.html) and the component frames (layer panel, map).
MAP_PAGE_ELEMENTS = (
    "widgets/Radio/Radio.tsx",
    "widgets/Selectbox/Selectbox.tsx",
    "widgets/Multiselect/Multiselect.tsx",
    "widgets/TextInput/TextInput.tsx",
    "widgets/Checkbox/Checkbox.tsx",
    "elements/Html/Html.tsx",
    "widgets/CustomComponent/ComponentInstance.tsx",
)
ELEMENT_PREFIX = "../lib/src/components/"
ENTRY = "index.html"


def modules_to_preload(manifest: dict, elements: Iterable[str]) -> list[str]:
    """Files (relative to Streamlit's static folder, e.g. "static/js/Radio.BWQwdNIB.js") of the
    given element modules and everything they import, minus what the page already preloads
    (the entry's own imports), in a stable order: the elements' own files first."""
    def closure(key: str, into: dict[str, None]) -> None:
        if key in into or key not in manifest:
            return
        into[key] = None
        for imported in manifest[key].get("imports", []):
            closure(imported, into)

    already: dict[str, None] = {}
    closure(ENTRY, already)
    wanted: dict[str, None] = {}
    for element in elements:
        key = ELEMENT_PREFIX + element
        if key not in manifest:
            log.warning("preload: %s is not in Streamlit's manifest; not preloaded", element)
            continue
        closure(key, wanted)
    return [manifest[key]["file"] for key in wanted if key not in already]


def link_tags(files: Iterable[str]) -> bytes:
    # Relative like Streamlit's own links, so they resolve under any page path and base URL.
    return b"".join(f'<link rel="modulepreload" crossorigin href="./{name}" />'.encode() for name in files)


def entry_file(manifest: dict) -> str:
    """The core bundle's file: only the page that loads it is Streamlit's page."""
    return manifest.get(ENTRY, {}).get("file", "")


def inject(html: bytes, tags: bytes, marker: bytes) -> bytes:
    """`tags` inserted before the first `</head>` of a page that contains `marker` (Streamlit's
    page, not a component's frame); any other page unchanged."""
    at = html.find(b"</head>")
    return html if at < 0 or not tags or not marker or marker not in html[:at] else html[:at] + tags + html[at:]


def load_manifest(static_root: Path) -> dict:
    try:
        return json.loads((static_root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("preload: no usable manifest in %s (%s); nothing preloaded", static_root, exc)
        return {}


class PreloadLinks:
    """ASGI middleware: Streamlit's page (served for every page path) gets the preload links;
    everything else, component frames included, passes untouched."""

    def __init__(self, app: ASGIApp, manifest: dict, elements: Iterable[str] = MAP_PAGE_ELEMENTS):
        self.app = app
        self.tags = link_tags(modules_to_preload(manifest, elements))
        self.marker = entry_file(manifest).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD") or not self.tags:
            await self.app(scope, receive, send)
            return
        # HEAD is answered as the GET it stands for, without the body, so both announce the
        # same length and headers (the rewrite changes the page's length).
        head = scope["method"] == "HEAD"
        start: dict | None = None
        chunks: list[bytes] = []

        async def rewrite(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = message  # held until the whole body is here
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await self._send_rewritten(start, b"".join(chunks), send, head)
            elif message["type"] == "http.response.body" and head:
                await send({**message, "body": b""})
            else:
                await send(message)

        await self.app({**scope, "method": "GET"} if head else scope, receive, rewrite)

    async def _send_rewritten(self, start: dict, body: bytes, send: Send, head: bool = False) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        zipped = any(k == b"content-encoding" and v == b"gzip" for k, v in headers)
        try:
            page = inject(gzip.decompress(body) if zipped else body, self.tags, self.marker)
            body = gzip.compress(page, 6, mtime=0) if zipped else page
        except (OSError, EOFError) as exc:  # a body that is not what its headers say: pass it on
            log.warning("preload: page not rewritten (%s)", exc)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})
