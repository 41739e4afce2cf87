"""Catalogue layers → a finished map figure (PNG, or a multi-page PDF) for slides and reports.

Same resolved symbols as the web map (layers/model/styles.py), drawn in EPSG:4549 so the
scale bar is true at Huzhou's latitude. Title and subtitle, the map, a legend of exactly
the drawn layers, scale bar, north arrow, locator inset, notes, sources and date each get
a box from the layout engine (layers/printing/print_layout.py); ExportResult.boxes reports them.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import matplotlib
import matplotlib.patheffects
from shapely.geometry import box

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from layers.geo.anchors import feature_anchor  # noqa: E402
from layers.model.catalogue import Catalogue, LayerSpec  # noqa: E402
from layers.geo.crs import METRIC, to_metric  # noqa: E402
from layers.printing.fonts import cjk_font_family  # noqa: E402
from layers.i18n import page  # noqa: E402
from layers.model.styles import LegendEntry, Symbol, label_priority, legend_entries, symbol_table  # noqa: E402
from layers.printing.print_layout import (  # noqa: E402,F401  (page sizes are part of this module's interface)
    ORIENTATIONS, PAPER_MM, SLIDE_SIZES, Box, ExportError, Metrics, PageSize, body_boxes, choose_corners,
    extent, fit_extent, fit_legend, fitted_text, inside, nice_length, north_arrow, overlaps, page_size, scale_bar,
    to_fraction, union)
from layers.checks.validation import REGION_BBOX  # noqa: E402

HUZHOU_BBOX = (119.15, 30.30, 120.60, 31.25)  # lon/lat, Huzhou plus a small margin
PX_TO_PT = 0.75  # Leaflet styles are in CSS pixels; matplotlib draws in points


def plain(text: object) -> str:
    """Text from users and data drawn as written: matplotlib would read '$…$' as mathtext
    (and fail on '$\\foo$')."""
    return str(text).replace("$", r"\$")


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    if text is None:
        return HUZHOU_BBOX
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise ExportError(f"bbox '{text}' is not four numbers 'lon_min,lat_min,lon_max,lat_max'") from exc
    if len(values) != 4:
        raise ExportError(f"bbox '{text}' needs four numbers 'lon_min,lat_min,lon_max,lat_max'")
    lon_min, lat_min, lon_max, lat_max = values
    if lon_min >= lon_max or lat_min >= lat_max:
        raise ExportError(f"bbox '{text}': minimum must be below maximum (lon_min,lat_min,lon_max,lat_max)")
    r = REGION_BBOX
    if lon_max < r[0] or lon_min > r[2] or lat_max < r[1] or lat_min > r[3]:
        raise ExportError(f"bbox '{text}' does not overlap the Huzhou region {r}; did you swap lon and lat?")
    return values  # type: ignore[return-value]


@dataclass
class ExportRequest:
    layers: list[str]
    bbox: tuple[float, float, float, float] = HUZHOU_BBOX
    size: PageSize = field(default_factory=lambda: page_size("1920x1080"))
    title: str = ""
    subtitle: str = ""
    lang: str = "zh"
    transparent: bool = False
    date: dt.date = field(default_factory=dt.date.today)
    basemap: str | None = None  # "osm"/"carto": online tiles under the layers (needs network or cache)
    approval_no: str = ""  # 审图号, printed when given (published maps need one)
    organisation: str = ""  # who made the map


def _mpl_style(symbol: Symbol) -> dict[str, Any]:
    """The matplotlib adapter of a resolved symbol (Leaflet pixels → points)."""
    out: dict[str, Any] = {"edgecolor": symbol.color, "linewidth": symbol.weight * PX_TO_PT,
                           "facecolor": symbol.fill_color or "none", "linestyle": "solid"}
    if symbol.dash_array:
        out["linestyle"] = (0, tuple(float(v) * PX_TO_PT for v in str(symbol.dash_array).replace(",", " ").split()))
    return out


def _plot_polygons(ax, gdf, symbol: Symbol, z):
    s = _mpl_style(symbol)
    if s["facecolor"] != "none":
        gdf.plot(ax=ax, facecolor=s["facecolor"], edgecolor="none", alpha=symbol.fill_opacity, zorder=z)
    gdf.boundary.plot(ax=ax, color=s["edgecolor"], linewidth=s["linewidth"], alpha=symbol.opacity,
                      linestyle=s["linestyle"], zorder=z + 0.1)


def _plot_lines(ax, gdf, symbol: Symbol, z):
    s = _mpl_style(symbol)
    gdf.plot(ax=ax, color=s["edgecolor"], linewidth=s["linewidth"], alpha=symbol.opacity,
             linestyle=s["linestyle"], zorder=z)


def _plot_points(ax, gdf, symbol: Symbol, z):
    radius_pt = symbol.radius * PX_TO_PT
    face = to_rgba(symbol.fill_color, symbol.fill_opacity) if symbol.fill_color else "none"
    ax.scatter(gdf.geometry.x, gdf.geometry.y, s=(2 * radius_pt) ** 2, c=[face] if face != "none" else "none",
               edgecolors=to_rgba(symbol.color, symbol.opacity), linewidths=symbol.weight * PX_TO_PT,
               linestyle=_mpl_style(symbol)["linestyle"], zorder=z + 0.2)


_PLOTTERS = {"Polygon": _plot_polygons, "LineString": _plot_lines, "Point": _plot_points}


def _legend_handle(entry: LegendEntry):
    symbol = entry.symbol
    s = _mpl_style(symbol)
    if entry.geometry == "Point":
        face = to_rgba(symbol.fill_color, symbol.fill_opacity) if symbol.fill_color else "none"
        return Line2D([], [], marker="o", linestyle="none", markersize=2 * symbol.radius * PX_TO_PT,
                      markerfacecolor=face, markeredgecolor=s["edgecolor"], markeredgewidth=s["linewidth"])
    if entry.geometry == "LineString":
        return Line2D([], [], color=s["edgecolor"], linewidth=max(s["linewidth"], 1), linestyle=s["linestyle"])
    face = to_rgba(symbol.fill_color, symbol.fill_opacity) if symbol.fill_color else "none"
    return Patch(facecolor=face, edgecolor=s["edgecolor"], linewidth=s["linewidth"], linestyle=s["linestyle"])


@dataclass
class _DrawnLayer:
    spec: LayerSpec
    gdf: gpd.GeoDataFrame


def _to_frame(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326").to_crs(METRIC)


def _draw_layers(ax, catalogue: Catalogue, layer_data: dict[str, dict], order: list[str], lang: str):
    """Each layer drawn symbol by symbol with the resolved styles; the legend is the same
    resolver's entries (layers/model/styles.py), so it lists exactly what the web legend lists."""
    legend: list[LegendEntry] = []
    drawn: list[_DrawnLayer] = []
    for spec in sorted((catalogue.get(i) for i in order), key=lambda s: s.order):
        located = [f for f in layer_data[spec.id]["features"] if f.get("geometry")]  # unlocated: nothing to draw
        if not located:
            continue
        z = spec.order / 10  # catalogue draw order, below labels (zorder 50)
        symbols, per_feature = symbol_table(spec, located)
        gdf = _to_frame(located)
        for number, symbol in enumerate(symbols):
            _PLOTTERS[spec.geometry](ax, gdf[[i == number for i in per_feature]], symbol, z)
        legend.extend(legend_entries(spec, located, lang))
        drawn.append(_DrawnLayer(spec, gdf))
    return drawn, legend




# ---- labels ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Label:
    text: str
    x: float  # anchor, metres (EPSG:4549)
    y: float
    layer_id: str
    kind: str  # "point", "line" or "polygon": how the label sits on its feature


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    layer_id: str
    box: Box  # figure pixels


def _label_candidates(drawn: list[_DrawnLayer], lang: str, frame: Box) -> list[_Label]:
    """One candidate per labelled feature (a polygon's at its pole of inaccessibility, a line's
    at the middle of its longest stretch inside the map `frame`, in metres), in the web map's
    priority order (layers/styles.label_priority): plan cores and stations first."""
    out = []
    inside_frame = box(*frame)
    for layer in sorted(drawn, key=lambda d: (-label_priority(d.spec), -d.spec.order)):
        label_key = layer.spec.style.get("label")
        if not label_key:
            continue
        column = layer.spec.localized_field(label_key, lang)
        for geom, text in zip(layer.gdf.geometry, layer.gdf[column]):
            if not text or geom is None:
                continue
            kind, anchor = feature_anchor(geom, tolerance=50, within=inside_frame)  # metres
            if anchor is not None:
                out.append(_Label(str(text), anchor.x, anchor.y, layer.spec.id, kind))
    return out


def _same_place(a: _Label, a_px, b: _Label, b_px, near_px: float) -> bool:
    """Two candidates naming one place: the same text anywhere, or (from different layers)
    one name containing the other within `near_px` (宣城 / 宣城站, 南太湖新区 / 三核：南太湖新区)."""
    if a.text == b.text:
        return True
    if a.layer_id == b.layer_id or not (a.text in b.text or b.text in a.text):
        return False
    return math.dist(a_px, b_px) <= near_px


def _place_labels(fig, ax, m: Metrics, candidates: list[_Label], obstacles: list[Box]) -> list[PlacedLabel]:
    """Greedy, in priority order: polygons centred, lines on or beside their middle, points
    right/left/above/below; a label that would collide, leave the frame or repeat a placed
    name is dropped."""
    renderer = fig.canvas.get_renderer()
    frame = extent(ax, renderer)
    taken = list(obstacles)
    placed: list[tuple[_Label, tuple[float, float], PlacedLabel]] = []
    gap = 6 * m.scale
    for label in candidates:
        px = tuple(ax.transData.transform((label.x, label.y)))
        if any(_same_place(label, px, other, other_px, m.pt(24)) for other, other_px, _ in placed):
            continue
        if label.kind == "polygon":
            offsets, size, weight = [((0, 0), "center", "center")], 11, "bold"
        elif label.kind == "line":  # on the line's middle, or just above or below it
            offsets = [((0, 0), "center", "center"), ((0, gap), "center", "bottom"), ((0, -gap), "center", "top")]
            size, weight = 7.5, "normal"
        else:
            offsets = [((gap, 0), "left", "center"), ((-gap, 0), "right", "center"),
                       ((0, gap), "center", "bottom"), ((0, -gap), "center", "top")]
            size, weight = 8, "normal"
        for (dx, dy), ha, va in offsets:
            text = ax.annotate(plain(label.text), (label.x, label.y), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontsize=size * m.scale, fontweight=weight, color="#1f2a33",
                               zorder=50, annotation_clip=True)
            text.set_path_effects([matplotlib.patheffects.withStroke(linewidth=2.5, foreground="white")])
            ext = extent(text, renderer)
            if inside(ext, frame, tol=0) and not any(overlaps(ext, t) for t in taken):
                taken.append(ext)
                placed.append((label, px, PlacedLabel(label.text, label.layer_id, ext)))
                break
            text.remove()
    return [p for _, _, p in placed]


# ---- furniture in the map: scale bar and north arrow -----------------------------------

def _place_furniture(fig, ax, m: Metrics, lang: str, candidates: list[_Label], huzhou) -> dict[str, Box]:
    """Scale bar and north arrow, each in a corner of the map of its own.

    Placed before the labels, in the corners that hold the fewest label anchors and the least
    of Huzhou: furniture must be drawn, a label may move or drop, so the labels are then
    placed around the furniture and never under it."""
    renderer = fig.canvas.get_renderer()
    words = page("print", lang)
    x0, x1 = ax.get_xlim()
    frame = extent(ax, renderer)
    length_m = nice_length((x1 - x0) / 5)
    length_px = length_m / (x1 - x0) * (frame[2] - frame[0])
    draw = {"scale_bar": lambda o: scale_bar(fig, renderer, m, o, length_px, length_m, words["km"]),
            "north_arrow": lambda o: north_arrow(fig, renderer, m, o, words["north"])}
    trial = {}
    for name, fn in draw.items():  # measure each piece once, then put it where it belongs
        artists, found = fn((0.0, 0.0))
        trial[name] = found
        for a in artists:
            a.remove()
    anchors = [tuple(ax.transData.transform((c.x, c.y))) for c in candidates]
    to_data = ax.transData.inverted()
    pad = m.pt(12)

    def cost(b: Box) -> float:
        near = sum(b[0] - pad <= x <= b[2] + pad and b[1] - pad <= y <= b[3] + pad for x, y in anchors)
        (dx0, dy0), (dx1, dy1) = to_data.transform((b[0], b[1])), to_data.transform((b[2], b[3]))
        return near + huzhou.intersection(box(dx0, dy0, dx1, dy1)).area / ((dx1 - dx0) * (dy1 - dy0))

    sizes = {n: (b[2] - b[0], b[3] - b[1]) for n, b in trial.items()}
    chosen = choose_corners(frame, sizes, m.pt(10), cost,
                            {"scale_bar": ("bottom_left", "bottom_right"), "north_arrow": ("top_right", "top_left")})
    out = {}
    for name, target in chosen.items():
        _, out[name] = draw[name]((target[0] - trial[name][0], target[1] - trial[name][1]))
    return out


# ---- the rest of the page ----------------------------------------------------------------

def _inset(fig, rect, huzhou_metric, lang: str, m: Metrics):
    from layers.plans.context import delta_provinces

    ax = fig.add_axes(rect)
    provinces = delta_provinces()
    provinces.plot(ax=ax, facecolor="#eef0f2", edgecolor="#8a94a0", linewidth=0.4)
    gpd.GeoSeries([huzhou_metric], crs=METRIC).to_crs("EPSG:4326").plot(ax=ax, facecolor="#c0392b",
                                                                        edgecolor="#c0392b")
    ax.set_xlim(115.5, 123.0)
    ax.set_ylim(28.0, 35.2)
    ax.set_aspect(1 / math.cos(math.radians(31)))
    ax.set_anchor("S")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(page("print", lang)["inset"], fontsize=8 * m.scale)
    return ax


def _basemap_credit(request: ExportRequest) -> str:
    """What the sources line says about the tiles when they load."""
    if not request.basemap:
        return ""
    from layers.io.tiles import attribution

    return f" · {page('print', request.lang)['basemap']} {attribution(request.basemap)}"


def _draw_basemap(ax, request: ExportRequest, extent, fetch=None) -> str:
    """Tiles under the layers when asked; offline the figure stays finished without them."""
    if not request.basemap:
        return ""
    from layers.io.tiles import TileError, warped_basemap

    frame = ax.get_position(original=True)
    size = (max(int(frame.width * request.size.width_px), 1), max(int(frame.height * request.size.height_px), 1))
    try:
        image = warped_basemap(request.basemap, extent, size, **({"fetch": fetch} if fetch else {}))
    except TileError as exc:
        return f" · {exc}"
    ax.imshow(image, extent=(extent[0], extent[2], extent[1], extent[3]), zorder=0, interpolation="bilinear")
    return _basemap_credit(request)


SCHEMATIC_MARKS = ("schematic", "规划示意", "town centre", "street centre", "district-level", "city level")


def honesty_notes(catalogue: Catalogue, layer_data: dict[str, dict], layer_ids: list[str], lang: str) -> list[str]:
    """What a reader must know about the drawn geometry: a 示意图 note when any drawn feature is
    schematic or stands at a town/district centre, and how many chosen features are not drawn
    because they have no sourced position."""
    words = page("print", lang)
    drawn = [f for i in layer_ids for f in layer_data[i]["features"] if f.get("geometry")]
    unlocated = sum(1 for i in layer_ids for f in layer_data[i]["features"] if not f.get("geometry"))
    notes = []
    if any(any(mark in str(f["properties"].get("accuracy", "")).lower() for mark in SCHEMATIC_MARKS) for f in drawn):
        notes.append(words["schematic"])
    if unlocated:
        notes.append(words["unlocated"].format(n=unlocated))
    return notes




def _title(fig, renderer, m: Metrics, request: ExportRequest) -> Box:
    """Title and subtitle at the top left; their box."""
    x, top = m.margin, m.height - m.margin
    title = fig.text(x / m.width, top / m.height, plain(request.title or " "), fontsize=20 * m.scale,
                     fontweight="bold", va="top")
    boxes = [extent(title, renderer)]
    if request.subtitle:
        sub = fig.text(x / m.width, (boxes[0][1] - m.pt(4)) / m.height, plain(request.subtitle),
                       fontsize=12 * m.scale, color="#444", va="top")
        boxes.append(extent(sub, renderer))
    return union(boxes)


def _footer(fig, renderer, m: Metrics, request: ExportRequest, notes: list[str], basemap_note: str) -> dict[str, Box]:
    """Credits at the bottom right; sources at the bottom left, wrapped to the room the credits
    leave; the honesty notes above the sources. Boxes of each, from the bottom up."""
    words = page("print", request.lang)
    right, y = m.width - m.margin, m.margin * 0.5
    date = fig.text(right / m.width, y / m.height, plain(f"{words['made']} {request.date.isoformat()}"),
                    fontsize=6.5 * m.scale, color="#444", ha="right", va="bottom")
    credit_boxes = [extent(date, renderer)]
    who = [words["approval"].format(no=request.approval_no)] if request.approval_no else []
    who += [words["organisation"].format(org=request.organisation)] if request.organisation else []
    if who:
        line = fig.text(right / m.width, (credit_boxes[0][3] + m.pt(2)) / m.height, plain("  ".join(who)),
                        fontsize=7.5 * m.scale, color="#222", ha="right", va="bottom")
        credit_boxes.append(extent(line, renderer))
    boxes = {"credits": union(credit_boxes)}
    width = boxes["credits"][0] - m.gap * 2 - m.margin
    _, boxes["sources"] = fitted_text(fig, renderer, m, (m.margin, y), plain(words["sources"] + basemap_note),
                                      width, 6.5, color="#444", va="bottom", linespacing=1.3)
    if notes:
        _, boxes["notes"] = fitted_text(fig, renderer, m, (m.margin, boxes["sources"][3] + m.pt(3)),
                                        plain(" ".join(notes)), width, 7.5, color="#7a3b00", va="bottom")
    return boxes


def _content_bounds(request: ExportRequest, huzhou) -> Box:
    """What the map must show, in metres: Huzhou itself (plus 4 %) for the default extent,
    else the requested box."""
    if tuple(request.bbox) == HUZHOU_BBOX:
        x0, y0, x1, y1 = huzhou.bounds
        pad = 0.04 * max(x1 - x0, y1 - y0)
        return x0 - pad, y0 - pad, x1 + pad, y1 + pad
    return to_metric(box(*request.bbox)).bounds


def _map_axes(fig, m: Metrics, rect: Box, transparent: bool):
    ax = fig.add_axes(to_fraction(fig, rect))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#555")
        side.set_linewidth(0.8)
    ax.set_facecolor("none" if transparent else "#f3f1ec")
    return ax


@dataclass
class ExportResult:
    png: bytes
    legend: list[str]  # legend entries, in order, as printed
    labels_placed: int
    notes: list[str] = field(default_factory=list)  # honesty marks printed under the map
    boxes: dict[str, Box] = field(default_factory=dict)  # furniture, figure pixels (y up)
    labels: list[PlacedLabel] = field(default_factory=list)  # map labels as drawn


def _check_layers(request: ExportRequest, catalogue: Catalogue) -> None:
    unknown = [i for i in request.layers if i not in {s.id for s in catalogue.layers}]
    if unknown:
        known = ", ".join(s.id for s in catalogue.layers)
        raise ExportError(f"unknown layer(s) {', '.join(unknown)}; known: {known}")
    if request.lang not in ("zh", "en"):
        raise ExportError(f"unknown language '{request.lang}'; use zh or en")


def _figure(request: ExportRequest, catalogue: Catalogue, layer_data: dict[str, dict], tile_fetch=None,
            basemap_note: str | None = None):
    """The finished figure (call inside the font rc_context) and its result without image bytes.

    The sources line is laid out before the map and names the tiles; when they fail to load
    the figure is laid out once more with the failure in that line."""
    from layers.plans.context import huzhou_outline_metric

    lang, huzhou = request.lang, huzhou_outline_metric()
    fig = plt.figure(figsize=request.size.inches, dpi=request.size.dpi)
    m = Metrics.of(fig, request.size)
    renderer = fig.canvas.get_renderer()
    notes = honesty_notes(catalogue, layer_data, request.layers, lang)
    boxes: dict[str, Box] = {"page": tuple(float(v) for v in fig.bbox.extents), "title": _title(fig, renderer, m, request)}
    content = _content_bounds(request, huzhou)
    aspect = (content[2] - content[0]) / (content[3] - content[1])
    basemap_note = _basemap_credit(request) if basemap_note is None else basemap_note
    footer = _footer(fig, renderer, m, request, notes, basemap_note)
    body = body_boxes(m, boxes["title"][1], max(b[3] for b in footer.values()), aspect, request.size.portrait)
    map_ax = _map_axes(fig, m, body["map"], request.transparent)
    drawn, legend = _draw_layers(map_ax, catalogue, layer_data, request.layers, lang)
    frame = body["map"]
    x0, y0, x1, y1 = fit_extent(content, (frame[2] - frame[0]) / (frame[3] - frame[1]))
    map_ax.set_xlim(x0, x1)
    map_ax.set_ylim(y0, y1)
    map_ax.set_aspect("equal", adjustable="box")
    map_ax.set_xlabel("")  # geopandas names the CRS axes; a planning map does not
    map_ax.set_ylabel("")
    note = _draw_basemap(map_ax, request, (x0, y0, x1, y1), tile_fetch)
    if note != basemap_note:
        plt.close(fig)
        return _figure(request, catalogue, layer_data, tile_fetch, note)
    fig.canvas.draw()
    candidates = _label_candidates(drawn, lang, (x0, y0, x1, y1))
    boxes.update(_place_furniture(fig, map_ax, m, lang, candidates, huzhou))
    labels = _place_labels(fig, map_ax, m, candidates, [boxes["scale_bar"], boxes["north_arrow"]])
    inset = _inset(fig, to_fraction(fig, body["inset"]), huzhou, lang, m)
    if legend:
        fit_legend(fig, renderer, m, body["legend"], [_legend_handle(e) for e in legend],
                   [plain(e.label) for e in legend], page("print", lang)["legend"])
    fig.canvas.draw()
    boxes.update(footer)
    boxes["map"] = extent(map_ax, renderer)
    boxes["inset"] = tuple(float(v) for v in inset.get_tightbbox(renderer).extents)
    if fig.legends:
        boxes["legend"] = extent(fig.legends[0], renderer)
    hx0, hy0, hx1, hy1 = huzhou.bounds
    boxes["huzhou"] = tuple(float(v) for v in (*map_ax.transData.transform((hx0, hy0)),
                                               *map_ax.transData.transform((hx1, hy1))))
    return fig, ExportResult(b"", [e.label for e in legend], len(labels), notes, boxes, labels)


def _rc(family: str) -> dict[str, Any]:
    # pdf.fonttype 42: TrueType fonts embedded (subset) in PDFs, so Chinese prints anywhere
    return {"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False, "svg.hashsalt": "hz",
            "path.simplify": True, "pdf.fonttype": 42}


def render_png(request: ExportRequest, catalogue: Catalogue, layer_data: dict[str, dict],
               tile_fetch=None) -> ExportResult:
    """Render the figure; layer_data maps layer id → validated GeoJSON for each requested layer.

    tile_fetch (url → bytes) replaces the HTTP tile fetcher (tests pass a fake)."""
    _check_layers(request, catalogue)
    with plt.rc_context(_rc(cjk_font_family())):
        fig, result = _figure(request, catalogue, layer_data, tile_fetch)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=request.size.dpi, transparent=request.transparent,
                    metadata={"Software": None})
        plt.close(fig)
    result.png = buffer.getvalue()
    return result


def render_pdf(requests: list[ExportRequest], catalogue: Catalogue, layer_data: dict[str, dict]) -> bytes:
    """One PDF page per request (handouts: one per plan framework), fonts embedded."""
    from matplotlib.backends.backend_pdf import PdfPages

    if not requests:
        raise ExportError("a PDF needs at least one page")
    for request in requests:
        _check_layers(request, catalogue)
    buffer = io.BytesIO()
    with plt.rc_context(_rc(cjk_font_family())):
        with PdfPages(buffer, metadata={"Creator": "Huzhou planning map", "Producer": None,
                                        "CreationDate": None}) as pdf:
            for request in requests:
                fig, _ = _figure(request, catalogue, layer_data)
                pdf.savefig(fig)
                plt.close(fig)
    return buffer.getvalue()
