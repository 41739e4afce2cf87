"""Huzhou planning map: entry point and the map page. UI only; everything else lives in layers/."""
from __future__ import annotations

import time
import uuid

import pandas as pd
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from layers import i18n
from layers.web import mapconfig
from layers import settings
from layers.web import urlstate
from layers.web import webmap
from layers.web.cards import feature_card, feature_names
from layers.model.catalogue import CONTEXT, Catalogue, load_catalogue
from layers.web.filters import STATUSES, visible_ids_by_layer
from layers.web.layerstate import VisibleLayers
from layers.plans.projects import filter_rows, focus_for, lead_units, project_rows
from layers.web.search import search
from layers.web.session import LayerRegistry
from pages import resources
from pages import session_keys as keys
from pages.boundary import guarded
from pages.components import layer_panel
from pages.layout import MAP_AREA_KEY, map_page_layout

st.set_page_config(page_title="湖州规划地图", layout="wide")


def _districts(catalogue: Catalogue, registry: LayerRegistry) -> list[dict]:
    """The reference boundary layer's features (the districts), or none."""
    boundary = catalogue.reference_boundary()
    return ((registry.view(boundary).data if boundary else None) or {"features": []})["features"]


def _district_names(catalogue: Catalogue, registry: LayerRegistry, lang: str, key: str = "id") -> dict[str, str]:
    """District (by its `key` property) → name in the page language."""
    boundary = catalogue.reference_boundary()
    name = boundary.localized_field("name", lang) if boundary else "name_zh"
    return {f["properties"][key]: f["properties"][name] for f in _districts(catalogue, registry)}


def _init_state(catalogue: Catalogue, registry: LayerRegistry, basemaps: list[str]) -> VisibleLayers:
    """Once per session: take layers, basemap, language, view and filters from the URL (shared
    links). The visible set lives in one VisibleLayers that the layer panel and Python both update."""
    if keys.URL_VIEW not in st.session_state:
        state = urlstate.parse(st.query_params.to_dict(), {s.id for s in catalogue.layers}, basemaps, i18n.LANGS,
                               STATUSES, set(_district_names(catalogue, registry, "zh")))
        st.session_state[keys.URL_VIEW] = state
        defaults = [s.id for s in catalogue.layers if s.visible]
        st.session_state[keys.LAYERS] = VisibleLayers(state.layers if state.layers is not None else defaults)
        st.session_state[keys.CHANNEL] = f"hz-layers-{uuid.uuid4().hex}"  # one per session: tabs stay apart
        st.session_state.setdefault(keys.LANG, state.lang or i18n.DEFAULT_LANG)
        st.session_state.setdefault(keys.BASEMAP, state.basemap or "none")
        st.session_state[keys.FILTER_STATUS] = state.statuses if state.statuses is not None else list(STATUSES)
        st.session_state[keys.FILTER_DISTRICT] = state.district or ""
    # Widget keys are dropped while another page is shown; restore them from plain copies.
    st.session_state.setdefault("lang", st.session_state[keys.LANG])
    st.session_state.setdefault("basemap", st.session_state[keys.BASEMAP]
                                if st.session_state[keys.BASEMAP] in basemaps else "none")
    st.session_state.setdefault("filter_status", st.session_state[keys.FILTER_STATUS])
    st.session_state.setdefault("filter_district", st.session_state[keys.FILTER_DISTRICT])
    return st.session_state[keys.LAYERS]


def _layer_panel(catalogue: Catalogue, config_url: str, layers: VisibleLayers, lang: str) -> None:
    """Grouped layer switches (基础, 交通, 产业, 规划叠加 by plan) that act in the browser; they
    list the layers from the same published configuration the map draws."""
    with st.sidebar:
        st.header(i18n.t("layers", lang))
        value = layer_panel(config_url=config_url, visible=layers.as_message(), channel=st.session_state[keys.CHANNEL],
                            shared_js=webmap.shared_url(),
                            words={"show_all": i18n.t("show_all", lang), "hide_all": i18n.t("hide_all", lang)},
                            key="layer_panel", default=None)
    layers.adopt(value, {s.id for s in catalogue.layers})


def _sidebar_filters(catalogue: Catalogue, registry: LayerRegistry, lang: str):
    """Status and district filters (their values also go into the share link). Returns the
    statuses kept (None: all), the district's geometry and its id (None: all districts)."""
    st.sidebar.header(i18n.t("filters", lang))
    statuses = st.sidebar.multiselect(i18n.t("filter_status", lang), STATUSES, key="filter_status",
                                      format_func=lambda v: i18n.t(f"status_{v}", lang))
    names = _district_names(catalogue, registry, lang)
    chosen = st.sidebar.selectbox(i18n.t("filter_district", lang), [""] + list(names), key="filter_district",
                                  format_func=lambda i: names.get(i) or i18n.t("all_districts", lang))
    st.session_state[keys.FILTER_STATUS] = list(statuses)  # plain copies: widget keys vanish off-page
    st.session_state[keys.FILTER_DISTRICT] = chosen
    district = next((shape(f["geometry"]) for f in _districts(catalogue, registry)
                     if f["properties"]["id"] == chosen), None)
    status_set = None if set(statuses) == set(STATUSES) else set(statuses)
    return status_set, district, chosen or None


def _district_focus(catalogue: Catalogue, district, district_id: str | None) -> dict | None:
    """Choosing a district fits the map to it once (the map flies per new choice)."""
    boundary = catalogue.reference_boundary()
    if district is None or boundary is None:
        st.session_state.pop(keys.DISTRICT_FOCUS, None)  # choosing it again flies there again
        return None
    _new_focus("district", keys.DISTRICT_FOCUS, district_id)
    w, s, e, n = district.bounds
    return {"layer": boundary.id, "id": district_id, "zoom": 12, "bounds": [[s, w], [n, e]],
            "token": st.session_state[keys.FOCUS_TOKEN], "popup": False}


def _filter_count(includes: dict | None, catalogue: Catalogue, registry: LayerRegistry, layers: VisibleLayers,
                  lang: str) -> None:
    """How many features of the layers switched on pass the filters (context layers not counted)."""
    if includes is None:
        return
    shown = [catalogue.get(i) for i in layers.ids if not catalogue.get(i).has_role(CONTEXT)]
    count = 0
    for spec in shown:  # features drawn: with a position, and passing the filters
        data = registry.view(spec).data or {"features": []}
        passing = set(includes[spec.id]) if spec.id in includes else None
        count += sum(1 for f in data["features"]
                     if f.get("geometry") and (passing is None or f["properties"]["id"] in passing))
    st.sidebar.caption(i18n.t("filter_count", lang, n=count))


def _new_focus(owner: str, key_name: str, value) -> None:
    """A new token when the chosen search result or project changes: the map flies there
    once, not on every later rerun; the last one chosen owns the focus."""
    if st.session_state.get(key_name) != value:
        st.session_state[key_name] = value
        st.session_state[keys.FOCUS_TOKEN] = st.session_state.get(keys.FOCUS_TOKEN, 0) + 1
        st.session_state[keys.FOCUS_OWNER] = owner


def _search(catalogue: Catalogue, registry: LayerRegistry, layers: VisibleLayers, lang: str) -> dict | None:
    query = st.text_input(i18n.t("search", lang), key="search", label_visibility="collapsed",
                          placeholder=i18n.t("search", lang))
    if not query:
        return None
    loaded = [(spec, registry.view(spec).data) for spec in catalogue.layers]
    loaded_by_id = [(spec.id, data) for spec, data in loaded if data is not None]
    matches = search(query, [(s, d) for s, d in loaded if d is not None])
    if not matches:
        st.info(i18n.t("no_results", lang))
        return None
    titles = {s.id: s.title(lang) for s in catalogue.layers}
    picked = st.selectbox(i18n.t("search_results", lang), range(len(matches)), key="search_pick",
                          format_func=lambda i: matches[i].label(lang, titles[matches[i].layer_id]))
    match = matches[picked]
    if match.center is None:  # no position: the same card a popup shows, in the UI language
        spec = catalogue.get(match.layer_id)
        names = feature_names(catalogue, dict(loaded_by_id), lang)
        rows = feature_card(spec, match.properties, lang, names)
        st.warning(i18n.t("unlocated_note", lang))
        st.table({i18n.t("field", lang): [r[0] for r in rows], i18n.t("value", lang): [r[1] for r in rows]})
        return None
    if layers.show(match.layer_id):  # the layer the result lives in must be on
        st.rerun()
    _new_focus("search", keys.SEARCH_FOCUS, (query, picked))
    return {"layer": match.layer_id, "id": match.feature_id, "zoom": match.zoom,
            "token": st.session_state[keys.FOCUS_TOKEN]}


def _projects_table(catalogue: Catalogue, registry: LayerRegistry, layers: VisibleLayers, lang: str) -> dict | None:
    """The plan's major projects under the map: choosing a district or lead unit lists its
    projects (one step); a switch lists all; picking a row switches on the layers of its
    features and fits the map to them."""
    tr = i18n.page("projects", lang)
    datasets = {s.id: registry.view(s).data for s in catalogue.layers if registry.view(s).data}
    rows = project_rows(catalogue, datasets, lang)
    if not rows:
        return None
    st.subheader(tr["title"])
    district_names = _district_names(catalogue, registry, lang, key="name_zh")  # rows name districts in Chinese
    left, right = st.columns(2)
    district = left.selectbox(tr["district"], [""] + list(district_names), key="projects_district",
                              format_func=lambda d: district_names.get(d) or tr["all"])
    unit = right.selectbox(tr["lead_unit"], [""] + lead_units(rows), key="projects_unit",
                           format_func=lambda u: u or tr["all"])
    # The grid appears once asked for (a filter chosen, or the switch): it brings 1.3 MB of
    # Streamlit's frontend code, which delayed the first map by about 0.7 s (issue 16).
    if not (district or unit) and not st.toggle(tr["show"].format(n=len(rows)), key="projects_open"):
        return None
    shown = filter_rows(rows, district, unit)
    st.caption(tr["count"].format(n=len(shown)))
    frame = pd.DataFrame({tr["number"]: [r.number for r in shown], tr["name"]: [r.name for r in shown],
                          tr["content"]: [r.content for r in shown], tr["lead_unit"]: [r.lead_unit for r in shown],
                          tr["district"]: [r.district for r in shown], tr["related"]: [r.related for r in shown],
                          tr["on_map"]: [r.located for r in shown]})
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row",
                         key=f"projects_table_{district}_{unit}", width="stretch")
    picked = [i for i in event.selection.rows if i < len(shown)]
    if not picked:
        return None
    row = shown[picked[0]]
    if not row.located:
        st.info(tr["no_position"])
        return None
    if [t.layer_id for t in row.targets if layers.show(t.layer_id)]:  # its features' layers must be on
        st.rerun()
    _new_focus("project", keys.PROJECT_FOCUS, row.id)
    return focus_for(row, st.session_state[keys.FOCUS_TOKEN])


def map_page() -> None:
    started = time.perf_counter()
    guarded(_map_page_body, st.session_state.get(keys.LANG, i18n.DEFAULT_LANG))
    if settings.bench_log():  # bench/run.py reads server time per rerun from here
        with open(settings.bench_log(), "a", encoding="utf-8") as log:
            log.write(f"{time.perf_counter() - started:.6f}\n")


def _filter_includes(catalogue: Catalogue, registry: LayerRegistry, statuses, district) -> dict | None:
    """Layer id → ids of features passing the filters, for every layer (any may be switched on
    in the browser); None when nothing is filtered. Cached per filter and data version."""
    if statuses is None and district is None:
        return None
    views = [registry.view(spec) for spec in catalogue.layers if not spec.has_role(CONTEXT)]  # water, boundaries stay
    key = (None if statuses is None else tuple(sorted(statuses)), district.wkb if district is not None else None,
           tuple(v.url for v in views))
    cached = st.session_state.get(keys.INCLUDES)
    if not cached or cached[0] != key:
        cached = (key, visible_ids_by_layer({v.spec.id: v.data for v in views if v.data}, statuses, district))
        st.session_state[keys.INCLUDES] = cached
    return cached[1]


def _link_has_no_view() -> bool:
    """The opening link gave no centre or zoom: the map may fit Huzhou beside its legend."""
    url_view = st.session_state[keys.URL_VIEW]
    return url_view.center is None and url_view.zoom is None


def _map_page_body() -> None:
    catalogue = load_catalogue()
    registry = resources.registry()
    tianditu_key = resources.tianditu_key()
    basemaps = webmap.available_basemaps(tianditu_key)
    layers = _init_state(catalogue, registry, basemaps)

    lang = st.sidebar.radio(i18n.t("language", "zh"), i18n.LANGS, key="lang", horizontal=True,
                            format_func=lambda code: i18n.page("widgets", "zh")[f"lang_{code}"])
    basemap = st.sidebar.selectbox(i18n.t("basemap", lang), basemaps, key="basemap",
                                   format_func=lambda b: i18n.t(f"basemap_{b}", lang))
    gcj = webmap.is_gcj(basemap)
    config_url = mapconfig.map_config_url(catalogue, registry, lang, gcj)
    _layer_panel(catalogue, config_url, layers, lang)
    statuses, district, district_id = _sidebar_filters(catalogue, registry, lang)
    token_before = st.session_state.get(keys.FOCUS_TOKEN)
    district_focus = _district_focus(catalogue, district, district_id)
    newly_chosen = district_focus and st.session_state.get(keys.FOCUS_TOKEN) != token_before
    if newly_chosen and layers.show(district_focus["layer"]):  # the map fits to a drawn district
        st.rerun()
    includes = _filter_includes(catalogue, registry, statuses, district)
    _filter_count(includes, catalogue, registry, layers, lang)

    map_page_layout()  # compact header; the map fills the rest of the window
    title, search_box = st.columns([3, 2], vertical_alignment="bottom")
    title.title(i18n.t("app_title", lang))
    with search_box:
        search_focus = _search(catalogue, registry, layers, lang)
    ignored = sorted({p.split(":")[0] for p in st.session_state[keys.URL_VIEW].problems})
    if ignored:  # one unobtrusive line; the link still opens the map
        st.caption(i18n.t("url_ignored", lang, params="、".join(ignored)))
    map_slot = st.container(key=MAP_AREA_KEY)  # the map is drawn here, above the project table that can move it
    project_focus = _projects_table(catalogue, registry, layers, lang)
    focus = {"project": project_focus, "district": district_focus}.get(st.session_state.get(keys.FOCUS_OWNER),
                                                                      search_focus)

    # Plain copies for the other pages (widget keys are dropped while a page is not shown).
    st.session_state[keys.LANG] = lang
    st.session_state[keys.BASEMAP] = basemap

    for spec in (catalogue.get(i) for i in layers.ids):
        view = registry.view(spec)
        if view.findings and not view.url or view.stale:
            with st.expander(i18n.t("layer_failed", lang, title=spec.title(lang)), expanded=True):
                st.code("\n".join(str(f) for f in view.findings), language=None)

    state = webmap.state_group(
        config_url, layers.as_message(), st.session_state[keys.CHANNEL],
        include=includes, focus=focus, fit=_link_has_no_view())

    # The address bar is the share link. Python owns layers, basemap and language; the map
    # writes centre and zoom itself after a deliberate move (runtime.js), so they are kept
    # as the browser last reported them. Written before the map, so the map's next sync can
    # put its view back if this rerun rewrote the address bar.
    url_view = st.session_state[keys.URL_VIEW]
    current = st.query_params.to_dict()
    wanted = urlstate.encode(layers.ids, basemap, lang, url_view.center, url_view.zoom,
                             sorted(statuses, key=STATUSES.index) if statuses is not None else None, district_id)
    wanted.update({k: current[k] for k in ("center", "zoom") if k in current})
    if wanted != current:
        st.query_params.from_dict(wanted)

    # The view from a shared link is applied once; later moves belong to the user (and
    # search results fly in the browser), so these arguments never change within a session.
    # Nothing comes back from the map: a pan costs no rerun (the export extent is read in
    # the browser by the Export page).
    center = list(url_view.center) if url_view.center else None
    with map_slot:
        st_folium(webmap.base_map(catalogue, basemap, tianditu_key), feature_group_to_add=[state],
                  key="map", center=center, zoom=url_view.zoom, returned_objects=[], height=640,
                  use_container_width=True)  # streamlit-folium's own argument (not Streamlit's deprecated one)
        st.caption(i18n.t("data_sources", lang) + " " + i18n.t("share", lang))


# The language chosen on the map page (its widget key while shown, else the plain copy), or
# on a first visit the link's own (the map page reads it only after this runs).
link_lang = st.query_params.get("lang")
nav_lang = (st.session_state.get("lang") or st.session_state.get(keys.LANG)
            or (link_lang if link_lang in i18n.LANGS else i18n.DEFAULT_LANG))
pages = [
    st.Page(map_page, title=i18n.t("nav_map", nav_lang), default=True, url_path="map"),
    st.Page("pages/compare.py", title=i18n.t("nav_compare", nav_lang), url_path="compare"),
    st.Page("pages/export.py", title=i18n.t("nav_export", nav_lang), url_path="export"),
    st.Page("pages/catalogue.py", title=i18n.t("nav_data", nav_lang), url_path="data"),
    st.Page("pages/edit.py", title=i18n.t("nav_edit", nav_lang), url_path="edit"),
]
guarded(resources.static_assets, nav_lang)  # whatever page is opened first
st.navigation(pages).run()
