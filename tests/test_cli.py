"""`python -m layers` as GIS staff and CI run it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=REPO, capture_output=True, text=True)


def test_validate_all_layers_passes():
    result = _run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_validate_reports_bad_file_with_nonzero_exit_and_json(tmp_path: Path):
    good = json.loads((REPO / "geodata" / "partner_cities.geojson").read_text(encoding="utf-8"))
    good["features"][0]["properties"]["direction"] = "sideways"
    bad = tmp_path / "partner_cities.geojson"
    bad.write_text(json.dumps(good), encoding="utf-8")
    before = bad.read_bytes()
    result = _run("validate", "--format", "json", str(bad))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["field"] == "direction" and finding["feature_index"] == 0
    assert bad.read_bytes() == before  # validation never touches the file


def test_fmt_is_idempotent(tmp_path: Path):
    src = json.loads((REPO / "geodata" / "partner_cities.geojson").read_text(encoding="utf-8"))
    target = tmp_path / "partner_cities.geojson"
    target.write_text(json.dumps(src, indent=2), encoding="utf-8")
    assert _run("fmt", str(target)).returncode == 0
    once = target.read_bytes()
    assert _run("fmt", "--check", str(target)).returncode == 0
    assert target.read_bytes() == once == (REPO / "geodata" / "partner_cities.geojson").read_bytes()


def test_unknown_file_is_explained():
    result = _run("validate", "nothing.geojson")
    assert result.returncode != 0 and "no catalogue entry" in result.stderr
