"""Town and street names (镇/乡/街道) of Huzhou's five districts and counties as a context layer:
geodata/towns.geojson, one point per town at the centre Vonng/adcode gives it (Amap's
"geographic centre", GCJ-02 → WGS 84), so a map opened with no internet reads as Huzhou
(issue 24 item 2). A label position, good to about a kilometre: not a boundary, not a seat.

    .venv/bin/python scripts/build_towns.py --adcode ADCODE_DIR --out geodata/towns.geojson

ADCODE_DIR is `data/adcode/` of a Vonng/adcode checkout (github.com/Vonng/adcode @
buildlib.adcode.COMMIT). English names are romanised with pypinyin (`pip install pypinyin`, a
build-time tool only): automatic, so a polyphonic character can be read wrong (the source says
so). Deterministic: features sorted by NBS code, canonical GeoJSON.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from layers.model.storage import dumps_canonical  # noqa: E402
from scripts.buildlib.adcode import CITE, read_towns, towns_without_centre  # noqa: E402
from scripts.buildlib.output import write_layers  # noqa: E402

COUNTIES = {"330502": "吴兴区", "330503": "南浔区", "330521": "德清县", "330522": "长兴县", "330523": "安吉县"}
KINDS = (("街道", "street", "Subdistrict"), ("镇", "town", "Town"), ("乡", "township", "Township"))
DECIMALS = 5  # a town centre is good to about a kilometre; five decimals hide nothing
ACCURACY = ("town centre: Amap geographic centre of the 乡镇/街道 (via Vonng/adcode), about ±1 km; "
            "a label position, not a boundary or the town seat")


def romanised(stem: str) -> str:
    from pypinyin import lazy_pinyin
    return "".join(lazy_pinyin(stem)).capitalize()


def feature(town) -> dict:
    suffix, kind, word = next((k for k in KINDS if town.name.endswith(k[0])), ("", "town", "Town"))
    stem = town.name.removesuffix(suffix) if suffix else town.name
    lon, lat = town.wgs84
    return {"type": "Feature",
            "properties": {"id": f"town_{town.code}", "name_zh": town.name, "name_en": f"{romanised(stem)} {word}",
                           "kind": kind, "adcode": town.code, "county_zh": COUNTIES[town.county],
                           "accuracy": ACCURACY,
                           "source": CITE.format(paths=f"data/adcode/{town.county}.csv", rows=f"row {town.code}")
                           + "; English name romanised automatically (pypinyin)"},
            "geometry": {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}}


def build(adcode_dir: Path) -> str:
    towns = read_towns(adcode_dir, COUNTIES)
    return dumps_canonical({"type": "FeatureCollection", "features": [feature(t) for _, t in sorted(towns.items())]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adcode", type=Path, required=True, help="data/adcode/ of a Vonng/adcode checkout")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_layers(args.out.parent, {args.out.name: build(args.adcode)})
    missing = towns_without_centre(args.adcode, COUNTIES)
    print(f"wrote {args.out}; left out (no centre in the source): {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
