"""Data catalogue: every layer, its feature count, sources and a filterable attribute table. UI only."""
from __future__ import annotations

import streamlit as st

from layers import i18n
from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer
from layers.io.tables import attribute_table, csv_bytes, csv_table, distinct_sources, filter_table
from pages import session_keys as keys
from pages.boundary import guarded

catalogue = load_catalogue()
lang = st.session_state.get(keys.LANG, "zh")
tr = i18n.page("catalogue", lang)

def _page() -> None:
    st.title(tr["title"])
    summary = []
    loaded = {}
    for spec in catalogue.layers:
        layer = load_layer(spec)
        loaded[spec.id] = layer
        features = layer.data["features"] if layer.data else []
        located = sum(1 for f in features if f.get("geometry"))
        summary.append({tr["layer"]: spec.title(lang), tr["file"]: spec.file, tr["features"]: len(features),
                        tr["located"]: located, tr["unlocated"]: len(features) - located})
    st.dataframe(summary, hide_index=True, width="stretch")

    chosen = st.selectbox(tr["layer"], [s.id for s in catalogue.layers], format_func=lambda i: catalogue.get(i).title(lang))
    spec = catalogue.get(chosen)
    layer = loaded[chosen]
    st.caption(spec.description(lang))
    if not layer.ok:
        st.error(tr["errors"])
        st.code("\n".join(map(str, layer.findings)), language=None)
    else:
        table = attribute_table(spec, layer.data)
        left, right = st.columns([3, 1])
        text = left.text_input(tr["filter"])
        status = None
        if "status" in table:
            options = [""] + sorted(table["status"].dropna().unique())
            status = right.selectbox(tr["status"], options, format_func=lambda v: v or tr["all"])
        shown = filter_table(table, text, status=status)
        st.dataframe(shown, hide_index=True, width="stretch")
        # The rows shown, with lon/lat, in a form the Edit page imports back unchanged.
        export = csv_table(spec, layer.data).loc[shown.index]
        st.download_button(tr["csv"], csv_bytes(export), file_name=f"{spec.id}.csv", mime="text/csv")
        with st.expander(tr["sources"]):
            for source in distinct_sources(shown):
                st.text(source)


guarded(_page, lang)
