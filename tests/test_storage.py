"""Canonical GeoJSON: stable bytes, one feature per line, atomic writes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from layers.settings import GEODATA_DIR
from layers.model.storage import atomic_write_text, dumps_canonical, read_geojson, write_geojson


@pytest.mark.parametrize("path", sorted(GEODATA_DIR.glob("*.geojson")), ids=lambda p: p.name)
def test_committed_files_are_canonical(path: Path):
    assert dumps_canonical(read_geojson(path)) == path.read_text(encoding="utf-8"), \
        f"{path.name} is not canonical: run `python -m layers fmt`"


def test_one_feature_per_line_and_rounded_coordinates():
    collection = {"type": "FeatureCollection", "crs": {"x": 1}, "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.123456789, 30.5]},
         "properties": {"source": "s", "id": "a", "name_en": "A", "name_zh": "甲"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.0, 30.0]},
         "properties": {"id": "b"}}]}
    text = dumps_canonical(collection)
    lines = text.splitlines()
    assert len(lines) == 4 and "crs" not in text
    assert '"properties":{"id":"a","name_zh":"甲","name_en":"A","source":"s"}' in lines[1]
    assert "120.123457" in lines[1]
    assert dumps_canonical(json.loads(text)) == text


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path: Path, monkeypatch):
    target = tmp_path / "layer.geojson"
    target.write_text("old", encoding="utf-8")

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["layer.geojson"]


def test_write_keeps_file_mode(tmp_path: Path):
    target = tmp_path / "layer.geojson"
    write_geojson(target, {"type": "FeatureCollection", "features": []})
    assert target.stat().st_mode & 0o777 == 0o644


def test_old_published_versions_are_pruned_after_the_grace_period(tmp_path, monkeypatch):
    import os
    import time

    from layers.web import assets

    monkeypatch.setattr(assets, "HZ_DIR", tmp_path)
    old = tmp_path / "mapconfig.zh.aaaaaaaaaaaa.json"
    old.write_text("{}")
    recent = tmp_path / "mapconfig.zh.bbbbbbbbbbbb.json"
    recent.write_text("{}")
    other = tmp_path / "mapconfig.en.cccccccccccc.json"
    other.write_text("{}")
    past = time.time() - assets.STALE_AFTER_SECONDS - 10
    for path in (old, other):
        os.utime(path, (past, past))
    assets.publish_hashed("mapconfig.zh", ".json", b'{"new": 1}')
    names = {p.name for p in tmp_path.iterdir()}
    assert old.name not in names  # an old version of the same file: gone
    assert recent.name in names  # a browser may still fetch it
    assert other.name in names  # another language's file is not this one's version
