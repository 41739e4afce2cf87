"""Data downloads for the export page and CLI: load the requested layers and write them as
GeoJSON, GeoPackage, a zipped shapefile or KML. PNG and PDF are layers.printing.exports."""
from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
import warnings
from pathlib import Path

import geopandas as gpd

from layers.model.catalogue import Catalogue
from layers.io.loader import load_layer
from layers.model.findings import ExportError

KML_NS = "http://www.opengis.net/kml/2.2"


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
    """A KML file with one folder per layer, for Google Earth and phone apps. Built with an XML
    writer, so text from the data (ids, names with quotes or '<') is escaped, never markup."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    document = ET.SubElement(root, f"{{{KML_NS}}}Document")
    for layer_id, data in load_for_export(catalogue, layer_ids).items():
        spec = catalogue.get(layer_id)
        folder = ET.SubElement(document, f"{{{KML_NS}}}Folder")
        ET.SubElement(folder, _k("name")).text = layer_id  # the layer name GIS tools show, as in the GeoPackage
        ET.SubElement(folder, _k("description")).text = f"{spec.title_zh} / {spec.title_en}"
        for feature in data["features"]:
            if not feature.get("geometry"):
                continue  # unlocated: nothing to place
            _placemark(folder, feature)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _coords(positions) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in positions)


def _kml_geometry(parent, geometry: dict) -> None:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind.startswith("Multi"):
        multi = ET.SubElement(parent, _k("MultiGeometry"))
        for part in coords:
            _kml_geometry(multi, {"type": kind.removeprefix("Multi"), "coordinates": part})
    elif kind == "Point":
        ET.SubElement(ET.SubElement(parent, _k("Point")), _k("coordinates")).text = _coords([coords])
    elif kind == "LineString":
        ET.SubElement(ET.SubElement(parent, _k("LineString")), _k("coordinates")).text = _coords(coords)
    elif kind == "Polygon":
        polygon = ET.SubElement(parent, _k("Polygon"))
        for n, ring in enumerate(coords):
            boundary = ET.SubElement(polygon, _k("outerBoundaryIs" if n == 0 else "innerBoundaryIs"))
            ET.SubElement(ET.SubElement(boundary, _k("LinearRing")), _k("coordinates")).text = _coords(ring)


def _placemark(folder, feature: dict) -> None:
    props = feature["properties"]
    mark = ET.SubElement(folder, _k("Placemark"))
    ET.SubElement(mark, _k("name")).text = str(props.get("name_zh") or props.get("id", ""))
    extended = ET.SubElement(mark, _k("ExtendedData"))
    for key, value in props.items():
        data = ET.SubElement(extended, _k("Data"), name=str(key))
        ET.SubElement(data, _k("value")).text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    _kml_geometry(mark, feature["geometry"])


def _layer_frame(data: dict) -> gpd.GeoDataFrame:
    """GeoPackage columns are scalar: list values are joined with 、."""
    frame = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    for column in frame.columns:
        if column != "geometry" and frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(lambda v: "、".join(v) if isinstance(v, list) else v)
    return frame
