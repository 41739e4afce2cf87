"""Attribute tables for the data catalogue page."""
from __future__ import annotations

import io

import pandas as pd

from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer
from layers.io.tables import attribute_table, csv_bytes, filter_table

SPEC = load_catalogue().get("rail_stations")
TABLE = attribute_table(SPEC, load_layer(SPEC).data)


def test_one_row_per_feature_with_schema_columns_and_located_flag():
    assert len(TABLE) == len(load_layer(SPEC).data["features"])
    assert list(TABLE.columns[:4]) == ["id", "name_zh", "name_en", "source"]
    by_id = TABLE.set_index("id")
    assert by_id.loc["stn_anji", "located"] and by_id.loc["stn_huzhou", "located"]
    parks_spec = load_catalogue().get("industrial_parks")
    parks = attribute_table(parks_spec, load_layer(parks_spec).data).set_index("id")
    assert not parks.loc["park_changxing_nev", "located"]  # unlocated: no sourced position yet
    assert "、" in TABLE.loc[TABLE.id == "stn_huzhou", "lines"].item()


def test_filter_by_text_in_any_column_and_by_value():
    assert set(filter_table(TABLE, "南浔站").id) == {"stn_huzhou_nanxun"}
    assert {"stn_huzhou_nanxun", "stn_huzhou_east"} <= set(filter_table(TABLE, "南浔").id)  # any column: 东站's accuracy
    assert set(filter_table(TABLE, "hongqiao").id) >= {"stn_shanghai_hongqiao"}
    assert len(filter_table(TABLE, "", status="planned")) == 0


def test_csv_round_trips_chinese_text():
    frame = pd.read_csv(io.BytesIO(csv_bytes(TABLE)), encoding="utf-8-sig")
    assert "湖州站" in set(frame.name_zh)
