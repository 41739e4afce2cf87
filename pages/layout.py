"""Page layout of the map page: a compact header and a map that fills the rest of the window.

Streamlit sizes a component's iframe from a fixed pixel height; the stylesheet below lets the
window decide instead (the map runtime fills its frame and follows resizes), so a 1280×720
laptop shows the map from just below the search box to the bottom of the window.
"""
from __future__ import annotations

import streamlit as st

MAP_AREA_KEY = "hz_map_area"  # the container the map is drawn in (class st-key-hz_map_area)
HEADER_PX = 112  # title + search row + top padding, measured at 1280×720 (tests/test_browser_layout.py)

_CSS = f"""
<style>
[data-testid="stHeader"] {{ height: 2.5rem; min-height: 2.5rem; background: transparent; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 2.75rem; padding-bottom: 1rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 1.45rem; padding: 0.35rem 0 0 0; line-height: 1.3; }}
.st-key-{MAP_AREA_KEY} iframe[title="streamlit_folium.st_folium"] {{
  height: max(420px, calc(100vh - {HEADER_PX}px)) !important;
}}
</style>
"""


def map_page_layout() -> None:
    """Once per run of the map page, before anything is drawn. (st.html: st.markdown with raw
    HTML would load three frontend files before the map can mount, st.html two smaller ones.)"""
    st.html(_CSS)
