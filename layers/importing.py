"""Bring GIS files into a layer: GeoJSON, GeoPackage, zipped Shapefile, KML, CSV (lon/lat).

Input may be WGS 84, CGCS2000 (EPSG:4490), a CGCS2000 Gauss-Krüger zone (e.g. EPSG:4549),
Web Mercator, or GCJ-02 declared by the user; everything is converted to WGS 84. Nothing is
written here: the editing page previews the result and its findings, then saves through
layers.editing.save_layer.
"""
from __future__ import annotations

import io
import json
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from .crs import gcj02_to_wgs84, shift_geometry

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What a user may declare for files that carry no CRS (CSV, plain GeoJSON, KML is always WGS 84).
DECLARABLE_CRS = {
    "EPSG:4326": "WGS 84",
    "EPSG:4490": "CGCS2000 (geographic)",
    "EPSG:4549": "CGCS2000 / 3-degree Gauss-Krüger CM 120E",
    "EPSG:4548": "CGCS2000 / 3-degree Gauss-Krüger CM 117E",
    "EPSG:3857": "Web Mercator",
    "GCJ02": "GCJ-02 (Amap / Tencent lon/lat)",
}
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile",
            ".kml": "kml", ".csv": "csv"}
LON_NAMES = ("lon", "lng", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")


class UploadError(ValueError):
    """The upload cannot be read; the message says why and what to do."""


@dataclass
class ImportResult:
    collection: dict[str, Any]
    source_crs: str
    notes: list[str] = field(default_factory=list)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _frame_from_csv(raw: bytes, declared: str | None) -> gpd.GeoDataFrame:
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    columns = {c.lower(): c for c in table.columns}
    lon = next((columns[n] for n in LON_NAMES if n in columns), None)
    lat = next((columns[n] for n in LAT_NAMES if n in columns), None)
    if lon is None or lat is None:
        raise UploadError(f"CSV needs longitude and latitude columns (one of {', '.join(LON_NAMES)} and "
                           f"{', '.join(LAT_NAMES)}); found {', '.join(table.columns)}")
    geometry = gpd.points_from_xy(table[lon], table[lat])
    return gpd.GeoDataFrame(table.drop(columns=[lon, lat]), geometry=geometry, crs=None)


def _read(raw: bytes, kind: str, folder: Path) -> gpd.GeoDataFrame:
    if kind == "csv":
        return _frame_from_csv(raw, None)
    if kind == "shapefile":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            shp = [n for n in archive.namelist() if n.lower().endswith(".shp")]
            if not shp:
                raise UploadError("the zip holds no .shp file; zip the .shp, .shx, .dbf and .prj together")
            archive.extractall(folder)
        return pyogrio.read_dataframe(folder / shp[0])
    path = folder / f"upload.{ {'geojson': 'geojson', 'gpkg': 'gpkg', 'kml': 'kml'}[kind] }"
    path.write_bytes(raw)
    return pyogrio.read_dataframe(path)


def read_upload(raw: bytes, filename: str, declared_crs: str | None = None) -> ImportResult:
    """Read an uploaded file into a WGS 84 FeatureCollection (properties as in the file)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{filename} is {len(raw) / 1e6:.1f} MB; uploads are limited to "
                           f"{MAX_UPLOAD_BYTES // 2**20} MiB")
    kind = SUFFIXES.get(Path(filename).suffix.lower())
    if kind is None:
        raise UploadError(f"{filename}: unsupported type; use {', '.join(sorted(SUFFIXES))}")
    if declared_crs is not None and declared_crs not in DECLARABLE_CRS:
        raise UploadError(f"unknown CRS '{declared_crs}'; choose one of {', '.join(DECLARABLE_CRS)}")
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            frame = _read(raw, kind, Path(tmp))
        except UploadError:
            raise
        except Exception as exc:  # GDAL/pandas raise many types; report them as one clear error
            raise UploadError(f"{filename} could not be read as {kind}: {exc}") from exc
    gcj = declared_crs == "GCJ02"
    if frame.crs is not None and declared_crs and not gcj and frame.crs.to_string() != declared_crs:
        notes.append(f"the file declares {frame.crs.to_string()}; that was used instead of {declared_crs}")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326" if gcj or declared_crs is None else declared_crs)
        if declared_crs is None:
            notes.append("no CRS in the file and none declared: assumed WGS 84")
    source_crs = "GCJ02" if gcj else frame.crs.to_string()
    frame = frame.to_crs("EPSG:4326")
    features = []
    for _, row in frame.iterrows():
        geometry = json.loads(gpd.GeoSeries([row.geometry]).to_json())["features"][0]["geometry"] \
            if row.geometry is not None else None
        if geometry is not None and gcj:
            geometry = shift_geometry(geometry, gcj02_to_wgs84)
        props = {k: _clean(v) for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return ImportResult({"type": "FeatureCollection", "features": features}, source_crs, notes)


def merge(existing: dict[str, Any], incoming: dict[str, Any], mode: str) -> dict[str, Any]:
    """'append' adds features (replacing those with the same id); 'replace' swaps the whole layer."""
    if mode == "replace":
        return {"type": "FeatureCollection", "features": list(incoming["features"])}
    if mode != "append":
        raise ValueError(f"mode must be 'append' or 'replace', not {mode!r}")
    incoming_ids = {f["properties"].get("id") for f in incoming["features"]}
    kept = [f for f in existing["features"] if f["properties"].get("id") not in incoming_ids]
    return {"type": "FeatureCollection", "features": kept + list(incoming["features"])}
