"""What a save does to the rules across layers: the errors it would introduce (refused) and the
derived overlay files to rewrite with it. Problems already there before the save do not block it."""
from __future__ import annotations

from layers.checks.rules import check_rules
from layers.io.loader import load_layer
from layers.model.catalogue import Catalogue, LayerSpec
from layers.model.findings import ERROR, Finding, LayerError
from layers.plans.overlay_build import stale_overlays


def _key(finding: Finding) -> tuple:
    return finding.file, finding.feature_id, finding.field, finding.message.split(" ")[0]


def check_save(catalogue: Catalogue, spec: LayerSpec, data: dict) -> tuple[list[Finding], dict[str, str]]:
    """What saving `data` as `spec` would do to the rules: the errors it would introduce (the
    save is refused with them), and the derived files to rewrite with it (file → text).
    Problems that were already there before this save do not block it."""
    before: dict[str, dict] = {}
    for other in catalogue.layers:
        if other.path.exists():
            layer = load_layer(other)
            if layer.ok:
                before[other.id] = layer.data
    after = {**before, spec.id: data}
    old = {_key(f) for f in check_rules(catalogue, before) if f.severity == ERROR}
    new = [f for f in check_rules(catalogue, after) if f.severity == ERROR and _key(f) not in old]
    if new:
        return new, {}
    try:
        return [], stale_overlays(catalogue, replace=after)
    except LayerError:
        return [], {}  # another layer is broken: the overlays wait for `build-overlays`
