"""Layer attributes as tables (data catalogue page, CSV download)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from .catalogue import LayerSpec


def attribute_table(spec: LayerSpec, data: dict[str, Any]) -> pd.DataFrame:
    """One row per feature, columns in schema order, lists joined with '、', plus 'located'."""
    columns = [p.name for p in spec.properties]
    rows = []
    for feature in data["features"]:
        props = feature["properties"]
        row = {c: ("、".join(props[c]) if isinstance(props.get(c), list) else props.get(c)) for c in columns}
        row["located"] = feature.get("geometry") is not None
        rows.append(row)
    return pd.DataFrame(rows, columns=columns + ["located"])


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


def csv_bytes(table: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so Excel on Windows opens Chinese text correctly.
    return table.to_csv(index=False).encode("utf-8-sig")
