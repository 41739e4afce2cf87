"""The browser contract, in one place: what Python publishes and what the map runtime
(layers/web/js/runtime.js with its parts in js/map/, dense_points.js) and the layer panel (pages/components) read.

Python builds these shapes (mapconfig.map_config, webmap.layer_config, webmap.state_group);
the runtime never re-derives styles or legend entries (layers/model/styles.py resolves them).

Published configuration  (GET /app/static/hz/mapconfig.<lang>.<hash>.json) → MapConfig,
                         read by the map runtime and by the layer panel alike
State group              (streamlit-folium `feature_group_to_add`, per rerun)  → MapState
Panel ⇄ map              BroadcastChannel `channel`, message {"visible": [...], "seq": n};
                         the newest `seq` wins (docs/decisions/0006)
Map ⇄ map                BroadcastChannel `link` (compare page), message {"center": [lat, lon],
                         "zoom": z, "t": ms, "from": id}: a map's view after it moved; the
                         others take it when it is the newest (t, then from) they have seen
Browser copy of a layer  (GET LayerConfig.url) a FeatureCollection whose properties add
                         `__sym` (index into LayerConfig.symbols) and, for polygons,
                         `__label` ([lon, lat] label anchor)
"""
from __future__ import annotations

from typing import Any, TypedDict


class LeafletSymbol(TypedDict):
    """styles.Symbol.leaflet(): Leaflet path options."""
    color: str
    weight: float
    opacity: float
    fillColor: str
    fill: bool
    fillOpacity: float
    dashArray: str | None
    radius: float


class LegendRow(TypedDict):
    label: str           # in the page language; never an internal id
    geometry: str        # Point | LineString | Polygon: the swatch to draw
    symbol: LeafletSymbol


class LayerConfig(TypedDict):
    id: str
    title: str
    description: str         # the panel's help text for the layer
    url: str | None          # None: the layer failed to load; listed, not drawn (panel: "broken")
    pane: str
    label_pane: str
    geometry: str
    symbols: list[LeafletSymbol]   # indexed by each feature's __sym
    legend: list[LegendRow]        # one row per drawn symbol; empty when nothing is drawn
    title_field: str
    label_field: str | None
    label_min_zoom: int | None
    label_position: str
    label_priority: int            # higher wins a label collision (layers/styles.label_priority)
    tooltip: list[list[str]]       # [property, label] pairs
    popup: list[list[str]]
    value_labels: dict[str, dict[str, str]]  # property → value → words in the page language
    include: None                  # set per view by the runtime from MapState.include
    gcj: bool                      # shift to GCJ-02 for Amap tiles
    lods: list[list[Any]]          # [[max_zoom, url], ...] simplified copies
    canvas: bool
    prefetch: bool
    referenced_by: dict[str, list[str]] | None  # feature id → linked records pointing at it
    referenced_by_title: str | None
    unlocated_count: int           # features with no position yet (panel and legend say so)
    district_field: str | None     # property naming the district(s): unlocated ones get district badges


class PanelGroup(TypedDict):
    id: str
    title: str
    bulk: bool                     # a plan group: "show all / hide all" buttons
    layers: list[str]              # layer ids in draw order


class DistrictAnchor(TypedDict):
    name_zh: str                   # matched against a feature's district_field value
    name: str                      # in the page language
    anchor: list[float]            # [lon, lat] label anchor inside the district


class MapConfig(TypedDict):
    order: list[str]               # layer ids in draw order
    layers: dict[str, LayerConfig]
    groups: list[PanelGroup]       # what the layer panel lists (it reads this same file)
    legend_title: str
    districts: list[DistrictAnchor]  # where per-district badges of unlocated features go
    words: dict[str, str]          # runtime/panel words in the page language (i18n "map")


class Focus(TypedDict, total=False):
    layer: str                     # the feature whose popup opens
    id: str
    zoom: int                      # at most this zoom
    token: int                     # fly there once per token, not on every rerun
    bounds: list[list[float]]      # [[s, w], [n, e]]: fit these instead (a project's features)
    highlight: list[list[float]]   # [[lat, lon], ...]: ring these until the next choice
    popup: bool                    # False: fit the view only (a district filter), open no popup


class MapState(TypedDict):
    config_url: str
    visible: list[str]
    seq: int
    channel: str
    include: dict[str, list[str]] | None   # layer id → ids passing the filters; None: no filter
    focus: Focus | None
    link: str | None               # maps sharing this BroadcastChannel name move together (compare page)
    fit: list[list[float]] | None  # [[s, w], [n, e]] to fit beside the legend once (no view in the link)
