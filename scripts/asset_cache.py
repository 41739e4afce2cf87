"""Serve content-hashed static files from memory, gzipped once (scripts/serve.py installs it).

Why: a first visit to the map asks for about 130 files (Streamlit's frontend chunks, Leaflet,
our scripts and layer copies). Streamlit's Starlette server opens, stats and streams each one
through a worker thread on every request, and gzips /component/ and /app/static/ responses
anew each time: most of a first visit's server CPU. These files never change under their
names (the name carries a content hash), so each is read and compressed once and then sent
in a single write, like nginx's gzip_static in front of an app server.

Anything else (the HTML page, the websocket, un-hashed files, errors) goes to Streamlit
unchanged.
"""
from __future__ import annotations

import gzip
import mimetypes
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Awaitable, Callable

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A name carrying a content hash: Streamlit's Vite chunks (index.DormvYxC.js), webpack builds
# of components (main.521860b0.js) and our published copies (districts.2100b7a41b843824.geojson).
HASHED_NAME = re.compile(r"^[\w.-]+[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2?|ttf|svg|png|json|geojson|map)$")
IMMUTABLE = b"public, max-age=31536000, immutable"
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".geojson", ".map", ".ttf"}
MIN_GZIP_BYTES = 1024
MAX_FILE_BYTES = 8 * 1024 * 1024  # a bigger file is rare; streaming it from disk is fine


class _Entry:
    __slots__ = ("raw", "gz", "content_type")

    def __init__(self, raw: bytes, gz: bytes | None, content_type: str):
        self.raw, self.gz, self.content_type = raw, gz, content_type

    @property
    def size(self) -> int:
        return len(self.raw) + len(self.gz or b"")


class AssetCache:
    """ASGI middleware: GET/HEAD of a hashed file under one of `roots` (URL prefix → folder) is
    answered from memory (at most `max_bytes`, least recently used dropped first)."""

    def __init__(self, app: ASGIApp, roots: dict[str, Path], max_bytes: int = 96 * 1024 * 1024):
        self.app = app
        self.roots = sorted(((prefix.rstrip("/") + "/", Path(folder).resolve()) for prefix, folder in roots.items()),
                            key=lambda item: -len(item[0]))  # the longest prefix wins
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
            url_path = scope.get("path", "")
            entry = self._cached(url_path)  # a hit touches no file and resolves no path
            if entry is None:
                path = self._file_for(url_path)
                entry = self._load(url_path, path) if path is not None else None
            if entry is not None:
                await self._send(entry, scope, send)
                return
        await self.app(scope, receive, send)

    def _file_for(self, url_path: str) -> Path | None:
        """The file a URL names, if it is a hashed file directly inside a served folder tree
        (never outside it: no '..', no hidden parts)."""
        for prefix, folder in self.roots:
            if url_path.startswith(prefix):
                parts = url_path[len(prefix):].split("/")
                if not parts[-1] or not HASHED_NAME.match(parts[-1]):
                    return None
                if any(not p or p.startswith(".") or "\\" in p or ":" in p for p in parts):
                    return None
                path = folder.joinpath(*parts).resolve()
                return path if path.is_relative_to(folder) else None  # no way out by a link
        return None

    def _cached(self, url_path: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(url_path)
            if entry is not None:
                self._entries.move_to_end(url_path)
            return entry

    def _load(self, key: str, path: Path) -> _Entry | None:
        """Read and compress the file once; keep it under its URL path."""
        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                return None
            raw = path.read_bytes()
        except OSError:
            return None  # gone or unreadable: Streamlit answers (404 or its error)
        gz = gzip.compress(raw, 6, mtime=0) if path.suffix in COMPRESSIBLE and len(raw) >= MIN_GZIP_BYTES else None
        content_type = {".geojson": "application/geo+json", ".js": "text/javascript"}.get(path.suffix) \
            or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("json", "javascript")):
            content_type += "; charset=utf-8"
        entry = _Entry(raw, gz if gz is not None and len(gz) < len(raw) else None, content_type)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = entry
                self._bytes += entry.size
                while self._bytes > self.max_bytes and len(self._entries) > 1:
                    _, dropped = self._entries.popitem(last=False)
                    self._bytes -= dropped.size
        return entry

    @staticmethod
    async def _send(entry: _Entry, scope: Scope, send: Send) -> None:
        accepts_gzip = any(name == b"accept-encoding" and b"gzip" in value.lower()
                           for name, value in scope.get("headers", []))
        body = entry.gz if accepts_gzip and entry.gz is not None else entry.raw
        headers = [(b"content-type", entry.content_type.encode()), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", IMMUTABLE), (b"vary", b"Accept-Encoding"),
                   (b"x-content-type-options", b"nosniff"), (b"access-control-allow-origin", b"*")]
        if body is entry.gz:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
