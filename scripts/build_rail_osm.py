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
import csv
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, shape
from shapely.ops import substring, unary_union

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from layers.model.storage import atomic_write_text, dumps_canonical, read_geojson  # noqa: E402

GEODATA = REPO / "geodata"
HUZHOU_BBOX = (119.2, 30.35, 120.6, 31.2)  # lon/lat: Huzhou's five districts and a little more
LINE_TOL_M = 150.0       # a station node counts as "on" a line within this distance
PRIOR_RADIUS_M = 1000.0  # a located station only moves to a node this close to its old point
NAME_RADIUS_M = 5000.0   # a same-named node further than this from the station is someone else's
GAP_M = 1500.0           # a straight source segment this long is a bridged gap, not surveyed track
INSERT_MAX_M = 1000.0    # a station node this close to a gap segment becomes a vertex of it
TERMINAL_MAX_M = 5000.0  # a terminal station this close past the line's end gets a straight connector
OSM_KIND = "train"       # OMap `station` field: train | subway | tram | monorail | tram_stop

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


@dataclass(frozen=True)
class Leg:
    """A stretch of one corridor: from station `start` (None: where the previous leg ended)
    to station `end`. Station names are as in the line's `stations` list."""
    corridor: str
    start: str | None
    end: str


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


@dataclass(frozen=True)
class Waypoint:
    """One point a planned line is drawn through. kind: 'station' (ref = a station's short
    name; its own feature's position), 'town' (ref = 12-digit admin code in Vonng/adcode),
    'osm_node' (ref = 'lon,lat' of an OMap station node, which must exist in the source)."""
    kind: str
    ref: str
    label: str


@dataclass(frozen=True)
class PlannedRecipe:
    waypoints: tuple[Waypoint, ...]
    note: str = ""


def _stations(*names: str) -> tuple[Waypoint, ...]:
    return tuple(Waypoint("station", n, n) for n in names)


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
    "rail_yihu": PlannedRecipe(_stations("宜兴", "长兴", "湖州")),
    # The eleven stations 南浔…长兴 (湖州交通集团 2022, nantaihu 2021). OSM (OMap, 2025-01) has
    # eleven unnamed train nodes running in that order from 湖州南浔站 to 长兴站, away from every
    # operating line; each is taken as the station of the same rank. 洪桥镇 is confirmed by an
    # OSM node named 洪桥镇 60 m away (footpoint-atlas nodes, hong-qiao-zhen).
    "rail_rutongsuhu": PlannedRecipe((
        Waypoint("osm_node", "120.403037,30.829837", "南浔"), Waypoint("osm_node", "120.337582,30.848457", "漾南"),
        Waypoint("osm_node", "120.261856,30.839418", "织里"), Waypoint("osm_node", "120.207359,30.856782", "八里店"),
        Waypoint("osm_node", "120.204786,30.882824", "桥南村"),
        Waypoint("osm_node", "120.160883,30.931527", "银山二路"),
        Waypoint("osm_node", "120.136157,30.939438", "银山一路"),
        Waypoint("osm_node", "120.09711,30.941559", "太湖路"), Waypoint("osm_node", "120.044896,30.94622", "图影"),
        Waypoint("osm_node", "120.002296,30.978737", "洪桥镇"), Waypoint("station", "长兴", "长兴")),
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

_TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)  # CGCS2000 GK CM 120E
_TO_WGS84 = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)


def _reproject(geom, transformer: Transformer):
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_metric(geom):
    return _reproject(geom, _TO_METRIC)


def to_wgs84(geom):
    return _reproject(geom, _TO_WGS84)


def short_name(name_zh: str) -> str:
    """'湖州南浔站' → '湖州南浔': the form used in a line's `stations` list and in station tables."""
    return name_zh[:-1] if name_zh.endswith("站") else name_zh


# ---------------------------------------------------------------- reading the sources

def read_corridors(folder: Path, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Corridor JSON files `<id>.json` from `folder`; a missing one is simply not available."""
    out = {}
    for cid in sorted(set(ids)):
        path = folder / f"{cid}.json"
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            coords = [(float(x), float(y)) for x, y in data["railway"]]
            out[cid] = {"meta": data, "line": LineString(coords)}
    return out


def read_route_network(path: Path, wanted: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Corridors from footpoint-atlas `rail-route-data.js` (a JSON object assigned to
    RAIL_ROUTE_DATA): for each of our corridor ids, the chain of the segments naming its line,
    walked from the line's `from` node to its `to` node. A line it lacks is simply not available."""
    wanted = ROUTE_NETWORK_LINES if wanted is None else wanted
    text = path.read_text(encoding="utf-8")
    marker = text.find("RAIL_ROUTE_DATA =")
    if marker < 0:
        raise ValueError(f"{path}: no 'RAIL_ROUTE_DATA =' object; is this footpoint-atlas js/rail-route-data.js?")
    data, _end = json.JSONDecoder().raw_decode(text, text.index("{", marker))
    out = {}
    for cid, line_id in sorted(wanted.items()):
        line = next((entry for entry in data.get("lines", []) if entry.get("id") == line_id), None)
        segments = [seg for seg in data.get("segments", []) if line_id in (seg.get("lineIds") or [])]
        if line is None or not segments:
            continue
        by_start = {seg["from"]: seg for seg in segments}
        chain, node = [], line["from"]
        while node in by_start and len(chain) < len(segments):
            chain.append(by_start[node])
            node = by_start[node]["to"]
        if node != line["to"] or len(chain) != len(segments):
            raise ValueError(f"{path}: the segments of {line_id} do not chain from {line['from']} to {line['to']}")
        coords: list[tuple[float, float]] = []
        for seg in chain:
            pts = [(float(x), float(y)) for x, y in seg["polyline"]]
            coords += pts[1:] if coords and coords[-1] == pts[0] else pts
        out[cid] = {"line": LineString(coords),
                    "meta": {"network_line": line_id, "segments": [seg["id"] for seg in chain],
                             "shared": {seg["id"]: sorted(set(seg["lineIds"]) - {line_id}) for seg in chain},
                             "provider": (data.get("source") or {}).get("provider", "")}}
    return out


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    lon: float  # WGS 84 (converted from the source's GCJ-02)
    lat: float


def read_towns(folder: Path | None, codes: Iterable[str]) -> dict[str, Town]:
    """Admin units by 12-digit code from Vonng/adcode `data/adcode/<6-digit county>.csv`
    (columns: code, parent, name, level, rank, adcode, …, longitude, latitude; GCJ-02),
    converted to WGS 84. Units without a coordinate, or files not given, are left out."""
    from layers.geo.crs import gcj02_to_wgs84

    out: dict[str, Town] = {}
    if folder is None:
        return out
    for code in sorted(set(codes)):
        path = folder / f"{code[:6]}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if row and row[0] == code and len(row) > 13 and row[12] and row[13]:
                    lon, lat = gcj02_to_wgs84(float(row[12]), float(row[13]))
                    out[code] = Town(code, row[2], round(lon, 6), round(lat, 6))
    return out


@dataclass(frozen=True)
class OsmStation:
    lon: float
    lat: float
    name: str

    @property
    def point(self) -> Point:
        return Point(self.lon, self.lat)


def read_osm_stations(path: Path, bbox: tuple[float, float, float, float]) -> list[OsmStation]:
    """`station=train` points from the OMap shapefile (a .zip is read in place) or any OGR
    file with `name` and `station` fields, inside bbox; sorted so ties break the same way."""
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    meta, _fids, geometry, fields = pyogrio.raw.read(source, bbox=bbox)
    names = list(meta["fields"])
    name_col = fields[names.index("name")]
    kind_col = fields[names.index("station")]
    out = []
    for wkb, name, kind in zip(geometry, name_col, kind_col):
        if kind != OSM_KIND or wkb is None:
            continue
        pt = shapely.from_wkb(wkb)
        out.append(OsmStation(round(pt.x, 7), round(pt.y, 7), (name or "").strip()))
    return sorted(set(out), key=lambda s: (s.lon, s.lat, s.name))


def read_check_table(path: Path | None) -> dict[str, tuple[float, float]]:
    """Station name → (lon, lat) from the heywhale table's WGS 84 columns."""
    if path is None:
        return {}
    out = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                out.setdefault(row["站名"].strip(), (float(row["WGS84_Lng"]), float(row["WGS84_Lat"])))
            except (KeyError, ValueError):
                continue
    return out


# ---------------------------------------------------------------- geometry helpers

def metres(a: Point, b) -> float:
    return to_metric(a).distance(to_metric(b))


def repair_backtracks(line_m: LineString) -> LineString:
    """Put back in order a run the source traced the wrong way round: between two reversals
    (turns sharper than 120°) reverse the run when that makes the path shorter."""
    pts = list(line_m.coords)

    def reversal(i: int) -> bool:
        (x0, y0), (x1, y1), (x2, y2) = pts[i - 1], pts[i], pts[i + 1]
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x1, y2 - y1
        na, nb = math.hypot(ax, ay), math.hypot(bx, by)
        return na > 0 and nb > 0 and (ax * bx + ay * by) / (na * nb) < -0.5

    i = 1
    while i < len(pts) - 1:
        if reversal(i):
            for j in range(i + 1, len(pts) - 1):
                if reversal(j):
                    before = math.dist(pts[i - 1], pts[i]) + math.dist(pts[j], pts[j + 1])
                    after = math.dist(pts[i - 1], pts[j]) + math.dist(pts[i], pts[j + 1])
                    if after < before:
                        pts[i:j + 1] = pts[i:j + 1][::-1]
                    i = j
                    break
        i += 1
    return LineString(pts)


def gap_segments(line_m: LineString) -> list[tuple[int, float]]:
    """(index, length m) of runs of two or more equal, collinear segments longer than GAP_M
    in all: a gap the source bridged and densified evenly, certainly not surveyed track."""
    pts = list(line_m.coords)
    out: list[tuple[int, float]] = []
    i = 0
    while i < len(pts) - 1:
        length = math.dist(pts[i], pts[i + 1])
        j = i + 1
        while j < len(pts) - 1 and abs(math.dist(pts[j], pts[j + 1]) - length) < 1.0:
            j += 1
        run = math.dist(pts[i], pts[j])
        if run > GAP_M and j - i >= 2 and abs(run - length * (j - i)) < 1.0:
            out.append((i, run))
            i = j
        else:
            i += 1
    return out


def cut(line_m: LineString, a: float, b: float) -> LineString:
    """The stretch of line_m between measures a and b, running from a to b."""
    if a <= b:
        return substring(line_m, a, b)
    return LineString(list(substring(line_m, b, a).coords)[::-1])


def leaves_box(line_m: LineString, m: float, forward: bool) -> float:
    """Measure where line_m, walked from m forwards (or backwards), leaves HUZHOU_BBOX;
    m itself when the walk starts outside the box."""
    box_m = to_metric(shapely.box(*HUZHOU_BBOX))
    if forward:
        piece = substring(line_m, m, line_m.length)
    else:
        piece = LineString(list(substring(line_m, 0, m).coords)[::-1])
    if piece.length == 0 or not box_m.contains(Point(piece.coords[0])):
        return m
    crossings = piece.intersection(box_m.exterior)
    reach = min((piece.project(Point(c)) for g in getattr(crossings, "geoms", [crossings])
                 for c in g.coords if piece.project(Point(c)) > 0), default=piece.length)
    return m + reach if forward else m - reach


# ---------------------------------------------------------------- lines

@dataclass
class LineResult:
    line_id: str
    geometry_m: LineString
    corridors: list[str]
    gaps: list[float] = field(default_factory=list)         # lengths (m) of evenly densified bridges
    longest_m: float = 0.0                                  # longest single straight segment
    inserted: list[str] = field(default_factory=list)       # station names made vertices across gaps
    connectors: list[tuple[str, float]] = field(default_factory=list)  # (station, m) straight end pieces
    extended: list[str] = field(default_factory=list)       # ends moved out to the box edge


def assemble_line(feature: dict[str, Any], legs: list[Leg], corridors: dict[str, dict[str, Any]],
                  positions: dict[str, Point]) -> LineResult | None:
    """Cut and join the legs of one line; None when a corridor or a leg's station is missing."""
    names = list(feature["properties"].get("stations") or [])
    located = [n for n in names if n in positions]
    if any(leg.corridor not in corridors for leg in legs):
        return None
    pieces: list[list[tuple[float, float]]] = []
    extended = []
    end_point_m: Point | None = None
    for k, leg in enumerate(legs):
        if leg.end not in positions or (leg.start is not None and leg.start not in positions):
            return None
        line_m = repair_backtracks(to_metric(corridors[leg.corridor]["line"]))
        a_pt = end_point_m if leg.start is None else to_metric(positions[leg.start])
        a = line_m.project(a_pt)
        b = line_m.project(to_metric(positions[leg.end]))
        forward = b >= a
        # Extend out to the box edge where the line's own station list goes on unlocated.
        if k == 0 and leg.start is not None and located and leg.start == located[0] and names[0] != leg.start:
            a2 = leaves_box(line_m, a, forward=not forward)
            if a2 != a:
                a = a2
                extended.append(leg.start)
        if k == len(legs) - 1 and located and leg.end == located[-1] and names[-1] != leg.end:
            b2 = leaves_box(line_m, b, forward=forward)
            if b2 != b:
                b = b2
                extended.append(leg.end)
        piece = list(cut(line_m, a, b).coords)
        if pieces and piece and math.dist(pieces[-1][-1], piece[0]) < 0.5:
            piece = piece[1:]
        pieces.append(piece)
        end_point_m = Point(piece[-1]) if piece else end_point_m
    coords = [c for p in pieces for c in p]
    if len(coords) < 2:
        return None
    return LineResult(feature["properties"]["id"], LineString(coords), [leg.corridor for leg in legs],
                      extended=extended)


def insert_stations(result: LineResult, stops: list[tuple[str, Point]]) -> None:
    """Make station nodes vertices where the source has a gap beside them or stops short."""
    line_m = result.geometry_m
    for name, pt in stops:
        p = to_metric(pt)
        d = line_m.distance(p)
        if d <= LINE_TOL_M:
            continue
        coords = list(line_m.coords)
        m = line_m.project(p)
        if m <= 0.0 or m >= line_m.length:  # past an end: append if close
            end = coords[0] if m <= 0.0 else coords[-1]
            if math.dist(end, (p.x, p.y)) <= TERMINAL_MAX_M:
                coords = [(p.x, p.y)] + coords if m <= 0.0 else coords + [(p.x, p.y)]
                result.connectors.append((name, math.dist(end, (p.x, p.y))))
        elif d <= INSERT_MAX_M:
            seg = next(i for i in range(len(coords) - 1)
                       if LineString(coords[:i + 2]).length >= m - 1e-6)
            if math.dist(coords[seg], coords[seg + 1]) > GAP_M:
                coords.insert(seg + 1, (p.x, p.y))
                result.inserted.append(name)
        line_m = LineString(coords)
    result.geometry_m = line_m
    result.gaps = [length for _i, length in gap_segments(line_m)]
    coords = list(line_m.coords)
    result.longest_m = max(math.dist(a, b) for a, b in zip(coords, coords[1:]))


# ---------------------------------------------------------------- stations

@dataclass
class StationResult:
    station_id: str
    point: Point
    rule: str           # "name" | "position"
    line_id: str | None
    between: tuple[str | None, str | None]
    district: str | None
    line_distance_m: float
    moved_m: float | None


def _neighbours(names: list[str], own: str, positions: dict[str, Point]) -> tuple[str | None, str | None]:
    if own not in names:
        return None, None
    k = names.index(own)
    prev = next((n for n in reversed(names[:k]) if n in positions), None)
    nxt = next((n for n in names[k + 1:] if n in positions), None)
    return prev, nxt


def identify_station(feature: dict[str, Any], lines: dict[str, LineResult], line_features: dict[str, dict],
                     nodes: list[OsmStation], positions: dict[str, Point],
                     districts: dict[str, Any]) -> StationResult | None:
    props = feature["properties"]
    own = short_name(props["name_zh"])
    prior = shape(feature["geometry"]) if feature.get("geometry") else None
    own_lines = [lid for lid in props.get("lines") or [] if lid in lines]
    if not own_lines:
        return None
    district_name = props.get("district_zh")
    district = districts.get(district_name) if district_name else None

    def line_dist(node: OsmStation, lid: str) -> float:
        return lines[lid].geometry_m.distance(to_metric(node.point))

    # 1. by name
    named = [n for n in nodes if n.name and short_name(n.name) == own]
    near = []
    for n in named:
        ref = metres(prior, n.point) if prior else min(line_dist(n, lid) for lid in own_lines)
        if ref <= NAME_RADIUS_M:
            near.append((ref, n.lon, n.lat, n))
    if near:
        node = sorted(near)[0][3]
        lid = min(own_lines, key=lambda lid: (line_dist(node, lid), lid))
        return StationResult(props["id"], node.point, "name", lid, (None, None), district_name,
                             line_dist(node, lid), metres(prior, node.point) if prior else None)

    # 2. by position: lines where both neighbours are located first
    def rank(lid: str) -> tuple[int, int]:
        prev, nxt = _neighbours(list(line_features[lid]["properties"].get("stations") or []), own, positions)
        return (-(prev is not None) - (nxt is not None), own_lines.index(lid))

    for lid in sorted(own_lines, key=rank):
        line_m = lines[lid].geometry_m
        prev, nxt = _neighbours(list(line_features[lid]["properties"].get("stations") or []), own, positions)
        lo = line_m.project(to_metric(positions[prev])) if prev else None
        hi = line_m.project(to_metric(positions[nxt])) if nxt else None
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        candidates = []
        for n in nodes:
            p = to_metric(n.point)
            d = line_m.distance(p)
            if d > LINE_TOL_M:
                continue
            m = line_m.project(p)
            if (lo is not None and m <= lo) or (hi is not None and m >= hi):
                continue
            if district is not None and not district.contains(n.point):
                continue
            if prior is not None:
                moved = metres(prior, n.point)
                if moved > PRIOR_RADIUS_M:
                    continue
                candidates.append((moved, d, n.lon, n.lat, n))
            else:
                candidates.append((d, 0.0, n.lon, n.lat, n))
        if candidates:
            node = sorted(candidates)[0][4]
            return StationResult(props["id"], node.point, "position", lid, (prev, nxt), district_name,
                                 line_dist(node, lid), metres(prior, node.point) if prior else None)
    return None


# ---------------------------------------------------------------- text

LINE_SOURCE_SEP = "; attributes: "                       # after our geometry citation: the facts' sources
STATION_SOURCE_SEP = "; earlier position and other facts: "


def base_source(text: str, prefix: str, sep: str) -> str:
    """The citation as it was before this script prefixed its own (so a rebuild over its own
    output gives the same bytes instead of stacking prefixes)."""
    if text.startswith(prefix) and sep in text:
        return text.split(sep, 1)[1]
    return text


def cite(key: str, sources: dict[str, dict[str, str]]) -> str:
    s = sources.get(key, {})
    text = f"{s.get('repository', '?')} {s.get('path', key)} @ {s.get('commit', '?')}"
    return text + (f" ({s['note']})" if s.get("note") else "")


def line_texts(result: LineResult, corridors: dict[str, dict[str, Any]], legs: list[Leg],
               sources: dict[str, dict[str, str]]) -> tuple[str, str]:
    used = list(dict.fromkeys(result.corridors))
    via = []
    for cid in used:
        meta = corridors[cid]["meta"]
        upstream = meta.get("source", "")
        if meta.get("network_line"):
            via.append(f"{cite('corridor:' + cid, sources)} (line {meta['network_line']}, segments "
                       + ", ".join(meta["segments"]) + ")")
        elif meta.get("osmRelation"):
            via.append(f"{cite('corridor:' + cid, sources)} (OSM relation {meta['osmRelation']})")
        elif "china-hsr-simulation" in upstream:
            via.append(f"{cite('corridor:' + cid, sources)} (OSM ways from linroger/china-hsr-simulation "
                       "public/hsr-rails.geojson, HOTOSM China railways export)")
        else:
            via.append(cite("corridor:" + cid, sources))
    source = "geometry: © OpenStreetMap contributors (ODbL), track stitched per line by " + "; ".join(via)
    legs_text = ", then ".join(
        f"corridor '{leg.corridor}' " + (f"from {leg.start} " if leg.start else "from the junction ") + f"to {leg.end}"
        for leg in legs)
    acc = [f"OpenStreetMap track alignment ({legs_text}); vertices as simplified by the source, not surveyed"]
    if result.line_id in LINE_NOTES:
        acc.append(LINE_NOTES[result.line_id])
    if result.extended:
        acc.append("continued past " + "、".join(result.extended) + " to the edge of the Huzhou box "
                   f"{HUZHOU_BBOX} where the line goes on")
    if result.inserted:
        acc.append("drawn through the station point of " + "、".join(result.inserted)
                   + " across a straight gap in the source beside it")
    if result.connectors:
        acc.append("schematic straight connector to the station point of "
                   + "、".join(f"{name} ({length / 1000:.1f} km)" for name, length in result.connectors)
                   + " where the source stops short of it")
    acc.append(f"straight segments up to {result.longest_m / 1000:.1f} km where the source simplified "
               "or bridged the track")
    if result.gaps:
        acc.append(f"{len(result.gaps)} of them evenly densified by the source, i.e. certainly gaps "
                   f"({sum(result.gaps) / 1000:.1f} km in all)")
    return source, "; ".join(acc)


def station_texts(result: StationResult, feature: dict[str, Any], line_features: dict[str, dict],
                  check: dict[str, tuple[float, float]], sources: dict[str, dict[str, str]]) -> str:
    line_name = line_features[result.line_id]["properties"]["name_zh"] if result.line_id else "?"
    if result.rule == "name":
        text = f"station point: OSM station node identified by name, {result.line_distance_m:.0f} m from the {line_name} track"
    else:
        prev, nxt = result.between
        where = (f"between {prev} and {nxt}" if prev and nxt else
                 f"past {prev or nxt} (no station further along has a position)")
        text = (f"station point: OSM station node (no name in OSM) identified by position on {line_name} {where}"
                + (f", inside {result.district}" if result.district else "")
                + f", {result.line_distance_m:.0f} m from the track")
    own = short_name(feature["properties"]["name_zh"])
    if own in check:
        d = metres(result.point, Point(*check[own]))
        text += f"; heywhale station table (WGS 84 column, pre-2020) {d:.0f} m away"
    else:
        text += "; no second source to check against"
    return text


# ---------------------------------------------------------------- planned lines

def resolve_waypoint(wp: Waypoint, positions: dict[str, Point], towns: dict[str, Town],
                     nodes: list[OsmStation], sources: dict[str, dict[str, str]]
                     ) -> tuple[Point, str, str] | None:
    """(point, what it is for `accuracy`, where it comes from for `source`), or None."""
    if wp.kind == "station":
        pt = positions.get(wp.ref)
        return None if pt is None else (pt, f"{wp.ref}站 station point", f"{wp.ref}站: its own feature's position")
    if wp.kind == "town":
        town = towns.get(wp.ref)
        if town is None:
            return None
        level = "county seat, Amap county centre" if wp.ref.endswith("000000") else "town centre"
        src = sources.get("towns", {})
        return (Point(town.lon, town.lat), f"{town.name} {level}",
                f"{town.name}: {src.get('repository', '?')} data/adcode/{wp.ref[:6]}.csv @ {src.get('commit', '?')} "
                f"row {wp.ref} (Amap centre, GCJ-02 converted to WGS 84; CC BY 4.0)")
    if wp.kind == "osm_node":
        lon, lat = (float(v) for v in wp.ref.split(","))
        near = [n for n in nodes if abs(n.lon - lon) < 1e-4 and abs(n.lat - lat) < 1e-4]
        best = min(near, key=lambda n: (metres(Point(lon, lat), n.point), n.lon, n.lat), default=None)
        if best is None or metres(Point(lon, lat), best.point) > 1.0:
            return None
        named = f"named {best.name}" if best.name else "no name"
        return (best.point, f"OSM station node, {named}",
                f"{wp.label}: OSM station node ({best.lon:.6f}, {best.lat:.6f}) from {cite('stations', sources)}")
    raise ValueError(f"unknown waypoint kind {wp.kind!r}")


def draw_planned(line_features: dict[str, dict], positions: dict[str, Point], towns: dict[str, Town],
                 nodes: list[OsmStation], planned: dict[str, PlannedRecipe],
                 unlocated: dict[str, str], sources: dict[str, dict[str, str]]) -> dict[str, str]:
    """Draw each planned line through its sourced corridor points; say why the others have none.
    A line whose points cannot all be resolved from the given files is left as it was."""
    report: dict[str, str] = {}
    for lid, recipe in sorted(planned.items()):
        feat = line_features.get(lid)
        if feat is None or feat["properties"].get("status") == "operating":
            continue
        resolved = [(wp, resolve_waypoint(wp, positions, towns, nodes, sources)) for wp in recipe.waypoints]
        missing = [wp.label for wp, r in resolved if r is None]
        if missing:
            report[lid] = "left as it was: no position for " + "、".join(missing)
            continue
        props = feat["properties"]
        labels = {wp.label for wp in recipe.waypoints}
        skipped = [n for n in props.get("stations") or [] if n not in labels]
        through = ", ".join(f"{wp.label} ({what})" for wp, (_pt, what, _src) in resolved)
        acc = [f"schematic alignment (规划示意): straight segments through the corridor points {through}; "
               "not the track, no route survey"]
        if skipped:
            acc.append("no sourced position for " + "、".join(skipped) + ", skipped")
        if recipe.note:
            acc.append(recipe.note)
        props["accuracy"] = "; ".join(acc)
        points = "; ".join(src for _wp, (_pt, _what, src) in resolved)
        props["source"] = (f"geometry (规划示意) through: {points}"
                           f"{LINE_SOURCE_SEP}{base_source(props.get('source', ''), 'geometry', LINE_SOURCE_SEP)}")
        feat["geometry"] = {"type": "LineString",
                            "coordinates": [[round(pt.x, 6), round(pt.y, 6)] for _wp, (pt, _w, _s) in resolved]}
        report[lid] = f"schematic through {len(resolved)} points" + (f", skipped {len(skipped)}" if skipped else "")
    for lid, reason in sorted(unlocated.items()):
        feat = line_features.get(lid)
        if feat is not None and not feat.get("geometry"):
            feat["properties"]["accuracy"] = reason
            report[lid] = "unlocated (reason in accuracy)"
    return report


# ---------------------------------------------------------------- build

@dataclass
class BuildReport:
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    stations: dict[str, dict[str, Any]] = field(default_factory=dict)
    planned: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        out = ["line                 matched  stations within tol / located  max dist m  notes"]
        for lid, r in sorted(self.lines.items()):
            out.append(f"{lid:20} {'yes' if r['matched'] else 'no ':3}      {r['ok']}/{r['located']:<28} "
                       f"{r['max_m']:10.0f}  {r.get('note', '')}")
        out.append("station                matched  rule      max dist to its lines m  in district")
        for sid, r in sorted(self.stations.items()):
            out.append(f"{sid:22} {'yes' if r['matched'] else 'no ':3}      {r.get('rule', '-'):9} "
                       f"{r['max_m']:10.0f}               {r.get('in_district', '-')}")
        if self.planned:
            out.append("planned line           drawn")
            out.extend(f"{lid:22} {text}" for lid, text in sorted(self.planned.items()))
        return "\n".join(out)


def build(lines_fc: dict[str, Any], stations_fc: dict[str, Any], corridors: dict[str, dict[str, Any]],
          nodes: list[OsmStation], districts_fc: dict[str, Any] | None = None,
          check: dict[str, tuple[float, float]] | None = None,
          recipes: dict[str, list[Leg]] | None = None,
          sources: dict[str, dict[str, str]] | None = None,
          towns: dict[str, Town] | None = None,
          planned: dict[str, PlannedRecipe] | None = None,
          unlocated: dict[str, str] | None = None) -> tuple[dict, dict, BuildReport]:
    """Pure function: base collections + sources → new collections + report. Inputs untouched."""
    recipes = LINE_RECIPES if recipes is None else recipes
    planned = PLANNED_RECIPES if planned is None else planned
    unlocated = UNLOCATED_REASONS if unlocated is None else unlocated
    sources = SOURCES if sources is None else sources
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

    def assemble_all(positions):
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
        earlier = base_source(props.get("source", ""), "position: OSM railway=station node", STATION_SOURCE_SEP)
        props["source"] = (f"position: OSM railway=station node (© OpenStreetMap contributors, ODbL) from "
                           f"{cite('stations', sources)}{STATION_SOURCE_SEP}{earlier}")
        feat["geometry"] = {"type": "Point", "coordinates": [res.point.x, res.point.y]}

    # pass 2: lines cut at the new points, station nodes inserted across gaps
    positions = positions_now()
    final = assemble_all(positions)
    for lid, res in final.items():
        names = list(line_features[lid]["properties"].get("stations") or [])
        insert_stations(res, [(n, positions[n]) for n in names if n in positions])
        props = line_features[lid]["properties"]
        source, accuracy = line_texts(res, corridors, recipes[lid], sources)
        props["source"] = f"{source}{LINE_SOURCE_SEP}{base_source(props.get('source', ''), 'geometry', LINE_SOURCE_SEP)}"
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
        feat["properties"]["accuracy"] = station_texts(res, feat, line_features, check, sources)
    planned_report = draw_planned(line_features, positions_now(), towns or {}, nodes, planned, unlocated, sources)
    report = check_result(lines_fc, stations_fc, districts_fc, set(final), identified)
    report.planned = planned_report
    return lines_fc, stations_fc, report


def check_result(lines_fc: dict, stations_fc: dict, districts_fc: dict | None, matched_lines: set[str],
                 identified: dict[str, StationResult]) -> BuildReport:
    """Distances of every located station to each operating line it is on; district containment."""
    report = BuildReport()
    geoms = {f["properties"]["id"]: to_metric(shape(f["geometry"])) for f in lines_fc["features"] if f.get("geometry")}
    lines_by_id = {f["properties"]["id"]: f for f in lines_fc["features"]}
    districts = {f["properties"]["name_zh"]: shape(f["geometry"]) for f in (districts_fc or {}).get("features", [])
                 if f.get("geometry")}
    huzhou = unary_union(list(districts.values())) if districts else None
    per_line: dict[str, list[float]] = {}
    for f in stations_fc["features"]:
        p = f["properties"]
        dists = []
        for lid in p.get("lines") or []:
            line = lines_by_id.get(lid)
            if not f.get("geometry") or line is None or line["properties"].get("status") != "operating" or lid not in geoms:
                continue
            d = geoms[lid].distance(to_metric(shape(f["geometry"])))
            dists.append(d)
            per_line.setdefault(lid, []).append(d)
        entry: dict[str, Any] = {"matched": p["id"] in identified, "max_m": max(dists) if dists else float("nan")}
        if p["id"] in identified:
            entry["rule"] = identified[p["id"]].rule
        if f.get("geometry") and p.get("in_huzhou") and huzhou is not None:
            pt = shape(f["geometry"])
            named = districts.get(p.get("district_zh"))
            entry["in_district"] = ("yes" if (named or huzhou).contains(pt) else "NO")
        report.stations[p["id"]] = entry
    for lid, f in lines_by_id.items():
        if f["properties"].get("status") != "operating":
            continue
        d = per_line.get(lid, [])
        report.lines[lid] = {"matched": lid in matched_lines, "located": len(d),
                             "ok": sum(1 for x in d if x <= LINE_TOL_M), "max_m": max(d) if d else float("nan")}
    return report


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
    out = ap.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", type=Path, help="write rail_lines.geojson and rail_stations.geojson here")
    out.add_argument("--write", action="store_true", help="replace the files in --geodata")
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
        corridors.update(read_route_network(args.route_network))
    towns = read_towns(args.towns, {wp.ref for r in PLANNED_RECIPES.values() for wp in r.waypoints if wp.kind == "town"})
    # Station nodes: Huzhou's box widened enough to reach the neighbouring stations we name.
    x0, y0, x1, y1 = HUZHOU_BBOX
    nodes = read_osm_stations(args.stations, (x0 - 0.3, y0 - 0.3, x1 + 0.3, y1 + 0.3))
    new_lines, new_stations, report = build(lines_fc, stations_fc, corridors, nodes, districts_fc,
                                            read_check_table(args.check_table), sources=sources, towns=towns)
    target = args.geodata if args.write else args.out
    atomic_write_text(target / "rail_lines.geojson", dumps_canonical(new_lines))
    atomic_write_text(target / "rail_stations.geojson", dumps_canonical(new_stations))
    print(report.text())
    print(f"wrote {target / 'rail_lines.geojson'} and {target / 'rail_stations.geojson'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
