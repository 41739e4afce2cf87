"""PNG export: sizes, DPI, real content, exact legend, Chinese glyphs, determinism, bad input."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PIL import Image

from layers.catalogue import load_catalogue
from layers.loader import load_layer
from layers.printmap import ExportError, ExportRequest, page_size, parse_bbox, render_png

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue()
DATE = dt.date(2026, 11, 23)


def _data(ids):
    return {i: load_layer(CATALOGUE.get(i)).data for i in ids}


def _render(ids, **kwargs):
    request = ExportRequest(layers=ids, title="湖州市空间格局", subtitle="测试", date=DATE, **kwargs)
    return render_png(request, CATALOGUE, _data(ids))


@pytest.fixture(scope="module")
def slide():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _render(["districts", "partner_cities"])
    return result, [str(w.message) for w in caught]


def test_slide_size_and_dpi(slide):
    image = Image.open(io.BytesIO(slide[0].png))
    assert image.size == (1920, 1080)
    assert round(image.info["dpi"][0]) == 150


def test_a4_at_300_dpi():
    result = _render(["districts"], size=page_size(paper="A4", dpi=300))
    image = Image.open(io.BytesIO(result.png))
    assert image.size == (3508, 2480) and round(image.info["dpi"][0]) == 300


def test_map_area_shows_the_layer_colours(slide):
    image = Image.open(io.BytesIO(slide[0].png)).convert("RGB")
    w, h = image.size
    map_area = image.crop((int(0.02 * w), int(0.13 * h), int(0.72 * w), int(0.93 * h)))
    colours = {c for _, c in map_area.getcolors(maxcolors=1 << 20)}
    district_edge = (0x2F, 0x6B, 0x4F)
    assert district_edge in colours
    assert len(colours) > 50  # not a blank frame


def test_legend_lists_exactly_the_drawn_layers(slide):
    assert slide[0].legend == ["湖州五区县", "合作城市"]
    assert _render(["context_counties"], lang="en").legend == ["Neighbouring counties"]


def test_chinese_text_has_glyphs(slide):
    assert not [m for m in slide[1] if "missing from font" in m or "Glyph" in m]
    assert slide[0].labels_placed >= 5


def test_same_inputs_give_the_same_image(slide):
    assert _render(["districts", "partner_cities"]).png == slide[0].png


def test_transparent_background():
    image = Image.open(io.BytesIO(_render(["districts"], transparent=True).png))
    assert image.mode == "RGBA" and image.getpixel((5, 5))[3] == 0


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "120,31,119,30", "30,119,31,120"])
def test_bad_bbox_is_explained(text):
    with pytest.raises(ExportError, match="bbox"):
        parse_bbox(text)


@pytest.mark.parametrize("args, expected", [
    (["--layers", "nope"], "unknown layer 'nope'"),
    (["--size", "800x600"], "unknown size '800x600'"),
    (["--bbox", "30,119,31,120"], "swap lon and lat"),
    (["--paper", "A5"], "unknown paper 'A5'"),
])
def test_cli_rejects_bad_arguments(tmp_path, args, expected):
    out = tmp_path / "x.png"
    result = subprocess.run([sys.executable, "-m", "layers", "export-png", "--out", str(out), *args],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and expected in result.stderr
    assert not out.exists()


def test_cli_writes_png(tmp_path):
    out = tmp_path / "map.png"
    result = subprocess.run([sys.executable, "-m", "layers", "export-png", "--out", str(out), "--lang", "en",
                             "--title", "Huzhou"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (1920, 1080)


def test_missing_cjk_font_stops_with_install_hint(monkeypatch):
    from matplotlib import font_manager

    from layers import fonts

    fonts.cjk_font_family.cache_clear()
    latin_only = [f for f in font_manager.fontManager.ttflist if f.name == "DejaVu Sans"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    try:
        with pytest.raises(fonts.MissingFontError, match="fonts-noto-cjk"):
            _render(["districts"])
    finally:
        fonts.cjk_font_family.cache_clear()


def _fake_tiles(calls):
    """A tile server in a function: solid colour tiles, counting requests."""
    def fetch(url):
        calls.append(url)
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), (250, 200, 40)).save(buffer, format="PNG")
        return buffer.getvalue()
    return fetch


def test_online_basemap_is_drawn_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("HZ_TILE_CACHE", str(tmp_path))
    calls = []
    request = ExportRequest(layers=["districts"], title="t", date=DATE, basemap="osm")
    first = render_png(request, CATALOGUE, _data(["districts"]), tile_fetch=_fake_tiles(calls))
    assert calls and all(u.startswith("https://tile.openstreetmap.org/") for u in calls)
    image = Image.open(io.BytesIO(first.png)).convert("RGB")
    assert (250, 200, 40) in {c for _, c in image.getcolors(1 << 20)}
    again = []
    second = render_png(request, CATALOGUE, _data(["districts"]), tile_fetch=_fake_tiles(again))
    assert again == [] and second.png == first.png  # served from the disk cache


def test_offline_basemap_falls_back_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("HZ_TILE_CACHE", str(tmp_path))

    def offline(url):
        raise OSError("network unreachable")

    request = ExportRequest(layers=["districts"], title="t", date=DATE, basemap="osm")
    result = render_png(request, CATALOGUE, _data(["districts"]), tile_fetch=offline)
    assert Image.open(io.BytesIO(result.png)).size == (1920, 1080)


def test_shapefile_zip_and_kml_downloads_read_back(tmp_path):
    import zipfile

    import pyogrio

    from layers.exporting import kml_bytes, shapefile_zip_bytes

    archive = tmp_path / "x.zip"
    archive.write_bytes(shapefile_zip_bytes(CATALOGUE, ["districts", "rail_stations"]))
    names = zipfile.ZipFile(archive).namelist()
    assert {"districts.shp", "districts.prj", "districts.cpg", "rail_stations.shp"} <= set(names)
    frame = pyogrio.read_dataframe(f"/vsizip/{archive}/districts.shp")
    assert len(frame) == 5 and "吴兴区" in set(frame["name_zh"])
    kml = tmp_path / "x.kml"
    kml.write_bytes(kml_bytes(CATALOGUE, ["districts", "partner_cities"]))
    layers = {name for name, _ in pyogrio.list_layers(kml)}
    assert layers == {"districts", "partner_cities"}
