"""Huzhou planning map: entry point and the map page. UI only; everything else lives in layers/."""
from __future__ import annotations

import html

import streamlit as st
from streamlit_folium import st_folium

from layers import i18n, webmap
from layers.assets import ensure_vendor_assets
from layers.catalogue import LayerSpec, load_catalogue
from layers.session import LayerRegistry

st.set_page_config(page_title="湖州规划地图", layout="wide")


@st.cache_resource
def _registry() -> LayerRegistry:
    ensure_vendor_assets()
    return LayerRegistry()


def _swatch(spec: LayerSpec) -> str:
    s = spec.style
    if spec.geometry == "Point":
        return (f'<svg width="18" height="18"><circle cx="9" cy="9" r="5" fill="{s.get("fill_color", "#fff")}" '
                f'stroke="{s.get("color", "#333")}" stroke-width="1.5"/></svg>')
    if spec.geometry == "LineString":
        return (f'<svg width="24" height="18"><line x1="1" y1="9" x2="23" y2="9" stroke="{s.get("color")}" '
                f'stroke-width="{s.get("weight", 2)}" stroke-dasharray="{s.get("dash_array", "")}"/></svg>')
    return (f'<svg width="24" height="18"><rect x="2" y="3" width="20" height="12" fill="{s.get("fill_color", "none")}" '
            f'fill-opacity="{s.get("fill_opacity", 0.4)}" stroke="{s.get("color")}" stroke-width="1.5"/></svg>')


def map_page() -> None:
    catalogue = load_catalogue()
    registry = _registry()

    # Widget state is dropped while another page is shown; restore it from the plain copies.
    remembered_lang = st.session_state.get("hz_lang", i18n.DEFAULT_LANG)
    remembered_layers = st.session_state.get("hz_visible")
    lang = st.sidebar.radio(i18n.t("language", "zh"), i18n.LANGS, key="lang", horizontal=True,
                            index=i18n.LANGS.index(remembered_lang),
                            format_func=lambda code: {"zh": "中文", "en": "English"}[code])
    basemap = st.sidebar.selectbox(i18n.t("basemap", lang), list(webmap.BASEMAPS), key="basemap",
                                   format_func=lambda b: i18n.t(f"basemap_{b}", lang))

    st.sidebar.header(i18n.t("layers", lang))
    visible: list[LayerSpec] = []
    for group, specs in catalogue.by_group().items():
        if not specs:
            continue
        st.sidebar.subheader(catalogue.group_title(group, lang))
        for spec in specs:
            on = spec.visible if remembered_layers is None else spec.id in remembered_layers
            if st.sidebar.checkbox(spec.title(lang), value=on, key=f"layer_{spec.id}",
                                   help=spec.description_zh if lang == "zh" else spec.description_en):
                visible.append(spec)

    # Other pages (export) read what the map shows from these plain keys: widget keys are
    # dropped when their page is not on screen.
    st.session_state["hz_lang"] = lang
    st.session_state["hz_visible"] = [spec.id for spec in visible]

    st.title(i18n.t("app_title", lang))

    groups = []
    drawn: list[LayerSpec] = []
    for spec in visible:
        view = registry.view(spec)
        if view.findings and not view.url or view.stale:
            with st.expander("⚠️ " + i18n.t("layer_failed", lang, title=spec.title(lang)), expanded=True):
                st.code("\n".join(str(f) for f in view.findings), language=None)
        if view.url:
            groups.append(webmap.layer_group(spec, view.url, lang))
            drawn.append(spec)

    st_folium(webmap.base_map(catalogue, basemap), feature_group_to_add=groups, key="map",
              returned_objects=[], height=640, use_container_width=True)


    legend_items = "".join(
        f'<span class="hz-legend-item">{_swatch(spec)} {html.escape(spec.title(lang))}</span>' for spec in drawn)
    st.markdown(
        f'<div class="hz-legend"><b>{html.escape(i18n.t("legend", lang))}</b> '
        f'{legend_items or html.escape(i18n.t("no_layers", lang))}</div>'
        '<style>.hz-legend{display:flex;flex-wrap:wrap;gap:14px;align-items:center;font-size:14px}'
        '.hz-legend-item{display:inline-flex;gap:4px;align-items:center}</style>',
        unsafe_allow_html=True)
    st.caption(i18n.t("data_sources", lang))


pages = [
    st.Page(map_page, title="地图 · Map", default=True, url_path="map"),
    st.Page("pages/export.py", title="导出 · Export", url_path="export"),
    st.Page("pages/catalogue.py", title="数据目录 · Data", url_path="data"),
]
st.navigation(pages).run()
