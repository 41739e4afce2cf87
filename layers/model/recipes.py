"""overlay_recipes.json checked like data, before anything is built: each recipe against the
schema of its kind, unknown keys and kinds with a 'did you mean', references to feature ids
and layers that exist. Every problem is a Finding naming the file, the recipe and the key.

A recipe file maps a derived layer's id (catalogue role "derived") to a list of recipes:
    {"id", "kind", "name_zh", "name_en", "clause_zh", "clause_en", "clause_ref", ...kind fields}
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from layers.model.catalogue import DERIVED, Catalogue
from layers.model.findings import Finding, LayerError
from layers.model.schema import Collector, check_keys, did_you_mean, is_number

COMMON = ("id", "kind", "name_zh", "name_en", "clause_zh", "clause_en", "clause_ref")


def _text(v: Any) -> bool:
    return isinstance(v, str) and bool(v)


def _texts(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(_text(x) for x in v)


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(is_number(x) and x > 0 for x in v)


def _positive(v: Any) -> bool:
    return is_number(v) and v > 0


def _edges(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(
        isinstance(e, dict) and _text(e.get("a")) and _text(e.get("b")) and _positive(e.get("minutes"))
        and _text(e.get("source")) for e in v)


# kind → {field: (required, check, what it should be)}; fields named in REFS hold feature ids.
KINDS: dict[str, dict[str, tuple[bool, Callable[[Any], bool], str]]] = {
    "corridor": {"axes": (True, _texts, "a list of feature ids"), "width_m": (True, _positive, "metres > 0"),
                 "connect": (False, lambda v: isinstance(v, bool), "true or false")},
    "copy": {"from": (True, _text, "a feature id")},
    "label_point": {"from": (True, _text, "a polygon feature id")},
    "unlocated": {"reason": (True, _text, "why there is no position yet")},
    "arrow": {"from": (True, _text, "a feature id"), "toward": (True, _text, "a feature id"),
              "length_m": (True, _positive, "metres > 0")},
    "rings": {"from": (True, _text, "a feature id"), "radii_m": (True, _numbers, "a list of metres > 0")},
    "rail_arrows": {"from": (True, _text, "the hub station's id"), "length_m": (True, _positive, "metres > 0"),
                    "line_kinds": (True, _texts, "a list of line kinds"),
                    "lines_layer": (True, _text, "the layer holding the lines"),
                    "stations_layer": (True, _text, "the layer holding the stations")},
    "access": {"origin": (True, _text, "the origin station's id"), "edges": (True, _edges,
               "a list of {a, b, minutes, source}"), "bands": (True, _numbers, "a list of minutes"),
               "stations_layer": (True, _text, "the layer holding the stations"),
               "strip_id_prefix": (False, _text, "a prefix dropped from station ids in derived ids")},
}
REFS = {"axes", "from", "toward", "origin"}
LAYER_REFS = {"lines_layer", "stations_layer"}


class RecipeError(LayerError, ValueError):
    """The recipe file is malformed; carries every finding."""


def load_recipes(path: Path) -> Any:
    from layers.model.storage import read_geojson  # bounded JSON reader with findings

    return read_geojson(path)


def check_recipes(raw: Any, catalogue: Catalogue, file_name: str = "overlay_recipes.json",
                  known_ids: set[str] | None = None) -> list[Finding]:
    """All findings for a recipe file. known_ids (base feature ids) enables the reference check."""
    out = Collector(file_name)
    if not isinstance(raw, dict):
        out.error("top level is not a JSON object", 'write {"<derived layer id>": [recipes...]}')
        return out.findings
    derived = {s.id for s in catalogue.with_role(DERIVED)}
    layer_ids = {s.id for s in catalogue.layers}
    for layer_id in sorted(derived - set(raw)):
        out.error(f"derived layer '{layer_id}' has no recipes", "add a list of recipes under its id",
                  entry=layer_id)
    seen: set[str] = set()
    for layer_id, recipes in raw.items():
        if layer_id.startswith("_"):
            continue  # comments
        if layer_id not in derived:
            out.error(f"'{layer_id}' is not a derived layer in the catalogue",
                      did_you_mean(layer_id, derived), entry=layer_id)
            continue
        if not isinstance(recipes, list):
            out.error("recipes are not a list", "write a list of recipe objects", entry=layer_id)
            continue
        for index, recipe in enumerate(recipes):
            _check_recipe(out, recipe, f"{layer_id}[{index}]", layer_ids, known_ids, seen)
    return out.findings


def _check_recipe(out: Collector, recipe: Any, where: str, layer_ids: set[str], known_ids: set[str] | None,
                  seen: set[str]) -> None:
    if not isinstance(recipe, dict):
        out.error("recipe is not an object", "", entry=where)
        return
    entry = f"{where} ({recipe.get('id')})" if recipe.get("id") else where
    kind = recipe.get("kind")
    if kind not in KINDS:
        out.error(f"unknown kind {kind!r}", did_you_mean(str(kind), KINDS), entry=entry, key="kind")
        return
    fields = KINDS[kind]
    check_keys(out, recipe, set(COMMON) | set(fields), COMMON + tuple(k for k, f in fields.items() if f[0]),
               entry=entry)
    for key in COMMON:
        if key in recipe and not _text(recipe[key]):
            out.error(f"'{key}' is empty or not text", "", entry=entry, key=key)
    for key, (_, check, what) in fields.items():
        if key in recipe and not check(recipe[key]):
            out.error(f"'{key}' should be {what}, not {recipe[key]!r}", "", entry=entry, key=key)
    if recipe.get("id") in seen:
        out.error(f"recipe id '{recipe['id']}' is used twice", "give every recipe its own id", entry=entry, key="id")
    seen.add(recipe.get("id"))
    for key in LAYER_REFS & set(recipe):
        if recipe[key] not in layer_ids:
            out.error(f"'{key}' names unknown layer {recipe[key]!r}", did_you_mean(str(recipe[key]), layer_ids),
                      entry=entry, key=key)
    if known_ids is None:
        return
    for key in REFS & set(recipe):
        refs = recipe[key] if isinstance(recipe[key], list) else [recipe[key]]
        for ref in refs:
            fid = str(ref).partition("@")[0]
            if fid not in known_ids:
                out.error(f"'{key}' refers to unknown feature '{fid}'", did_you_mean(fid, known_ids),
                          entry=entry, key=key)


def read_checked(path: Path, catalogue: Catalogue, known_ids: set[str] | None = None) -> dict:
    """The recipe file, or RecipeError with every finding."""
    raw = load_recipes(path)
    findings = check_recipes(raw, catalogue, path.name, known_ids)
    if findings:
        raise RecipeError(findings)
    return raw
