"""Glue for the export page and CLI: load requested layers, render, and bundle downloads."""
from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd

from .catalogue import Catalogue
from .loader import load_layer
from .printmap import ExportError, ExportRequest, ExportResult, render_png


def load_for_export(catalogue: Catalogue, layer_ids: list[str]) -> dict[str, dict]:
    known = {s.id for s in catalogue.layers}
    data = {}
    for layer_id in layer_ids:
        if layer_id not in known:
            raise ExportError(f"unknown layer '{layer_id}'; known: {', '.join(sorted(known))}")
        layer = load_layer(catalogue.get(layer_id))
        if not layer.ok:
            raise ExportError(f"layer '{layer_id}' has errors:\n" + "\n".join(map(str, layer.findings)))
        data[layer_id] = layer.data
    return data


def export_png(catalogue: Catalogue, request: ExportRequest) -> ExportResult:
    return render_png(request, catalogue, load_for_export(catalogue, request.layers))


def geojson_bytes(catalogue: Catalogue, layer_ids: list[str]) -> bytes:
    """One FeatureCollection of the chosen layers; each feature keeps a `layer` property."""
    features = []
    for layer_id, data in load_for_export(catalogue, layer_ids).items():
        for feature in data["features"]:
            features.append({**feature, "properties": {"layer": layer_id, **feature["properties"]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def geopackage_bytes(catalogue: Catalogue, layer_ids: list[str]) -> bytes:
    """A GeoPackage with one table per layer, as QGIS users expect."""
    # pyogrio cannot append to an in-memory file, so write a temporary file and read it back.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layers.gpkg"
        for layer_id, data in load_for_export(catalogue, layer_ids).items():
            _layer_frame(data).to_file(path, layer=layer_id, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def shapefile_zip_bytes(catalogue: Catalogue, layer_ids: list[str]) -> bytes:
    """One Shapefile per layer (UTF-8 .cpg, WGS 84 .prj) in a zip; unlocated features are left
    out because a Shapefile record needs a shape. Field names are cut to 10 characters by the format."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for layer_id, data in load_for_export(catalogue, layer_ids).items():
            frame = _layer_frame(data)
            frame = frame[frame.geometry.notna()]
            if frame.empty:
                continue
            path = Path(tmp) / f"{layer_id}.shp"
            with warnings.catch_warnings():  # the 10-character field-name cut is documented above
                warnings.simplefilter("ignore")
                frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
            for part in sorted(Path(tmp).glob(f"{layer_id}.*")):
                archive.write(part, part.name)
    return buffer.getvalue()


def kml_bytes(catalogue: Catalogue, layer_ids: list[str]) -> bytes:
    """A KML file with one folder (layer) per catalogue layer, for Google Earth and phone apps."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layers.kml"
        for layer_id, data in load_for_export(catalogue, layer_ids).items():
            frame = _layer_frame(data)
            frame = frame[frame.geometry.notna()]
            if not frame.empty:
                frame.to_file(path, layer=layer_id, driver="KML", engine="pyogrio",
                              append=path.exists())
        return path.read_bytes() if path.exists() else b""


def _layer_frame(data: dict) -> gpd.GeoDataFrame:
    """GeoPackage columns are scalar: list values are joined with 、."""
    frame = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    for column in frame.columns:
        if column != "geometry" and frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(lambda v: "、".join(v) if isinstance(v, list) else v)
    return frame
