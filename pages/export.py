"""Export page: the current map's layers as a presentation PNG, GeoJSON or GeoPackage. UI only."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from layers import i18n
from layers.catalogue import load_catalogue
from layers.exporting import export_png, geojson_bytes, geopackage_bytes, kml_bytes, shapefile_zip_bytes
from layers.fonts import MissingFontError
from layers.session import file_version
from layers.printmap import HUZHOU_BBOX, SLIDE_SIZES, ExportError, ExportRequest, page_size

catalogue = load_catalogue()
lang = st.session_state.get("hz_lang", "zh")
tr = i18n.page("export", lang)


@st.cache_data(max_entries=8, show_spinner=False)
def _downloads(layer_ids: tuple[str, ...], versions: tuple) -> tuple[bytes, bytes, bytes, bytes]:
    """GeoJSON, GeoPackage, zipped Shapefile and KML of the chosen layers; versions makes edits
    on disk invalidate the cache."""
    ids = list(layer_ids)
    return (geojson_bytes(catalogue, ids), geopackage_bytes(catalogue, ids), shapefile_zip_bytes(catalogue, ids),
            kml_bytes(catalogue, ids))


st.title(tr["title"])
ids = [s.id for s in catalogue.layers]
shown = st.session_state.get("hz_layers")  # the map page's VisibleLayers
default_layers = (shown.ids if shown else None) or [s.id for s in catalogue.layers if s.visible]
chosen = st.multiselect(tr["layers"], ids, default=[i for i in default_layers if i in ids],
                        format_func=lambda i: catalogue.get(i).title(lang))
left, right = st.columns(2)
title = left.text_input(tr["map_title"], tr["default_title"])
subtitle = right.text_input(tr["subtitle"], i18n.t("app_title", lang))
size_options = list(SLIDE_SIZES) + ["A4", "A3"]
size_choice = left.selectbox(tr["size"], size_options)
dpi = right.number_input(tr["dpi"], 72, 600, 300, disabled=size_choice in SLIDE_SIZES)
transparent = left.checkbox(tr["transparent"])
basemap = right.selectbox(tr["basemap"], ["", "osm", "carto"], format_func=lambda b: b or tr["no_basemap"])
bbox_default = st.session_state.get("hz_bbox", HUZHOU_BBOX)
bbox_cols = st.columns(4)
bbox = tuple(col.number_input(label, value=float(v), format="%.4f") for col, label, v in
             zip(bbox_cols, ("lon min", "lat min", "lon max", "lat max"), bbox_default))

if st.button(tr["render"], type="primary", disabled=not chosen):
    try:
        with st.spinner(tr["rendering"]):
            size = page_size(size_choice, None) if size_choice in SLIDE_SIZES else page_size(None, size_choice, int(dpi))
            request = ExportRequest(layers=chosen, bbox=bbox, size=size, title=title, subtitle=subtitle,
                                    lang=lang, transparent=transparent, date=dt.date.today(),
                                    basemap=basemap or None)
            st.session_state["hz_png"] = export_png(catalogue, request).png
    except (ExportError, MissingFontError) as exc:
        st.error(str(exc))

png = st.session_state.get("hz_png")
if png:
    st.image(png, use_container_width=True)
    st.download_button(tr["download"], png, file_name="huzhou-map.png", mime="image/png")

if chosen:
    st.subheader(tr["data"])
    geojson, gpkg, shp, kml = _downloads(tuple(chosen), tuple(file_version(catalogue.get(i)) for i in chosen))
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(tr["geojson"], geojson, file_name="huzhou-layers.geojson", mime="application/geo+json")
    c2.download_button(tr["gpkg"], gpkg, file_name="huzhou-layers.gpkg", mime="application/geopackage+sqlite3")
    c3.download_button("Shapefile (zip)", shp, file_name="huzhou-layers-shp.zip", mime="application/zip")
    c4.download_button("KML", kml, file_name="huzhou-layers.kml", mime="application/vnd.google-earth.kml+xml")
