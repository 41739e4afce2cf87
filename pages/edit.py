"""Editing page for signed-in editors: attributes, geometry, import, history. UI only;
saving, merging and history live in layers/editing.py."""
from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from layers import assets, i18n
from layers.auth import authenticate, load_editors
from layers.catalogue import LayerSpec, PropertySpec, load_catalogue
from layers.editing import ConflictError, list_versions, load_for_edit, rebase, restore, save_layer, undo_last
from layers.findings import LayerError
from layers.importing import DECLARABLE_CRS, MAX_UPLOAD_BYTES, UploadError, merge, read_upload
from layers.tables import attribute_table
from layers.loader import validate_layer_data
from pages.components import map_editor


lang = st.session_state.get("hz_lang", "zh")
T = i18n.page("edit", lang)


def _editors() -> dict[str, str]:
    try:
        secrets = st.secrets
        secrets_map = {"editors": dict(secrets["editors"])} if "editors" in secrets else None
    except FileNotFoundError:
        secrets_map = None
    return load_editors(os.environ, secrets_map)


def _sign_in(editors: dict[str, str]) -> str | None:
    if st.session_state.get("hz_editor") in editors:
        return st.session_state["hz_editor"]
    st.info(T["viewer"])
    with st.form("signin"):
        st.subheader(T["signin"])
        user = st.text_input(T["user"])
        password = st.text_input(T["password"], type="password")
        if st.form_submit_button(T["login"]):
            if authenticate(user, password, editors):
                st.session_state["hz_editor"] = user
                st.rerun()
            st.error(T["bad"])
    return None


def _work(spec: LayerSpec) -> dict:
    """The editor's working copy of a layer, with the version it was loaded from."""
    store = st.session_state.setdefault("hz_edits", {})
    if spec.id not in store:
        data, digest = load_for_edit(spec)
        store[spec.id] = {"base": json.loads(json.dumps(data)), "data": data, "digest": digest}
    return store[spec.id]


def _input(prop: PropertySpec, value, key: str):
    label = prop.label(lang) + (" *" if prop.required else "")
    if prop.enum:
        options = ([""] if not prop.required else []) + list(prop.enum)
        return st.selectbox(label, options, index=options.index(value) if value in options else 0, key=key) or None
    if prop.type == "boolean":
        return st.checkbox(label, value=bool(value), key=key)
    if prop.type == "integer":
        text = st.text_input(label, "" if value is None else str(value), key=key)
        return int(text) if text.strip().lstrip("-").isdigit() else (None if not text.strip() else text)
    if prop.type == "number":
        text = st.text_input(label, "" if value is None else str(value), key=key)
        try:
            return float(text) if text.strip() else None
        except ValueError:
            return text  # validation will name the field
    if prop.type == "string_list":
        text = st.text_input(label + "（用“、”分隔）" if lang == "zh" else label + " (separate with 、)",
                             "、".join(value or []), key=key)
        return [v.strip() for v in text.replace(",", "、").split("、") if v.strip()]
    return st.text_input(label, value or "", key=key)


def _attributes_tab(spec: LayerSpec, work: dict) -> None:
    data = work["data"]
    st.dataframe(attribute_table(spec, data), hide_index=True, use_container_width=True, height=240)
    ids = [f["properties"]["id"] for f in data["features"]]
    if not ids:
        return
    chosen = st.selectbox(T["feature"], ids, key=f"edit_pick_{spec.id}",
                          format_func=lambda i: f"{i} · {next(f for f in data['features'] if f['properties']['id'] == i)['properties'].get('name_zh', '')}")
    feature = next(f for f in data["features"] if f["properties"]["id"] == chosen)
    with st.form(f"attrs_{spec.id}_{chosen}"):
        values = {p.name: _input(p, feature["properties"].get(p.name), f"in_{spec.id}_{chosen}_{p.name}")
                  for p in spec.properties}
        left, right = st.columns(2)
        if left.form_submit_button(T["apply"]):
            for name, value in values.items():
                if value in (None, "", []):
                    feature["properties"].pop(name, None)
                else:
                    feature["properties"][name] = value
            st.rerun()
        if right.form_submit_button(T["delete"]):
            data["features"] = [f for f in data["features"] if f["properties"]["id"] != chosen]
            st.rerun()


def _geometry_tab(spec: LayerSpec, work: dict) -> None:
    version = f"{work['digest']}:{len(work['data']['features'])}:{st.session_state.get('hz_geom_tokens', {}).get(spec.id)}"
    result = map_editor(collection=work["data"], geometry=spec.geometry, key=f"editor_{spec.id}", version=version,
                         new_id_prefix=f"{spec.id}_new_",
                         words={"apply": T["apply_geom"], "unsaved": T["unsaved"], "applied": T["applied_geom"]},
                         assets={"leaflet_js": assets.LEAFLET_JS, "leaflet_css": assets.LEAFLET_CSS,
                                 "draw_js": assets.LEAFLET_DRAW_JS, "draw_css": assets.LEAFLET_DRAW_CSS},
                         default=None)
    seen = st.session_state.setdefault("hz_geom_tokens", {})
    if result and result.get("token") != seen.get(spec.id):
        seen[spec.id] = result["token"]
        edited = {f["properties"]["id"]: f for f in result["collection"]["features"]}
        features = []
        for feature in work["data"]["features"]:
            fid = feature["properties"]["id"]
            if fid in edited:
                features.append({**feature, "geometry": edited.pop(fid)["geometry"]})
            elif feature.get("geometry") is None:
                features.append(feature)  # unlocated features are not on the editor map; keep them
        features.extend(edited.values())  # newly drawn: properties to be filled in on the attributes tab
        work["data"]["features"] = features
        st.rerun()


def _import_tab(spec: LayerSpec, work: dict) -> None:
    upload = st.file_uploader(T["upload"], type=["geojson", "json", "gpkg", "zip", "kml", "csv"],
                              key=f"upload_{spec.id}")
    crs = st.selectbox(T["crs"], list(DECLARABLE_CRS), format_func=lambda c: f"{c} · {DECLARABLE_CRS[c]}",
                       key=f"crs_{spec.id}")
    mode = st.radio(T["mode"], ["append", "replace"], format_func=lambda m: T[m], horizontal=True,
                    key=f"mode_{spec.id}")
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(f"{upload.name}: {upload.size / 1e6:.1f} MB > {MAX_UPLOAD_BYTES // 2**20} MiB")
        return
    try:
        result = read_upload(upload.getvalue(), upload.name, crs)
    except UploadError as exc:
        st.error(str(exc))
        return
    for note in result.notes:
        st.info(note)
    st.subheader(T["preview"])
    st.dataframe(pd.DataFrame([f["properties"] for f in result.collection["features"]]), use_container_width=True)
    merged = merge(work["data"], result.collection, mode)
    findings = validate_layer_data(spec, json.loads(json.dumps(merged)))
    st.subheader(T["findings"])
    st.code("\n".join(map(str, findings)) or T["clean"], language=None)
    if st.button(T["use"], key=f"use_{spec.id}"):
        work["data"] = merged
        st.rerun()


def _history_tab(spec: LayerSpec, user: str, work: dict) -> None:
    versions = list_versions(spec)
    if not versions:
        st.caption(T["no_history"])
        return
    st.dataframe(pd.DataFrame([{"when": v.saved_at, "who": v.user, "what": v.summary} for v in versions]),
                 hide_index=True, use_container_width=True)
    index = st.selectbox(T["restore"], range(len(versions)), key=f"restore_pick_{spec.id}",
                         format_func=lambda i: f"{versions[i].saved_at} · {versions[i].user} · {versions[i].summary[:60]}")
    left, right = st.columns(2)
    if left.button(T["restore"], key=f"restore_{spec.id}"):
        _after_save(spec, lambda: restore(spec, versions[index], work["digest"], user))
    if right.button(T["undo"], key=f"undo_{spec.id}"):
        _after_save(spec, lambda: undo_last(spec, user))


def _after_save(spec: LayerSpec, action) -> None:
    try:
        version = action()
    except LayerError as exc:
        st.error(T["errors"])
        st.code("\n".join(map(str, exc.findings)), language=None)
        return
    except ConflictError as exc:
        st.error(T["conflict"] + str(exc))
        st.session_state["hz_conflict"] = spec.id
        return
    st.session_state["hz_edits"].pop(spec.id, None)
    st.session_state["hz_flash"] = T["saved"] + version.summary
    st.rerun()


def _save_bar(spec: LayerSpec, user: str, work: dict) -> None:
    if st.button(T["save"], type="primary", key=f"save_{spec.id}"):
        _after_save(spec, lambda: save_layer(spec, work["data"], work["digest"], user))
    if st.session_state.get("hz_conflict") == spec.id:
        st.warning(T["kept"])
        st.download_button(T["download"], json.dumps(work["data"], ensure_ascii=False).encode("utf-8"),
                           file_name=f"{spec.id}-my-edits.geojson", mime="application/geo+json")
        if st.button(T["rebase"], key=f"rebase_{spec.id}"):
            theirs, digest = load_for_edit(spec)
            merged, conflicts = rebase(work["base"], work["data"], theirs)
            work.update(base=json.loads(json.dumps(theirs)), data=merged, digest=digest)
            st.session_state.pop("hz_conflict", None)
            st.session_state["hz_flash"] = T["rebased"] + (", ".join(conflicts) or "—")
            st.rerun()


st.title(T["title"])
editors = _editors()
if not editors:
    st.warning(T["off"])
    st.stop()
user = _sign_in(editors)
if user is None:
    st.stop()
top_left, top_right = st.columns([4, 1])
top_left.caption(T["signed"] + user)
if top_right.button(T["logout"]):
    st.session_state.pop("hz_editor", None)
    st.rerun()
if st.session_state.get("hz_flash"):
    st.success(st.session_state.pop("hz_flash"))

catalogue = load_catalogue()
editable = [s for s in catalogue.layers if not s.group.startswith("overlay")]  # overlays are derived
layer_id = st.selectbox(T["layer"], [s.id for s in editable], format_func=lambda i: catalogue.get(i).title(lang))
spec = catalogue.get(layer_id)
work = _work(spec)
if st.button(T["reload"]):
    st.session_state["hz_edits"].pop(spec.id, None)
    st.session_state.pop("hz_conflict", None)
    st.rerun()
tab_attrs, tab_geom, tab_import, tab_history = st.tabs([T["attributes"], T["geometry"], T["import"], T["history"]])
with tab_attrs:
    _attributes_tab(spec, work)
with tab_geom:
    _geometry_tab(spec, work)
with tab_import:
    _import_tab(spec, work)
with tab_history:
    _history_tab(spec, user, work)
_save_bar(spec, user, work)
