"""validate and fmt never raise: every malformed coordinate, in any committed layer (reference
boundaries included), gives a finding. Property-based: hypothesis picks the layer, the feature,
where in the coordinates to break it and how."""
from __future__ import annotations

import copy
import json
import math
import subprocess
import sys

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import REPO
from layers.checks.gcj_check import boundary_of
from layers.io.loader import load_layer, validate_layer_data
from layers.model.catalogue import DERIVED, load_catalogue
from layers.model.findings import ERROR, Finding, LayerError
from layers.model.storage import dumps_canonical

CATALOGUE = load_catalogue()
LAYERS = {spec.id: (spec, load_layer(spec).data) for spec in CATALOGUE.layers
          if not spec.has_role(DERIVED) and load_layer(spec).ok}
BAD_VALUES = st.one_of(
    st.just("120.1"), st.just(None), st.just(math.nan), st.just(math.inf), st.just(True), st.just({}),
    st.just({"0": 1}), st.just([]), st.just([[]]), st.just(["a", "b"]), st.just([120.1]),
    st.just([120.1, 30.8, "x"]), st.just(1e308), st.just([[[[[[[[[[[[120.1, 30.8]]]]]]]]]]]]),
    st.text(max_size=5), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
)


def _located(data: dict) -> list[int]:
    return [i for i, f in enumerate(data["features"]) if f.get("geometry")]


def _deepen(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


def _break(geometry: dict, path: list[int], bad) -> None:
    """Replace the item at `path` (indices taken modulo each list's length) with `bad`."""
    node, key = geometry, "coordinates"
    for step in path:
        child = node[key]
        if not isinstance(child, list) or not child:
            break
        node, key = child, step % len(child)
    node[key] = bad


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer=st.sampled_from(sorted(LAYERS)), pick=st.integers(0, 10_000), path=st.lists(st.integers(0, 50), max_size=4),
       bad=BAD_VALUES, depth=st.integers(0, 3), also_type=st.sampled_from([None, "Polygon", "Point", 5, ["x"]]))
def test_any_malformed_coordinate_gives_findings_not_a_traceback(layer, pick, path, bad, depth, also_type):
    spec, data = LAYERS[layer]
    data = copy.deepcopy(data)
    located = _located(data)
    if not located:
        return
    geometry = data["features"][located[pick % len(located)]]["geometry"]
    _break(geometry, path, _deepen(bad, depth))
    if also_type is not None:
        geometry["type"] = also_type
    findings = validate_layer_data(spec, data)
    assert all(isinstance(f, Finding) for f in findings)
    try:
        dumps_canonical(data)
    except (LayerError, ValueError):
        pass  # fmt reports these as "cannot be formatted" and leaves the file alone
    try:
        boundary_of(data)  # what a broken reference boundary goes through
    except (ValueError, TypeError, LayerError):
        raise AssertionError("boundary_of raised on malformed data")


def test_string_coordinates_in_the_districts_layer_are_findings_on_the_command_line(tmp_path):
    target = tmp_path / "geodata"
    subprocess.run(["cp", "-r", str(REPO / "geodata"), str(target)], check=True)
    path = target / CATALOGUE.get("districts").file
    data = json.loads(path.read_text(encoding="utf-8"))
    ring = data["features"][0]["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring  # Polygon or MultiPolygon
    ring[1] = ["119.9", "30.9"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "layers", "validate"], cwd=REPO, capture_output=True, text=True,
                         env={**__import__("os").environ, "HZ_GEODATA_DIR": str(target)}, timeout=300)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "is not two numbers" in run.stdout and "districts" in run.stdout
