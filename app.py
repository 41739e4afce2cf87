"""Huzhou planning map: entry point and the map page. UI only; everything else lives in layers/."""
from __future__ import annotations

import os
import time
import uuid

import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from layers import i18n, mapconfig, urlstate, webmap
from layers.assets import ensure_vendor_assets
from layers.catalogue import Catalogue, load_catalogue
from layers.filters import STATUSES, visible_ids_by_layer
from layers.layerstate import VisibleLayers
from layers.search import Match, search
from layers.session import LayerRegistry
from pages.components import layer_panel

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


def _init_state(catalogue: Catalogue, basemaps: list[str]) -> VisibleLayers:
    """Once per session: take layers, basemap, language and view from the URL (shared links).
    The visible set lives in one VisibleLayers that the layer panel and Python both update."""
    if "hz_url" not in st.session_state:
        state = urlstate.parse(st.query_params.to_dict(), {s.id for s in catalogue.layers}, basemaps, i18n.LANGS)
        st.session_state["hz_url"] = state
        defaults = [s.id for s in catalogue.layers if s.visible]
        st.session_state["hz_layers"] = VisibleLayers(state.layers if state.layers is not None else defaults)
        st.session_state["hz_channel"] = f"hz-layers-{uuid.uuid4().hex}"  # one per session: tabs stay apart
        st.session_state.setdefault("hz_lang", state.lang or i18n.DEFAULT_LANG)
        st.session_state.setdefault("hz_basemap", state.basemap or "none")
    # Widget keys are dropped while another page is shown; restore them from plain copies.
    st.session_state.setdefault("lang", st.session_state["hz_lang"])
    st.session_state.setdefault("basemap", st.session_state["hz_basemap"]
                                if st.session_state["hz_basemap"] in basemaps else "none")
    return st.session_state["hz_layers"]


def _layer_panel(catalogue: Catalogue, registry: LayerRegistry, layers: VisibleLayers, lang: str) -> None:
    """Grouped layer switches (基础, 交通, 产业, 规划叠加 by plan) that act in the browser."""
    groups = []
    for group, specs in catalogue.by_group().items():
        if not specs:
            continue
        groups.append({"id": group, "title": catalogue.group_title(group, lang), "bulk": group.startswith("overlay"),
                       "layers": [{"id": s.id, "title": s.title(lang), "geometry": s.geometry,
                                   "style": webmap.leaflet_style(s.style), "broken": not registry.view(s).url,
                                   "help": s.description_zh if lang == "zh" else s.description_en}
                                  for s in specs]})
    with st.sidebar:
        st.header(i18n.t("layers", lang))
        value = layer_panel(groups=groups, visible=layers.as_message(), channel=st.session_state["hz_channel"],
                            runtime_js=webmap.runtime_url(),
                            words={"show_all": i18n.t("show_all", lang), "hide_all": i18n.t("hide_all", lang)},
                            key="layer_panel", default=None)
    layers.adopt(value, {s.id for s in catalogue.layers})


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


def _search(catalogue: Catalogue, registry: LayerRegistry, layers: VisibleLayers, lang: str) -> Match | None:
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
    if layers.show(match.layer_id):  # the layer the result lives in must be on
        st.rerun()
    # A new token per chosen result: the map flies there once, not on every later rerun.
    if st.session_state.get("hz_focus_key") != (query, picked):
        st.session_state["hz_focus_key"] = (query, picked)
        st.session_state["hz_focus_token"] = st.session_state.get("hz_focus_token", 0) + 1
    return match


def map_page() -> None:
    started = time.perf_counter()
    _map_page_body()
    if os.environ.get("HZ_BENCH_LOG"):  # bench/run.py reads server time per rerun from here
        with open(os.environ["HZ_BENCH_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{time.perf_counter() - started:.6f}\n")


def _filter_includes(catalogue: Catalogue, registry: LayerRegistry, statuses, district) -> dict | None:
    """Layer id → ids of features passing the filters, for every layer (any may be switched on
    in the browser); None when nothing is filtered. Cached per filter and data version."""
    if statuses is None and district is None:
        return None
    views = [registry.view(spec) for spec in catalogue.layers]
    key = (tuple(sorted(statuses or ())), district.wkb if district is not None else None,
           tuple(v.url for v in views))
    cached = st.session_state.get("hz_includes")
    if not cached or cached[0] != key:
        cached = (key, visible_ids_by_layer({v.spec.id: v.data for v in views if v.data}, statuses, district))
        st.session_state["hz_includes"] = cached
    return cached[1]


def _map_page_body() -> None:
    catalogue = load_catalogue()
    registry = _registry()
    tianditu_key = _tianditu_key()
    basemaps = webmap.available_basemaps(tianditu_key)
    layers = _init_state(catalogue, basemaps)

    lang = st.sidebar.radio(i18n.t("language", "zh"), i18n.LANGS, key="lang", horizontal=True,
                            format_func=lambda code: {"zh": "中文", "en": "English"}[code])
    basemap = st.sidebar.selectbox(i18n.t("basemap", lang), basemaps, key="basemap",
                                   format_func=lambda b: i18n.t(f"basemap_{b}", lang))
    _layer_panel(catalogue, registry, layers, lang)
    statuses, district = _sidebar_filters(catalogue, registry, lang)

    st.title(i18n.t("app_title", lang))
    focus = _search(catalogue, registry, layers, lang)

    # Plain copies for the other pages (widget keys are dropped while a page is not shown).
    st.session_state["hz_lang"] = lang
    st.session_state["hz_basemap"] = basemap

    for spec in (catalogue.get(i) for i in layers.ids):
        view = registry.view(spec)
        if view.findings and not view.url or view.stale:
            with st.expander(i18n.t("layer_failed", lang, title=spec.title(lang)), expanded=True):
                st.code("\n".join(str(f) for f in view.findings), language=None)

    gcj = webmap.is_gcj(basemap)
    state = webmap.state_group(
        mapconfig.map_config_url(catalogue, registry, lang, gcj), layers.as_message(), st.session_state["hz_channel"],
        include=_filter_includes(catalogue, registry, statuses, district),
        focus=({"layer": focus.layer_id, "id": focus.feature_id, "zoom": focus.zoom,
                "token": st.session_state["hz_focus_token"]} if focus else None))

    # The view from a shared link is applied once; later moves belong to the user (and
    # search results fly in the browser), so these arguments never change within a session.
    url_view = st.session_state["hz_url"]
    center = list(url_view.center) if url_view.center else None
    zoom = url_view.zoom
    out = st_folium(webmap.base_map(catalogue, basemap, tianditu_key), feature_group_to_add=[state],
                    key="map", center=center, zoom=zoom, returned_objects=["center", "zoom", "bounds"], height=640,
                    use_container_width=True)
    if out and out.get("bounds") and out["bounds"].get("_southWest", {}).get("lat") is not None:
        sw, ne = out["bounds"]["_southWest"], out["bounds"]["_northEast"]
        st.session_state["hz_bbox"] = (sw["lng"], sw["lat"], ne["lng"], ne["lat"])  # export takes this extent
    view_center = (out["center"]["lat"], out["center"]["lng"]) if out and out.get("center") else url_view.center
    view_zoom = out.get("zoom") if out and out.get("zoom") else url_view.zoom
    st.query_params.from_dict(urlstate.encode(layers.ids, basemap, lang, view_center, view_zoom))
    st.caption(i18n.t("data_sources", lang) + " " + i18n.t("share", lang))


pages = [
    st.Page(map_page, title="地图 · Map", default=True, url_path="map"),
    st.Page("pages/export.py", title="导出 · Export", url_path="export"),
    st.Page("pages/catalogue.py", title="数据目录 · Data", url_path="data"),
    st.Page("pages/edit.py", title="编辑 · Edit", url_path="edit"),
]
st.navigation(pages).run()
