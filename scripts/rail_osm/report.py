"""What a rail build reports: for every operating line, how many of its located stations sit
within tolerance of its track; for every station, the rule that placed it and whether it lies
in its district; for planned lines, how they were drawn."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape
from shapely.ops import unary_union

from layers.geo.crs import to_metric
from scripts.rail_osm import LINE_TOL_M
from scripts.rail_osm.stations import StationResult


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
