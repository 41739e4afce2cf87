"""Planned and under-construction lines as schematic courses (规划示意) through their sourced
corridor points; the ones no source places stay unlocated, with the reason in `accuracy`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point

from scripts.buildlib import through_points as tp
from scripts.buildlib.adcode import Unit
from scripts.buildlib.provenance import cite, prefixed
from scripts.rail_osm.sources import OsmStation

LINE_SOURCE_SEP = "; attributes: "  # after our geometry citation: the facts' sources


@dataclass(frozen=True)
class PlannedRecipe:
    waypoints: tuple[tp.Waypoint, ...]
    note: str = ""


def stations(*names: str) -> tuple[tp.Waypoint, ...]:
    return tuple(tp.Waypoint("station", n, n) for n in names)


def draw_planned(line_features: dict[str, dict], positions: dict[str, Point], towns: dict[str, Unit],
                 nodes: list[OsmStation], planned: dict[str, PlannedRecipe],
                 unlocated: dict[str, str], sources: dict[str, dict[str, str]]) -> dict[str, str]:
    """Draw each planned line through its sourced corridor points; say why the others have none.
    A line whose points cannot all be resolved from the given files is left as it was."""
    report: dict[str, str] = {}
    for lid, recipe in sorted(planned.items()):
        feat = line_features.get(lid)
        if feat is None or feat["properties"].get("status") == "operating":
            continue
        resolved = [(wp, tp.resolve(wp, positions=positions, units=towns, nodes=nodes,
                                    nodes_kind="OSM station node", nodes_cited=cite(sources.get("stations", {})),
                                    units_commit=sources.get("towns", {}).get("commit")))
                    for wp in recipe.waypoints]
        missing = [wp.label for wp, r in resolved if r is None]
        if missing:
            report[lid] = "left as it was: no position for " + "、".join(missing)
            continue
        props: dict[str, Any] = feat["properties"]
        labels = {wp.label for wp in recipe.waypoints}
        skipped = [n for n in props.get("stations") or [] if n not in labels]
        acc = [f"schematic alignment (规划示意): straight segments through the corridor points {tp.through(resolved)}; "
               "not the track, no route survey"]
        if skipped:
            acc.append("no sourced position for " + "、".join(skipped) + ", skipped")
        if recipe.note:
            acc.append(recipe.note)
        props["accuracy"] = "; ".join(acc)
        props["source"] = prefixed(f"geometry (规划示意) through: {tp.cited(resolved)}", props.get("source", ""),
                                   "geometry", LINE_SOURCE_SEP)
        feat["geometry"] = tp.line_geometry(resolved)
        report[lid] = f"schematic through {len(resolved)} points" + (f", skipped {len(skipped)}" if skipped else "")
    for lid, reason in sorted(unlocated.items()):
        feat = line_features.get(lid)
        if feat is not None and not feat.get("geometry"):
            feat["properties"]["accuracy"] = reason
            report[lid] = "unlocated (reason in accuracy)"
    return report
