"""Derive real rail geometry for Huzhou from OpenStreetMap-derived public data (prep for issue 13).

Replaces the straight station-to-station schematic lines of the OPERATING lines in
`geodata/rail_lines.geojson` with track alignments from OpenStreetMap, and puts every
passenger station of those lines inside Huzhou on an OSM station node. PLANNED and
under-construction lines are drawn as schematic alignments (规划示意) through sourced corridor
points (station points, OSM station nodes, town or county centres), or left unlocated with the
reason. Nothing is fetched: the source files are read from the paths given on the command line.

Sources (ODbL, "© OpenStreetMap contributors"; exact versions in SOURCES below and in
docs/research/rail-osm.md):
- track: RailVista corridor polylines (`data/presets/corridors/<id>.json`, key `railway`:
  [[lon, lat], ...]); OSM ways stitched per line by RailVista, some from the HOTOSM China
  railways export via linroger/china-hsr-simulation;
- stations: OpenQGIS/OMap-GeoDB `oData-railway-station` (OSM railway=station points,
  shapefile in WGS 84, zipped; most names in our area are empty);
- track of 湖杭 south of 德清: footpoint-atlas `js/rail-route-data.js` (OSM ways from a
  Geofabrik China extract, chained per line; read with --route-network);
- corridor towns of planned lines: Vonng/adcode `data/adcode/<county>.csv` (Amap centres,
  GCJ-02, converted to WGS 84; read with --towns);
- cross-check (optional): the heywhale station table (listenzcc/China-rail-way-stations-data
  `src/station.csv`, WGS84_Lng/WGS84_Lat columns).

How it works (deterministic: the same inputs give the same bytes):
1. Each matched line is assembled from legs (LINE_RECIPES): a stretch of one corridor cut
   at the projections of two of the line's stations. Where the line's station list goes on
   past its outermost located station, the cut is moved out to where the corridor leaves
   Huzhou's bounding box instead. Backtracks in the source (a run traced the wrong way
   round) are put back in order when that shortens the path.
2. Stations in Huzhou are put on OSM `station=train` nodes: by name where OSM has one,
   otherwise by position — within LINE_TOL_M of one of the station's matched lines, between
   its located neighbours on that line, inside its district polygon, nearest to its old
   point (or to the line when it had none). `accuracy` says which rule found it.
3. Lines are rebuilt through the new station points. Where the source bridges a gap with a
   long straight segment beside a station, the station point becomes a vertex; where the
   source stops short of a terminal station, a straight (schematic) connector reaches it.
   `accuracy` lists every such insertion and connector, and the gaps left.
4. Planned lines (PLANNED_RECIPES) become straight segments through their resolved corridor
   points; a line with any point unresolved is left as it was; UNLOCATED_REASONS say why the
   others stay unlocated.
Every other feature, and every other attribute, is left exactly as it was; `source` keeps
the old citation after ours (a rebuild over its own output gives the same bytes).

    .venv/bin/python scripts/build_rail_osm.py \\
        --corridors /path/to/railvista/corridors \\
        --stations /path/to/Railway-station_oData.zip \\
        --check-table /path/to/station.csv \\
        --route-network /path/to/rail-route-data.js \\
        --towns /path/to/adcode/data/adcode \\
        --out /tmp/rail_osm
    (--write replaces geodata/rail_lines.geojson and rail_stations.geojson instead)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from layers.model.storage import read_geojson  # noqa: E402
from scripts.buildlib.adcode import read_units  # noqa: E402
from scripts.buildlib.output import add_target_args, target_folder, write_layers  # noqa: E402
from scripts.buildlib.through_points import Waypoint  # noqa: E402
from scripts.rail_osm import HUZHOU_BBOX  # noqa: E402
from scripts.rail_osm import build as rail_build  # noqa: E402
from scripts.rail_osm.lines import Leg  # noqa: E402
from scripts.rail_osm.planned import PlannedRecipe, stations  # noqa: E402
from scripts.rail_osm.sources import (read_check_table, read_corridors, read_osm_stations,  # noqa: E402
                                      read_route_network)

GEODATA = REPO / "geodata"

# Where each input comes from: printed into `source`. Override with --provenance FILE
# (same shape) when building from other versions.
SOURCES: dict[str, dict[str, str]] = {
    **{f"corridor:{cid}": {"repository": "WT006/RailVista", "path": f"data/presets/corridors/{cid}.json",
                           "commit": commit}
       for cid, commit in {"husuhu": "87f44dec1aceb1e741b71c013da91224d9117473",
                           "ninghang": "32042bd6bfae81a9d3fb4e7ff68c4c1d52d79bbf",
                           "shanghehang": "32042bd6bfae81a9d3fb4e7ff68c4c1d52d79bbf",
                           "xuanhang": "32042bd6bfae81a9d3fb4e7ff68c4c1d52d79bbf",
                           "xinchang": "32042bd6bfae81a9d3fb4e7ff68c4c1d52d79bbf"}.items()},
    "stations": {"repository": "OpenQGIS/OMap-GeoDB", "path": "oData-railway-station/Railway-station_oData.zip",
                 "commit": "29eeb63f0c0216899de431156a5493eef0b27eae", "note": "OSM data of 2025-01-24"},
    "check_table": {"repository": "listenzcc/China-rail-way-stations-data", "path": "src/station.csv",
                    "commit": "fb1b1474040774384827ec7506c6162e424e74f2"},
    "corridor:huhang": {"repository": "JerryTheAlpaca/footpoint-atlas", "path": "js/rail-route-data.js",
                        "commit": "13b20974dc15ff4417963b546830dd3532b07097",
                        "note": "OSM railway ways from a Geofabrik China extract, chained per line and "
                                "simplified by the source (Douglas–Peucker, ~90 m)"},
    "towns": {"repository": "Vonng/adcode", "path": "data/adcode/<county>.csv",
              "commit": "b755d6e4abca8e0d309728abc9ad4b100dacc685",
              "note": "Amap centres of 2016 admin units, GCJ-02, CC BY 4.0"},
}

# Route-network lines (footpoint-atlas `rail-route-data.js`): our corridor id → its line id.
# The corridor is the chain of the segments whose `lineIds` name that line, from its `from`
# node to its `to` node; segments the source shares with other lines say so in `accuracy`.
ROUTE_NETWORK_LINES: dict[str, str] = {"huhang": "huzhou-hangzhou"}


# Which corridors make up each of our operating lines.
LINE_RECIPES: dict[str, list[Leg]] = {
    # 沪苏湖 joins the 宁杭 tracks ~4 km south of 湖州站; RailVista's polyline then turns
    # south towards 杭州, so the last 4 km into 湖州站 come from the 宁杭 corridor.
    "rail_husuhu": [Leg("husuhu", "上海虹桥", "湖州"), Leg("ninghang", None, "湖州")],
    "rail_shanghehang": [Leg("shanghehang", "合肥南", "湖州")],
    "rail_ninghang": [Leg("ninghang", "南京南", "杭州东")],
    "rail_xuanhang": [Leg("xuanhang", "宣城", "德清西")],
    "rail_xinchang": [Leg("xinchang", "宜兴", "长兴南")],
    # 湖杭: the route source puts 湖州–妙西–德清 on the 宁杭 track (its segments name both lines),
    # so that stretch is the 宁杭 corridor we already draw; from 德清 its own track to 杭州西.
    "rail_huhang": [Leg("ninghang", "湖州", "德清"), Leg("huhang", None, "杭州西")],
}

# Notes added to a line's `accuracy` (why a leg is drawn the way it is).
LINE_NOTES: dict[str, str] = {
    "rail_huhang": ("湖州–德清 drawn on the 宁杭 track: the route source assigns that stretch to both "
                    "宁杭 and 湖杭 (tracks side by side, if any, are not told apart at this scale)"),
}


# Planned and under-construction lines: schematic (规划示意) straight segments through the
# corridor points a source names, each point itself sourced. Route sources are in each line's
# existing `source` (kept after ours). Names of the line's station list without a sourced
# point are skipped and listed in `accuracy`.
PLANNED_RECIPES: dict[str, PlannedRecipe] = {
    # nantaihu 2021: "宁杭高铁二通道规划从南京高淳站引出，经郎溪、广德、安吉、到杭州"; our station list
    # (网易) adds 南京南、溧水 and names 杭州西. Towns: county seats (Amap county centres).
    "rail_ninghang_2": PlannedRecipe((
        Waypoint("station", "南京南", "南京南"), Waypoint("town", "320117000000", "溧水"),
        Waypoint("town", "320118000000", "高淳"), Waypoint("town", "341821000000", "郎溪"),
        Waypoint("town", "341822000000", "广德"), Waypoint("station", "安吉", "安吉"),
        Waypoint("station", "杭州西", "杭州西"))),
    # nantaihu 2021: "南至宁杭铁路宜兴站，经长兴站后继续向南接入湖州高铁站".
    "rail_yihu": PlannedRecipe(stations("宜兴", "长兴", "湖州")),
    # The eleven stations 南浔…长兴 (湖州交通集团 2022, nantaihu 2021). OSM (OMap, 2025-01) has
    # eleven unnamed train nodes running in that order from 湖州南浔站 to 长兴站, away from every
    # operating line; each is taken as the station of the same rank. 洪桥镇 is confirmed by an
    # OSM node named 洪桥镇 60 m away (footpoint-atlas nodes, hong-qiao-zhen).
    "rail_rutongsuhu": PlannedRecipe((
        Waypoint("node", "120.403037,30.829837", "南浔"), Waypoint("node", "120.337582,30.848457", "漾南"),
        Waypoint("node", "120.261856,30.839418", "织里"), Waypoint("node", "120.207359,30.856782", "八里店"),
        Waypoint("node", "120.204786,30.882824", "桥南村"),
        Waypoint("node", "120.160883,30.931527", "银山二路"),
        Waypoint("node", "120.136157,30.939438", "银山一路"),
        Waypoint("node", "120.09711,30.941559", "太湖路"), Waypoint("node", "120.044896,30.94622", "图影"),
        Waypoint("node", "120.002296,30.978737", "洪桥镇"), Waypoint("station", "长兴", "长兴")),
        note=("unnamed OSM station nodes taken as the published stations by rank: eleven of them run in the "
              "list's order from 湖州南浔站 to 长兴站, away from every operating line; 洪桥镇 agrees with an OSM "
              "node named 洪桥镇 60 m away (footpoint-atlas js/rail-route-data.js @ 13b2097, node hong-qiao-zhen)")),
    # 扬子晚报/网易 2025: 水乡客厅–汾湖–苏州南–八坼–平望–盛泽–震泽–南浔–乌镇–桐乡–海宁盐官–萧山机场.
    "rail_shuixiang": PlannedRecipe((
        Waypoint("town", "320509104000", "平望"), Waypoint("town", "320509105000", "盛泽"),
        Waypoint("town", "320509108000", "震泽"), Waypoint("town", "330503100000", "南浔"),
        Waypoint("town", "330483100000", "乌镇"), Waypoint("town", "330483000000", "桐乡"),
        Waypoint("town", "330481110000", "海宁盐官"))),
    # 百度贴吧 2025 (weak): 嘉兴南–嘉兴机场–乌镇–湖州东.
    "rail_jiahu": PlannedRecipe((
        Waypoint("station", "嘉兴南", "嘉兴南"), Waypoint("town", "330483100000", "乌镇"),
        Waypoint("station", "湖州东", "湖州东")),
        note="the corridor comes from a forum post only: weak"),
}

# Planned lines left unlocated, and why (checked again on every build).
UNLOCATED_REASONS: dict[str, str] = {
    "rail_rutong_link": ("unlocated: the plan names the link (如通苏湖 to 高铁湖州站) but no source gives its route "
                         "or where it leaves 如通苏湖; a straight 'link' would invent a junction"),
    "rail_yixing_changxing": ("unlocated: the plan names 宜兴 and 长兴 only; no source gives stations or a corridor "
                              "(it is not the 宜湖铁路, which has its own entry), so any line would be invented"),
}


def build(lines_fc: dict[str, Any], stations_fc: dict[str, Any], corridors: dict[str, dict[str, Any]],
          nodes: list, districts_fc: dict[str, Any] | None = None,
          check: dict[str, tuple[float, float]] | None = None, **rules: Any):
    """scripts/rail_osm/build.py with this script's recipes, unless the caller passes its own."""
    chosen = {"recipes": LINE_RECIPES, "planned": PLANNED_RECIPES, "unlocated": UNLOCATED_REASONS,
              "sources": SOURCES, "notes": LINE_NOTES, **rules}
    return rail_build.build(lines_fc, stations_fc, corridors, nodes, districts_fc, check, **chosen)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corridors", type=Path, required=True, help="folder with RailVista <id>.json corridor files")
    ap.add_argument("--stations", type=Path, required=True, help="OMap Railway-station_oData .zip or .shp")
    ap.add_argument("--check-table", type=Path, help="heywhale station.csv (WGS84 columns) for the cross-check")
    ap.add_argument("--route-network", type=Path,
                    help="footpoint-atlas js/rail-route-data.js (湖杭 track); without it 湖杭 is left as it is")
    ap.add_argument("--towns", type=Path,
                    help="Vonng/adcode data/adcode folder (town and county centres for the planned lines)")
    ap.add_argument("--provenance", type=Path, help="JSON like SOURCES naming repository/path/commit per input")
    ap.add_argument("--geodata", type=Path, default=GEODATA, help="base layers folder (default: geodata/)")
    add_target_args(ap, "rail_lines.geojson and rail_stations.geojson")
    args = ap.parse_args(argv)

    sources = dict(SOURCES)
    if args.provenance:
        sources.update(json.loads(args.provenance.read_text(encoding="utf-8")))
    lines_fc = read_geojson(args.geodata / "rail_lines.geojson")
    stations_fc = read_geojson(args.geodata / "rail_stations.geojson")
    districts_path = args.geodata / "districts.geojson"
    districts_fc = read_geojson(districts_path) if districts_path.exists() else None
    needed = {leg.corridor for legs in LINE_RECIPES.values() for leg in legs}
    corridors = read_corridors(args.corridors, needed - set(ROUTE_NETWORK_LINES))
    if args.route_network:
        corridors.update(read_route_network(args.route_network, ROUTE_NETWORK_LINES))
    towns = read_units(args.towns, {wp.ref for r in PLANNED_RECIPES.values() for wp in r.waypoints if wp.kind == "town"})
    # Station nodes: Huzhou's box widened enough to reach the neighbouring stations we name.
    x0, y0, x1, y1 = HUZHOU_BBOX
    nodes = read_osm_stations(args.stations, (x0 - 0.3, y0 - 0.3, x1 + 0.3, y1 + 0.3))
    new_lines, new_stations, report = build(lines_fc, stations_fc, corridors, nodes, districts_fc,
                                            read_check_table(args.check_table), sources=sources, towns=towns)
    written = write_layers(target_folder(args), {"rail_lines.geojson": new_lines, "rail_stations.geojson": new_stations})
    print(report.text())
    print("wrote " + " and ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
