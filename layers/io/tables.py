"""Layer attributes as tables (data catalogue page, CSV download)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from layers.model.catalogue import LayerSpec


def attribute_table(spec: LayerSpec, data: dict[str, Any]) -> pd.DataFrame:
    """One row per feature, columns in schema order, lists joined with '、', plus 'located'.
    Object columns: a year stays 2024 (not 2024.0) where other rows have none."""
    columns = [p.name for p in spec.properties]
    rows = []
    for feature in data["features"]:
        props = feature["properties"]
        row = {c: ("、".join(props[c]) if isinstance(props.get(c), list) else props.get(c)) for c in columns}
        row["located"] = feature.get("geometry") is not None
        rows.append(row)
    columns.append("located")
    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=object) for c in columns}, columns=columns)


def csv_table(spec: LayerSpec, data: dict[str, Any]) -> pd.DataFrame:
    """The table for a CSV download that imports back unchanged: the schema's columns, and
    lon/lat for point layers (empty where a feature has no position yet)."""
    table = attribute_table(spec, data).drop(columns=["located"])
    if spec.geometry == "Point":
        points = [f["geometry"]["coordinates"] if f.get("geometry") and f["geometry"]["type"] == "Point" else [None, None]
                  for f in data["features"]]
        table["lon"] = [p[0] for p in points]
        table["lat"] = [p[1] for p in points]
    return table


def filter_table(table: pd.DataFrame, text: str = "", **equals: str | None) -> pd.DataFrame:
    """Rows whose cells contain `text` (case-insensitive) and whose columns equal the given values."""
    mask = pd.Series(True, index=table.index)
    if text:
        needle = text.casefold()
        mask &= table.astype(str).apply(lambda col: col.str.casefold().str.contains(needle, regex=False)).any(axis=1)
    for column, value in equals.items():
        if value and column in table:
            mask &= table[column] == value
    return table[mask]


def distinct_sources(table: pd.DataFrame) -> list[str]:
    return sorted({s for s in table.get("source", pd.Series(dtype=str)).dropna()})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
    injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so Excel on Windows opens Chinese text correctly.
    safe = pd.DataFrame({c: pd.Series([_cell(v) for v in table[c]], dtype=object, index=table.index)
                         for c in table.columns}, columns=table.columns)  # object: 2024 stays 2024
    return safe.to_csv(index=False).encode("utf-8-sig")
