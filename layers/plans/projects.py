"""The plan's major projects as a table a planner can filter: number, name, content, lead
unit, district and the features each concerns, with where those features are on the map.

The layer is found by its role (`linked_records` in the catalogue), and every column comes
from the fields that role names, so the table is not tied to one layer id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape

from layers.model.catalogue import Catalogue, LayerSpec


@dataclass(frozen=True)
class Target:
    """A located feature a project concerns: where to fly and what to highlight."""
    layer_id: str
    feature_id: str
    lat: float
    lon: float
    bounds: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


@dataclass
class ProjectRow:
    id: str
    number: int | None
    name: str
    content: str
    lead_unit: str
    district: str
    related: str  # names of the features concerned
    targets: list[Target] = field(default_factory=list)

    @property
    def located(self) -> bool:
        return bool(self.targets)


def project_layer(catalogue: Catalogue) -> LayerSpec | None:
    return next((s for s in catalogue.layers if s.linked_records), None)


def _located(feature: dict, layer_id: str) -> Target | None:
    if not feature.get("geometry"):
        return None
    geom = shape(feature["geometry"])
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    return Target(layer_id, feature["properties"]["id"], point.y, point.x, geom.bounds)


def project_rows(catalogue: Catalogue, datasets: dict[str, dict], lang: str) -> list[ProjectRow]:
    """One row per record of the projects layer, in number order."""
    spec = project_layer(catalogue)
    if spec is None or spec.id not in datasets:
        return []
    linked = spec.linked_records
    where: dict[str, tuple[str, dict]] = {}
    for layer_id, data in datasets.items():
        for feature in data.get("features", []):
            where[feature["properties"]["id"]] = (layer_id, feature)
    rows = []
    for feature in datasets[spec.id]["features"]:
        p = feature["properties"]
        detail = [str(p.get(spec.localized_field(name, lang)) or "") for name in linked.details]
        related_ids = [i for i in p.get(linked.via) or [] if i in where]
        names = [where[i][1]["properties"].get(f"name_{lang}") or i for i in related_ids]
        own = _located(feature, spec.id)
        targets = [own] if own else [t for i in related_ids if (t := _located(where[i][1], where[i][0]))]
        rows.append(ProjectRow(
            id=p["id"], number=p.get(linked.number) if linked.number else None,
            name=p.get(spec.localized_field("name", lang)) or p["id"],
            content=detail[0] if detail else "", lead_unit=detail[1] if len(detail) > 1 else "",
            district=str(p.get(spec.district_field) or "") if spec.district_field else "",
            related="、".join(names), targets=targets))
    return sorted(rows, key=lambda r: (r.number is None, r.number or 0, r.id))


def filter_rows(rows: list[ProjectRow], district: str | None = None, lead_unit: str | None = None) -> list[ProjectRow]:
    """Rows whose district names `district` (a project may name several, or 全市) and whose
    lead unit contains `lead_unit`."""
    return [r for r in rows if (not district or district in r.district)
            and (not lead_unit or lead_unit in r.lead_unit)]


def lead_units(rows: list[ProjectRow]) -> list[str]:
    """Each unit named in the lead-unit column ('市交通运输局、各区县' names two)."""
    units = {u.strip() for r in rows for u in r.lead_unit.split("、") if u.strip()}
    return sorted(units)


def focus_for(row: ProjectRow, token: int) -> dict[str, Any] | None:
    """The map focus for a selected project: fit all its located features, open the first
    one's popup and ring each of them (runtime.js)."""
    if not row.targets:
        return None
    x0 = min(t.bounds[0] for t in row.targets)
    y0 = min(t.bounds[1] for t in row.targets)
    x1 = max(t.bounds[2] for t in row.targets)
    y1 = max(t.bounds[3] for t in row.targets)
    first = row.targets[0]
    return {"layer": first.layer_id, "id": first.feature_id, "zoom": 13, "token": token,
            "bounds": [[y0, x0], [y1, x1]], "highlight": [[t.lat, t.lon] for t in row.targets]}
