"""Catalogue + loaded layers → a folium map for the browser, with no CDN.

The base map (tiles, panes, runtime JS) depends only on the basemap. What to draw travels in
one small "state" FeatureGroup (streamlit-folium swaps it through `feature_group_to_add`
without reloading the map): the URL of every layer's published configuration, the visible
set with its sequence number, filters and a search focus. The runtime in the browser draws
from that, and the layer panel switches layers directly (docs/decisions/0006).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from .assets import LEAFLET_CSS, LEAFLET_JS, publish_script
from .basemaps import BASEMAPS
from .catalogue import Catalogue, LayerSpec
from .i18n import STRINGS

# Huzhou's extent (from geodata/districts.geojson), used to fit the first view.
HUZHOU_BOUNDS = [[30.37, 119.23], [31.18, 120.49]]
HUZHOU_CENTER = [30.78, 119.86]
HUZHOU_ZOOM = 9
LABEL_PANE = "hz-labels"
RUNTIME_SOURCE = Path(__file__).parent / "js" / "runtime.js"
DENSE_POINTS_SOURCE = Path(__file__).parent / "js" / "dense_points.js"

CANVAS_FROM = 2000  # features; above this a layer draws on one canvas instead of SVG elements
PREFETCH_UP_TO = 5000  # features; smaller layers are fetched while the browser is idle, so switching them on is instant
# Bilingual, so the base map does not change (and remount, losing the view) on a language switch.
MEASURE_WORDS = {"short": "测量 Measure", "title": "测量距离和面积 / Measure distance and area",
                 "hint": "单击地图加点 / Click to add points", "distance": "距离 Distance", "area": "面积 Area"}


def available_basemaps(tianditu_key: str | None) -> list[str]:
    """Basemaps the user can choose; Tianditu only when a key is configured."""
    return [b for b, cfg in BASEMAPS.items() if not (cfg and cfg.get("needs_key") and not tianditu_key)]


def is_gcj(basemap: str) -> bool:
    return bool((BASEMAPS.get(basemap) or {}).get("gcj"))

_LEAFLET_STYLE_KEYS = {"color": "color", "weight": "weight", "opacity": "opacity",
                       "fill_color": "fillColor", "fill_opacity": "fillOpacity",
                       "dash_array": "dashArray", "radius": "radius"}

_PAGE_CSS = """
<style>
.leaflet-container { background: #f3f1ec; font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.hz-info { font-size: 13px; max-width: 340px; }
.hz-info .hz-title { font-weight: 600; margin-bottom: 4px; }
.hz-info table { border-collapse: collapse; }
.hz-info th { text-align: left; padding: 1px 8px 1px 0; color: #555; font-weight: 500; vertical-align: top; white-space: nowrap; }
.hz-info td { padding: 1px 0; white-space: normal; word-break: break-all; min-width: 180px; }
.hz-label-icon { background: none; border: none; }
.hz-label { display: inline-block; transform: translate(-50%, -50%); white-space: nowrap; font-size: 12px;
  color: #223; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
.hz-label-polygon { font-size: 14px; font-weight: 600; color: #1f4d38; }
.hz-label-point { transform: translate(8px, -50%); }
.hz-label-below { transform: translate(-50%, 6px); font-size: 11px; color: #7e5109; font-weight: 600; }
.hz-measure a { width: auto !important; padding: 0 6px; font-size: 12px; }
.hz-measure-on a { background: #fdebd0; }
.hz-measure-out { background: #fff; padding: 2px 6px; font-size: 12px; white-space: nowrap; }
.hz-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px; font-size: 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 300px; overflow-y: auto; line-height: 1.5; }
.hz-legend-title { font-weight: 600; margin-bottom: 2px; cursor: pointer; user-select: none; }
.hz-legend-item { display: flex; gap: 6px; align-items: center; white-space: nowrap; }
</style>
"""


def leaflet_style(style: dict[str, Any]) -> dict[str, Any]:
    """Catalogue style keys (shared with the PNG renderer) → Leaflet path options."""
    return {_LEAFLET_STYLE_KEYS[k]: v for k, v in style.items() if k in _LEAFLET_STYLE_KEYS}


def pane_name(spec: LayerSpec) -> str:
    return f"hz-{spec.id}"


class _Runtime(MacroElement):
    """One pane per layer, in catalogue draw order (window.hz comes from runtime.js)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{% for name, z in this.panes %}
{{ this._parent.get_name() }}.createPane({{ name | tojson }}).style.zIndex = {{ z }};
{% endfor %}
{% endmacro %}
""")

    def __init__(self, panes: list[tuple[str, int]]):
        super().__init__()
        self._name = "HzRuntime"
        self.panes = panes


class _Measure(MacroElement):
    _template = Template("""
{% macro script(this, kwargs) %}
window.hz.measureControl({{ this._parent.get_name() }}, {{ this.words | tojson }});
{% endmacro %}
""")

    def __init__(self, words: dict[str, str]):
        super().__init__()
        self._name = "HzMeasure"
        self.words = words


class MapState(MacroElement):
    """Hands the map's state to window.hz.sync (runtime.js) on the map itself."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.hz.sync({{ this._parent._parent.get_name() }}, {{ this.state | tojson }});
{% endmacro %}
""")

    def __init__(self, state: dict[str, Any]):
        super().__init__()
        self._name = "MapState"
        self.state = state


def _field_pairs(spec: LayerSpec, fields: tuple[str, ...], lang: str) -> list[list[str]]:
    pairs = []
    for name in fields:
        key = spec.localized_field(name, lang)
        prop = spec.property(key)
        pairs.append([key, prop.label(lang) if prop else key])
    return pairs


def value_labels(spec: LayerSpec, lang: str) -> dict[str, dict[str, str]]:
    """Enum values shown in the UI language (e.g. status 'planned' → 规划) where i18n has them."""
    out: dict[str, dict[str, str]] = {}
    for prop in spec.properties:
        for value in prop.enum or ():
            text = STRINGS.get(f"{prop.name}_{value}", {}).get(lang)
            if text:
                out.setdefault(prop.name, {})[value] = text
    return out


def layer_config(spec: LayerSpec, url: str | None, lang: str, gcj: bool = False,
                 ref_names: dict[str, str] | None = None, lods: tuple = (),
                 feature_count: int = 0) -> dict[str, Any]:
    style_by = [{"property": rule["property"],
                 "values": {k: leaflet_style(v) for k, v in rule["values"].items()}} for rule in spec.style_by]
    label = spec.style.get("label")
    return {
        "id": spec.id, "url": url, "pane": pane_name(spec), "label_pane": LABEL_PANE,
        "geometry": spec.geometry, "style": leaflet_style(spec.style), "style_by": style_by,
        "title_field": spec.localized_field("name", lang),
        "label_field": spec.localized_field(label, lang) if label else None,
        "label_min_zoom": spec.style.get("label_min_zoom"),
        "label_position": spec.style.get("label_position", "auto"),
        "tooltip": _field_pairs(spec, spec.tooltip, lang),
        "popup": _field_pairs(spec, spec.popup, lang),
        "value_labels": {**value_labels(spec, lang),
                         **{p.name: ref_names for p in spec.properties if p.refers_to and ref_names}},
        "include": None, "focus": None, "gcj": gcj,  # include/focus: set per view by runtime.js
        "lods": [list(lod) for lod in lods], "canvas": feature_count > CANVAS_FROM,
        "prefetch": feature_count <= PREFETCH_UP_TO and not lods,
    }


def runtime_url() -> str:
    return publish_script(RUNTIME_SOURCE)


def _use_local_assets(m: folium.Map) -> None:
    # folium's defaults point at public CDNs (Leaflet, jQuery, Bootstrap...). The map
    # needs Leaflet only; serve it from /app/static so it works on a closed intranet.
    m.default_js = [("leaflet", LEAFLET_JS), ("hz_runtime", runtime_url()),
                    ("hz_dense_points", publish_script(DENSE_POINTS_SOURCE))]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]


def base_map(catalogue: Catalogue, basemap: str = "none", tianditu_key: str | None = None) -> folium.Map:
    if basemap not in available_basemaps(tianditu_key):
        raise ValueError(f"unknown basemap '{basemap}'; choose one of {', '.join(available_basemaps(tianditu_key))}")
    m = folium.Map(location=HUZHOU_CENTER, zoom_start=HUZHOU_ZOOM, tiles=None, control_scale=True,
                   prefer_canvas=False, zoom_control=True)
    _use_local_assets(m)
    tile = BASEMAPS[basemap]
    if tile:
        url = tile["url"].replace("{key}", tianditu_key or "")
        folium.TileLayer(tiles=url, attr=tile["attr"], name=basemap, max_zoom=18,
                         subdomains=tile.get("subdomains", "abc")).add_to(m)
    m.get_root().header.add_child(Element(_PAGE_CSS), name="hz_css")
    panes = [(pane_name(s), 400 + s.order) for s in catalogue.layers] + [(LABEL_PANE, 650)]
    m.add_child(_Runtime(panes), name="hz_runtime")
    m.add_child(_Measure(MEASURE_WORDS), name="hz_measure")
    m.fit_bounds(HUZHOU_BOUNDS)
    return m


def state_group(config_url: str, visible: dict[str, Any], channel: str,
                include: dict[str, list[str]] | None = None, focus: dict[str, Any] | None = None) -> folium.FeatureGroup:
    """visible: {"visible": [ids], "seq": n} (layers/layerstate.py); channel: the BroadcastChannel
    the layer panel speaks on; include: layer id → feature ids passing the filters (None: no
    filter); focus: {layer, id, zoom, token}: fly there and open its popup once per token."""
    group = folium.FeatureGroup(name="hz-state", control=False)
    group.add_child(MapState({"config_url": config_url, **visible, "channel": channel,
                              "include": include, "focus": focus}))
    return group


def standalone_html(m: folium.Map, groups: list[folium.FeatureGroup]) -> str:
    """A self-contained HTML page (tests inspect what the browser would get)."""
    for g in groups:
        g.add_to(m)
    return m.get_root().render()
