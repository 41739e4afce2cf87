"""Bring GIS files into a layer: GeoJSON, GeoPackage, zipped Shapefile, KML, CSV (lon/lat).

Input may be WGS 84, CGCS2000 (EPSG:4490), a CGCS2000 Gauss-Krüger zone (e.g. EPSG:4549),
Web Mercator, or GCJ-02 declared by the user; everything is converted to WGS 84. Nothing is
written here: the editing page previews the result and its findings, then saves through
layers.editing.save_layer. Hostile files are refused before they cost disk or memory: the
upload size is capped, archives are checked member by member before anything is extracted,
and error messages never show server paths.
"""
from __future__ import annotations

import io
import json
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS

from layers.model.catalogue import LayerSpec
from layers.geo.crs import gcj02_to_wgs84, shift_geometry, transformer
from layers.io import sniff

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 50_000  # a layer of the plan map has tens to thousands; more is not an edit
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # total uncompressed size of a zipped shapefile
MAX_ARCHIVE_MEMBERS = 50
MAX_COMPRESSION_RATIO = 100  # a member that expands more than this is a zip bomb, not a shapefile
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".xml"}
# What a user may declare for files that carry no CRS (CSV, plain GeoJSON, KML is always WGS 84).
DECLARABLE_CRS = {
    "EPSG:4326": "WGS 84",
    "EPSG:4490": "CGCS2000 (geographic)",
    "EPSG:4549": "CGCS2000 / 3-degree Gauss-Krüger CM 120E",
    "EPSG:4548": "CGCS2000 / 3-degree Gauss-Krüger CM 117E",
    "EPSG:3857": "Web Mercator",
    "GCJ02": "GCJ-02 (Amap / Tencent lon/lat)",
}
# Text encodings of shapefile attributes: GBK/GB18030 files without a .cpg are common in China.
ENCODINGS = ("auto", "UTF-8", "GB18030", "GBK")
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile",
            ".kml": "kml", ".csv": "csv"}
LON_NAMES = ("lon", "lng", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")
# Names other tools give the feature's name (KML from Google Earth, QGIS, Amap exports).
NAME_FIELDS = ("name", "Name", "NAME", "名称")


class UploadError(ValueError):
    """The upload cannot be read; the message says why and what to do."""


@dataclass
class ImportResult:
    collection: dict[str, Any]
    source_crs: str
    notes: list[str] = field(default_factory=list)


def _clean(value: Any) -> Any:
    """A JSON-ready value: NaN/NaT (KML's empty timestamps) become None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, (str, list, dict, bool, int, float)) and pd.isna(value) is True:
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _hide_paths(text: str, folder: str) -> str:
    """Error text from GDAL names our temp folder: say 'the upload' instead."""
    return re.sub(r"/tmp/[^\s:'\"]*", "the upload", text.replace(folder, "the upload"))


def _frame_from_csv(raw: bytes) -> gpd.GeoDataFrame:
    # Every cell as text: numbers are typed later by the layer's schema (conform), so a year
    # stays 2024 and an id like 007 keeps its zeros.
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False,
                        nrows=MAX_FEATURES + 1)
    _check_count(len(table))
    columns = {c.lower(): c for c in table.columns}
    lon = next((columns[n] for n in LON_NAMES if n in columns), None)
    lat = next((columns[n] for n in LAT_NAMES if n in columns), None)
    if lon is None or lat is None:
        raise UploadError(f"CSV needs longitude and latitude columns (one of {', '.join(LON_NAMES)} and "
                          f"{', '.join(LAT_NAMES)}); found {', '.join(table.columns)}")
    xs = pd.to_numeric(table[lon].replace("", None), errors="coerce")
    ys = pd.to_numeric(table[lat].replace("", None), errors="coerce")
    bad = [i + 2 for i, (x, y, tx, ty) in enumerate(zip(xs, ys, table[lon], table[lat]))
           if (tx or ty) and (pd.isna(x) or pd.isna(y))]
    if bad:
        raise UploadError(f"CSV rows {', '.join(map(str, bad[:10]))}: longitude/latitude are not numbers")
    geometry = [None if pd.isna(x) or pd.isna(y) else gpd.points_from_xy([x], [y])[0] for x, y in zip(xs, ys)]
    table = table.drop(columns=[lon, lat]).replace("", None)
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry), crs=None)


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The shapefile parts of a zip, refused before extraction if they could fill the disk."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UploadError(f"the zip holds {len(members)} files; a zipped shapefile needs at most "
                          f"{MAX_ARCHIVE_MEMBERS}")
    total = sum(m.file_size for m in members)
    if total > MAX_ARCHIVE_BYTES:
        raise UploadError(f"the zip expands to {total / 2**20:.0f} MiB; the limit is {MAX_ARCHIVE_BYTES // 2**20} MiB")
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_COMPRESSION_RATIO and m.file_size > 2**20:
            raise UploadError(f"'{PurePosixPath(m.filename).name}' expands {m.file_size // m.compress_size}× "
                              "(a zip bomb?); refused")
        path = PurePosixPath(m.filename)
        if path.is_absolute() or ".." in path.parts:
            raise UploadError(f"the zip names a file outside itself ('{m.filename}'); refused")
    return [m for m in members if PurePosixPath(m.filename).suffix.lower() in SHAPEFILE_PARTS]


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path) -> None:
    """Copy one member, stopping if it turns out larger than it declared."""
    written = 0
    with archive.open(member) as source, target.open("wb") as sink:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > member.file_size or written > MAX_ARCHIVE_BYTES:
                raise UploadError("a zip member is larger than its header says; refused")
            sink.write(chunk)


def _dbf_encoding(dbf: Path, cpg: Path | None, chosen: str) -> tuple[str, str | None]:
    """The attribute encoding: the user's choice, else the .cpg, else UTF-8 if the text decodes
    as UTF-8, else GB18030 (a superset of GBK). Returns (encoding, note)."""
    if chosen != "auto":
        return chosen, None
    if cpg is not None:
        declared = cpg.read_text(encoding="ascii", errors="ignore").strip() or "UTF-8"
        return declared, None
    raw = dbf.read_bytes()
    try:
        raw.decode("utf-8")
        return "UTF-8", None
    except UnicodeDecodeError:
        return "GB18030", "the shapefile has no .cpg and its text is not UTF-8: read as GB18030 (GBK)"


def _read_shapefile(raw: bytes, folder: Path, encoding: str, notes: list[str]) -> gpd.GeoDataFrame:
    sniff.check_zip(raw)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise UploadError("the file is not a readable zip archive") from exc
    with archive:
        members = _safe_members(archive)
        by_suffix: dict[str, list[zipfile.ZipInfo]] = {}
        for m in members:
            by_suffix.setdefault(PurePosixPath(m.filename).suffix.lower(), []).append(m)
        if not by_suffix.get(".shp"):
            raise UploadError("the zip holds no .shp file; zip the .shp, .shx, .dbf and .prj together")
        if len(by_suffix[".shp"]) > 1:
            raise UploadError("the zip holds several shapefiles; upload one layer at a time")
        stem = PurePosixPath(by_suffix[".shp"][0].filename).stem
        parts = {s: next((m for m in ms if PurePosixPath(m.filename).stem == stem), None) for s, ms in by_suffix.items()}
        if parts.get(".dbf") is None:
            raise UploadError(f"'{stem}.dbf' is missing: a shapefile keeps its attributes (names, ids) in the "
                              ".dbf; zip it together with the .shp and .shx")
        for suffix, member in parts.items():
            if member is not None:
                _extract(archive, member, folder / f"layer{suffix}")
    sniff.check_shapefile_part((folder / "layer.shp").read_bytes()[:4])
    encoding, note = _dbf_encoding(folder / "layer.dbf", folder / "layer.cpg" if parts.get(".cpg") else None,
                                   encoding)
    if note:
        notes.append(note)
    return _read_capped(folder / "layer.shp", encoding=encoding)


def _read_capped(path: Path, **options: Any) -> gpd.GeoDataFrame:
    """Read at most MAX_FEATURES (one more tells us the file has too many)."""
    frame = pyogrio.read_dataframe(path, max_features=MAX_FEATURES + 1, **options)
    _check_count(len(frame))
    return frame


def _check_count(count: int) -> None:
    if count > MAX_FEATURES:
        raise UploadError(f"too large: more than {MAX_FEATURES:,} features (the import limit); "
                          "split the file or import a part of it")


def _geojson_features(raw: bytes) -> tuple[list[dict], str | None]:
    """Features straight from the JSON (fast for large files) and the CRS it declares, if any."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UploadError(f"not valid GeoJSON text: {exc}") from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise UploadError("not a GeoJSON FeatureCollection (no 'features' list)")
    crs = (((data.get("crs") or {}).get("properties") or {}).get("name")) if isinstance(data.get("crs"), dict) else None
    _check_count(len(data["features"]))
    features = []
    for n, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            raise UploadError(f"feature #{n} is not a JSON object")
        features.append({"type": "Feature", "properties": dict(feature.get("properties") or {}),
                         "geometry": feature.get("geometry")})
    return features, crs


def _transform(features: list[dict], source: str) -> None:
    to_wgs84 = transformer(source, "EPSG:4326")
    for feature in features:
        if feature["geometry"]:
            feature["geometry"] = shift_geometry(feature["geometry"], lambda x, y: to_wgs84.transform(x, y))


def read_upload(raw: bytes, filename: str, declared_crs: str | None = None, encoding: str = "auto") -> ImportResult:
    """Read an uploaded file into a WGS 84 FeatureCollection (properties as in the file)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{filename} is {len(raw) / 1e6:.1f} MB; uploads are limited to "
                          f"{MAX_UPLOAD_BYTES // 2**20} MiB")
    kind = SUFFIXES.get(Path(filename).suffix.lower())
    if kind is None:
        raise UploadError(f"{filename}: unsupported type; use {', '.join(sorted(SUFFIXES))}")
    if declared_crs is not None and declared_crs not in DECLARABLE_CRS:
        raise UploadError(f"unknown CRS '{declared_crs}'; choose one of {', '.join(DECLARABLE_CRS)}")
    if encoding not in ENCODINGS:
        raise UploadError(f"unknown encoding '{encoding}'; choose one of {', '.join(ENCODINGS)}")
    notes: list[str] = []
    gcj = declared_crs == "GCJ02"
    if kind == "geojson":
        features, file_crs = _geojson_features(raw)
        source_crs = _geojson_crs(file_crs, declared_crs, notes)
        if source_crs not in ("EPSG:4326", "GCJ02"):
            _transform(features, source_crs)
    else:
        frame = _read_frame(raw, kind, filename, encoding, notes)
        if frame.crs is not None and declared_crs and not gcj and frame.crs.to_string() != declared_crs:
            notes.append(f"the file declares {frame.crs.to_string()}; that was used instead of {declared_crs}")
        if frame.crs is None:
            frame = frame.set_crs("EPSG:4326" if gcj or declared_crs is None else declared_crs)
            if declared_crs is None:
                notes.append("no CRS in the file and none declared: assumed WGS 84")
        source_crs = "GCJ02" if gcj else frame.crs.to_string()
        frame = frame.to_crs("EPSG:4326")
        features = _frame_features(frame)
    if gcj:
        for feature in features:
            if feature["geometry"]:
                feature["geometry"] = shift_geometry(feature["geometry"], gcj02_to_wgs84)
    return ImportResult({"type": "FeatureCollection", "features": features}, source_crs, notes)


def _geojson_crs(file_crs: str | None, declared: str | None, notes: list[str]) -> str:
    if declared == "GCJ02":
        return "GCJ02"
    if file_crs and "CRS84" not in file_crs and file_crs not in ("EPSG:4326", "urn:ogc:def:crs:EPSG::4326"):
        if declared and declared != file_crs:
            notes.append(f"the file declares {file_crs}; that was used instead of {declared}")
        try:
            return CRS.from_user_input(file_crs).to_string()
        except Exception as exc:  # pyproj's CRSError and friends: an unknown CRS name
            raise UploadError(f"the file declares an unknown CRS '{file_crs}'") from exc
    return declared or "EPSG:4326"


def _read_frame(raw: bytes, kind: str, filename: str, encoding: str, notes: list[str]) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            if kind == "csv":
                return _frame_from_csv(raw)
            if kind == "shapefile":
                return _read_shapefile(raw, folder, encoding, notes)
            path = folder / f"upload.{kind}"
            if kind == "kml":
                sniff.check_kml(raw)
                path.write_bytes(raw)
                return _named(_read_capped(path))
            sniff.check_geopackage_header(raw)
            path.write_bytes(raw)
            tables = sniff.geopackage_feature_tables(path)
            if len(tables) > 1:
                notes.append(f"the GeoPackage holds {len(tables)} feature tables; '{tables[0]}' was read")
            return _read_capped(path, layer=tables[0])
        except sniff.ContentMismatch as exc:
            raise UploadError(f"{filename}: {exc}") from exc
        except UploadError:
            raise
        except Exception as exc:  # GDAL/pandas raise many types; report them as one clear error
            raise UploadError(f"{filename} could not be read as {kind}: {_hide_paths(str(exc), tmp)}") from exc


KML_DISPLAY_FIELDS = {"timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
                      "drawOrder", "icon"}  # how Google Earth draws a placemark, not facts about it


def _named(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """KML keeps the name in 'Name' and notes in 'Description': offer them as name_zh/description."""
    frame = frame.drop(columns=[c for c in frame.columns if c in KML_DISPLAY_FIELDS])
    frame = frame.rename(columns={c: c.lower() for c in frame.columns if c in ("Name", "Description")})
    if "name" in frame and "name_zh" not in frame:
        frame = frame.rename(columns={"name": "name_zh"})
    return frame


def _frame_features(frame: gpd.GeoDataFrame) -> list[dict]:
    geometries = json.loads(frame.geometry.to_json())["features"]
    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[columns].to_dict("records")
    return [{"type": "Feature", "properties": {k: _clean(v) for k, v in props.items()},
             "geometry": geom["geometry"]} for props, geom in zip(records, geometries)]


# -- fitting imported properties to a layer ----------------------------------------------

def _as_list(value: Any) -> list[str] | Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, list):
                return [str(v) for v in parsed]
        except ValueError:
            pass
    return [v.strip() for v in re.split(r"[、,;，；]", text) if v.strip()]


def _typed(value: Any, ptype: str) -> Any:
    """The value as the schema's type when it reads unambiguously as one; else unchanged, so
    validation names the field."""
    if value is None or value == "":
        return None
    try:
        if ptype == "integer":
            number = float(value)
            return int(number) if number.is_integer() else value
        if ptype == "number":
            return float(value)
        if ptype == "boolean":
            if isinstance(value, bool):
                return value
            return {"true": True, "1": True, "是": True, "false": False, "0": False, "否": False}.get(
                str(value).strip().lower(), value)
        if ptype == "string_list":
            return _as_list(value)
        if ptype == "string":
            return value if isinstance(value, str) else str(value)
    except (TypeError, ValueError):
        return value
    return value


def conform(collection: dict[str, Any], spec: LayerSpec) -> dict[str, Any]:
    """Imported properties typed by the layer's schema (CSV and shapefiles carry only text and
    numbers: a year 2024.0 becomes 2024, 'a、b' a list), empty values dropped."""
    features = []
    for feature in collection["features"]:
        props = {}
        for key, value in feature["properties"].items():
            prop = spec.property(key)
            typed = _typed(value, prop.type) if prop else value
            if typed is not None and typed != [] and typed != "":
                props[key] = typed
        features.append({**feature, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def merge(existing: dict[str, Any], incoming: dict[str, Any], mode: str, id_prefix: str = "imported_") -> dict[str, Any]:
    """'append' adds features (replacing those with the same id); 'replace' swaps the whole layer;
    'update' changes only the fields an incoming feature gives (and its geometry, if it has one)
    on the feature with the same id. Features without an id get a new one."""
    taken = {f["properties"].get("id") for f in existing["features"]}
    incoming_features = []
    counter = 1
    for feature in incoming["features"]:
        props = dict(feature["properties"])
        if not props.get("id"):
            while f"{id_prefix}{counter}" in taken:
                counter += 1
            props["id"] = f"{id_prefix}{counter}"
            taken.add(props["id"])
        incoming_features.append({**feature, "properties": props})
    if mode == "replace":
        return {"type": "FeatureCollection", "features": incoming_features}
    if mode == "update":
        by_id = {f["properties"]["id"]: f for f in incoming_features}
        features = []
        for feature in existing["features"]:
            update = by_id.get(feature["properties"].get("id"))
            if update is None:
                features.append(feature)
                continue
            merged = {**feature["properties"], **update["properties"]}
            features.append({**feature, "properties": merged,
                             "geometry": update["geometry"] if update.get("geometry") else feature.get("geometry")})
        return {"type": "FeatureCollection", "features": features}
    if mode != "append":
        raise ValueError(f"mode must be 'append', 'update' or 'replace', not {mode!r}")
    incoming_ids = {f["properties"]["id"] for f in incoming_features}
    kept = [f for f in existing["features"] if f["properties"].get("id") not in incoming_ids]
    return {"type": "FeatureCollection", "features": kept + incoming_features}
