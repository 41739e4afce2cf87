"""Custom Streamlit components. Declared in an importable module because Streamlit names a
component after the module that declares it (page scripts run without one)."""
from __future__ import annotations

import streamlit.components.v1 as components

from layers.settings import PACKAGE_DIR

# Geometry editor (Leaflet + Leaflet.draw served from /app/static): see layers/js/editor/.
map_editor = components.declare_component("hz_map_editor", path=str(PACKAGE_DIR / "js" / "editor"))

# The map page's last deliberate view (sessionStorage), for the Export page: see layers/js/view/.
map_view = components.declare_component("hz_map_view", path=str(PACKAGE_DIR / "js" / "view"))

# Layer switches in the sidebar that act on the map in the browser: see layers/js/panel/.
layer_panel = components.declare_component("hz_layer_panel", path=str(PACKAGE_DIR / "js" / "panel"))
