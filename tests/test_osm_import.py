"""import-osm on a tiny extract the test writes itself."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from layers.model.catalogue import parse_catalogue
from layers.model.findings import LayerError
from layers.editing.osm_import import import_osm, normalise
from layers.settings import CATALOGUE_FILE, REPO_ROOT

OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hz-test">
  <node id="1" lat="30.8649" lon="120.0178"/><node id="2" lat="30.95" lon="119.99"/>
  <node id="3" lat="31.0440" lon="119.9694"/><node id="4" lat="31.20" lon="119.90"/>
  <node id="5" lat="30.90" lon="120.10"/><node id="6" lat="30.88" lon="120.40"/>
  <node id="7" lat="40.0" lon="116.4"/><node id="8" lat="40.1" lon="116.5"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="railway" v="rail"/><tag k="name" v="宁杭高速铁路"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><tag k="railway" v="rail"/><tag k="name" v="宁杭高速铁路"/></way>
  <way id="12"><nd ref="5"/><nd ref="6"/><tag k="waterway" v="canal"/><tag k="name" v="长湖申线"/></way>
  <way id="13"><nd ref="5"/><nd ref="6"/><tag k="railway" v="rail"/><tag k="name" v="无名支线铁路"/></way>
  <way id="14"><nd ref="7"/><nd ref="8"/><tag k="railway" v="rail"/><tag k="name" v="宣杭铁路"/></way>
</osm>
"""


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch):
    """A catalogue whose files point at a private copy of geodata/."""
    geodata = tmp_path / "geodata"
    shutil.copytree(REPO_ROOT / "geodata", geodata)
    monkeypatch.setattr("layers.settings.GEODATA_DIR", geodata)
    extract = tmp_path / "tiny.osm"
    extract.write_text(OSM, encoding="utf-8")
    catalogue = parse_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))
    return catalogue, geodata, extract


def test_names_normalise_across_common_suffixes():
    assert normalise("宁杭高速铁路") == normalise("宁杭高铁") == "宁杭"
    assert normalise("长湖申线") == normalise("长湖申航道") == "长湖申"


def test_matching_by_name_reports_what_matched_and_what_not(workspace):
    catalogue, geodata, extract = workspace
    report = import_osm(extract, catalogue, write=False)
    assert report.matched == {"rail_ninghang": ["宁杭高速铁路"], "ww_changhushen": ["长湖申线"]}
    assert "无名支线铁路" in report.unmatched_osm["rail_lines"]
    assert "rail_husuhu" in report.unmatched_ours["rail_lines"]
    assert "rail_xuanhang" not in report.matched  # the way far outside Huzhou was clipped away


def test_an_import_that_breaks_a_rule_writes_no_layer_at_all(workspace):
    catalogue, geodata, extract = workspace
    before = {p.name: p.read_bytes() for p in geodata.glob("*.geojson")}
    # The tiny 宁杭 way misses the line's stations: the whole import is refused, so the canal,
    # which matched fine, is not written either.
    with pytest.raises(LayerError, match="km from 'rail_ninghang'"):
        import_osm(extract, catalogue)
    assert {p.name: p.read_bytes() for p in geodata.glob("*.geojson")} == before


def test_a_clean_import_goes_through_the_safe_save_with_history(workspace):
    catalogue, geodata, extract = workspace
    extract.write_text(OSM.replace('<tag k="name" v="宁杭高速铁路"/>', '<tag k="name" v="别的铁路"/>'), encoding="utf-8")
    report = import_osm(extract, catalogue)
    assert report.matched == {"ww_changhushen": ["长湖申线"]}
    after = {f["properties"]["id"]: f for f in
             json.loads((geodata / "waterways.geojson").read_text(encoding="utf-8"))["features"]}
    canal = after["ww_changhushen"]
    assert canal["geometry"]["coordinates"][0] == [120.1, 30.9]
    assert canal["properties"]["accuracy"].startswith("OSM alignment")
    assert "OpenStreetMap" in canal["properties"]["source"]
    (record,) = (geodata / ".history" / "waterways").glob("*.json")
    assert "import-osm" in record.read_text(encoding="utf-8")


def test_a_bad_extract_is_a_finding(workspace, tmp_path):
    catalogue, _, _ = workspace
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a protobuf")
    with pytest.raises(LayerError, match="bad.osm.pbf"):
        import_osm(bad, catalogue)


def test_dry_run_writes_nothing(workspace):
    catalogue, geodata, extract = workspace
    before = (geodata / "rail_lines.geojson").read_bytes()
    report = import_osm(extract, catalogue, write=False)
    assert report.matched and (geodata / "rail_lines.geojson").read_bytes() == before
