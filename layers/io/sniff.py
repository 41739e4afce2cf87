"""Is an upload what its name says? Checked on the bytes, before GDAL sees the file.

GDAL picks a driver from a file's content, not its name: a GDAL VRT named `stations.kml` is
opened as a VRT and reads whatever server file or URL it names. So each kind is recognised
here by its own signature, and anything else is refused:
- KML: XML whose root element is `kml` (no DOCTYPE: entities are how XML reads other files);
- GeoPackage: SQLite 3 with the GeoPackage application id in its header, and only the tables
  its `gpkg_contents` lists as features, never a view (a view can run any query, forever);
- zipped shapefile: a zip whose .shp starts with the shapefile file code.
GeoJSON and CSV are parsed by Python, not GDAL, and need no sniffing.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path


class ContentMismatch(ValueError):
    """The bytes are not the kind of file the name says; the message says what was expected."""


SQLITE_MAGIC = b"SQLite format 3\x00"
GPKG_APPLICATION_IDS = {b"GPKG", b"GP10", b"GP11"}  # GeoPackage 1.2+ and the two older ids
SHP_FILE_CODE = b"\x00\x00\x27\x0a"  # 9994, big-endian: the first four bytes of every .shp
ZIP_MAGIC = b"PK\x03\x04"
_XML_PROLOGUE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*", re.S)
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s>/]")


def check_kml(raw: bytes) -> None:
    head = raw[:65536]
    prologue = _XML_PROLOGUE.match(head)
    rest = head[prologue.end():] if prologue else head
    if rest[:9].upper() == b"<!DOCTYPE":
        raise ContentMismatch("a KML file must not carry a DOCTYPE (it could read other files); export it again")
    root = _ROOT_TAG.match(rest)
    if root is None or root.group(2).lower() != b"kml":
        found = root.group(2).decode("ascii", "replace") if root else "no XML"
        raise ContentMismatch(f"not KML: the file's root element is <{found}>, a KML file starts with <kml>")


def check_geopackage_header(raw: bytes) -> None:
    if raw[:16] != SQLITE_MAGIC:
        raise ContentMismatch("not a GeoPackage: the file is not an SQLite database")
    if raw[68:72] not in GPKG_APPLICATION_IDS:
        raise ContentMismatch("not a GeoPackage: an SQLite database without the GeoPackage application id")


def geopackage_feature_tables(path: Path) -> list[str]:
    """The feature tables `gpkg_contents` lists that are real tables (not views), in its order."""
    uri = f"file:{path}?mode=ro&immutable=1"
    db = None
    try:
        db = sqlite3.connect(uri, uri=True)
        db.execute("PRAGMA trusted_schema = OFF")
        kinds = dict(db.execute("SELECT name, type FROM sqlite_master"))
        if kinds.get("gpkg_contents") != "table":
            raise ContentMismatch("not a GeoPackage: no gpkg_contents table")
        listed = [name for (name,) in db.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features'")]
    except sqlite3.DatabaseError as exc:
        raise ContentMismatch(f"the GeoPackage cannot be read: {exc}") from exc
    finally:
        if db is not None:
            db.close()
    tables = [name for name in listed if kinds.get(name) == "table"]
    if not tables:
        views = [name for name in listed if kinds.get(name) == "view"]
        why = f" ({', '.join(views)} {'is a view' if len(views) == 1 else 'are views'}, which are not read)" if views else ""
        raise ContentMismatch(f"the GeoPackage holds no feature table{why}")
    return tables


def check_shapefile_part(shp_head: bytes) -> None:
    if shp_head[:4] != SHP_FILE_CODE:
        raise ContentMismatch("the .shp in the zip is not a shapefile (wrong file code)")


def check_zip(raw: bytes) -> None:
    if raw[:4] != ZIP_MAGIC:
        raise ContentMismatch("not a zip archive; zip the .shp, .shx, .dbf and .prj together")
