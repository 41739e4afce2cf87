"""A corpus of broken files: each gets the expected finding from `python -m layers validate`,
and validation never changes a byte."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "bad"

EXPECTED = {  # case → (severity, substring of the message, field or None, feature index or None)
    "truncated_json": ("error", "invalid JSON at line", None, None),
    "wrong_types": ("error", "expected string, got int", "name_en", 0),
    "missing_field": ("error", "required property is missing", "source", 3),
    "bow_tie": ("error", "Self-intersection", "geometry", 0),
    "swapped": ("error", "look swapped", "geometry", 5),
    "gcj02_copy": ("error", "look like GCJ-02", "geometry", None),
    "duplicate_ids": ("error", "duplicate id", "id", 4),
    "foreign_crs": ("error", "not WGS 84", None, None),
    "empty_file": ("error", "file is empty", None, None),
    "html_in_name": ("warning", "looks like HTML", "name_zh", 0),
}


def _validate(path: Path) -> tuple[int, dict]:
    result = subprocess.run([sys.executable, "-m", "layers", "validate", "--format", "json", str(path)],
                            cwd=REPO, capture_output=True, text=True)
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_bad_file_gets_its_finding_and_is_left_untouched(case):
    (path,) = list((CORPUS / case).iterdir())
    before = path.read_bytes()
    code, report = _validate(path)
    severity, text, field, index = EXPECTED[case]
    hits = [f for f in report["findings"] if text in f["message"]]
    assert hits, report["findings"]
    hit = hits[0]
    assert hit["severity"] == severity and hit["file"] == path.name
    if field:
        assert hit["field"] == field
    if index is not None:
        assert hit["feature_index"] == index and hit["feature_id"]
    assert hit["hint"], "every finding says what to do"
    assert code == (1 if severity == "error" else 0)
    assert path.read_bytes() == before


def test_a_huge_file_is_refused_with_its_size(tmp_path):
    huge = tmp_path / "partner_cities.geojson"
    with huge.open("wb") as handle:
        handle.truncate(101 * 1024 * 1024)  # sparse: no disk used
    code, report = _validate(huge)
    assert code == 1 and "over the 100 MiB limit" in report["findings"][0]["message"]


def test_the_gcj_check_does_not_flag_good_data():
    code, report = _validate(REPO / "geodata" / "context_counties.geojson")
    assert code == 0 and not [f for f in report["findings"] if "GCJ" in f["message"]]
