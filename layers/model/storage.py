"""Reading and writing GeoJSON files in the project's canonical form.

Canonical form (DESIGN.md data contract): UTF-8, no `crs` member, coordinates rounded
to 6 decimals, one feature per line with a stable key order, so an edit shows as a
small git diff and writing the same data twice gives the same bytes.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from layers.model.findings import ERROR, Finding, LayerError

COORD_DECIMALS = 6
# Properties that read best first in a diff; the rest follow alphabetically.
LEADING_KEYS = ("id", "name_zh", "name_en")


MAX_FILE_BYTES = 100 * 1024 * 1024  # a layer larger than this belongs in a database, not a GeoJSON file
MAX_FEATURES = 500_000


def read_geojson(path: Path) -> dict[str, Any]:
    """Parse a GeoJSON file, raising LayerError that names the file and the line on failure."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LayerError([Finding(ERROR, name, f"file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MiB limit",
                                      "split the layer or simplify its geometry (QGIS: Vector ▸ Geometry Tools ▸ Simplify)")])
        raw = path.read_bytes()
    except OSError as exc:
        raise LayerError([Finding(ERROR, name, f"cannot read file: {exc.strerror}",
                                  "check that the file exists and is readable")]) from exc
    if not raw.strip():
        raise LayerError([Finding(ERROR, name, "file is empty (0 bytes of JSON)",
                                  "restore it from git history or the editing history folder")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayerError([Finding(ERROR, name, f"not UTF-8 text (byte {exc.start})",
                                  "save the file as UTF-8")]) from exc
    return parse_json_text(text, name)


class _NonStandard(ValueError):
    pass


def _refuse_constant(constant: str) -> None:
    raise _NonStandard(constant)


def parse_json_text(text: str, name: str) -> Any:
    """Strict, bounded JSON: NaN/Infinity, absurdly deep nesting and numbers of thousands of
    digits are findings (they crash or corrupt other tools), as is a syntax error."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise LayerError([Finding(ERROR, name,
                                  f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                                  "fix the syntax there (a missing comma, bracket or quote is typical)")]) from exc
    except _NonStandard as exc:
        raise LayerError([Finding(ERROR, name, f"'{exc}' is not valid JSON (RFC 8259 has no NaN or Infinity)",
                                  "write a number, or leave the value out")]) from exc
    except RecursionError as exc:
        raise LayerError([Finding(ERROR, name, "the JSON is nested too deeply to be a GeoJSON layer",
                                  "GeoJSON needs at most a handful of levels; the file is damaged or hostile")]) from exc
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise LayerError([Finding(ERROR, name, f"a value cannot be read: {str(exc)[:120]}",
                                  "numbers in GeoJSON are coordinates and measures: a few digits each")]) from exc
    if isinstance(data, dict) and isinstance(data.get("features"), list) and len(data["features"]) > MAX_FEATURES:
        raise LayerError([Finding(ERROR, name, f"{len(data['features'])} features, over the {MAX_FEATURES} limit",
                                  "a layer this large belongs in a database or a tile service")])
    return data


def _round_coords(value: Any) -> Any:
    if isinstance(value, float):
        rounded = round(value, COORD_DECIMALS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, list):
        return [_round_coords(v) for v in value]
    return value


def _ordered_properties(props: dict[str, Any]) -> dict[str, Any]:
    lead = [k for k in LEADING_KEYS if k in props]
    rest = sorted(k for k in props if k not in LEADING_KEYS)
    return {k: props[k] for k in lead + rest}


def canonical_feature(feature: dict[str, Any]) -> dict[str, Any]:
    geometry = feature.get("geometry")
    if geometry is not None:
        geometry = {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"])}
    return {
        "type": "Feature",
        "properties": _ordered_properties(feature.get("properties") or {}),
        "geometry": geometry,
    }


def dumps_canonical(collection: dict[str, Any]) -> str:
    """Serialise a FeatureCollection: header line, one feature per line, closing line. Strict
    JSON only: a NaN or infinite number raises ValueError instead of being written."""
    features = [canonical_feature(f) for f in collection.get("features", [])]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if body else "") + "]}\n"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via temp file + fsync + rename, so a crash leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # mkstemp creates 0600; keep the existing file's mode (or a normal 0644) for git and QGIS.
    os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_geojson(path: Path, collection: dict[str, Any]) -> None:
    atomic_write_text(path, dumps_canonical(collection))
