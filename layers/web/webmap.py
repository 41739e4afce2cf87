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

from layers.web.assets import LEAFLET_CSS, LEAFLET_SOURCE, publish_bundle, publish_script
from layers.io.basemaps import BASEMAPS
from layers.model.catalogue import Catalogue, LayerSpec
from layers import settings
from layers.i18n import STRINGS, page
from layers.web.contract import LayerConfig
from layers.model.styles import base_symbol, label_priority, legend_entries, symbol_table

# Huzhou's extent (from geodata/districts.geojson), used to fit the first view.
HUZHOU_BOUNDS = [[30.37, 119.23], [31.18, 120.49]]
HUZHOU_CENTER = [30.78, 119.86]
HUZHOU_ZOOM = 9
LABEL_PANE = "hz-labels"
RUNTIME_SOURCE = settings.JS_DIR / "runtime.js"
# The runtime's parts, in the order they need each other (each reads what it uses from
# window.hzm when it loads; runtime.js, last, ties them together).
RUNTIME_PARTS = tuple(settings.JS_DIR / "map" / f"{name}.js" for name in
                      ("state", "popup", "labels", "gcj", "layer", "badges", "viewlink", "legend", "measure"))
DENSE_POINTS_SOURCE = settings.JS_DIR / "dense_points.js"
SHARED_SOURCE = settings.JS_DIR / "shared.js"
MAP_BUNDLE = [LEAFLET_SOURCE, SHARED_SOURCE, *RUNTIME_PARTS, RUNTIME_SOURCE, DENSE_POINTS_SOURCE]

CANVAS_FROM = 2000  # features; above this a layer draws on one canvas instead of SVG elements
PREFETCH_UP_TO = 5000  # features; smaller layers are fetched while the browser is idle, so switching them on is instant


def available_basemaps(tianditu_key: str | None) -> list[str]:
    """Basemaps the user can choose; Tianditu only when a key is configured."""
    return [b for b, cfg in BASEMAPS.items() if not (cfg and cfg.get("needs_key") and not tianditu_key)]


def is_gcj(basemap: str) -> bool:
    return bool((BASEMAPS.get(basemap) or {}).get("gcj"))


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
.hz-label-linestring { font-size: 11px; color: #34495e; }
.hz-label-below { transform: translate(-50%, 12px); font-size: 11px; color: #7e5109; font-weight: 600; }
.hz-measure a { width: auto !important; padding: 0 6px; font-size: 12px; }
.hz-measure-on a { background: #fdebd0; }
.hz-measure-out { background: #fff; padding: 2px 6px; font-size: 12px; white-space: nowrap; }
.hz-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px; font-size: 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 45vh; overflow-y: auto; line-height: 1.5; }
.hz-legend-title { font-weight: 600; margin-bottom: 2px; cursor: pointer; user-select: none; }
.hz-legend-group { font-size: 11px; color: #666; margin-top: 4px; border-bottom: 1px solid #e3e3e3; }
.hz-legend-plan { color: #7d3c98; font-weight: 600; border-bottom-color: #d2b4de; }
.hz-legend-item { display: flex; gap: 6px; align-items: center; white-space: nowrap; }
.hz-legend-note { color: #7a6a55; font-size: 11px; padding-left: 30px; white-space: nowrap; }
.hz-badge-icon { background: none; border: none; }
.hz-badge { display: inline-block; transform: translate(-50%, 34px); white-space: nowrap; font-size: 11px;
  background: #fff8e6; color: #7a4b00; border: 1px dashed #c28a2c; border-radius: 10px; padding: 1px 7px;
  cursor: pointer; box-shadow: 0 1px 3px rgba(0,0,0,0.25); }
a.hz-badge-city { transform: none; text-decoration: none; font-size: 12px; }
.hz-badge-card details { margin: 2px 0; }
.hz-badge-card summary { cursor: pointer; }
.hz-hint { color: #666; font-size: 12px; margin-bottom: 4px; }
.hz-tile-notice { background: #fff8e6; border: 1px solid #c28a2c; color: #7a4b00; padding: 3px 8px;
  font-size: 12px; border-radius: 4px; max-width: 260px; }
</style>
"""


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
    """The measure tool, and the data attribution on the map's attribution line."""

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
                 feature_count: int = 0, features: list[dict] | None = None) -> LayerConfig:
    """One layer of the browser contract (layers/web/contract.py). Styles are resolved in Python
    (layers/model/styles.py): the browser copy of each feature carries the index of its symbol."""
    label = spec.style.get("label")
    symbols, _ = symbol_table(spec, features or [])
    return {
        "id": spec.id, "url": url, "pane": pane_name(spec), "label_pane": LABEL_PANE,
        "geometry": spec.geometry, "symbols": [s.leaflet() for s in symbols] or [base_symbol(spec).leaflet()],
        "legend": [{"label": e.label, "geometry": e.geometry, "symbol": e.symbol.leaflet()}
                   for e in legend_entries(spec, features or [], lang)],
        "title_field": spec.localized_field("name", lang),
        "label_field": spec.localized_field(label, lang) if label else None,
        "label_min_zoom": spec.style.get("label_min_zoom"),
        "label_position": spec.style.get("label_position", "auto"),
        "label_priority": label_priority(spec),
        "tooltip": _field_pairs(spec, spec.tooltip, lang),
        "popup": _field_pairs(spec, spec.popup, lang),
        "value_labels": {**value_labels(spec, lang),
                         **{p.name: ref_names for p in spec.properties if p.refers_to and ref_names}},
        "include": None, "gcj": gcj,  # include (a filter): set per view by runtime.js
        "lods": [list(lod) for lod in lods], "canvas": feature_count > CANVAS_FROM,
        "prefetch": feature_count <= PREFETCH_UP_TO and not lods,
    }


def map_bundle_url() -> str:
    """Leaflet (from node_modules/, installed by npm ci), shared.js, the runtime (map/*.js and
    runtime.js) and dense_points.js as one file: streamlit-folium loads a map's scripts one
    after another, so each file was a round trip before the first map."""
    return publish_bundle("map", MAP_BUNDLE)


def shared_url() -> str:
    return publish_script(SHARED_SOURCE)


def _use_local_assets(m: folium.Map) -> None:
    # folium's defaults point at public CDNs (Leaflet, jQuery, Bootstrap...). The map
    # needs Leaflet only; serve it from /app/static so it works on a closed intranet.
    m.default_js = [("hz_map", map_bundle_url())]
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
    # Built in Chinese: the base map must not change (and remount, losing the view) on a
    # language switch; runtime.js relabels the tool and the attribution from the published
    # configuration's words (i18n "map") instead.
    m.add_child(_Measure(page("map", "zh")), name="hz_measure")
    m.fit_bounds(HUZHOU_BOUNDS)
    return m


def state_group(config_url: str, visible: dict[str, Any], channel: str,
                include: dict[str, list[str]] | None = None, focus: dict[str, Any] | None = None,
                link: str | None = None, fit: bool = False) -> folium.FeatureGroup:
    """visible: {"visible": [ids], "seq": n} (layers/web/layerstate.py); channel: the BroadcastChannel
    the layer panel speaks on; include: layer id → feature ids passing the filters (None: no
    filter); focus: {layer, id, zoom, token}: fly there and open its popup once per token;
    link: maps given the same link name move together (the compare page); fit: no view came
    with the link, so the map fits Huzhou beside its legend once the legend is drawn."""
    group = folium.FeatureGroup(name="hz-state", control=False)
    group.add_child(MapState({"config_url": config_url, **visible, "channel": channel,
                              "include": include, "focus": focus, "link": link,
                              "fit": HUZHOU_BOUNDS if fit else None}))
    return group


def standalone_html(m: folium.Map, groups: list[folium.FeatureGroup]) -> str:
    """A self-contained HTML page (tests inspect what the browser would get)."""
    for g in groups:
        g.add_to(m)
    return m.get_root().render()
