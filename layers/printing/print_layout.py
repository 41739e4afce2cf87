"""Page layout for the print map: one box per piece of furniture, at every size.

Sizes are in inches and type in points, so a page looks the same at any dpi; boxes are
measured with the renderer in figure pixels (matplotlib's display coordinates, y up) and
artists are placed in figure fractions, which the PDF backend (72 dpi) reads the same way.

Bands, top to bottom: title (and subtitle), the body, the footer (notes, sources, credits).
Landscape pages put a panel right of the map (legend above the inset); portrait pages put
it under the map (legend left of the inset). The map frame takes the shape of what it
shows where the page allows, so Huzhou fills it; the panel gets the rest.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from matplotlib.patches import FancyArrowPatch, Rectangle

from layers.model.findings import ExportError  # noqa: F401  (raised here, re-exported by printmap)

SLIDE_SIZES = {"1920x1080": (1920, 1080, 150), "3840x2160": (3840, 2160, 300)}
PAPER_MM = {"A4": (297, 210), "A3": (420, 297)}  # landscape; portrait swaps them
ORIENTATIONS = ("landscape", "portrait")
REFERENCE_PAGE_IN2 = 12.8 * 7.2  # the 1920×1080 slide at 150 dpi: type scale 1

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in figure pixels, y up


@dataclass(frozen=True)
class PageSize:
    width_px: int
    height_px: int
    dpi: int

    @property
    def inches(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi

    @property
    def portrait(self) -> bool:
        return self.height_px > self.width_px

    @property
    def type_scale(self) -> float:
        """Type grows with the page (A3 prints larger than a slide), within 1–1.5."""
        w, h = self.inches
        return min(max(math.sqrt(w * h / REFERENCE_PAGE_IN2), 1.0), 1.5)


def page_size(size: str | None = None, paper: str | None = None, dpi: int = 300,
              orientation: str = "landscape") -> PageSize:
    """A slide size (pixels, fixed dpi) or a paper size at `dpi`, landscape or portrait."""
    if orientation not in ORIENTATIONS:
        raise ExportError(f"unknown orientation '{orientation}'; use landscape or portrait")
    if size and paper:
        raise ExportError("give either --size or --paper, not both")
    if paper:
        if paper not in PAPER_MM:
            raise ExportError(f"unknown paper '{paper}'; use one of {', '.join(PAPER_MM)}")
        if not isinstance(dpi, int) or not 72 <= dpi <= 600:
            raise ExportError(f"dpi {dpi} out of range; use 72–600")
        w_mm, h_mm = PAPER_MM[paper]
        w, h = round(w_mm / 25.4 * dpi), round(h_mm / 25.4 * dpi)
    else:
        size = size or "1920x1080"
        if size not in SLIDE_SIZES:
            raise ExportError(f"unknown size '{size}'; use one of {', '.join(SLIDE_SIZES)} or --paper A4/A3")
        w, h, dpi = SLIDE_SIZES[size]
    return PageSize(h, w, dpi) if orientation == "portrait" else PageSize(w, h, dpi)


# ---- boxes ----------------------------------------------------------------------------

def overlaps(a: Box, b: Box) -> bool:
    """True when the two boxes share area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a: Box, outer: Box, tol: float = 0.5) -> bool:
    return a[0] >= outer[0] - tol and a[1] >= outer[1] - tol and a[2] <= outer[2] + tol and a[3] <= outer[3] + tol


def union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def extent(artist, renderer) -> Box:
    return tuple(float(v) for v in artist.get_window_extent(renderer).extents)  # type: ignore[return-value]


def to_fraction(fig, box: Box) -> tuple[float, float, float, float]:
    """A pixel box as matplotlib's (left, bottom, width, height) in figure fractions."""
    w, h = fig.bbox.width, fig.bbox.height
    return box[0] / w, box[1] / h, (box[2] - box[0]) / w, (box[3] - box[1]) / h


# ---- the page's bands ------------------------------------------------------------------

@dataclass(frozen=True)
class Metrics:
    """Lengths of one page in pixels."""
    width: float
    height: float
    px_per_pt: float
    scale: float  # type scale

    @classmethod
    def of(cls, fig, size: PageSize) -> "Metrics":
        return cls(fig.bbox.width, fig.bbox.height, fig.dpi / 72, size.type_scale)

    def pt(self, points: float) -> float:
        """Points (scaled with the page's type) in pixels."""
        return points * self.scale * self.px_per_pt

    @property
    def margin(self) -> float:
        return self.pt(16)

    @property
    def gap(self) -> float:
        return self.pt(9)


def body_boxes(m: Metrics, top: float, bottom: float, content_aspect: float, portrait: bool) -> dict[str, Box]:
    """Map, legend and inset boxes between the title band (`top`) and the footer (`bottom`).

    The map frame takes the content's aspect (width/height) when the page has room, within
    limits that keep the panel usable; the map's extent is then grown to the frame
    (print map `_fit_extent`), never stretched."""
    x0, x1, y0, y1 = m.margin, m.width - m.margin, bottom + m.gap, top - m.gap
    bw, bh, gap = x1 - x0, y1 - y0, m.gap
    inset_title = m.pt(8) * 1.8
    if not portrait:
        panel_w = min(max(bw - gap - bh * content_aspect, 0.24 * m.width), 0.36 * m.width)
        map_box = (x0, y0, x1 - panel_w - gap, y1)
        px0 = map_box[2] + gap
        inset_h = min(0.42 * bh, panel_w * 0.85)
        inset = (px0, y0, x1, y0 + inset_h - inset_title)
        legend = (px0, y0 + inset_h + gap, x1, y1)
    else:
        panel_h = min(max(bh - gap - bw / content_aspect, 0.22 * m.height), 0.40 * m.height)
        map_box = (x0, y0 + panel_h + gap, x1, y1)
        inset_w = min(0.36 * bw, panel_h * 1.05)
        inset = (x1 - inset_w, y0, x1, y0 + panel_h - inset_title)
        legend = (x0, y0, x1 - inset_w - gap, y0 + panel_h)
    return {"map": map_box, "legend": legend, "inset": inset}


def fit_extent(bounds: Box, frame_aspect: float) -> Box:
    """Grow the shorter side of a metric extent to the frame's aspect (width/height), about
    its centre, so 1 m is 1 m in both directions and nothing is cut."""
    x0, y0, x1, y1 = bounds
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if w / h < frame_aspect:
        w = h * frame_aspect
    else:
        h = w / frame_aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


# ---- text that must fit a width ------------------------------------------------------

def wrapped(label: str, width: int | None) -> str:
    """A label broken into lines of about `width` Latin columns (a CJK character is two)."""
    if width is None:
        return label
    lines, line, used = [], "", 0
    # brackets and closing punctuation stay with their text: no line starts with "）" or ends with "（"
    for token in re.findall(r"[A-Za-z0-9'’.,:;/()\-]+\s*|\s+|[（(「『]*.[）)」』，、。：；]*", label):
        cost = sum(2 if ord(ch) > 0x2E80 else 1 for ch in token)
        if used + cost > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), cost
        else:
            line, used = line + token, used + cost
    lines.append(line.rstrip())
    return "\n".join(lines)


def fitted_text(fig, renderer, m: Metrics, xy_px: tuple[float, float], text: str, max_width: float,
                size_pt: float, **kwargs):
    """fig.text wrapped until it is at most `max_width` pixels wide; returns (artist, box)."""
    columns = max(int(max_width / (m.pt(size_pt) * 0.5)), 8)
    while True:
        artist = fig.text(xy_px[0] / m.width, xy_px[1] / m.height, wrapped(text, columns),
                          fontsize=size_pt * m.scale, **kwargs)
        box = extent(artist, renderer)
        if box[2] - box[0] <= max_width or columns <= 8:
            return artist, box
        artist.remove()
        columns = int(columns * 0.9)


# ---- map corners for the scale bar and the north arrow -------------------------------

CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


def nice_length(max_m: float) -> float:
    exponent = math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        candidate = step * 10 ** exponent
        if candidate <= max_m:
            return candidate
    return 10 ** exponent


def scale_bar(fig, renderer, m: Metrics, origin, length_px: float, length_m: float, unit: str):
    """A four-part bar with 0, half and full length in km above it, bottom-left at `origin`
    (pixels); returns the artists and their box."""
    x, y = origin
    height = m.pt(4)
    x += m.pt(4)  # room for half of the "0"
    artists = [fig.add_artist(Rectangle(((x + i * length_px / 4) / m.width, y / m.height), length_px / 4 / m.width,
                                        height / m.height, transform=fig.transFigure, zorder=60, linewidth=0.6,
                                        facecolor="black" if i % 2 == 0 else "white", edgecolor="black"))
               for i in range(4)]
    for pos, value in ((0, 0), (length_px / 2, length_m / 2000), (length_px, length_m / 1000)):
        artists.append(fig.text((x + pos) / m.width, (y + height * 1.6) / m.height, f"{value:g}", ha="center",
                                va="bottom", fontsize=8 * m.scale, zorder=60))
    artists.append(fig.text((x + length_px + m.pt(4)) / m.width, y / m.height, unit, ha="left", va="bottom",
                            fontsize=8 * m.scale, zorder=60))
    boxes = [extent(a, renderer) for a in artists[4:]] + [(x, y, x + length_px, y + height)]
    return artists, union(boxes)


def north_arrow(fig, renderer, m: Metrics, origin, letter: str):
    """The letter N (北) with an arrow above it, bottom-left of its box at `origin` (pixels)."""
    half = m.pt(6)
    x, y = origin[0] + half, origin[1]
    text = fig.text(x / m.width, y / m.height, letter, ha="center", va="bottom", fontsize=12 * m.scale,
                    fontweight="bold", zorder=60)
    top_of_text = extent(text, renderer)[3]
    tail, tip = top_of_text + m.pt(2), top_of_text + m.pt(26)
    arrow = fig.add_artist(FancyArrowPatch((x / m.width, tail / m.height), (x / m.width, tip / m.height),
                                           transform=fig.transFigure, arrowstyle="-|>", mutation_scale=14 * m.scale,
                                           color="black", linewidth=1.5, zorder=60))
    return [text, arrow], union([extent(text, renderer), (x - half, tail, x + half, tip)])


def corner_box(frame: Box, corner: str, size: tuple[float, float], pad: float) -> Box:
    w, h = size
    x0 = frame[0] + pad if corner.endswith("left") else frame[2] - pad - w
    y0 = frame[1] + pad if corner.startswith("bottom") else frame[3] - pad - h
    return x0, y0, x0 + w, y0 + h


def choose_corners(frame: Box, sizes: dict[str, tuple[float, float]], pad: float, cost,
                   preferred: dict[str, tuple[str, ...]]) -> dict[str, Box]:
    """Each piece in its own corner: the assignment with the least total `cost(box)`; a
    piece's conventional corners (`preferred`) win ties and small differences."""
    names = list(sizes)
    best, best_cost = None, math.inf
    for first in CORNERS:
        for second in (c for c in CORNERS if c != first):
            chosen = dict(zip(names, (first, second)))
            total = sum(cost(corner_box(frame, c, sizes[n], pad)) + (0 if c in preferred.get(n, CORNERS) else 0.05)
                        for n, c in chosen.items())
            if total < best_cost:
                best, best_cost = chosen, total
    return {n: corner_box(frame, c, sizes[n], pad) for n, c in best.items()}


# ---- the legend ---------------------------------------------------------------------

LEGEND_SIZES = (9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5, 4.5)


def fit_legend(fig, renderer, m: Metrics, area: Box, handles: list, labels: list[str], title: str):
    """The largest type that fits `area`, in as few columns as that needs; long labels are
    wrapped to the column width. Returns the legend artist (the smallest try if none fits)."""
    for size in LEGEND_SIZES:
        for columns in (1, 2, 3, 4):
            column_px = (area[2] - area[0]) / columns - m.pt(size) * 3.2  # handle, padding, spacing
            wrap = max(int(column_px / (m.pt(size) * 0.55)), 10)
            artist = fig.legend(handles, [wrapped(label, wrap) for label in labels], loc="upper left",
                                bbox_to_anchor=(area[0] / m.width, area[3] / m.height),
                                bbox_transform=fig.transFigure, frameon=False, fontsize=size * m.scale,
                                ncol=columns, title=title, title_fontsize=(size + 2) * m.scale,
                                alignment="left", columnspacing=0.8, handletextpad=0.5, borderaxespad=0.0,
                                borderpad=0.0)
            if inside(extent(artist, renderer), area):
                return artist
            if size != LEGEND_SIZES[-1] or columns != 4:
                artist.remove()
    return artist
