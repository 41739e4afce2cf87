"""Start the app the way scripts/start.sh and the tests do: `streamlit run app.py`, with two
changes to Streamlit's server made first.

1. Streamlit's old automatic multipage mode is switched off. Streamlit treats a `pages/` folder
   next to the main script as "v1" pages until the first st.navigation() call of the process.
   So the first visitor after a server start who opens a deep link (/data, /export, /edit) got
   Streamlit's own page list, a "Page not found" dialog, or a page script run without app.py
   (no sign-in state, no shared settings). app.py always uses st.navigation, so the v1 mode is
   never wanted.
2. Content-hashed static files are answered from memory, gzipped once (scripts/asset_cache.py,
   docs/decisions/0013): most of a first visit's server CPU went into serving them.
3. Streamlit's page names the frontend modules the map page needs, so the browser loads them
   while the frontend boots instead of in waves after the first messages (scripts/preload.py).
4. Paths with control characters are refused and refused encodings respected before anything
   else sees the request (scripts/http_guard.py).
5. X-Forwarded-For is believed only from the proxies named in HZ_TRUSTED_PROXIES (none by
   default): the client address keys the sign-in throttle, so a client must not choose it.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import streamlit
from streamlit import config, file_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli
from streamlit.web.server.starlette import starlette_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the layers package
from asset_cache import AssetCache  # noqa: E402
from http_guard import HttpGuard  # noqa: E402
from preload import PreloadLinks, load_manifest  # noqa: E402

from layers import settings  # noqa: E402


def _package_dir(name: str) -> Path:
    """A package's folder without importing it (streamlit_folium registers its component on
    import, which must happen inside the app, not here)."""
    return Path(importlib.util.find_spec(name).origin).parent


def _cached_app(create_app):
    def create(runtime):
        base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
        base = "" if base == "/" else base
        # The folder Streamlit serves at /app/static, found the way its own route finds it.
        app_static = file_util.get_app_static_dir(getattr(runtime, "_main_script_path", "app.py"))
        frontend = Path(streamlit.__file__).parent / "static"
        roots = {
            f"{base}/static": frontend / "static",  # Streamlit's frontend
            f"{base}/app/static": Path(app_static),  # our layer copies and scripts
            f"{base}/component/streamlit_folium.st_folium/static":
                _package_dir("streamlit_folium") / "frontend" / "build" / "static",
        }
        return HttpGuard(AssetCache(PreloadLinks(create_app(runtime), load_manifest(frontend)), roots))
    return create


def _proxy_trust(uvicorn_kwargs):
    """uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise; we believe it
    only from the proxies named in settings."""
    def kwargs():
        trusted = settings.trusted_proxies()
        return {**uvicorn_kwargs(), "proxy_headers": bool(trusted), "forwarded_allow_ips": ",".join(trusted) or ""}
    return kwargs


if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    starlette_server.create_starlette_app = _cached_app(starlette_server.create_starlette_app)
    starlette_server._get_uvicorn_config_kwargs = _proxy_trust(starlette_server._get_uvicorn_config_kwargs)
    # Listen on this machine only unless asked (`--server.address 0.0.0.0` for the LAN, or a
    # reverse proxy on the same machine): an intranet map should not be reachable by accident.
    if not any(arg.startswith("--server.address") for arg in sys.argv):
        sys.argv += ["--server.address", "127.0.0.1"]
    sys.exit(cli.main())
