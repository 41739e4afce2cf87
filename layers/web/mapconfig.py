"""Every layer's browser configuration in one published JSON, so the map can draw any layer
the user switches on without asking the server (docs/decisions/0006)."""
from __future__ import annotations

import json
from typing import Any

from shapely.geometry import shape

from layers import i18n
from layers.geo.anchors import label_anchor
from layers.web import assets
from layers.web.assets import publish_hashed
from layers.model.catalogue import Catalogue, LayerSpec
from layers.web.contract import MapConfig
from layers.web.session import LayerRegistry, LayerView
from layers.web.webmap import layer_config

_published: dict[tuple, str] = {}


def referenced_names(spec: LayerSpec, data: dict | None, catalogue: Catalogue,
                     views: dict[str, LayerView], lang: str) -> dict[str, str] | None:
    """Names for the feature ids this layer's properties refer to (e.g. a station's lines):
    only the ids actually used, so the configuration stays small."""
    props = [p for p in spec.properties if p.refers_to]
    if not props or not data:
        return None
    wanted = {v for f in data["features"] for p in props for v in (f["properties"].get(p.name) or [])}
    targets = {p.refers_to for p in props}
    names: dict[str, str] = {}
    for other in catalogue.layers:
        if "*" not in targets and other.id not in targets:
            continue
        for feature in (views[other.id].data or {}).get("features", []):
            fid = feature["properties"]["id"]
            if fid in wanted:
                names[fid] = feature["properties"].get(f"name_{lang}", fid)
    return names


def referenced_by(catalogue: Catalogue, views: dict[str, LayerView], lang: str) -> tuple[dict[str, list[str]], str | None]:
    """Feature id → lines describing the records that point at it (layers declaring
    `linked_records`, e.g. the major projects), so clicking a park shows the project that
    concerns it: 'N. name — content（lead unit）' from the fields the catalogue names."""
    back: dict[str, list[str]] = {}
    title = None
    for spec in catalogue.layers:
        linked = spec.linked_records
        for feature in (views[spec.id].data or {}).get("features", []) if linked else []:
            p = feature["properties"]
            text = p.get(spec.localized_field("name", lang)) or p["id"]
            if linked.number and p.get(linked.number) is not None:
                text = f"{p[linked.number]}. {text}"
            details = [p.get(spec.localized_field(name, lang)) for name in linked.details]
            if details and details[0]:
                text += f" — {details[0]}"
            for extra in details[1:]:
                if extra:
                    text += f"（{extra}）"
            for target in p.get(linked.via) or []:
                back.setdefault(target, []).append(text)
            title = spec.title(lang)
    return back, title


def map_config(catalogue: Catalogue, views: dict[str, LayerView], lang: str, gcj: bool) -> MapConfig:
    """{order: ids in draw order, layers: {id: config + title}, legend_title}. Layers that failed
    to load have url None: listed, not drawn."""
    layers = {}
    back, back_title = referenced_by(catalogue, views, lang)
    for spec in sorted(catalogue.layers, key=lambda s: s.order):
        view = views[spec.id]
        cfg = layer_config(spec, view.url, lang, gcj=gcj,
                           ref_names=referenced_names(spec, view.data, catalogue, views, lang),
                           lods=view.lods, feature_count=view.feature_count,
                           features=(view.data or {}).get("features", []))
        cfg["title"] = spec.title(lang)
        cfg["description"] = spec.description(lang)
        features = (view.data or {}).get("features", [])
        cfg["unlocated_count"] = sum(1 for f in features if not f.get("geometry"))
        cfg["district_field"] = spec.district_field
        ids = [f["properties"]["id"] for f in (view.data or {}).get("features", [])]  # file order: same JSON, same hash
        cfg["referenced_by"] = {i: back[i] for i in ids if i in back} or None
        cfg["referenced_by_title"] = back_title
        layers[spec.id] = cfg
    groups = [{"id": group, "title": catalogue.group_title(group, lang), "bulk": catalogue.is_bulk_group(group),
               "layers": [s.id for s in specs]} for group, specs in catalogue.by_group().items() if specs]
    return {"order": list(layers), "layers": layers, "groups": groups, "legend_title": i18n.t("legend", lang),
            "districts": district_anchors(catalogue, views, lang), "words": i18n.page("map", lang)}


def district_anchors(catalogue: Catalogue, views: dict[str, LayerView], lang: str) -> list[dict[str, Any]]:
    """Each district of the reference boundary with its label anchor: where the map puts the
    count of features known only to that district."""
    boundary = catalogue.reference_boundary()
    out = []
    for feature in ((views[boundary.id].data or {}).get("features", []) if boundary else []):
        point = label_anchor(shape(feature["geometry"]))
        props = feature["properties"]
        out.append({"name_zh": props["name_zh"], "name": props.get(boundary.localized_field("name", lang), ""),
                    "anchor": [round(point.x, 5), round(point.y, 5)]})
    return out


def map_config_url(catalogue: Catalogue, registry: LayerRegistry, lang: str, gcj: bool) -> str:
    """URL of the published configuration; rebuilt only when a layer's published copy changes."""
    views = {spec.id: registry.view(spec) for spec in catalogue.layers}
    key = (id(catalogue), lang, gcj, str(assets.HZ_DIR), tuple((i, v.url, v.lods) for i, v in views.items()))
    if key not in _published:
        if len(_published) > 64:  # old data versions: their URLs are not asked for again
            _published.clear()
        body = json.dumps(map_config(catalogue, views, lang, gcj), ensure_ascii=False, separators=(",", ":"))
        _published[key] = publish_hashed(f"mapconfig.{lang}", ".json", body.encode("utf-8"))
    return _published[key]
