"""The one style resolver: catalogue style + `style_by` rules → a complete symbol per feature,
and the legend entries for what is drawn. The web map (through the published configuration)
and the PNG renderer both draw these resolved symbols, so a symbol on the map, in the web
legend, on the PNG and in the PNG legend is one value (docs/decisions/0007).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

from layers.model.spec import LayerSpec
from layers.i18n import STRINGS

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


def _matching(spec: LayerSpec, props: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, value) pairs of the style_by rules that apply to these properties, in order."""
    out = []
    for rule in spec.style_by:
        value = str(props.get(rule["property"]))
        if value in rule["values"]:
            out.append((rule["property"], value))
    return out


def resolve(spec: LayerSpec, props: dict[str, Any]) -> Symbol:
    """Defaults, then the layer style, then each matching style_by rule in order."""
    style = dict(spec.style)
    for rule in spec.style_by:
        style.update(rule["values"].get(str(props.get(rule["property"])), {}))
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
