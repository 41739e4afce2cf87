"""Saves never lose work: validation first, conflicts refused, history kept, writes atomic."""
from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from layers.model.catalogue import parse_catalogue
from layers.editing.editing import (ConflictError, diff_summary, list_versions, load_for_edit, restore, save_layer,
                            undo_last)
from layers.model.findings import LayerError
from layers.settings import CATALOGUE_FILE, GEODATA_DIR

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def spec(tmp_path, monkeypatch):
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    (geodata / "partner_cities.geojson").write_bytes((GEODATA_DIR / "partner_cities.geojson").read_bytes())
    monkeypatch.setattr("layers.settings.GEODATA_DIR", geodata)
    return parse_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))).get("partner_cities")


def _rename(data, index, name):
    edited = copy.deepcopy(data)
    edited["features"][index]["properties"]["name_en"] = name
    return edited


def test_second_of_two_concurrent_saves_is_refused_and_both_edits_survive(spec):
    data_a, version_a = load_for_edit(spec)  # editor A opens the layer
    data_b, version_b = load_for_edit(spec)  # editor B opens the same version
    save_layer(spec, _rename(data_a, 0, "Shanghai (A)"), version_a, "a")
    edit_b = _rename(data_b, 1, "Hongqiao (B)")
    with pytest.raises(ConflictError, match="changed by someone else"):
        save_layer(spec, edit_b, version_b, "b")
    on_disk, fresh_version = load_for_edit(spec)
    assert on_disk["features"][0]["properties"]["name_en"] == "Shanghai (A)"
    assert edit_b["features"][1]["properties"]["name_en"] == "Hongqiao (B)"  # B's work is still in hand
    # B re-applies on the fresh version and saves: both edits are now on disk
    save_layer(spec, _rename(on_disk, 1, "Hongqiao (B)"), fresh_version, "b")
    final, _ = load_for_edit(spec)
    assert [f["properties"]["name_en"] for f in final["features"][:2]] == ["Shanghai (A)", "Hongqiao (B)"]


def test_an_outside_edit_after_loading_is_detected(spec):
    data, version = load_for_edit(spec)
    spec.path.write_text(spec.path.read_text(encoding="utf-8").replace("Hangzhou", "Hangzhou City"), encoding="utf-8")
    with pytest.raises(ConflictError):
        save_layer(spec, _rename(data, 0, "x"), version, "a")
    assert "Hangzhou City" in spec.path.read_text(encoding="utf-8")


def test_invalid_edits_are_refused_before_anything_is_written(spec):
    data, version = load_for_edit(spec)
    before = spec.path.read_bytes()
    broken = copy.deepcopy(data)
    broken["features"][0]["properties"]["direction"] = "up"
    with pytest.raises(LayerError, match="direction"):
        save_layer(spec, broken, version, "a")
    assert spec.path.read_bytes() == before and list_versions(spec) == []


def test_history_lists_who_when_what_and_restores_and_undoes(spec):
    original, version = load_for_edit(spec)
    save_layer(spec, _rename(original, 0, "One"), version, "wang")
    data, version = load_for_edit(spec)
    save_layer(spec, _rename(data, 0, "Two"), version, "li")
    versions = list_versions(spec)
    assert [v.user for v in versions] == ["li", "wang"]
    assert versions[0].summary == "changed city_shanghai (name_en)"
    undo_last(spec, "li")
    assert load_for_edit(spec)[0]["features"][0]["properties"]["name_en"] == "One"
    restore(spec, list_versions(spec)[-1], load_for_edit(spec)[1], "wang")  # back to before the first save
    assert load_for_edit(spec)[0] == original


def test_diff_summary_names_added_removed_and_changed_features():
    old = {"features": [{"properties": {"id": "a", "x": 1}, "geometry": None},
                        {"properties": {"id": "b"}, "geometry": None}]}
    new = {"features": [{"properties": {"id": "a", "x": 2}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
                        {"properties": {"id": "c"}, "geometry": None}]}
    assert diff_summary(old, new) == "added c; removed b; changed a (x, geometry)"


def test_a_write_killed_half_way_leaves_the_old_file_intact(tmp_path):
    target = tmp_path / "layer.geojson"
    target.write_text("OLD", encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        import layers.model.storage as storage
        real_fdopen = storage.os.fdopen
        def slow_fdopen(fd, *a, **k):
            handle = real_fdopen(fd, *a, **k)
            real_write = handle.write
            def write(text):
                for i in range(0, len(text), 1000):
                    real_write(text[i:i + 1000]); handle.flush(); time.sleep(0.01)
            handle.write = write
            return handle
        storage.os.fdopen = slow_fdopen
        print("start", flush=True)
        storage.atomic_write_text(__import__("pathlib").Path({str(target)!r}), "NEW" * 200000)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert target.read_text(encoding="utf-8") == "OLD"


def test_rebase_reapplies_my_edits_onto_the_newer_file():
    from layers.editing.editing import rebase

    f = lambda i, v: {"type": "Feature", "properties": {"id": i, "v": v}, "geometry": None}  # noqa: E731
    base = {"features": [f("a", 1), f("b", 1), f("c", 1)]}
    mine = {"features": [f("a", 2), f("c", 1), f("d", 1)]}           # changed a, deleted b, added d
    theirs = {"features": [f("a", 1), f("b", 1), f("c", 9), f("e", 1)]}  # they changed c, added e
    merged, conflicts = rebase(base, mine, theirs)
    assert [(x["properties"]["id"], x["properties"]["v"]) for x in merged["features"]] == \
        [("a", 2), ("c", 9), ("e", 1), ("d", 1)]
    assert conflicts == []
    theirs["features"][0] = f("a", 5)  # both changed a
    assert rebase(base, mine, theirs)[1] == ["a"]
