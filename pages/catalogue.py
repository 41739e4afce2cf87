"""Data catalogue: every layer, its feature count, sources and a filterable attribute table. UI only."""
from __future__ import annotations

import streamlit as st

from layers import i18n
from layers.catalogue import load_catalogue
from layers.loader import load_layer
from layers.tables import attribute_table, csv_bytes, distinct_sources, filter_table

catalogue = load_catalogue()
lang = st.session_state.get("hz_lang", "zh")
tr = i18n.page("catalogue", lang)

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
st.dataframe(summary, hide_index=True, use_container_width=True)

chosen = st.selectbox(tr["layer"], [s.id for s in catalogue.layers], format_func=lambda i: catalogue.get(i).title(lang))
spec = catalogue.get(chosen)
layer = loaded[chosen]
st.caption(spec.description_zh if lang == "zh" else spec.description_en)
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
    st.dataframe(shown, hide_index=True, use_container_width=True)
    st.download_button(tr["csv"], csv_bytes(shown), file_name=f"{spec.id}.csv", mime="text/csv")
    with st.expander(tr["sources"]):
        for source in distinct_sources(shown):
            st.text(source)
