"""Give Huzhou's waterways and expressways their OpenStreetMap courses (issue 13, item 3).

Reads OpenStreetMap ways from a file given on the command line (GeoJSON, GeoPackage,
shapefile or zipped shapefile with `name` / `ref` columns, or an `.osm.pbf` / `.osm`
extract read through GDAL's OSM driver), clips them to Huzhou plus a margin, matches them to
our features by name or route number (MATCHES below), and writes `waterways.geojson` and
`expressways.geojson` deterministically. Nothing is fetched: the source is whatever file you
pass, and `--provenance` names where it came from (repository, path, commit), because every
matched feature's `source` must say so and carry the ODbL attribution.

What changes on a matched feature: `geometry` (the OSM ways, merged where they touch, clipped;
every source vertex inside the clip box kept, nothing simplified), `source` (the OSM citation
first, then the old citation) and `accuracy`. Ids, names and every other attribute stay as
they are. A feature without a match is left exactly as it was, and the report says so; the
planned features (长湖申线太湖沟通工程, 德安高速, 合温高速, 太湖通道) have no OSM course and are
never matched.

    .venv/bin/python scripts/build_water_roads_osm.py \\
        --ways /path/to/osm_lines.gpkg --provenance provenance.json --out /tmp/water_roads
    (--write replaces the two files in --geodata instead)

provenance.json: {"repository": "owner/name", "path": "file in it", "commit": "40 hex",
"note": "optional, e.g. OSM data of 2025-01-24"}. Sources tried, and why none is applied yet:
docs/research/water-roads.md.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyogrio
import shapely
from shapely.geometry import LineString, MultiLineString, box, mapping
from shapely.ops import linemerge, unary_union

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from layers.model.storage import read_geojson  # noqa: E402
from scripts.buildlib.output import add_target_args, target_folder, write_layers  # noqa: E402
from scripts.buildlib.provenance import cite, missing_keys  # noqa: E402

GEODATA = REPO / "geodata"
HUZHOU_BBOX = (119.23, 30.37, 120.49, 31.18)  # lon/lat of Huzhou's five districts
MARGIN_DEG = 0.1  # keep the approach to neighbouring towns (吴江, 乌镇, 塘栖, 宜兴) visible
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"


@dataclass(frozen=True)
class Match:
    """How one of our features is found among OSM ways."""
    tag: str                          # OSM key the way must carry: waterway | highway
    values: tuple[str, ...]           # accepted values of that key
    names: tuple[str, ...] = ()       # OSM `name` values (compared after normalise())
    refs: tuple[str, ...] = ()        # route numbers in OSM `ref` (';'-separated there)


# Which OSM ways make up each of our features. Names are the channels' and rivers' official
# names as OSM writes them in China; expressways are matched by national/provincial route
# number first (OSM tags the carriageways with ref=G50 etc., names vary by section).
MATCHES: dict[str, dict[str, Match]] = {
    "waterways.geojson": {
        "ww_changhushen": Match("waterway", ("canal", "river"), names=("长湖申线", "长湖申航道")),
        "ww_hujiashen": Match("waterway", ("canal", "river"), names=("湖嘉申线", "湖嘉申航道")),
        "ww_hanghuxi": Match("waterway", ("canal", "river"), names=("杭湖锡线", "杭湖锡航道")),
        "ww_dongzong": Match("waterway", ("canal", "river"), names=("东宗线", "东宗航道")),
        "ww_grand_canal": Match("waterway", ("canal", "river"), names=("京杭运河", "京杭大运河")),
        "river_dongtiaoxi": Match("waterway", ("river", "canal"), names=("东苕溪",)),
        "river_xitiaoxi": Match("waterway", ("river", "canal"), names=("西苕溪",)),
    },
    "expressways.geojson": {
        "road_g50": Match("highway", ("motorway",), names=("沪渝高速", "申苏浙皖高速"), refs=("G50",)),
        "road_g25": Match("highway", ("motorway",), names=("长深高速", "杭宁高速"), refs=("G25",)),
        "road_s12": Match("highway", ("motorway",), names=("申嘉湖高速",), refs=("S12",)),
    },
}

_BRACKETS = re.compile(r"[（(].*?[)）]|\s")
_OTHER_TAG = re.compile(r'"([^"]+)"=>"((?:[^"\\]|\\.)*)"')  # GDAL OSM driver's other_tags (hstore)


def normalise(name: str | None) -> str:
    """'京杭运河（湖州段）' and '京杭运河 ' both → '京杭运河'."""
    return _BRACKETS.sub("", name or "")


# ---------------------------------------------------------------- reading the source

@dataclass(frozen=True)
class Way:
    name: str
    ref: str
    tags: tuple[tuple[str, str], ...]  # the keys MATCHES looks at: waterway, highway
    geometry: LineString

    def tag(self, key: str) -> str:
        return dict(self.tags).get(key, "")


def _lines(geom) -> list[LineString]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    return [g for part in getattr(geom, "geoms", []) for g in _lines(part)]


def read_ways(path: Path, bbox: tuple[float, float, float, float]) -> list[Way]:
    """Line features of the source inside bbox, with name, ref, waterway and highway.

    Columns missing from the file are looked up in GDAL's `other_tags` (how the OSM driver
    stores `ref`) and are otherwise empty. Sorted, so the same file always gives the same list.
    """
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    kwargs: dict[str, Any] = {"bbox": bbox}
    if path.name.endswith((".osm.pbf", ".osm")):
        kwargs["layer"] = "lines"
    meta, _fids, geometry, fields = pyogrio.raw.read(source, **kwargs)
    names = list(meta["fields"])
    columns = {n: fields[i] for i, n in enumerate(names)}
    wanted = ("name", "ref", "waterway", "highway")
    out = []
    for row, wkb in enumerate(geometry):
        if wkb is None:
            continue
        other = dict(_OTHER_TAG.findall(str(columns["other_tags"][row] or ""))) if "other_tags" in columns else {}
        values = {k: str(columns[k][row] or "").strip() if k in columns else other.get(k, "").strip() for k in wanted}
        for line in _lines(shapely.from_wkb(wkb)):
            out.append(Way(values["name"], values["ref"],
                           (("highway", values["highway"]), ("waterway", values["waterway"])), line))
    return sorted(set(out), key=lambda w: (w.name, w.ref, w.tags, w.geometry.wkb))


# ---------------------------------------------------------------- matching

def matches(way: Way, rule: Match) -> bool:
    if way.tag(rule.tag) not in rule.values:
        return False
    if rule.refs and {r.strip().replace(" ", "") for r in way.ref.split(";")} & set(rule.refs):
        return True
    return bool(rule.names) and normalise(way.name) in {normalise(n) for n in rule.names}


def merge(lines: Iterable[LineString]) -> LineString | MultiLineString | None:
    """Join touching ways into as few lines as possible; parts in a fixed order."""
    parts = [g for g in lines if not g.is_empty]
    if not parts:
        return None
    merged = linemerge(unary_union(parts)) if len(parts) > 1 else parts[0]
    pieces = sorted(_lines(merged), key=lambda g: (-g.length, g.coords[0]))
    if not pieces:
        return None
    return pieces[0] if len(pieces) == 1 else MultiLineString(pieces)


@dataclass
class Result:
    feature_id: str
    ways: int
    names: list[str]
    refs: list[str]
    geometry: LineString | MultiLineString


@dataclass
class Report:
    matched: list[Result] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = []
        for r in self.matched:
            parts = len(getattr(r.geometry, "geoms", [r.geometry]))
            label = ", ".join(r.names + r.refs)
            out.append(f"matched {r.feature_id}: {r.ways} OSM ways ({label}), {parts} part(s), "
                       f"{len(shapely.get_coordinates(r.geometry))} vertices")
        out += [f"no OSM match for {fid}: left unchanged" for fid in self.unmatched]
        return "\n".join(out)


def build(collection: dict[str, Any], rules: dict[str, Match], ways: list[Way],
          provenance: dict[str, str], clip: tuple[float, float, float, float]) -> tuple[dict[str, Any], Report]:
    """A new FeatureCollection with matched features given their OSM course; the input is not changed."""
    report = Report()
    window = box(*clip)
    out = json.loads(json.dumps(collection))  # deep copy: the caller's data stays as it was
    for feature in out["features"]:
        props = feature["properties"]
        rule = rules.get(props.get("id"))
        if rule is None:
            continue
        chosen = [w for w in ways if matches(w, rule)]
        clipped = [g for w in chosen for g in _lines(w.geometry.intersection(window))]
        geometry = merge(clipped)
        if geometry is None:
            report.unmatched.append(props["id"])
            continue
        result = Result(props["id"], len(chosen), sorted({w.name for w in chosen if w.name}),
                        sorted({w.ref for w in chosen if w.ref}), geometry)
        report.matched.append(result)
        kind = "waterway course" if rule.tag == "waterway" else "motorway carriageways"
        parts = len(getattr(geometry, "geoms", [geometry]))
        by = ", ".join([f"name {n}" for n in result.names] + [f"ref {r}" for r in result.refs])
        props["accuracy"] = (f"OSM {kind} ({result.ways} ways matched by {by}), merged into {parts} part(s), "
                             f"clipped to Huzhou ±{MARGIN_DEG}°; source vertices kept, not simplified")
        props["source"] = (f"geometry: OpenStreetMap ({ATTRIBUTION}) via {cite(provenance)}; "
                           f"attributes: {props.get('source', '')}")
        feature["geometry"] = json.loads(json.dumps(mapping(geometry)))  # tuples → lists
    report.unmatched += sorted(fid for fid in rules if fid not in {f["properties"]["id"] for f in out["features"]})
    return out, report


def clip_box(margin: float = MARGIN_DEG) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = HUZHOU_BBOX
    return (x0 - margin, y0 - margin, x1 + margin, y1 + margin)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ways", type=Path, required=True, help="OSM line features (GeoJSON/GPKG/SHP/zip/.osm.pbf)")
    ap.add_argument("--provenance", type=Path, required=True,
                    help='JSON {"repository", "path", "commit", "note"} naming where --ways comes from')
    ap.add_argument("--geodata", type=Path, default=GEODATA, help="layers folder to read (default: geodata/)")
    add_target_args(ap, "the two files")
    args = ap.parse_args(argv)

    provenance = json.loads(args.provenance.read_text(encoding="utf-8"))
    missing = missing_keys(provenance)
    if missing:
        ap.error(f"--provenance lacks {', '.join(missing)}: every matched feature's source must name them")
    clip = clip_box()
    ways = read_ways(args.ways, clip)
    built = {}
    for filename, rules in MATCHES.items():
        built[filename], report = build(read_geojson(args.geodata / filename), rules, ways, provenance, clip)
        print(f"{filename}:\n{report.text()}")
    print("wrote " + ", ".join(str(p) for p in write_layers(target_folder(args), built)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
