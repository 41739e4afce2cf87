"""Editing page for signed-in editors: attributes, geometry, import, history. UI only;
saving, merging and history live in layers/editing/editing.py."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from layers.web import assets
from layers import i18n
from layers import settings
from layers.editing.auth import authenticate, load_editors
from layers.model.catalogue import LayerSpec, PropertySpec, load_catalogue
from layers.editing.editing import (ConflictError, changed_rows, check_history, list_versions, load_for_edit, rebase, restore,
                            save_layer, undo_last, version_data)
from layers.model.findings import LayerError, bounded
from layers.io.importing import DECLARABLE_CRS, ENCODINGS, MAX_UPLOAD_BYTES, UploadError, conform, merge
from layers.io.upload_worker import read_upload_bounded
from layers.model.catalogue import DERIVED
from layers.editing.edit_checks import INPUT_CRS, apply_fixes, geometry_changed, lonlat_to_wgs84, save_checks
from layers.io.loader import load_layer
from layers.web.publish import publish
from layers.web.session import file_version
from layers.model.styles import base_symbol
from layers.io.tables import attribute_table
from layers.editing.throttle import SignInThrottle
from layers.io.loader import validate_layer_data
from pages import session_keys as keys
from pages.boundary import guarded
from pages.components import map_editor


lang = st.session_state.get(keys.LANG, "zh")
T = i18n.page("edit", lang)
catalogue = load_catalogue()


def _editors() -> dict[str, str]:
    try:
        secrets = st.secrets
        secrets_map = {"editors": dict(secrets["editors"])} if "editors" in secrets else None
    except FileNotFoundError:
        secrets_map = None
    return load_editors(settings.editor_sources(), secrets_map)


@st.cache_resource
def _throttle() -> SignInThrottle:
    """One per app process: wrong passwords are counted across sessions."""
    return SignInThrottle()


def _sign_in(editors: dict[str, str]) -> str | None:
    if st.session_state.get(keys.EDITOR) in editors:
        return st.session_state[keys.EDITOR]
    st.info(T["viewer"])
    with st.form("signin"):
        st.subheader(T["signin"])
        user = st.text_input(T["user"])
        password = st.text_input(T["password"], type="password")
        if st.form_submit_button(T["login"]):
            client = st.context.ip_address or "unknown"
            verdict = _throttle().check(user, client)
            if not verdict.allowed:  # refused before the password is even hashed
                st.error((T["locked"] if verdict.locked else T["wait"]).format(s=f"{verdict.wait_s:.0f}"))
            elif authenticate(user, password, editors):
                _throttle().succeeded(user, client)
                st.session_state[keys.EDITOR] = user
                st.rerun()
            else:
                _throttle().failed(user, client)
                st.error(T["bad"])
    return None


def _work(spec: LayerSpec) -> dict:
    """The editor's working copy of a layer, with the version it was loaded from."""
    store = st.session_state.setdefault(keys.EDITS, {})
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
        try:
            return int(text.strip()) if text.strip() else None
        except ValueError:
            return text  # e.g. "--5": validation names the field, nothing crashes
    if prop.type == "number":
        text = st.text_input(label, "" if value is None else str(value), key=key)
        try:
            return float(text) if text.strip() else None
        except ValueError:
            return text  # validation will name the field
    if prop.type == "string_list":
        text = st.text_input(label + i18n.page("widgets", lang)["list_hint"],
                             "、".join(value or []), key=key)
        return [v.strip() for v in text.replace(",", "、").split("、") if v.strip()]
    return st.text_input(label, value or "", key=key)


def _attributes_tab(spec: LayerSpec, work: dict) -> None:
    data = work["data"]
    st.dataframe(attribute_table(spec, data), hide_index=True, width="stretch", height=240)
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


@st.cache_data(show_spinner=False, max_entries=16)
def _context_layers(versions: tuple, lang: str, editing: str) -> list[dict]:
    """Published copies drawn under the editor map, read-only: the boundary layers (the offline
    basemap, with district names) and the other base layers as reference to edit against (rail
    lines under a station). `versions` makes an edit on disk refresh them."""
    out = []
    for spec in catalogue.layers:
        boundary = spec.geometry == "Polygon" and not spec.editable
        reference = spec.editable and spec.id != editing and spec.geometry in ("LineString", "Point")
        if (boundary or reference) and not spec.has_role(DERIVED):
            layer = load_layer(spec)
            if layer.ok:
                # Only boundaries are named: reference names would crowd the edited layer's own.
                out.append({"url": publish(layer).url, "style": base_symbol(spec).leaflet(),
                            "label_field": spec.localized_field("name", lang) if boundary else None})
    return out


def _place_controls(spec: LayerSpec, work: dict) -> str | None:
    """Pick a feature without a position; place it on the map, or type its coordinates."""
    unlocated = [f["properties"]["id"] for f in work["data"]["features"] if not f.get("geometry")]
    if not unlocated:
        return None
    names = {f["properties"]["id"]: f["properties"].get(spec.localized_field("name", lang), "") for f in work["data"]["features"]}
    place_id = st.selectbox(T["place"], [""] + unlocated, key=f"place_{spec.id}",
                            format_func=lambda i: f"{i} · {names[i]}" if i else T["place_none"]) or None
    if place_id and spec.geometry == "Point":
        with st.expander(T["typed"]):
            c1, c2, c3 = st.columns(3)
            lon = c1.text_input(T["lon"], key=f"lon_{spec.id}")
            lat = c2.text_input(T["lat"], key=f"lat_{spec.id}")
            crs = c3.selectbox(T["coord_crs"], list(INPUT_CRS), format_func=lambda c: INPUT_CRS[c], key=f"ccrs_{spec.id}")
            if st.button(T["set_position"], key=f"setpos_{spec.id}"):
                try:
                    x, y = lonlat_to_wgs84(float(lon), float(lat), crs)
                    if not (116 <= x <= 122.5 and 28.5 <= y <= 33.5):
                        raise ValueError("outside the region")
                except ValueError:
                    st.error(T["bad_coords"])
                else:
                    feature = next(f for f in work["data"]["features"] if f["properties"]["id"] == place_id)
                    feature["geometry"] = {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}
                    st.rerun()
    return place_id


def _geometry_tab(spec: LayerSpec, work: dict) -> None:
    place_id = _place_controls(spec, work)
    version = f"{work['digest']}:{len(work['data']['features'])}:{st.session_state.get(keys.GEOM_TOKENS, {}).get(spec.id)}"
    versions = tuple(file_version(s) for s in catalogue.layers if not s.has_role(DERIVED))
    result = map_editor(collection=work["data"], geometry=spec.geometry, key=f"editor_{spec.id}", version=version,
                        new_id_prefix=f"{spec.id}_new_", place_id=place_id,
                        context=_context_layers(versions, lang, spec.id), draw_words=i18n.nested(i18n.page("editor_draw", lang)),
                        words={"apply": T["apply_geom"], "unsaved": T["unsaved"], "applied": T["applied_geom"],
                               "place_hint": T["place_hint"], "placed": T["placed"], "moved": T["moved"]},
                        assets={"leaflet_js": assets.LEAFLET_JS, "leaflet_css": assets.LEAFLET_CSS,
                                "draw_js": assets.LEAFLET_DRAW_JS, "draw_css": assets.LEAFLET_DRAW_CSS},
                        default=None)
    seen = st.session_state.setdefault(keys.GEOM_TOKENS, {})
    if result and result.get("token") != seen.get(spec.id):
        seen[spec.id] = result["token"]
        edited = {f["properties"]["id"]: f for f in result["collection"]["features"]}
        features = []
        for feature in work["data"]["features"]:
            fid = feature["properties"]["id"]
            if fid in edited:
                features.append({**feature, "geometry": edited.pop(fid)["geometry"]})
            elif feature.get("geometry") is None:
                features.append(feature)  # still without a position: not on the editor map; keep it
        features.extend(edited.values())  # newly drawn: properties to be filled in on the attributes tab
        work["data"]["features"] = features
        st.rerun()


def _import_tab(spec: LayerSpec, work: dict) -> None:
    upload = st.file_uploader(T["upload"], type=["geojson", "json", "gpkg", "zip", "kml", "csv"],
                              key=f"upload_{spec.id}")
    left, right = st.columns(2)
    crs = left.selectbox(T["crs"], list(DECLARABLE_CRS), format_func=lambda c: f"{c} · {DECLARABLE_CRS[c]}",
                         key=f"crs_{spec.id}")
    encoding = right.selectbox(T["encoding"], list(ENCODINGS), key=f"enc_{spec.id}",
                               format_func=lambda e: T["auto"] if e == "auto" else e)
    mode = st.radio(T["mode"], ["append", "update", "replace"], format_func=lambda m: T[m], horizontal=True,
                    key=f"mode_{spec.id}")
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(f"{upload.name}: {upload.size / 1e6:.1f} MB > {MAX_UPLOAD_BYTES // 2**20} MiB")
        return
    try:
        with st.spinner(T["reading"]):  # in a bounded child process: a hostile file cannot stall us
            result = _read_upload(upload.getvalue(), upload.name, crs, encoding)
    except UploadError as exc:
        st.error(str(exc))
        return
    for note in result.notes:
        st.info(note)
    st.subheader(T["preview"])
    st.dataframe(pd.DataFrame([f["properties"] for f in result.collection["features"]]), width="stretch")
    incoming = conform(result.collection, spec)  # CSV/shapefile text typed by the layer's schema
    merged = merge(work["data"], incoming, mode, id_prefix=f"{spec.id}_imported_")
    findings, hidden = bounded(validate_layer_data(spec, json.loads(json.dumps(merged))))
    st.subheader(T["findings"])
    listed = "\n".join(map(str, findings)) + (("\n" + T["more_findings"].format(n=hidden)) if hidden else "")
    st.code(listed or T["clean"], language=None)
    if st.button(T["use"], key=f"use_{spec.id}"):
        work["data"] = merged
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def _read_upload(raw: bytes, name: str, crs: str | None, encoding: str):
    """Parsed once per file and options, not on every rerun of the page (errors are not kept)."""
    return read_upload_bounded(raw, name, crs, encoding)


def _history_tab(spec: LayerSpec, user: str, work: dict) -> None:
    for finding in check_history(spec):  # a crash left something half done: say what was set aside
        st.warning(str(finding))
    versions = list_versions(spec)
    if not versions:
        st.caption(T["no_history"])
        return
    st.dataframe(pd.DataFrame([{T["when"]: v.saved_at, T["who"]: v.user, T["what"]: v.summary} for v in versions]),
                 hide_index=True, width="stretch")
    index = st.selectbox(T["pick_save"], range(len(versions)), key=f"restore_pick_{spec.id}",
                         format_func=lambda i: f"{versions[i].saved_at} · {versions[i].user} · {versions[i].summary[:60]}")
    before, after = version_data(spec, versions[index])
    st.caption(T["before_after"])
    st.dataframe(pd.DataFrame(changed_rows(before, after)), hide_index=True, width="stretch")
    left, right = st.columns(2)
    if left.button(T["restore"], key=f"restore_{spec.id}"):
        _after_save(spec, lambda: restore(spec, versions[index], work["digest"], user))
    last = versions[0]
    if right.button(T["undo_named"].format(who=last.user, when=last.saved_at, what=last.summary[:40]),
                    key=f"undo_{spec.id}"):
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
        st.session_state[keys.CONFLICT] = spec.id
        return
    st.session_state[keys.EDITS].pop(spec.id, None)
    st.session_state[keys.FLASH] = T["saved"] + version.summary
    st.rerun()


def _confirmations(spec: LayerSpec, work: dict) -> tuple[bool, list]:
    """The questions a save with moved or placed geometry asks (layers/editing/edit_checks.py); returns
    whether every one is confirmed, and the confirmed checks (their fixes are applied)."""
    if not geometry_changed(work["base"], work["data"]):
        return True, []  # nothing moved or placed: nothing to ask (and no layers to load)
    datasets = {s.id: d for s in catalogue.layers if (d := load_layer(s).data) is not None}
    checks = save_checks(catalogue, spec, work["base"], work["data"], datasets)
    if not checks:
        return True, []
    st.warning(T["checks"])
    confirmed = []
    for n, check in enumerate(checks):
        template = {"moved": T["check_moved"], "district": T["check_district"],
                    "provenance": T["check_provenance"]}[check.kind]
        text = template.format(id=check.feature_id, **check.words)
        if st.checkbox(text, key=f"check_{spec.id}_{check.feature_id}_{check.kind}_{n}"):
            confirmed.append(check)
        if check.kind == "provenance":
            feature = next(f for f in work["data"]["features"] if f["properties"]["id"] == check.feature_id)
            for field in ("accuracy", "source"):
                prop = spec.property(field)
                if prop is None:
                    continue
                value = st.text_input(prop.label(lang), feature["properties"].get(field, ""),
                                      key=f"prov_{spec.id}_{check.feature_id}_{field}")
                if value != feature["properties"].get(field, ""):
                    feature["properties"][field] = value
    return len(confirmed) == len(checks), confirmed


def _save_bar(spec: LayerSpec, user: str, work: dict) -> None:
    with st.container(key="save_checks"):
        ready, confirmed = _confirmations(spec, work)
    if st.button(T["save"], type="primary", key=f"save_{spec.id}"):
        if not ready:
            st.error(T["confirm_all"])
        else:
            _after_save(spec, lambda: save_layer(spec, apply_fixes(work["data"], confirmed), work["digest"], user))
    if st.session_state.get(keys.CONFLICT) == spec.id:
        st.warning(T["kept"])
        st.download_button(T["download"], json.dumps(work["data"], ensure_ascii=False).encode("utf-8"),
                           file_name=f"{spec.id}-my-edits.geojson", mime="application/geo+json")
        if st.button(T["rebase"], key=f"rebase_{spec.id}"):
            theirs, digest = load_for_edit(spec)
            merged, conflicts = rebase(work["base"], work["data"], theirs)
            work.update(base=json.loads(json.dumps(theirs)), data=merged, digest=digest)
            st.session_state.pop(keys.CONFLICT, None)
            st.session_state[keys.FLASH] = T["rebased"] + (", ".join(conflicts) or "—")
            st.rerun()


def _page() -> None:
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
        st.session_state.pop(keys.EDITOR, None)
        st.rerun()
    if st.session_state.get(keys.FLASH):
        st.success(st.session_state.pop(keys.FLASH))

    editable = [s for s in catalogue.layers if s.editable]  # not derived, not regenerated by a script
    layer_id = st.selectbox(T["layer"], [s.id for s in editable], format_func=lambda i: catalogue.get(i).title(lang))
    spec = catalogue.get(layer_id)
    work = _work(spec)
    if st.button(T["reload"]):
        st.session_state[keys.EDITS].pop(spec.id, None)
        st.session_state.pop(keys.CONFLICT, None)
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


guarded(_page, lang)
