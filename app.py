"""Huzhou planning map: entry point and the map page. UI only; everything else lives in layers/."""
from __future__ import annotations

import html
import os
import time

import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from layers import i18n, urlstate, webmap
from layers.assets import ensure_vendor_assets
from layers.catalogue import Catalogue, LayerSpec, load_catalogue
from layers.filters import STATUSES, visible_ids
from layers.search import Match, search
from layers.session import LayerRegistry

st.set_page_config(page_title="湖州规划地图", layout="wide")


@st.cache_resource
def _registry() -> LayerRegistry:
    ensure_vendor_assets()
    return LayerRegistry()


def _tianditu_key() -> str | None:
    """From the environment or Streamlit secrets; Tianditu is offered only when set."""
    if os.environ.get("HZ_TIANDITU_KEY"):
        return os.environ["HZ_TIANDITU_KEY"]
    try:
        return st.secrets.get("tianditu_key")
    except FileNotFoundError:
        return None


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


def _init_state(catalogue: Catalogue, basemaps: list[str]) -> None:
    """Once per session: take layers, basemap, language and view from the URL (shared links);
    afterwards keep widget values across pages via plain copies."""
    if "hz_url" not in st.session_state:
        state = urlstate.parse(st.query_params.to_dict(), {s.id for s in catalogue.layers}, basemaps, i18n.LANGS)
        st.session_state["hz_url"] = state
        if state.layers is not None:
            st.session_state["hz_visible"] = state.layers
        st.session_state.setdefault("hz_lang", state.lang or i18n.DEFAULT_LANG)
        st.session_state.setdefault("hz_basemap", state.basemap or "none")
    remembered = st.session_state.get("hz_visible")
    for spec in catalogue.layers:
        key = f"layer_{spec.id}"
        if key not in st.session_state:
            st.session_state[key] = spec.visible if remembered is None else spec.id in remembered
    st.session_state.setdefault("lang", st.session_state["hz_lang"])
    st.session_state.setdefault("basemap", st.session_state["hz_basemap"]
                                if st.session_state["hz_basemap"] in basemaps else "none")


def _set_group(specs: list[LayerSpec], on: bool) -> None:
    for spec in specs:
        st.session_state[f"layer_{spec.id}"] = on


def _sidebar_layers(catalogue: Catalogue, lang: str) -> list[LayerSpec]:
    st.sidebar.header(i18n.t("layers", lang))
    visible: list[LayerSpec] = []
    for group, specs in catalogue.by_group().items():
        if not specs:
            continue
        st.sidebar.subheader(catalogue.group_title(group, lang))
        if group.startswith("overlay"):
            # A whole plan framework on or off in one click.
            left, right = st.sidebar.columns(2)
            left.button(i18n.t("show_all", lang), key=f"all_on_{group}", on_click=_set_group, args=(specs, True))
            right.button(i18n.t("hide_all", lang), key=f"all_off_{group}", on_click=_set_group, args=(specs, False))
        for spec in specs:
            if st.sidebar.checkbox(spec.title(lang), key=f"layer_{spec.id}",
                                   help=spec.description_zh if lang == "zh" else spec.description_en):
                visible.append(spec)
    return visible


def _sidebar_filters(catalogue: Catalogue, registry: LayerRegistry, lang: str):
    st.sidebar.header(i18n.t("filters", lang))
    statuses = st.sidebar.multiselect(i18n.t("filter_status", lang), STATUSES, default=list(STATUSES),
                                      key="filter_status", format_func=lambda v: i18n.t(f"status_{v}", lang))
    districts = (registry.view(catalogue.get("districts")).data or {"features": []})["features"]
    names = {f["properties"]["id"]: f["properties"]["name_zh" if lang == "zh" else "name_en"] for f in districts}
    chosen = st.sidebar.selectbox(i18n.t("filter_district", lang), [""] + list(names), key="filter_district",
                                  format_func=lambda i: names.get(i) or i18n.t("all_districts", lang))
    district = next((shape(f["geometry"]) for f in districts if f["properties"]["id"] == chosen), None)
    status_set = None if set(statuses) == set(STATUSES) else set(statuses)
    return status_set, district


def _search(catalogue: Catalogue, registry: LayerRegistry, lang: str) -> Match | None:
    query = st.text_input(i18n.t("search", lang), key="search")
    if not query:
        return None
    loaded = [(spec, registry.view(spec).data) for spec in catalogue.layers]
    matches = search(query, [(s, d) for s, d in loaded if d is not None])
    if not matches:
        st.info(i18n.t("no_results", lang))
        return None
    titles = {s.id: s.title(lang) for s in catalogue.layers}
    picked = st.selectbox(i18n.t("search_results", lang), range(len(matches)), key="search_pick",
                          format_func=lambda i: matches[i].label(lang, titles[matches[i].layer_id]))
    match = matches[picked]
    if match.center is None:
        st.warning(i18n.t("unlocated_note", lang))
        st.json({k: v for k, v in match.properties.items() if not k.startswith("__")}, expanded=True)
        return None
    if not st.session_state.get(f"layer_{match.layer_id}"):
        st.session_state[f"layer_{match.layer_id}"] = True  # show the layer the result lives in
        st.rerun()
    # A new token per chosen result: the map flies there once, not on every later rerun.
    if st.session_state.get("hz_focus_key") != (query, picked):
        st.session_state["hz_focus_key"] = (query, picked)
        st.session_state["hz_focus_token"] = st.session_state.get("hz_focus_token", 0) + 1
    return match


def _referenced_names(spec: LayerSpec, data: dict | None, catalogue: Catalogue, registry: LayerRegistry,
                      lang: str) -> dict[str, str] | None:
    """Names for the feature ids this layer's properties refer to (e.g. a station's lines) —
    only the ids actually used, so the browser config stays small."""
    props = [p for p in spec.properties if p.refers_to]
    if not props or not data:
        return None
    wanted = {v for f in data["features"] for p in props for v in (f["properties"].get(p.name) or [])}
    layers = {p.refers_to for p in props}
    names: dict[str, str] = {}
    for other in catalogue.layers:
        if "*" not in layers and other.id not in layers:
            continue
        for feature in (registry.view(other).data or {}).get("features", []):
            fid = feature["properties"]["id"]
            if fid in wanted:
                names[fid] = feature["properties"].get(f"name_{lang}", fid)
    return names


def map_page() -> None:
    started = time.perf_counter()
    _map_page_body()
    if os.environ.get("HZ_BENCH_LOG"):  # bench/run.py reads server time per rerun from here
        with open(os.environ["HZ_BENCH_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{time.perf_counter() - started:.6f}\n")


def _map_page_body() -> None:
    catalogue = load_catalogue()
    registry = _registry()
    tianditu_key = _tianditu_key()
    basemaps = webmap.available_basemaps(tianditu_key)
    _init_state(catalogue, basemaps)

    lang = st.sidebar.radio(i18n.t("language", "zh"), i18n.LANGS, key="lang", horizontal=True,
                            format_func=lambda code: {"zh": "中文", "en": "English"}[code])
    basemap = st.sidebar.selectbox(i18n.t("basemap", lang), basemaps, key="basemap",
                                   format_func=lambda b: i18n.t(f"basemap_{b}", lang))
    visible = _sidebar_layers(catalogue, lang)
    statuses, district = _sidebar_filters(catalogue, registry, lang)

    # Plain copies for the other pages (widget keys are dropped while a page is not shown).
    st.session_state["hz_lang"] = lang
    st.session_state["hz_basemap"] = basemap
    st.session_state["hz_visible"] = [spec.id for spec in visible]

    st.title(i18n.t("app_title", lang))
    focus = _search(catalogue, registry, lang)

    groups = []
    drawn: list[LayerSpec] = []
    for spec in visible:
        view = registry.view(spec)
        if view.findings and not view.url or view.stale:
            with st.expander("⚠️ " + i18n.t("layer_failed", lang, title=spec.title(lang)), expanded=True):
                st.code("\n".join(str(f) for f in view.findings), language=None)
        if not view.url:
            continue
        filtering = statuses is not None or district is not None
        include = visible_ids(view.data, statuses, district) if filtering and view.data else None
        focus_cfg = ({"id": focus.feature_id, "zoom": focus.zoom, "token": st.session_state["hz_focus_token"]}
                     if focus and focus.layer_id == spec.id else None)
        groups.append(webmap.layer_group(spec, view.url, lang, include=include, focus=focus_cfg,
                                         gcj=webmap.is_gcj(basemap),
                                         ref_names=_referenced_names(spec, view.data, catalogue, registry, lang),
                                         lods=view.lods,
                                         feature_count=view.feature_count))
        drawn.append(spec)

    # The view from a shared link is applied once; later moves belong to the user (and
    # search results fly in the browser), so these arguments never change within a session.
    url_view = st.session_state["hz_url"]
    center = list(url_view.center) if url_view.center else None
    zoom = url_view.zoom
    out = st_folium(webmap.base_map(catalogue, basemap, tianditu_key), feature_group_to_add=groups,
                    key="map", center=center, zoom=zoom, returned_objects=["center", "zoom", "bounds"], height=640,
                    use_container_width=True)
    if out and out.get("bounds") and out["bounds"].get("_southWest", {}).get("lat") is not None:
        sw, ne = out["bounds"]["_southWest"], out["bounds"]["_northEast"]
        st.session_state["hz_bbox"] = (sw["lng"], sw["lat"], ne["lng"], ne["lat"])  # export takes this extent
    view_center = (out["center"]["lat"], out["center"]["lng"]) if out and out.get("center") else url_view.center
    view_zoom = out.get("zoom") if out and out.get("zoom") else url_view.zoom
    st.query_params.from_dict(urlstate.encode([s.id for s in visible], basemap, lang, view_center, view_zoom))

    legend_items = "".join(
        f'<span class="hz-legend-item">{_swatch(spec)} {html.escape(spec.title(lang))}</span>' for spec in drawn)
    st.markdown(
        f'<div class="hz-legend"><b>{html.escape(i18n.t("legend", lang))}</b> '
        f'{legend_items or html.escape(i18n.t("no_layers", lang))}</div>'
        '<style>.hz-legend{display:flex;flex-wrap:wrap;gap:14px;align-items:center;font-size:14px}'
        '.hz-legend-item{display:inline-flex;gap:4px;align-items:center}</style>',
        unsafe_allow_html=True)
    st.caption(i18n.t("data_sources", lang) + " " + i18n.t("share", lang))


pages = [
    st.Page(map_page, title="地图 · Map", default=True, url_path="map"),
    st.Page("pages/export.py", title="导出 · Export", url_path="export"),
    st.Page("pages/catalogue.py", title="数据目录 · Data", url_path="data"),
    st.Page("pages/edit.py", title="编辑 · Edit", url_path="edit"),
]
st.navigation(pages).run()
