"""Layer state the pages share, without Streamlit: load each file once per version and
keep the last good version of a layer when an edit on disk breaks it."""
from __future__ import annotations

from dataclasses import dataclass, field

from layers.model.catalogue import LayerSpec
from layers.model.findings import Finding
from layers.io.loader import LoadedLayer, load_layer
from layers.web.publish import Published, publish


@dataclass
class LayerView:
    spec: LayerSpec
    url: str | None  # what the map draws; None when no good version exists yet
    findings: list[Finding] = field(default_factory=list)
    stale: bool = False  # True when url is the last good version, not the file on disk
    data: dict | None = None  # the validated data behind url (the last good version when stale)
    lods: tuple = ()  # simplified copies for low zooms: ((max_zoom, url), ...)
    feature_count: int = 0


def file_version(spec: LayerSpec) -> tuple[int, int]:
    """(mtime_ns, size): changes whenever the file is saved, so caches notice edits."""
    try:
        stat = spec.path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


class LayerRegistry:
    """Process-wide: one instance per app server (held by st.cache_resource in the page)."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[tuple[int, int], LayerView]] = {}
        self._last_good: dict[str, tuple[Published, dict]] = {}

    def view(self, spec: LayerSpec) -> LayerView:
        version = file_version(spec)
        cached = self._loaded.get(spec.id)
        if cached and cached[0] == version:
            return cached[1]
        layer: LoadedLayer = load_layer(spec)
        if layer.ok:
            published = publish(layer)
            self._last_good[spec.id] = (published, layer.data)
            result = LayerView(spec, published.url, layer.findings, data=layer.data, lods=published.lods,
                               feature_count=published.feature_count)
        else:
            published, data = self._last_good.get(spec.id, (None, None))
            result = LayerView(spec, published.url if published else None, layer.findings,
                               stale=published is not None, data=data,
                               lods=published.lods if published else (),
                               feature_count=published.feature_count if published else 0)
        self._loaded[spec.id] = (version, result)
        return result
