"""The rail build as one pure function: base collections + sources + recipes → new collections
and a report (two passes: lines through the old station points to find the stations, then
lines cut at the new points). Inputs are left untouched."""
from __future__ import annotations

import json
from typing import Any

from shapely.geometry import Point, shape

from layers.geo.crs import to_metric, to_wgs84
from scripts.buildlib.adcode import Unit
from scripts.buildlib.provenance import cite, prefixed
from scripts.rail_osm.lines import Leg, LineResult, assemble_line, insert_stations, line_texts
from scripts.rail_osm.planned import LINE_SOURCE_SEP, PlannedRecipe, draw_planned
from scripts.rail_osm.report import BuildReport, check_result
from scripts.rail_osm.sources import OsmStation
from scripts.rail_osm.stations import StationResult, identify_station, short_name, station_texts

STATION_SOURCE_SEP = "; earlier position and other facts: "


def build(lines_fc: dict[str, Any], stations_fc: dict[str, Any], corridors: dict[str, dict[str, Any]],
          nodes: list[OsmStation], districts_fc: dict[str, Any] | None, check: dict[str, tuple[float, float]] | None,
          *, recipes: dict[str, list[Leg]], sources: dict[str, dict[str, str]], planned: dict[str, PlannedRecipe],
          unlocated: dict[str, str], notes: dict[str, str], towns: dict[str, Unit] | None = None
          ) -> tuple[dict, dict, BuildReport]:
    check = check or {}
    lines_fc = json.loads(json.dumps(lines_fc))
    stations_fc = json.loads(json.dumps(stations_fc))
    districts = {f["properties"]["name_zh"]: shape(f["geometry"]) for f in (districts_fc or {}).get("features", [])
                 if f.get("geometry")}
    line_features = {f["properties"]["id"]: f for f in lines_fc["features"]}
    station_features = stations_fc["features"]

    def positions_now() -> dict[str, Point]:
        return {short_name(f["properties"]["name_zh"]): shape(f["geometry"])
                for f in station_features if f.get("geometry")}

    def assemble_all(positions: dict[str, Point]) -> dict[str, LineResult]:
        out = {}
        for lid, legs in sorted(recipes.items()):
            feat = line_features.get(lid)
            if feat is None or feat["properties"].get("status") != "operating":
                continue
            res = assemble_line(feat, legs, corridors, positions)
            if res is not None:
                out[lid] = res
        return out

    # pass 1: lines through the old station points; identify stations against them
    positions = positions_now()
    first = assemble_all(positions)
    identified: dict[str, StationResult] = {}
    for feat in station_features:
        if not feat["properties"].get("in_huzhou"):
            continue
        res = identify_station(feat, first, line_features, nodes, positions, districts)
        if res is not None:
            identified[feat["properties"]["id"]] = res
    for feat in station_features:
        res = identified.get(feat["properties"]["id"])
        if res is None:
            continue
        props = feat["properties"]
        props["source"] = prefixed(f"position: OSM railway=station node (© OpenStreetMap contributors, ODbL) from "
                                   f"{cite(sources.get('stations', {}))}", props.get("source", ""),
                                   "position: OSM railway=station node", STATION_SOURCE_SEP)
        feat["geometry"] = {"type": "Point", "coordinates": [res.point.x, res.point.y]}

    # pass 2: lines cut at the new points, station nodes inserted across gaps
    positions = positions_now()
    final = assemble_all(positions)
    for lid, res in final.items():
        names = list(line_features[lid]["properties"].get("stations") or [])
        insert_stations(res, [(n, positions[n]) for n in names if n in positions])
        props = line_features[lid]["properties"]
        source, accuracy = line_texts(res, corridors, recipes[lid], sources, notes.get(lid, ""))
        props["source"] = prefixed(source, props.get("source", ""), "geometry", LINE_SOURCE_SEP)
        props["accuracy"] = accuracy
        geom = to_wgs84(res.geometry_m)
        line_features[lid]["geometry"] = {"type": "LineString",
                                          "coordinates": [[round(x, 6), round(y, 6)] for x, y in geom.coords]}
    for feat in station_features:
        res = identified.get(feat["properties"]["id"])
        if res is None:
            continue
        if res.line_id in final:  # distance to the track as finally drawn
            res.line_distance_m = final[res.line_id].geometry_m.distance(to_metric(res.point))
        feat["properties"]["accuracy"] = station_texts(res, feat, line_features, check)
    planned_report = draw_planned(line_features, positions_now(), towns or {}, nodes, planned, unlocated, sources)
    report = check_result(lines_fc, stations_fc, districts_fc, set(final), identified)
    report.planned = planned_report
    return lines_fc, stations_fc, report
