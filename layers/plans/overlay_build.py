"""Build the derived layers (catalogue role "derived") from overlay_recipes.json.

Each recipe names base features by id, and layers by id where a recipe reads a whole layer;
their geometry comes from the current geodata (or from data about to be saved), so an edit
to a line or station flows into the overlays. The recipes are checked against their kind's
schema first (layers/model/recipes.py); `validate` and every save check the overlays are current.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from shapely.geometry import Point, mapping, shape

from layers import settings
from layers.geo.anchors import label_anchor
from layers.model.catalogue import DERIVED, Catalogue
from layers.model.findings import ERROR, Finding, LayerError
from layers.io.loader import load_layer
from layers.plans.overlays import arrow, corridor_band, line_between, ring, shortest_times, time_band
from layers.model.recipes import read_checked
from layers.model.storage import dumps_canonical

ARROW_SHAFT_M, ARROW_HEAD_W_M, ARROW_HEAD_L_M = 3000, 9000, 9000


class OverlayError(LayerError, ValueError):
    """Overlays cannot be built; carries every finding."""


def base_datasets(catalogue: Catalogue, replace: dict[str, dict] | None = None) -> dict[str, dict]:
    """Layer id → data of every non-derived layer, from disk unless given in `replace`."""
    out: dict[str, dict] = {}
    problems: list[Finding] = []
    for spec in catalogue.layers:
        if spec.has_role(DERIVED):
            continue
        if replace and spec.id in replace:
            out[spec.id] = replace[spec.id]
            continue
        layer = load_layer(spec)
        if not layer.ok:
            problems.append(Finding(ERROR, spec.file, "layer has errors, so the overlays cannot be built from it",
                                    "fix it first (python -m layers validate)"))
            continue
        out[spec.id] = layer.data
    if problems:
        raise OverlayError(problems)
    return out


def _props(recipe: dict, accuracy: str, derived_from: list[str], **extra: Any) -> dict:
    return {"id": recipe["id"], "name_zh": recipe["name_zh"], "name_en": recipe["name_en"],
            "plan_clause_zh": recipe["clause_zh"], "plan_clause_en": recipe["clause_en"],
            "plan_ref": recipe["clause_ref"], "accuracy": accuracy,
            "source": f"{recipe['clause_ref']}; derived from {', '.join(derived_from) or '—'} by layers/plans/overlay_build.py",
            **extra}


def _feature(props: dict, geometry) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry) if geometry is not None else None}


class _Builder:
    def __init__(self, datasets: dict[str, dict]):
        self.datasets = datasets
        self.base = {f["properties"]["id"]: f for data in datasets.values() for f in data["features"]}

    def features_of(self, layer_id: str) -> list[dict]:
        return self.datasets[layer_id]["features"]

    def geometry(self, ref: str):
        """Base geometry by id; 'id@point' gives an interior point of a polygon."""
        fid, _, mode = ref.partition("@")
        if fid not in self.base:
            raise OverlayError([Finding(ERROR, settings.RECIPES_FILE.name,
                                        f"overlay recipe refers to unknown feature '{fid}'")])
        geom = self.base[fid]["geometry"]
        if geom is None:
            return None
        geom = shape(geom)
        return geom.representative_point() if mode == "point" else geom

    def corridor(self, r: dict) -> list[dict]:
        located = [(ref, self.geometry(ref)) for ref in r["axes"]]
        used = [(ref, g) for ref, g in located if g is not None]
        skipped = [ref for ref, g in located if g is None]
        if r.get("connect"):
            axes = [line_between([g if g.geom_type == "Point" else g.representative_point() for _, g in used])]
        else:
            axes = [g for _, g in used]
        note = f"; axes without a position were left out: {', '.join(skipped)}" if skipped else ""
        kind = "schematic band along the plan's named nodes" if r.get("connect") else "band around the axes' geometry"
        acc = f"derived: {r['width_m'] / 1000:g} km wide {kind} (EPSG:4549); axes are schematic{note}"
        return [_feature(_props(r, acc, [ref for ref, _ in used], width_m=r["width_m"]),
                         corridor_band(axes, r["width_m"]))]

    def copy(self, r: dict) -> list[dict]:
        geom = self.geometry(r["from"])
        source = self.base[r["from"]]["properties"]
        acc = source.get("accuracy", "as the source feature") if geom is not None else \
            f"unlocated: {r['from']} has no sourced position yet"
        return [_feature(_props(r, acc, [r["from"]]), geom)]

    def label_point(self, r: dict) -> list[dict]:
        geom = self.geometry(r["from"])
        point = label_anchor(geom)
        return [_feature(_props(r, "label anchor inside the district (pole of inaccessibility)", [r["from"]]),
                         Point(round(point.x, 5), round(point.y, 5)))]

    def unlocated(self, r: dict) -> list[dict]:
        return [_feature(_props(r, f"unlocated: {r['reason']}", []), None)]

    def arrow(self, r: dict) -> list[dict]:
        start, toward = self.geometry(r["from"]), self.geometry(r["toward"])
        acc = f"schematic arrow, {r['length_m'] / 1000:g} km long, from {r['from']} toward {r['toward']}"
        return [_feature(_props(r, acc, [r["from"], r["toward"]], length_m=r["length_m"]),
                         arrow(start, toward, r["length_m"], ARROW_SHAFT_M, ARROW_HEAD_W_M, ARROW_HEAD_L_M))]

    def rings(self, r: dict) -> list[dict]:
        center = self.geometry(r["from"])
        out = []
        for radius in r["radii_m"]:
            ring_recipe = {**r, "id": f"{r['id']}_{radius // 1000}km",
                           "name_zh": f"{r['name_zh']}（{radius // 1000} km）",
                           "name_en": f"{r['name_en']} ({radius // 1000} km)"}
            acc = f"derived: circle of {radius} m (EPSG:4549) around {r['from']}"
            out.append(_feature(_props(ring_recipe, acc, [r["from"]], radius_m=radius), ring(center, radius)))
        return out

    def rail_arrows(self, r: dict) -> list[dict]:
        """One arrow per distinct far end of the located lines through the hub station."""
        hub_id = r["from"]
        hub = self.geometry(hub_id)
        hub_name = self.base[hub_id]["properties"]["name_zh"].removesuffix("站")
        targets: dict[tuple[float, float], list[str]] = {}
        for feature in self.features_of(r["lines_layer"]):
            props = feature["properties"]
            if feature["geometry"] is None:
                continue
            if props.get("kind") not in r["line_kinds"] or hub_name not in props.get("stations", []):
                continue
            coords = feature["geometry"]["coordinates"]
            for end in (coords[0], coords[-1]):
                if Point(end).distance(hub) > 1e-6:
                    targets.setdefault(tuple(end), []).append(props["id"])
        out = []
        for n, (end, line_ids) in enumerate(sorted(targets.items())):
            names = sorted({self.base[i]["properties"]["name_zh"] for i in line_ids})
            ends = [f["properties"]["name_zh"] for f in self.features_of(r["stations_layer"])
                    if f["geometry"] and f["geometry"]["type"] == "Point"
                    and Point(f["geometry"]["coordinates"]).distance(Point(end)) < 1e-6]
            toward = ends[0] if ends else "—"
            arrow_recipe = {**r, "id": f"{r['id']}_{n + 1}", "name_zh": f"{r['name_zh']}：往{toward}（{'、'.join(names)}）",
                            "name_en": f"{r['name_en']}: toward {toward} ({', '.join(names)})"}
            acc = "derived: arrow from 湖州站 toward the far end of each located high-speed line through it"
            out.append(_feature(_props(arrow_recipe, acc, [hub_id, *line_ids], length_m=r["length_m"]),
                                arrow(hub, Point(end), r["length_m"], ARROW_SHAFT_M, ARROW_HEAD_W_M, ARROW_HEAD_L_M)))
        return out

    def access(self, r: dict) -> list[dict]:
        edges = [(e["a"], e["b"], e["minutes"]) for e in r["edges"]]
        origin_name = self.base[r["origin"]]["properties"]["name_zh"].removesuffix("站")
        times = shortest_times(edges, origin_name)
        edge_sources = "; ".join(f"{e['a']}–{e['b']} {e['minutes']} min: {e['source']}" for e in r["edges"])
        out = []
        for feature in sorted(self.features_of(r["stations_layer"]), key=lambda f: f["properties"]["id"]):
            props = feature["properties"]
            name = props["name_zh"].removesuffix("站")
            if name not in times or name == origin_name:
                continue
            minutes = times[name]
            station_recipe = {**r, "id": f"{r['id']}_{props['id'].removeprefix(r.get('strip_id_prefix', ''))}",
                              "name_zh": f"{props['name_zh']}：{minutes:g} 分钟", "name_en": f"{props['name_en']}: {minutes:g} min"}
            acc = props["accuracy"] if feature["geometry"] else f"unlocated: {props['id']} has no sourced position"
            p = _props(station_recipe, acc, [props["id"]], minutes=round(minutes, 1),
                       band=time_band(minutes, r["bands"]))
            p["source"] += f"; network edges: {edge_sources}"
            out.append({"type": "Feature", "properties": p, "geometry": feature["geometry"]})
        return out


def build_overlays(catalogue: Catalogue, recipes_file: Path | None = None,
                   replace: dict[str, dict] | None = None) -> dict[str, str]:
    """file name → canonical GeoJSON text, for every derived layer in the catalogue.

    replace: layer id → data to use instead of the file (a save checks what it would write)."""
    datasets = base_datasets(catalogue, replace)
    builder = _Builder(datasets)
    recipes = read_checked(recipes_file or settings.RECIPES_FILE, catalogue, set(builder.base))
    out: dict[str, str] = {}
    for spec in catalogue.with_role(DERIVED):
        features: list[dict] = []
        for recipe in recipes[spec.id]:
            make: Callable[[dict], list[dict]] = getattr(builder, recipe["kind"])
            features.extend(make(recipe))
        collection = json.loads(json.dumps({"type": "FeatureCollection", "features": features}))
        out[spec.file] = dumps_canonical(collection)
    return out


def stale_overlays(catalogue: Catalogue, replace: dict[str, dict] | None = None) -> dict[str, str]:
    """file name → freshly built text, for derived files that differ from what is on disk."""
    built = build_overlays(catalogue, replace=replace)
    return {name: text for name, text in built.items()
            if not (settings.GEODATA_DIR / name).exists()
            or (settings.GEODATA_DIR / name).read_text(encoding="utf-8") != text}


def overlay_findings(catalogue: Catalogue, datasets: dict[str, dict]) -> list[Finding]:
    """One finding per derived layer that is out of date with the layers it is built from."""
    try:
        stale = stale_overlays(catalogue, replace=datasets)
    except LayerError as exc:
        return exc.findings
    return [Finding(ERROR, name, "derived layer is out of date with the layers it is built from",
                    "run `python -m layers build-overlays` (an in-app save rebuilds it)") for name in sorted(stale)]
