"""Custom Streamlit components. Declared in an importable module because Streamlit names a
component after the module that declares it (page scripts run without one)."""
from __future__ import annotations

import streamlit.components.v1 as components

from layers.settings import JS_DIR

# Geometry editor (Leaflet + Leaflet.draw served from /app/static): see layers/web/js/editor/.
map_editor = components.declare_component("hz_map_editor", path=str(JS_DIR / "editor"))

# The map page's last deliberate view (sessionStorage), for the Export page: see layers/web/js/view/.
map_view = components.declare_component("hz_map_view", path=str(JS_DIR / "view"))

# Layer switches in the sidebar that act on the map in the browser: see layers/web/js/panel/.
layer_panel = components.declare_component("hz_layer_panel", path=str(JS_DIR / "panel"))
