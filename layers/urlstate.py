"""The map view as URL query parameters, so a link reproduces what a planner sees."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass
class ViewState:
    layers: list[str] | None = None  # None: catalogue defaults
    basemap: str | None = None
    lang: str | None = None
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: int | None = None
    problems: list[str] = field(default_factory=list)  # what in the URL was ignored, and why


def parse(params: Mapping[str, str], known_layers: set[str], basemaps: list[str], langs: tuple[str, ...]) -> ViewState:
    """Read query parameters leniently: a bad value is ignored and reported, never fatal."""
    state = ViewState()
    if "layers" in params:
        wanted = [p for p in params["layers"].split(",") if p]
        state.layers = [p for p in wanted if p in known_layers]
        unknown = [p for p in wanted if p not in known_layers]
        if unknown:
            state.problems.append(f"unknown layers ignored: {', '.join(unknown)}")
    if params.get("basemap") in basemaps:
        state.basemap = params["basemap"]
    elif "basemap" in params:
        state.problems.append(f"unknown basemap '{params['basemap']}' ignored")
    if params.get("lang") in langs:
        state.lang = params["lang"]
    if "center" in params:
        try:
            lat, lon = (float(v) for v in params["center"].split(","))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                state.center = (lat, lon)
            else:
                state.problems.append("center out of range ignored")
        except ValueError:
            state.problems.append("center must be 'lat,lon'")
    if "zoom" in params:
        try:
            zoom = int(float(params["zoom"]))
            state.zoom = min(max(zoom, 3), 18)
        except ValueError:
            state.problems.append("zoom must be a number")
    return state


def encode(layers: list[str], basemap: str, lang: str, center: tuple[float, float] | None,
           zoom: int | None) -> dict[str, str]:
    params = {"layers": ",".join(layers), "basemap": basemap, "lang": lang}
    if center is not None:
        params["center"] = f"{center[0]:.5f},{center[1]:.5f}"
    if zoom is not None:
        params["zoom"] = str(int(zoom))
    return params
