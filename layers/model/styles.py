"""The one style resolver: catalogue style + `style_by` rules → a complete symbol per feature,
and the legend entries for what is drawn. The web map (through the published configuration)
and the PNG renderer both draw these resolved symbols, so a symbol on the map, in the web
legend, on the PNG and in the PNG legend is one value (docs/decisions/0007).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

from layers.i18n import STRINGS
from layers.model.spec import DERIVED, LayerSpec

# Keys a catalogue style may set: the symbol keys below plus the label rule.
SYMBOL_KEYS = ("color", "weight", "opacity", "fill_color", "fill_opacity", "dash_array", "radius")
LABEL_KEYS = ("label", "label_min_zoom", "label_position", "label_priority")
STYLE_KEYS = frozenset(SYMBOL_KEYS + LABEL_KEYS)

# What a style leaves out; one table for map and PNG (they used to disagree).
DEFAULTS: dict[str, Any] = {"color": "#333333", "weight": 2.0, "opacity": 1.0, "fill_color": None,
                            "fill_opacity": 0.4, "dash_array": None, "radius": 5.0}


@dataclass(frozen=True)
class Symbol:
    """A complete symbol; fill_color None means no fill (hollow)."""
    color: str
    weight: float
    opacity: float
    fill_color: str | None
    fill_opacity: float
    dash_array: str | None
    radius: float

    def leaflet(self) -> dict[str, Any]:
        """Leaflet path options (the browser adapter)."""
        return {"color": self.color, "weight": self.weight, "opacity": self.opacity,
                "fillColor": self.fill_color or self.color, "fill": self.fill_color is not None,
                "fillOpacity": self.fill_opacity, "dashArray": self.dash_array, "radius": self.radius}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# An `accuracy` that opens by saying the geometry is a diagram, not a survey: straight segments,
# a plan's schematic alignment, a district- or city-level stand-in (a real alignment that notes
# a short schematic connector somewhere in its text is not one). Plan overlays are diagrams by
# nature and keep their own (purple) look; base data with these marks is drawn as schematic.
SCHEMATIC_MARKS = ("schematic", "规划示意", "district-level", "city-level", "city level")
SCHEMATIC_DASH = "2 6"  # dotted: finer than 在建 dashes and 规划 thin dashes
SCHEMATIC_FADE = 0.7   # of the stroke's opacity


def is_schematic(spec: LayerSpec, props: dict[str, Any]) -> bool:
    if spec.has_role(DERIVED):
        return False
    accuracy = str(props.get("accuracy") or "").lower()
    return accuracy.startswith(SCHEMATIC_MARKS)


def _as_schematic(style: dict[str, Any], geometry: str) -> dict[str, Any]:
    """Dotted, faded, points hollow: a diagram never looks like a surveyed feature. The kind's
    colour stays, so a schematic planned rail line still reads as rail."""
    opacity = float(style.get("opacity", DEFAULTS["opacity"]))
    out = {**style, "dash_array": SCHEMATIC_DASH, "opacity": round(opacity * SCHEMATIC_FADE, 3)}
    if geometry == "Point":
        out["fill_color"] = None
    return out


def label_priority(spec: LayerSpec) -> int:
    """Which labels win a collision, on the web map and on the PNG alike: higher first
    (plan cores and stations before towns and parks). Layers without one come last."""
    value = spec.style.get("label_priority", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class LegendEntry:
    layer_id: str
    geometry: str
    label: str
    symbol: Symbol


def _symbol(style: dict[str, Any]) -> Symbol:
    merged = {**DEFAULTS, **{k: v for k, v in style.items() if k in SYMBOL_KEYS}}
    return Symbol(color=merged["color"], weight=float(merged["weight"]), opacity=float(merged["opacity"]),
                  fill_color=merged["fill_color"], fill_opacity=float(merged["fill_opacity"]),
                  dash_array=merged["dash_array"], radius=float(merged["radius"]))


SCHEMATIC_KEY = ("accuracy", "schematic")  # the legend row variant worded by STRINGS["accuracy_schematic"]


def _matching(spec: LayerSpec, props: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, value) pairs of the style_by rules that apply to these properties, in order,
    then the schematic mark when the feature is a diagram."""
    out = []
    for rule in spec.style_by:
        value = str(props.get(rule["property"]))
        if value in rule["values"]:
            out.append((rule["property"], value))
    if is_schematic(spec, props):
        out.append(SCHEMATIC_KEY)
    return out


def resolve(spec: LayerSpec, props: dict[str, Any]) -> Symbol:
    """Defaults, then the layer style, then each matching style_by rule in order; schematic
    geometry last, so it reads as schematic whatever its status colours."""
    style = dict(spec.style)
    for rule in spec.style_by:
        style.update(rule["values"].get(str(props.get(rule["property"])), {}))
    if is_schematic(spec, props):
        style = _as_schematic(style, spec.geometry)
    return _symbol(style)


def base_symbol(spec: LayerSpec) -> Symbol:
    return _symbol(spec.style)


def _value_word(prop: str, value: str, lang: str) -> str:
    return STRINGS.get(f"{prop}_{value}", {}).get(lang, value)


def _entry_label(spec: LayerSpec, matched: list[tuple[str, str]], lang: str) -> str:
    if not matched:
        return spec.title(lang)
    words = [v if p == "id" else _value_word(p, v, lang) for p, v in matched]
    return f"{spec.title(lang)}（{'，'.join(words)}）" if lang == "zh" else f"{spec.title(lang)} ({', '.join(words)})"


def legend_entries(spec: LayerSpec, features: Iterable[dict[str, Any]], lang: str) -> list[LegendEntry]:
    """One entry per distinct symbol among the features that are drawn (located ones), in the
    order of the style_by values; none when the layer draws nothing."""
    seen: dict[tuple, tuple[Symbol, list[tuple[str, str]]]] = {}
    name_field = spec.localized_field("name", lang)
    for feature in features:
        if not feature.get("geometry"):
            continue
        props = feature.get("properties") or {}
        matched = _matching(spec, props)
        # A rule keyed on the feature id (one symbol per feature) is labelled with its name,
        # never with the internal id.
        shown = [(p, str(props.get(name_field) or v)) if p == "id" else (p, v) for p, v in matched]
        seen.setdefault(tuple(matched), (resolve(spec, props), shown))
    keys = sorted(seen, key=lambda k: [str(x) for x in k])
    return [LegendEntry(spec.id, spec.geometry, _entry_label(spec, seen[k][1], lang), seen[k][0]) for k in keys]


def symbol_table(spec: LayerSpec, features: Iterable[dict[str, Any]]) -> tuple[list[Symbol], list[int]]:
    """Distinct symbols of a layer and, per feature, the index of its symbol: the browser gets
    the table once and one small number per feature instead of re-implementing the rules."""
    symbols: list[Symbol] = []
    index: dict[Symbol, int] = {}
    per_feature = []
    for feature in features:
        symbol = resolve(spec, feature.get("properties") or {})
        if symbol not in index:
            index[symbol] = len(symbols)
            symbols.append(symbol)
        per_feature.append(index[symbol])
    return symbols, per_feature
