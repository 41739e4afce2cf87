"""The map view as URL query parameters, so a link reproduces what a planner sees."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping


@dataclass
class ViewState:
    layers: list[str] | None = None  # None: catalogue defaults
    basemap: str | None = None
    lang: str | None = None
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: int | None = None
    statuses: list[str] | None = None  # status filter; None: every status
    district: str | None = None        # district filter (a feature id of the reference boundary)
    problems: list[str] = field(default_factory=list)  # what in the URL was ignored, and why


MAX_VALUE = 4000  # characters: longer is not a link a person made (and is not echoed back)


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _finite(text: str) -> float | None:
    try:
        number = float(text)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def parse(params: Mapping[str, str], known_layers: set[str], basemaps: list[str], langs: tuple[str, ...],
          statuses: tuple[str, ...] = (), districts: set[str] | frozenset[str] = frozenset()) -> ViewState:
    """Read query parameters defensively: a bad value (unknown, not finite, out of range, huge)
    is ignored and reported as '<param>: why', never fatal. `statuses` and `districts` are the
    values the filters know."""
    state = ViewState()
    params = {k: str(v) for k, v in params.items()}
    for key, value in params.items():
        if len(value) > MAX_VALUE:
            state.problems.append(f"{key}: value of {len(value)} characters ignored")
    params = {k: v for k, v in params.items() if len(v) <= MAX_VALUE}
    if "layers" in params:
        wanted = [p for p in params["layers"].split(",") if p]
        state.layers = [p for p in wanted if p in known_layers]
        unknown = [p for p in wanted if p not in known_layers]
        if unknown:
            state.problems.append(f"layers: unknown {_shown(', '.join(unknown))} ignored")
    if params.get("basemap") in basemaps:
        state.basemap = params["basemap"]
    elif "basemap" in params:
        state.problems.append(f"basemap: unknown '{_shown(params['basemap'])}' ignored")
    if params.get("lang") in langs:
        state.lang = params["lang"]
    elif "lang" in params:
        state.problems.append(f"lang: unknown '{_shown(params['lang'])}' ignored")
    if "center" in params:
        parts = [_finite(v) for v in params["center"].split(",")]
        if len(parts) == 2 and None not in parts and -90 <= parts[0] <= 90 and -180 <= parts[1] <= 180:
            state.center = (parts[0], parts[1])
        else:
            state.problems.append(f"center: '{_shown(params['center'])}' is not 'lat,lon' ignored")
    if "zoom" in params:
        zoom = _finite(params["zoom"])
        if zoom is None:
            state.problems.append(f"zoom: '{_shown(params['zoom'])}' is not a number ignored")
        else:
            state.zoom = min(max(int(zoom), 3), 18)
    _parse_filters(params, state, statuses, districts)
    return state


def _parse_filters(params: Mapping[str, str], state: ViewState, statuses: tuple[str, ...],
                   districts: set[str] | frozenset[str]) -> None:
    if "status" in params:
        wanted = [p for p in params["status"].split(",") if p]
        known = [p for p in statuses if p in wanted]  # in the filter's own order
        unknown = [p for p in wanted if p not in statuses]
        if unknown:
            state.problems.append(f"status: unknown {_shown(', '.join(unknown))} ignored")
        # Nothing known asked for: the parameter is ignored (all statuses), not "show none";
        # only an empty value (every status cleared, as encode writes it) means none.
        state.statuses = known if known or not wanted else None
    if params.get("district") in districts:
        state.district = params["district"]
    elif "district" in params:
        state.problems.append(f"district: unknown '{_shown(params['district'])}' ignored")


def encode(layers: list[str], basemap: str, lang: str, center: tuple[float, float] | None,
           zoom: int | None, statuses: list[str] | None = None, district: str | None = None) -> dict[str, str]:
    """The share link's parameters; filters only when they filter something."""
    params = {"layers": ",".join(layers), "basemap": basemap, "lang": lang}
    if statuses is not None:
        params["status"] = ",".join(statuses)
    if district:
        params["district"] = district
    if center is not None:
        params["center"] = f"{center[0]:.5f},{center[1]:.5f}"
    if zoom is not None:
        params["zoom"] = str(int(zoom))
    return params


# The compare page (pages/compare.py): two plan frameworks side by side on maps that move
# together. Its link names the plan on each side; the shared view keys are read as above.
COMPARE_VIEW_KEYS = ("basemap", "lang", "center", "zoom")


@dataclass
class CompareState:
    left: str | None = None   # a plan framework ('2019', '2024'); None: the page's default
    right: str | None = None
    view: ViewState = field(default_factory=ViewState)  # basemap, language, centre and zoom

    @property
    def problems(self) -> list[str]:
        return self.view.problems


def parse_compare(params: Mapping[str, str], plans: list[str], basemaps: list[str],
                  langs: tuple[str, ...]) -> CompareState:
    """Read a compare link defensively: an unknown plan or a bad view value is ignored and
    reported as '<param>: why' (the page then uses its default), never fatal. Parameters of the
    map page's link (layers) are not the compare page's and are ignored silently."""
    params = {k: str(v) for k, v in params.items()}
    state = CompareState(view=parse({k: v for k, v in params.items() if k in COMPARE_VIEW_KEYS},
                                    set(), basemaps, langs))
    for side in ("left", "right"):
        if side not in params:
            continue
        value = params[side]
        if value in plans:
            setattr(state, side, value)
        elif len(value) > MAX_VALUE:
            state.problems.append(f"{side}: value of {len(value)} characters ignored")
        else:
            state.problems.append(f"{side}: unknown plan '{_shown(value)}' ignored")
    return state


def encode_compare(left: str, right: str, basemap: str, lang: str, center: tuple[float, float] | None,
                   zoom: int | None) -> dict[str, str]:
    params = {"left": left, "right": right}
    params.update(encode([], basemap, lang, center, zoom))
    del params["layers"]
    return params
