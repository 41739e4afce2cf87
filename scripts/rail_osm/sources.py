"""Reading the rail build's sources: RailVista corridor polylines, the footpoint-atlas route
network, OMap station nodes and the heywhale station table. Each reader returns plain values and
leaves a file it does not find out, so a build uses what it is given."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyogrio
import shapely
from shapely.geometry import LineString, Point

from scripts.rail_osm import OSM_KIND


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


def read_route_network(path: Path, wanted: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Corridors from footpoint-atlas `rail-route-data.js` (a JSON object assigned to
    RAIL_ROUTE_DATA): for each of our corridor ids, the chain of the segments naming its line,
    walked from the line's `from` node to its `to` node. A line it lacks is simply not available."""
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
