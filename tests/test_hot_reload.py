"""An edit on disk shows on the next interaction; a broken edit keeps the last good version."""
from __future__ import annotations

import json
import os

from layers.model.catalogue import parse_catalogue
from layers.settings import CATALOGUE_FILE, GEODATA_DIR
from layers.web.session import LayerRegistry


def test_registry_follows_file_edits_and_keeps_last_good_version(tmp_path, monkeypatch):
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    target = geodata / "partner_cities.geojson"
    target.write_bytes((GEODATA_DIR / "partner_cities.geojson").read_bytes())
    monkeypatch.setattr("layers.settings.GEODATA_DIR", geodata)
    monkeypatch.setattr("layers.web.assets.LAYER_DATA_DIR", tmp_path / "static_layers")
    spec = parse_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))).get("partner_cities")
    registry = LayerRegistry()
    first = registry.view(spec)
    assert first.url and not first.stale
    assert registry.view(spec) is first  # unchanged file: served from memory

    data = json.loads(target.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name_en"] = "Shanghai!"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.utime(target, ns=(1, 2))  # make sure the version changes even on coarse clocks
    second = registry.view(spec)
    assert second.url != first.url and second.data["features"][0]["properties"]["name_en"] == "Shanghai!"

    target.write_text("{broken", encoding="utf-8")
    third = registry.view(spec)
    assert third.stale and third.url == second.url and "invalid JSON" in str(third.findings[0])
