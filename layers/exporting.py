"""Glue for the export page and CLI: load requested layers, render, and bundle downloads."""
from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
import warnings
from pathlib import Path

import geopandas as gpd

from .catalogue import Catalogue
from .loader import load_layer
from .printmap import ExportError, ExportRequest, ExportResult, render_pdf, render_png

BASE_PAGE = "base"  # the PDF page of base data (no plan overlays)

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


def export_png(catalogue: Catalogue, request: ExportRequest) -> ExportResult:
    return render_png(request, catalogue, load_for_export(catalogue, request.layers))


def pdf_pages(catalogue: Catalogue) -> list[str]:
    """The handout's pages, in order: each plan framework, newest first, then the base data."""
    return sorted(catalogue.plans(), reverse=True) + [BASE_PAGE]


def page_layers(catalogue: Catalogue, name: str) -> list[str]:
    """A PDF page's layers: a plan preset, or the default-visible base layers."""
    if name == BASE_PAGE:
        return [s.id for s in catalogue.layers if s.visible and not catalogue.is_bulk_group(s.group)]
    if name not in catalogue.plans():
        raise ExportError(f"unknown PDF page '{name}'; use {', '.join(pdf_pages(catalogue))}")
    return catalogue.plan_layers(name)


def export_pdf(catalogue: Catalogue, template: ExportRequest, pages: list[str] | None = None) -> bytes:
    """A handout: one page per plan framework (and base data), each with its own legend and
    notes; the page's plan is named in its subtitle. `template` gives size, title, language
    and the note fields; its layers are ignored."""
    from dataclasses import replace

    from .i18n import page

    pages = pages or pdf_pages(catalogue)
    requests = []
    for name in pages:
        layers = page_layers(catalogue, name)
        plan = page("print", template.lang)["base_page"] if name == BASE_PAGE else page("export", template.lang)[f"plan_{name}"]
        subtitle = f"{template.subtitle} · {plan}" if template.subtitle else plan
        requests.append(replace(template, layers=layers, subtitle=subtitle, basemap=None, transparent=False))
    data = load_for_export(catalogue, sorted({i for r in requests for i in r.layers}))
    return render_pdf(requests, catalogue, data)


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
