"""The naive baseline the benchmark compares against: plain Streamlit + streamlit-folium that
loads the same GeoJSON at full resolution with folium.GeoJson and rebuilds the whole map on
every rerun. Same local Leaflet files as our app, so it renders offline too."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from layers.web.assets import LEAFLET_CSS, LEAFLET_JS, ensure_vendor_assets  # noqa: E402
from layers.model.catalogue import load_catalogue  # noqa: E402

started = time.perf_counter()
ensure_vendor_assets()
catalogue = load_catalogue()
visible = [spec for spec in catalogue.layers if st.sidebar.checkbox(spec.title_zh, value=spec.visible, key=spec.id)]
m = folium.Map(location=[30.78, 119.86], zoom_start=9, tiles=None)
m.default_js = [("leaflet", LEAFLET_JS)]
m.default_css = [("leaflet_css", LEAFLET_CSS)]
for spec in visible:
    data = json.loads(spec.path.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f.get("geometry")]
    style = {"color": spec.style.get("color", "#333"), "weight": spec.style.get("weight", 1),
             "fillColor": spec.style.get("fill_color", "#999"), "fillOpacity": spec.style.get("fill_opacity", 0.3)}
    folium.GeoJson(data, name=spec.id, style_function=lambda f, s=style: s,
                   marker=folium.CircleMarker(radius=4)).add_to(m)
st_folium(m, height=640, use_container_width=True, key="baseline")
if os.environ.get("HZ_BENCH_LOG"):
    with open(os.environ["HZ_BENCH_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{time.perf_counter() - started:.6f}\n")
