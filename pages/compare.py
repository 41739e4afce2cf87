"""Compare page: two plan frameworks (2019 "一核两带三区四向", 2024 "一带三核五区") side by side on
maps that move together, each with its own legend; the address bar is the share link. UI only
(docs/decisions/0011)."""
from __future__ import annotations

import uuid

import streamlit as st
from branca.element import Element
from streamlit_folium import st_folium

from layers import i18n
from layers.web import mapconfig
from layers.web import urlstate
from layers.web import webmap
from layers.model.catalogue import load_catalogue
from layers.web.layerstate import VisibleLayers
from pages import resources
from pages import session_keys as keys
from pages.boundary import guarded

SIDES = ("left", "right")
MAP_HEIGHT = 540  # px: both maps, the plan pickers and the header fit a 1280×720 window

# Compact header and no gap between the two maps: the maps are the page.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding: 3.9rem 1.5rem 0.5rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.3rem; padding: 0; }
</style>
"""


# Inside each map: a smaller attribution (whole, never cut), so two half-width maps keep their
# scale bars clear of it.
_MAP_CSS = """
<style>
.leaflet-container .leaflet-control-attribution { font-size: 10px; line-height: 1.3; max-width: 72%; }
</style>
"""


def _init_state(plans: list[str], basemaps: list[str]) -> urlstate.CompareState:
    """Once per session: plans, language, basemap and view from the link (a reload is a new
    session, so a reload reopens what the link says)."""
    if keys.COMPARE_URL not in st.session_state:
        state = urlstate.parse_compare(st.query_params.to_dict(), plans, basemaps, i18n.LANGS)
        st.session_state[keys.COMPARE_URL] = state
        st.session_state[keys.COMPARE_LINK] = f"hz-compare-{uuid.uuid4().hex}"  # tabs stay apart
        if state.view.lang:
            st.session_state[keys.LANG] = state.view.lang
        if state.view.basemap:
            st.session_state[keys.BASEMAP] = state.view.basemap
    state = st.session_state[keys.COMPARE_URL]
    for side, default in zip(SIDES, (plans[0], plans[-1])):  # oldest on the left, newest on the right
        if getattr(state, side) not in plans:  # not in the link (or gone from the catalogue since)
            setattr(state, side, default)
    # Widget keys are dropped while another page is shown; restore them from the plain copies.
    st.session_state.setdefault("lang", st.session_state.get(keys.LANG, i18n.DEFAULT_LANG))
    return state


def _page() -> None:
    # Two maps need the width: the sidebar (navigation, language) starts folded on a fresh visit.
    st.set_page_config(initial_sidebar_state="collapsed")
    catalogue = load_catalogue()
    plans = catalogue.plans()
    if not plans:  # a catalogue without plan groups: nothing to compare
        st.info(i18n.page("compare", st.session_state.get(keys.LANG, i18n.DEFAULT_LANG))["no_plans"])
        return
    registry = resources.registry()
    tianditu_key = resources.tianditu_key()
    basemaps = webmap.available_basemaps(tianditu_key)
    state = _init_state(plans, basemaps)

    lang = st.sidebar.radio(i18n.t("language", "zh"), i18n.LANGS, key="lang", horizontal=True,
                            format_func=lambda code: i18n.page("widgets", "zh")[f"lang_{code}"])
    st.session_state[keys.LANG] = lang
    tr = i18n.page("compare", lang)
    basemap = st.session_state.get(keys.BASEMAP)
    basemap = basemap if basemap in basemaps else "none"

    st.html(_CSS)
    st.subheader(tr["title"], anchor=False)
    ignored = sorted({p.split(":")[0] for p in state.problems})
    if ignored:  # one unobtrusive line; the link still opens the page
        st.caption(i18n.t("url_ignored", lang, params="、".join(ignored)))

    columns = st.columns(2, gap="small")
    chosen = {}
    for side, column in zip(SIDES, columns):
        # Keyed per language: a picker re-created in the new language shows its words (the
        # plain copy in `state` carries the choice across, and across page switches).
        chosen[side] = column.selectbox(tr[side], plans, index=plans.index(getattr(state, side)),
                                        key=f"compare_{side}_{lang}", label_visibility="collapsed",
                                        format_func=lambda p: tr[f"plan_{p}"])
        setattr(state, side, chosen[side])  # plain copy (widget keys vanish off-page)

    # The address bar is the share link: Python owns the plans, basemap and language; the maps
    # write centre and zoom themselves after a deliberate move (runtime.js), so those are kept
    # as the browser last reported them.
    current = st.query_params.to_dict()
    wanted = urlstate.encode_compare(chosen["left"], chosen["right"], basemap, lang, state.view.center,
                                     state.view.zoom)
    wanted.update({k: current[k] for k in ("center", "zoom") if k in current})
    if wanted != current:
        st.query_params.from_dict(wanted)

    # One published configuration for both maps; each map shows its plan's layers and its own
    # legend, and the two move together (they share one link name).
    config_url = mapconfig.map_config_url(catalogue, registry, lang, webmap.is_gcj(basemap))
    center = list(state.view.center) if state.view.center else None
    link = st.session_state[keys.COMPARE_LINK]
    shown = st.session_state.setdefault(keys.COMPARE_LAYERS, {side: VisibleLayers([]) for side in SIDES})
    for side, column in zip(SIDES, columns):
        wanted_layers = catalogue.plan_layers(chosen[side], reference_only=True)
        if shown[side].ids != wanted_layers:  # a newer decision: the map swaps the plan's layers
            shown[side].override(wanted_layers)
        group = webmap.state_group(config_url, shown[side].as_message(), f"{link}-{side}", link=link)
        with column:
            base = webmap.base_map(catalogue, basemap, tianditu_key)
            base.get_root().header.add_child(Element(_MAP_CSS), name="hz_compare_css")
            st_folium(base, feature_group_to_add=[group],
                      key=f"compare_map_{side}", center=center, zoom=state.view.zoom, returned_objects=[],
                      height=MAP_HEIGHT, use_container_width=True)
    st.caption(tr["note"] + " " + i18n.t("data_sources", lang))


guarded(_page, st.session_state.get(keys.LANG, i18n.DEFAULT_LANG))
