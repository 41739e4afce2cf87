"""What the map pages share per server process: one layer registry (published files, loaded
layers) and the optional Tianditu key. Any page can be the first one opened (a shared link),
so each asks here instead of relying on another page having run."""
from __future__ import annotations

import streamlit as st

from layers import settings
from layers.web.assets import ensure_vendor_assets
from layers.web.session import LayerRegistry


@st.cache_resource
def static_assets() -> None:
    """Leaflet and Leaflet.draw in static/, once per server process, before any page runs: the
    editor or the export page may be the first page anyone opens (it was blank until the map
    page had been visited)."""
    ensure_vendor_assets()


@st.cache_resource
def registry() -> LayerRegistry:
    static_assets()
    return LayerRegistry()


def tianditu_key() -> str | None:
    """Tianditu is offered only when a key is set (layers/settings.py says where)."""
    try:
        secrets = {"tianditu_key": st.secrets.get("tianditu_key")}
    except FileNotFoundError:
        secrets = None
    return settings.tianditu_key(secrets)
