"""Safe saves for edited layers: validate first, refuse lost updates, and do the check, the
write and the history record as one step under the data folder's save lock
(docs/decisions/0009).

    data, version = load_for_edit(spec)        # version = content hash of the file read
    save_layer(spec, edited, version, "wang")  # raises ConflictError if the file changed since
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from layers.model.catalogue import LayerSpec, load_catalogue
from layers.model.findings import ERROR, Finding, LayerError
from layers.editing.history import History, Record
from layers.io.loader import file_digest, validate_layer_data
from layers.editing.save_rules import check_save
from layers.editing.savelock import data_lock
from layers.model.storage import atomic_write_text, dumps_canonical, read_geojson

EMPTY = {"type": "FeatureCollection", "features": []}


class ConflictError(RuntimeError):
    """The file changed on disk since the editor loaded it; nothing was written."""


@dataclass(frozen=True)
class Version:
    """One save in the history: who, when, what, and the file before and after it."""
    name: str
    saved_at: str
    user: str
    summary: str
    digest: str  # the file's content hash right after this save
    record: Record


def history_of(spec: LayerSpec) -> History:
    return History(spec.path.parent, spec.id)


def current_digest(spec: LayerSpec) -> str:
    return file_digest(spec.path.read_bytes()) if spec.path.exists() else ""


def load_for_edit(spec: LayerSpec) -> tuple[dict[str, Any], str]:
    raw = spec.path.read_bytes()
    return read_geojson(spec.path), file_digest(raw)


def features_by_id(collection: dict[str, Any]) -> dict[str, dict]:
    """Feature id → feature (ids are required in saved layers, so a missing one is an error)."""
    return {f["properties"]["id"]: f for f in collection.get("features", [])}


def diff_summary(old: dict[str, Any], new: dict[str, Any]) -> str:
    """'added a, b; removed c; changed d (name_en, geometry)' from two collections."""
    before, after = features_by_id(old), features_by_id(new)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = []
    for fid in sorted(set(before) & set(after)):
        a, b = before[fid], after[fid]
        fields = sorted(k for k in set(a["properties"]) | set(b["properties"])
                        if a["properties"].get(k) != b["properties"].get(k))
        if json.dumps(a.get("geometry"), sort_keys=True) != json.dumps(b.get("geometry"), sort_keys=True):
            fields.append("geometry")
        if fields:
            changed.append(f"{fid} ({', '.join(fields)})")
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    if changed:
        parts.append("changed " + "; ".join(changed))
    return "; ".join(parts) or "no change"


def _version(record: Record) -> Version:
    return Version(record.name, record.saved_at, record.user, record.summary, record.digest, record)


def save_layer(spec: LayerSpec, data: dict[str, Any], base_digest: str, user: str,
               summary: str | None = None) -> Version:
    """Validate, then under the save lock: repair history after any crash, refuse if the file
    changed since `base_digest`, check the rules across layers, record history, write the file
    and the overlays built from it. A save either fully happens or not at all."""
    text = dumps_canonical(data)
    findings = [f for f in validate_layer_data(spec, json.loads(text)) if f.severity == ERROR]
    if findings:
        raise LayerError(findings)
    history = history_of(spec)
    with data_lock(spec.path.parent):
        now_digest = current_digest(spec)
        history.check(now_digest)
        if now_digest != base_digest:
            raise ConflictError(
                f"{spec.file} was changed by someone else (or in QGIS) after you opened it; your edits were "
                "not written. Reload the layer and re-apply them (they are kept for you).")
        rule_errors, derived = check_save(load_catalogue(), spec, json.loads(text))
        if rule_errors:  # e.g. a station dragged off its line or out of the district it names
            raise LayerError(rule_errors)
        old_text = spec.path.read_text(encoding="utf-8") if spec.path.exists() else dumps_canonical(EMPTY)
        summary = summary or diff_summary(json.loads(old_text), json.loads(text))
        record = history.add(user, summary, history.put(old_text), history.put(text),
                             file_digest(text.encode("utf-8")))
        atomic_write_text(spec.path, text)
        for name, derived_text in derived.items():  # overlays built from this layer follow the save
            atomic_write_text(spec.path.parent / name, derived_text)
    return _version(record)


def list_versions(spec: LayerSpec) -> list[Version]:
    """Saves, newest first (history repaired first if a crash left it inconsistent)."""
    return [_version(r) for r in history_of(spec).records()[0]]


def check_history(spec: LayerSpec) -> list[Finding]:
    """Repair the layer's history under the save lock; one finding per thing set aside."""
    with data_lock(spec.path.parent):
        return history_of(spec).check(current_digest(spec))


def version_data(spec: LayerSpec, version: Version) -> tuple[dict[str, Any], dict[str, Any]]:
    """The layer as it was before and right after `version`'s save."""
    history = history_of(spec)
    return json.loads(history.text(version.record.before)), json.loads(history.text(version.record.after))


def changed_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """What a save changed, field by field: {id, field, before, after} (geometry as its type)."""
    def shown(feature, key):
        if feature is None:
            return "—"
        if key == "geometry":
            geometry = feature.get("geometry")
            return json.dumps(geometry["coordinates"])[:80] if geometry else "—"
        value = feature["properties"].get(key)
        return "—" if value is None else str(value)

    old, new = features_by_id(before), features_by_id(after)
    rows = []
    for fid in sorted(set(old) | set(new)):
        a, b = old.get(fid), new.get(fid)
        keys = sorted(set((a or {}).get("properties", {})) | set((b or {}).get("properties", {})))
        for key in [*keys, "geometry"]:
            if shown(a, key) != shown(b, key):
                rows.append({"id": fid, "field": key, "before": shown(a, key), "after": shown(b, key)})
    return rows


def rebase(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Re-apply my edits (base → mine) onto the newer file (theirs), feature by feature.

    Returns the merged collection and the ids both sides changed (mine win there; the editor
    is told to check them)."""
    b, m, t = features_by_id(base), features_by_id(mine), features_by_id(theirs)
    same = lambda x, y: json.dumps(x, sort_keys=True) == json.dumps(y, sort_keys=True)  # noqa: E731
    merged = dict(t)
    conflicts = []
    for fid in set(b) | set(m):
        if fid in m and (fid not in b or not same(b[fid], m[fid])):  # I added or changed it
            if fid in b and fid in t and not same(b[fid], t[fid]):
                conflicts.append(fid)
            merged[fid] = m[fid]
        elif fid in b and fid not in m:  # I deleted it
            if fid in t and not same(b[fid], t[fid]):
                conflicts.append(fid)
            merged.pop(fid, None)
    order = [f["properties"]["id"] for f in theirs.get("features", [])] + \
        [f["properties"]["id"] for f in mine.get("features", []) if f["properties"]["id"] not in t]
    features = [merged[fid] for fid in order if fid in merged]
    return {"type": "FeatureCollection", "features": features}, sorted(conflicts)


def restore(spec: LayerSpec, version: Version, base_digest: str, user: str) -> Version:
    """Bring back the file as it was before `version`'s save (itself a new, undoable save)."""
    before, _ = version_data(spec, version)
    return save_layer(spec, before, base_digest, user, summary=f"restore to before: {version.summary}")


def undo_last(spec: LayerSpec, user: str) -> Version:
    versions = list_versions(spec)
    if not versions:
        raise ValueError(f"{spec.file} has no saved edits to undo")
    last = versions[0]
    before, _ = version_data(spec, last)
    return save_layer(spec, before, current_digest(spec), user,
                      summary=f"undo {last.user}'s save of {last.saved_at}: {last.summary}")
