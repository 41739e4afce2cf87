"""Export page: the current map's layers as a presentation PNG, GeoJSON or GeoPackage. UI only."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from layers import i18n
from layers.model.catalogue import load_catalogue
from layers.io.exporting import geojson_bytes, geopackage_bytes, kml_bytes, shapefile_zip_bytes
from layers.printing.exports import BASE_PAGE, export_pdf, export_png, pdf_pages
from layers.printing.fonts import MissingFontError
from layers.web.session import file_version
from layers.web.site import SiteError, site_zip
from layers.printing.printmap import HUZHOU_BBOX, ORIENTATIONS, SLIDE_SIZES, ExportError, ExportRequest, page_size
from pages import session_keys as keys
from pages.boundary import guarded
from pages.components import map_view

catalogue = load_catalogue()
lang = st.session_state.get(keys.LANG, "zh")
tr = i18n.page("export", lang)


@st.cache_data(max_entries=8, show_spinner=False)
def _downloads(layer_ids: tuple[str, ...], versions: tuple) -> tuple[bytes, bytes, bytes, bytes]:
    """GeoJSON, GeoPackage, zipped Shapefile and KML of the chosen layers; versions makes edits
    on disk invalidate the cache."""
    ids = list(layer_ids)
    return (geojson_bytes(catalogue, ids), geopackage_bytes(catalogue, ids), shapefile_zip_bytes(catalogue, ids),
            kml_bytes(catalogue, ids))


def _page() -> None:
    st.title(tr["title"])
    ids = [s.id for s in catalogue.layers]
    shown = st.session_state.get(keys.LAYERS)  # the map page's VisibleLayers
    default_layers = (shown.ids if shown else None) or [s.id for s in catalogue.layers if s.visible]
    plan = st.selectbox(tr["plan"], [""] + catalogue.plans(), format_func=lambda p: tr[f"plan_{p}"] if p else tr["plan_map"])
    if plan:  # a plan framework's preset: base layers plus that plan's overlays
        default_layers = catalogue.plan_layers(plan)
    chosen = st.multiselect(tr["layers"], ids, default=[i for i in default_layers if i in ids],
                            format_func=lambda i: catalogue.get(i).title(lang))
    left, right = st.columns(2)
    title = left.text_input(tr["map_title"], tr["default_title"])
    subtitle = right.text_input(tr["subtitle"], i18n.t("app_title", lang))
    size_options = list(SLIDE_SIZES) + ["A4", "A3"]
    size_choice = left.selectbox(tr["size"], size_options)
    turns = {"landscape": tr["orientation_landscape"], "portrait": tr["orientation_portrait"]}
    orientation = right.selectbox(tr["orientation"], ORIENTATIONS, format_func=turns.get)
    dpi = left.number_input(tr["dpi"], 72, 600, 300, disabled=size_choice in SLIDE_SIZES)
    transparent = right.checkbox(tr["transparent"])
    basemap = left.selectbox(tr["basemap"], ["", "osm", "carto"], format_func=lambda b: b or tr["no_basemap"])
    approval_no = right.text_input(tr["approval_no"])
    organisation = left.text_input(tr["organisation"])
    # The extent the planner last looked at on the map page (read in the browser, see map_view).
    seen = map_view(channel=st.session_state.get(keys.CHANNEL, ""), key="map_view", default=None)
    if seen and isinstance(seen.get("bbox"), list) and len(seen["bbox"]) == 4:
        st.session_state[keys.BBOX] = tuple(seen["bbox"])
    bbox_default = st.session_state.get(keys.BBOX, HUZHOU_BBOX)
    bbox_cols = st.columns(4)
    bbox = tuple(col.number_input(label, value=float(v), format="%.4f") for col, label, v in
                 zip(bbox_cols, ("lon min", "lat min", "lon max", "lat max"), bbox_default))

    def request() -> ExportRequest:
        slide = size_choice in SLIDE_SIZES
        size = page_size(size_choice if slide else None, None if slide else size_choice, int(dpi), orientation)
        return ExportRequest(layers=chosen, bbox=bbox, size=size, title=title, subtitle=subtitle, lang=lang,
                             transparent=transparent, date=dt.date.today(), basemap=basemap or None,
                             approval_no=approval_no, organisation=organisation)

    if st.button(tr["render"], type="primary", disabled=not chosen):
        try:
            with st.spinner(tr["rendering"]):
                st.session_state[keys.PNG] = export_png(catalogue, request()).png
        except (ExportError, MissingFontError) as exc:
            st.error(str(exc))

    png = st.session_state.get(keys.PNG)
    if png:
        st.image(png, width="stretch")
        st.download_button(tr["download"], png, file_name="huzhou-map.png", mime="image/png")

    _pdf_handout(request)
    _static_site()

    if chosen:
        st.subheader(tr["data"])
        try:
            geojson, gpkg, shp, kml = _downloads(tuple(chosen), tuple(file_version(catalogue.get(i)) for i in chosen))
        except ExportError as exc:  # a chosen layer is broken: say which, keep the page
            st.error(str(exc))
            return
        c1, c2, c3, c4 = st.columns(4)
        c1.download_button(tr["geojson"], geojson, file_name="huzhou-layers.geojson", mime="application/geo+json")
        c2.download_button(tr["gpkg"], gpkg, file_name="huzhou-layers.gpkg", mime="application/geopackage+sqlite3")
        c3.download_button("Shapefile (zip)", shp, file_name="huzhou-layers-shp.zip", mime="application/zip")
        c4.download_button("KML", kml, file_name="huzhou-layers.kml", mime="application/vnd.google-earth.kml+xml")


@st.cache_data(max_entries=2, show_spinner=False)
def _site_zip(versions: tuple) -> bytes:
    """The published static map as a zip; versions makes edits on disk invalidate the cache."""
    return site_zip(catalogue)


def _static_site() -> None:
    """The static web map (python -m layers publish) for signed-in editors: building it reads
    every layer, so it is not offered to every viewer."""
    st.subheader(tr["site"])
    if not st.session_state.get(keys.EDITOR):
        st.caption(tr["site_editors_only"])
        return
    st.caption(tr["site_hint"])
    if st.button(tr["site_build"]):
        try:
            with st.spinner(tr["rendering"]):
                st.session_state[keys.SITE_ZIP] = _site_zip(tuple(file_version(s) for s in catalogue.layers))
        except SiteError as exc:
            st.error(str(exc))
    archive = st.session_state.get(keys.SITE_ZIP)
    if archive:
        st.download_button(tr["site_download"], archive, file_name="huzhou-map-site.zip", mime="application/zip")


def _pdf_handout(request) -> None:
    """A PDF with one page per chosen plan framework (and base data), same size and notes."""
    st.subheader(tr["pdf"])
    names = {BASE_PAGE: i18n.page("print", lang)["base_page"]}
    pages = st.multiselect(tr["pdf_pages"], pdf_pages(catalogue), default=pdf_pages(catalogue),
                           format_func=lambda p: names.get(p) or tr[f"plan_{p}"])
    if st.button(tr["render_pdf"], disabled=not pages):
        try:
            with st.spinner(tr["rendering"]):
                st.session_state[keys.PDF] = export_pdf(catalogue, request(), pages)
        except (ExportError, MissingFontError) as exc:
            st.error(str(exc))
    pdf = st.session_state.get(keys.PDF)
    if pdf:
        st.download_button(tr["download_pdf"], pdf, file_name="huzhou-handout.pdf", mime="application/pdf")


guarded(_page, lang)
