"""The print layout at every size × language × plan preset, checked from the layout engine's
own boxes and from the rendered image. Each combination is rendered once (cached) and the
tests below read the same result."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from functools import lru_cache

import pytest
from PIL import Image

from layers.model.catalogue import load_catalogue
from layers.printing.exports import export_png
from layers.printing.printmap import ExportRequest, page_size

CATALOGUE = load_catalogue()
SIZES = {  # name: page_size arguments; paper at a low dpi keeps the matrix fast (layout is in inches)
    "1920x1080": ("1920x1080", None, 150, "landscape"),
    "3840x2160": ("3840x2160", None, 300, "landscape"),
    "A4": (None, "A4", 72, "landscape"),
    "A4-portrait": (None, "A4", 100, "portrait"),
    "A3": (None, "A3", 72, "landscape"),
    "A3-portrait": (None, "A3", 72, "portrait"),
}
LANGS = ("zh", "en")
PLANS = ("none", "2024", "2019")
MATRIX = list(itertools.product(SIZES, LANGS, PLANS))
IN_MAP = {"scale_bar", "north_arrow"}  # furniture drawn inside the map frame
FURNITURE = ("title", "map", "legend", "inset", "scale_bar", "north_arrow", "notes", "sources", "credits")


@lru_cache(maxsize=None)
def _render(size: str, lang: str, plan: str):
    layers = [s.id for s in CATALOGUE.layers if s.visible] if plan == "none" else CATALOGUE.plan_layers(plan)
    request = ExportRequest(layers=layers, lang=lang, size=page_size(*SIZES[size]), date=dt.date(2026, 11, 23),
                            title="湖州市空间格局" if lang == "zh" else "Huzhou spatial structure",
                            subtitle="虹桥国际开放枢纽金西翼", approval_no="浙S(2026)001号", organisation="湖州市规划院")
    return export_png(CATALOGUE, request)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, outer, tol=0.5) -> bool:
    return a[0] >= outer[0] - tol and a[1] >= outer[1] - tol and a[2] <= outer[2] + tol and a[3] <= outer[3] + tol


@pytest.mark.parametrize("size, lang, plan", MATRIX)
def test_every_size_language_and_plan_lays_out_without_overlap(size, lang, plan):
    result = _render(size, lang, plan)
    boxes = result.boxes
    assert set(FURNITURE) <= set(boxes), f"missing boxes: {set(FURNITURE) - set(boxes)}"
    page = boxes["page"]
    for name in FURNITURE:
        assert _inside(boxes[name], page), f"{name} {boxes[name]} runs off the page {page}"
    for a, b in itertools.combinations(FURNITURE, 2):
        if {a, b} & IN_MAP and "map" in (a, b):
            assert _inside(boxes[a if a in IN_MAP else b], boxes["map"]), f"{a}/{b} not inside the map frame"
            continue
        assert not _overlap(boxes[a], boxes[b]), f"{a} {boxes[a]} overlaps {b} {boxes[b]}"
    # the image: nothing (legend text above all) reaches the page's edge, next to the legend or anywhere
    image = Image.open(io.BytesIO(result.png)).convert("RGB")
    w, h = image.size
    assert (w, h) == (round(page[2]), round(page[3]))
    background = image.getpixel((0, 0))
    lx0, ly0, lx1, ly1 = (round(v) for v in boxes["legend"])
    right_of_legend = [image.getpixel((x, h - 1 - y)) for x in (w - 1, w - 2) for y in range(max(ly0, 0), min(ly1, h))]
    below_legend = [image.getpixel((x, y)) for y in (h - 1, h - 2) for x in range(max(lx0, 0), min(lx1, w))]
    ring = [image.getpixel((x, y)) for x in range(w) for y in (0, h - 1)] + [
        image.getpixel((x, y)) for y in range(h) for x in (0, w - 1)]
    assert set(right_of_legend) == {background} and set(below_legend) == {background}
    assert set(ring) == {background}


@pytest.mark.parametrize("size, lang, plan", MATRIX)
def test_huzhou_fills_the_map_frame(size, lang, plan):
    boxes = _render(size, lang, plan).boxes
    (mx0, my0, mx1, my1), (hx0, hy0, hx1, hy1) = boxes["map"], boxes["huzhou"]
    assert _inside(boxes["huzhou"], boxes["map"], tol=1)  # all of Huzhou is shown
    width_share, height_share = (hx1 - hx0) / (mx1 - mx0), (hy1 - hy0) / (my1 - my0)
    assert max(width_share, height_share) >= 0.85, (width_share, height_share)


@pytest.mark.parametrize("size, lang, plan", MATRIX)
def test_labels_once_each_never_overlapping_nor_under_the_furniture(size, lang, plan):
    result = _render(size, lang, plan)
    texts = [label.text for label in result.labels]
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1]
    assert result.labels_placed == len(result.labels) >= 5
    for a, b in itertools.combinations(result.labels, 2):
        assert not _overlap(a.box, b.box), (a.text, b.text)
    for label in result.labels:
        assert _inside(label.box, result.boxes["map"])
        for piece in IN_MAP:
            assert not _overlap(label.box, result.boxes[piece]), (label.text, piece)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("plan", PLANS)
def test_legend_never_shows_an_internal_id(lang, plan):
    legend = _render("1920x1080", lang, plan).legend
    assert legend
    ids = [label for label in legend if re.search(r"[a-z0-9]+_[a-z0-9_]+", label)]
    assert ids == []


def test_station_and_city_labels_merge_where_they_coincide():
    """宣城 (partner city) and 宣城站 (station) 1.5 km apart, 三核：南太湖新区 on the park 南太湖新区:
    one label each; different places that share a word (南太湖新区半导体产业园) keep theirs."""
    from layers.printing.printmap import _Label, _same_place

    city, station = _Label("宣城", 0, 0, "partner_cities", "point"), _Label("宣城站", 1459, 0, "rail_stations", "point")
    assert _same_place(station, (100, 100), city, (110, 100), near_px=40)
    assert not _same_place(station, (100, 100), city, (300, 100), near_px=40)  # far apart: two places
    park = _Label("南太湖新区半导体产业园", 0, 0, "industrial_parks", "point")
    core = _Label("三核：南太湖新区", 0, 0, "overlay_2024_cores", "point")
    assert not _same_place(park, (0, 0), core, (0, 0), near_px=40)
    assert _same_place(_Label("南太湖新区", 0, 0, "industrial_parks", "point"), (0, 0), core, (0, 0), near_px=40)
    plan = _render("1920x1080", "zh", "2024")
    assert [t.text for t in plan.labels].count("三核：湖州接轨上海创新合作区") == 1
    assert "湖州接轨上海创新合作区" not in [t.text for t in plan.labels]


def test_portrait_pages_put_legend_and_inset_under_the_map():
    for size in ("A4-portrait", "A3-portrait"):
        boxes = _render(size, "zh", "2024").boxes
        assert boxes["page"][3] > boxes["page"][2]
        assert boxes["legend"][3] <= boxes["map"][1] and boxes["inset"][3] <= boxes["map"][1]
    landscape = _render("A4", "zh", "2024").boxes
    assert landscape["legend"][0] >= landscape["map"][2] and landscape["inset"][0] >= landscape["map"][2]


def test_scale_bar_and_north_arrow_give_way_to_labels_in_their_usual_corners():
    """Places labelled in the north-east and south-west corners of Huzhou's extent (where the
    north arrow and the scale bar usually go, and where 苏州吴江 sat under the English arrow):
    the furniture takes other corners and both labels are printed, clear of it."""
    import copy

    from layers.plans.context import huzhou_outline_metric
    from layers.geo.crs import METRIC
    from layers.io.loader import load_layer
    from layers.printing.printmap import render_png
    from pyproj import Transformer

    x0, y0, x1, y1 = huzhou_outline_metric().bounds
    to_lonlat = Transformer.from_crs(METRIC, "EPSG:4326", always_xy=True)
    data = load_layer(CATALOGUE.get("partner_cities")).data
    template = next(f for f in data["features"] if f.get("geometry"))
    features = []
    for name, (x, y) in {"东北角": (x1, y1), "西南角": (x0, y0)}.items():
        feature = copy.deepcopy(template)
        feature["geometry"] = {"type": "Point", "coordinates": list(to_lonlat.transform(x, y))}
        feature["properties"].update(id=f"corner_{len(features)}", name_zh=name, name_en=name)
        features.append(feature)
    layers = {"districts": load_layer(CATALOGUE.get("districts")).data,
              "partner_cities": {**data, "features": features}}
    for size in ("1920x1080", "A4-portrait"):
        result = render_png(ExportRequest(layers=list(layers), lang="en", size=page_size(*SIZES[size])),
                            CATALOGUE, layers)
        corner_labels = [label for label in result.labels if label.text in ("东北角", "西南角")]
        assert len(corner_labels) == 2, [label.text for label in result.labels]
        for label in corner_labels:
            for piece in IN_MAP:
                assert not _overlap(label.box, result.boxes[piece]), (size, label.text, piece)


def test_rail_lines_and_waterways_are_named_on_the_print():
    """Lines get labels too (at the middle of their stretch inside the frame), under the same
    collision rules: the default map names some railways and some waterways."""
    for lang in ("zh", "en"):
        result = _render("1920x1080", lang, "none")
        named = {label.layer_id for label in result.labels}
        assert {"rail_lines", "waterways"} <= named, (lang, sorted(named))
