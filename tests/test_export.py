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

from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer
from layers.printing.printmap import ExportError, ExportRequest, page_size, parse_bbox, render_png

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

    from layers.printing import fonts

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

    from layers.io.exporting import kml_bytes, shapefile_zip_bytes

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


def test_honesty_marks_say_schematic_and_count_what_is_not_drawn():
    from layers.io.exporting import load_for_export
    from layers.printing.printmap import honesty_notes

    catalogue = load_catalogue()
    data = load_for_export(catalogue, ["districts", "rail_lines", "industrial_parks"])
    notes = honesty_notes(catalogue, data, ["districts", "rail_lines", "industrial_parks"], "zh")
    unlocated = sum(1 for i in ("rail_lines", "industrial_parks") for f in data[i]["features"] if not f["geometry"])
    assert notes[0].startswith("示意图") and notes[1] == f"另有 {unlocated} 项规划要素暂无有出处的位置，未在图中绘出。"
    only_boundaries = load_for_export(catalogue, ["districts"])
    assert honesty_notes(catalogue, only_boundaries, ["districts"], "en") == []  # surveyed boundaries only


def test_export_prints_the_notes_and_an_approval_number():
    from layers.printing.exports import export_png

    catalogue = load_catalogue()
    result = export_png(catalogue, ExportRequest(layers=catalogue.plan_layers("2024"), lang="en",
                                                 approval_no="浙S(2026)001号", organisation="Huzhou planning"))
    assert result.notes and result.notes[0].startswith("Schematic map")
    assert result.png.startswith(b"\x89PNG")


def test_plan_presets_come_from_the_catalogue_groups():
    catalogue = load_catalogue()
    assert catalogue.plans() == ["2019", "2024"]
    plan_2024 = catalogue.plan_layers("2024")
    assert "overlay_2024_cores" in plan_2024 and "districts" in plan_2024 and "overlay_2019_belts" not in plan_2024
    with pytest.raises(KeyError):
        catalogue.plan_layers("2030")


def test_export_png_help_explains_every_option_with_examples():
    out = subprocess.run([sys.executable, "-m", "layers", "export-png", "--help"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    from layers.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    export = sub.choices["export-png"]
    undocumented = [a.dest for a in export._actions if not a.help]
    assert undocumented == []
    assert "examples:" in out and "--plan 2024" in out and "python -m layers list" in out
    assert "--orientation" in out and "export-pdf" in out



@pytest.mark.parametrize("argv,title", [
    (["--lang", "en"], "Huzhou"),
    ([], "湖州市"),
    (["--lang", "en", "--title", "湖州"], "湖州"),
])
def test_the_cli_default_title_follows_the_language(argv, title):
    from layers.cli import _export_request, build_parser

    args = build_parser().parse_args(["export-png", "--out", "x.png", *argv])
    assert _export_request(args, []).title == title

def test_pdf_handout_has_a_page_per_plan_and_embeds_its_fonts():
    import re

    from layers.printing.exports import export_pdf, pdf_pages

    catalogue = load_catalogue()
    assert pdf_pages(catalogue) == ["2024", "2019", "base"]
    template = ExportRequest(layers=[], title="湖州市", size=page_size(paper="A4", dpi=72, orientation="portrait"),
                             date=DATE, approval_no="浙S(2026)001号")
    pdf = export_pdf(catalogue, template)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3
    assert b"/FontFile2" in pdf  # TrueType embedded (pdf.fonttype 42), not a Type 3 bitmap font
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+NotoSansCJK", pdf)  # the Chinese face, subset
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", export_pdf(catalogue, template, ["base"]))) == 1
    with pytest.raises(ExportError, match="unknown PDF page '2030'"):
        export_pdf(catalogue, template, ["2030"])


@pytest.mark.parametrize("args, expected", [
    (["--pages", "2024,nope"], "unknown PDF page 'nope'"),
    (["--pages", " , "], "--pages is empty"),
    (["--paper", "A5"], "unknown paper 'A5'"),
    (["--paper", "A4", "--dpi", "20"], "dpi 20 out of range"),
])
def test_cli_pdf_rejects_bad_arguments(tmp_path, args, expected):
    out = tmp_path / "x.pdf"
    result = subprocess.run([sys.executable, "-m", "layers", "export-pdf", "--out", str(out), *args],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and expected in result.stderr
    assert not out.exists()


def test_orientation_is_checked_and_swaps_the_page():
    from layers.printing.printmap import PageSize

    assert page_size(paper="A4", dpi=100, orientation="portrait") == PageSize(827, 1169, 100)
    assert page_size("1920x1080", orientation="portrait").portrait
    with pytest.raises(ExportError, match="unknown orientation 'sideways'"):
        page_size(paper="A4", orientation="sideways")


def test_export_pdf_help_explains_every_option_with_examples():
    from layers.cli import build_parser

    out = subprocess.run([sys.executable, "-m", "layers", "export-pdf", "--help"], capture_output=True, text=True,
                         cwd=REPO).stdout
    sub = next(a for a in build_parser()._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    assert [a.dest for a in sub.choices["export-pdf"]._actions if not a.help] == []
    assert "examples:" in out and "--orientation portrait" in out and "python -m layers list" in out
