"""Safe saves for edited layers: validate first, refuse lost updates, write atomically, keep
every previous version in a history folder with who, when and what changed.

    data, version = load_for_edit(spec)        # version = content hash of the file read
    save_layer(spec, edited, version, "wang")  # raises ConflictError if the file changed since
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogue import LayerSpec
from .findings import ERROR, LayerError
from .loader import file_digest, validate_layer_data
from .storage import atomic_write_text, dumps_canonical, read_geojson


class ConflictError(RuntimeError):
    """The file changed on disk since the editor loaded it; nothing was written."""


@dataclass(frozen=True)
class Version:
    path: Path
    saved_at: str
    user: str
    summary: str
    digest: str


def history_dir(spec: LayerSpec) -> Path:
    return spec.path.parent / ".history" / spec.id


def current_digest(spec: LayerSpec) -> str:
    return file_digest(spec.path.read_bytes()) if spec.path.exists() else ""


def load_for_edit(spec: LayerSpec) -> tuple[dict[str, Any], str]:
    raw = spec.path.read_bytes()
    return read_geojson(spec.path), file_digest(raw)


def diff_summary(old: dict[str, Any], new: dict[str, Any]) -> str:
    """'added a, b; removed c; changed d (name_en, geometry)' from two collections."""
    before = {f["properties"]["id"]: f for f in old.get("features", [])}
    after = {f["properties"]["id"]: f for f in new.get("features", [])}
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


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")


def save_layer(spec: LayerSpec, data: dict[str, Any], base_digest: str, user: str) -> Version:
    """Validate, check for concurrent changes, keep the old version, write atomically."""
    text = dumps_canonical(data)
    findings = [f for f in validate_layer_data(spec, json.loads(text)) if f.severity == ERROR]
    if findings:
        raise LayerError(findings)
    now_digest = current_digest(spec)
    if now_digest != base_digest:
        raise ConflictError(
            f"{spec.file} was changed by someone else (or in QGIS) after you opened it; your edits were "
            "not written. Reload the layer and re-apply them (they are kept for you).")
    old = read_geojson(spec.path) if spec.path.exists() else {"type": "FeatureCollection", "features": []}
    summary = diff_summary(old, json.loads(text))
    folder = history_dir(spec)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _stamp()
    if spec.path.exists():
        (folder / f"{stamp}.geojson").write_bytes(spec.path.read_bytes())
    atomic_write_text(spec.path, text)
    meta = {"saved_at": dt.datetime.now().isoformat(timespec="seconds"), "user": user, "summary": summary,
            "previous": f"{stamp}.geojson", "digest": file_digest(text.encode("utf-8"))}
    (folder / f"{stamp}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Version(folder / f"{stamp}.geojson", meta["saved_at"], user, summary, meta["digest"])


def rebase(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Re-apply my edits (base → mine) onto the newer file (theirs), feature by feature.

    Returns the merged collection and the ids both sides changed (mine win there; the editor
    is told to check them)."""
    def by_id(collection):
        return {f["properties"]["id"]: f for f in collection.get("features", [])}

    b, m, t = by_id(base), by_id(mine), by_id(theirs)
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


def list_versions(spec: LayerSpec) -> list[Version]:
    """Saves, newest first; each entry's `path` is the file as it was before that save."""
    folder = history_dir(spec)
    versions = []
    for meta_path in sorted(folder.glob("*.json"), reverse=True):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        versions.append(Version(folder / meta["previous"], meta["saved_at"], meta["user"], meta["summary"],
                                meta["digest"]))
    return versions


def restore(spec: LayerSpec, version: Version, base_digest: str, user: str) -> Version:
    """Bring back the file as it was before `version`'s save (itself a new, undoable save)."""
    return save_layer(spec, read_geojson(version.path), base_digest, user)


def undo_last(spec: LayerSpec, user: str) -> Version:
    versions = list_versions(spec)
    if not versions:
        raise ValueError(f"{spec.file} has no saved edits to undo")
    return restore(spec, versions[0], current_digest(spec), user)
