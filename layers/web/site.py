"""The published map as static files (`python -m layers publish OUT/`): no Python and no
Streamlit at view time, so any web server or CDN serves it to any number of viewers.

It is the app's own map underneath: the same runtime bundle, the same published layer copies
(content-hashed, so they cache forever) and the same configuration per language, with their
URLs made relative to the folder. What the app computes per request in Python is computed
here once: the search index and the project table. Everything is written deterministically
(same data, same bytes) and gzip- and brotli-precompressed (deploy/nginx-site.conf serves
those as such). The folder is built beside OUT and swapped in, so a server keeps serving a
whole site while it is replaced.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

from layers import i18n, settings
from layers.model.catalogue import Catalogue, load_catalogue
from layers.plans.projects import focus_for, lead_units, project_rows
from layers.web import assets
from layers.web.mapconfig import district_anchors, map_config
from layers.web.search import _view as search_view
from layers.web.session import LayerRegistry, LayerView
from layers.web.webmap import _PAGE_CSS, HUZHOU_BOUNDS, LABEL_PANE, MAP_BUNDLE, pane_name

SITE_DIR = settings.JS_DIR / "site"
MARKER = ".hz-site"  # names a folder this command wrote, so a re-publish may replace it
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".geojson", ".svg")
LEAFLET_DIST = assets.NODE_MODULES / "leaflet" / "dist"


class SiteError(Exception):
    """A publish that cannot go ahead (the message says why and what to do)."""


@dataclass(frozen=True)
class SiteReport:
    folder: Path
    files: int  # without the precompressed copies
    total_bytes: int
    layers: int


class _Folder:
    """Files of the site being built: content-hashed names for everything but index.html."""

    def __init__(self, root: Path):
        self.root = root
        self.written: list[Path] = []

    def put(self, relative: str, content: bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.written.append(path)
        return relative

    def hashed(self, folder: str, stem: str, suffix: str, content: bytes) -> str:
        return self.put(f"{folder}/{stem}.{hashlib.sha256(content).hexdigest()[:12]}{suffix}", content)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


def _relocate_layers(config: dict, site: _Folder, copied: dict[str, str]) -> None:
    """The configuration names the app's published copies (/app/static/layers/...): copy each
    into data/ and point the configuration there, relative to index.html."""
    prefix = f"{settings.STATIC_URL}/layers/"

    def local(url: str) -> str:
        if url not in copied:
            if not url.startswith(prefix):
                raise SiteError(f"layer copy {url} is not a published layer file")
            name = url[len(prefix):]
            copied[url] = site.put(f"data/{name}", (assets.LAYER_DATA_DIR / name).read_bytes())
        return copied[url]

    for cfg in config["layers"].values():
        if cfg.get("url"):
            cfg["url"] = local(cfg["url"])
        cfg["lods"] = [[zoom, local(url)] for zoom, url in cfg.get("lods") or []]


def _search_index(catalogue: Catalogue, views: dict[str, LayerView]) -> list[dict[str, Any]]:
    """What the site's search box looks in: every named feature of every layer, with where to
    fly (the same centre and zoom the app's search uses, layers/web/search.py)."""
    out = []
    for spec in sorted(catalogue.layers, key=lambda s: s.order):
        for feature in (views[spec.id].data or {}).get("features", []):
            props = feature["properties"]
            center, zoom = search_view(feature.get("geometry"))
            out.append({"layer": spec.id, "id": props["id"], "zh": str(props.get("name_zh") or ""),
                        "en": str(props.get("name_en") or ""),
                        "center": [round(center[0], 5), round(center[1], 5)] if center else None, "zoom": zoom})
    return out


def _projects(catalogue: Catalogue, views: dict[str, LayerView], lang: str) -> dict[str, Any]:
    datasets = {s.id: views[s.id].data for s in catalogue.layers if views[s.id].data}
    rows = project_rows(catalogue, datasets, lang)
    return {
        "rows": [{"number": r.number, "name": r.name, "content": r.content, "lead_unit": r.lead_unit,
                  "district": r.district, "related": r.related, "focus": focus_for(r, 0),
                  "layers": sorted({t.layer_id for t in r.targets})} for r in rows],
        "lead_units": lead_units(rows),
        "districts": [{"match": d["name_zh"], "name": d["name"]} for d in district_anchors(catalogue, views, lang)],
    }


def _site_words(lang: str) -> dict[str, Any]:
    words = i18n.page("site", lang)
    words.update({"title": i18n.t("app_title", lang), "search": i18n.t("search", lang),
                  "no_results": i18n.t("no_results", lang), "unlocated_note": i18n.t("unlocated_note", lang),
                  "data_sources": i18n.t("data_sources", lang), "layers": i18n.t("layers", lang),
                  "show_all": i18n.t("show_all", lang), "hide_all": i18n.t("hide_all", lang)})
    words["projects"] = i18n.page("projects", lang)
    words["lang_names"] = {code: i18n.page("widgets", "zh")[f"lang_{code}"] for code in i18n.LANGS}
    return words


def _index_html(boot: dict[str, Any], css: list[str], scripts: list[str]) -> bytes:
    template = (SITE_DIR / "index.html").read_text(encoding="utf-8")
    # The boot JSON sits in a <script type="application/json">: "</" must not end it early.
    boot_text = json.dumps(boot, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    page = (template.replace("__TITLE__", i18n.t("app_title", i18n.DEFAULT_LANG))
            .replace("__CSS__", "\n".join(f'<link rel="stylesheet" href="{href}">' for href in css))
            .replace("__PAGE_CSS__", _PAGE_CSS.strip())
            .replace("__BOOT__", boot_text)
            .replace("__SCRIPTS__", "\n".join(f'<script src="{src}"></script>' for src in scripts)))
    return page.encode("utf-8")


def _precompress(site: _Folder) -> None:
    """A .gz and a .br beside every text file where they are smaller (fixed header time, so
    two publishes of the same data give the same bytes)."""
    for path in list(site.written):
        if path.suffix not in COMPRESSIBLE:
            continue
        raw = path.read_bytes()
        for suffix, packed in ((".gz", gzip.compress(raw, compresslevel=9, mtime=0)),
                               (".br", brotli.compress(raw, quality=11))):
            if len(packed) < len(raw):
                path.with_name(path.name + suffix).write_bytes(packed)


def build_site(root: Path, catalogue: Catalogue | None = None) -> SiteReport:
    """Write the whole site into the empty folder `root`."""
    catalogue = catalogue or load_catalogue()
    registry = LayerRegistry()
    views = {spec.id: registry.view(spec) for spec in catalogue.layers}
    broken = [f"{spec.id}: {views[spec.id].findings[0]}" for spec in catalogue.layers if views[spec.id].url is None]
    if broken:
        raise SiteError("these layers do not validate, so the site would lack them; fix them first "
                        "(python -m layers validate): " + "; ".join(broken))
    site = _Folder(root)
    copied: dict[str, str] = {}
    configs, pages = {}, {}
    for lang in i18n.LANGS:
        config = map_config(catalogue, views, lang, gcj=False)
        _relocate_layers(config, site, copied)
        configs[lang] = site.hashed("data", f"config.{lang}", ".json", _json(config))
        page = {"words": _site_words(lang), "projects": _projects(catalogue, views, lang)}
        pages[lang] = site.hashed("data", f"site.{lang}", ".json", _json(page))
    search = site.hashed("data", "search", ".json", _json(_search_index(catalogue, views)))
    for image in sorted((LEAFLET_DIST / "images").glob("*.png")):  # leaflet.css names them relatively
        site.put(f"assets/images/{image.name}", image.read_bytes())
    css = [site.hashed("assets", "leaflet", ".css", (LEAFLET_DIST / "leaflet.css").read_bytes()),
           site.hashed("assets", "site", ".css", (SITE_DIR / "site.css").read_bytes())]
    scripts = [site.hashed("assets", "map", ".js", assets.bundle_bytes(MAP_BUNDLE)),
               site.hashed("assets", "site", ".js", (SITE_DIR / "site.js").read_bytes())]
    boot = {"configs": configs, "pages": pages, "search": search, "langs": list(i18n.LANGS), "default_lang": i18n.DEFAULT_LANG,
            "defaults": [s.id for s in catalogue.layers if s.visible], "bounds": HUZHOU_BOUNDS,
            "panes": [[pane_name(s), 400 + s.order] for s in catalogue.layers] + [[LABEL_PANE, 650]]}
    site.put("index.html", _index_html(boot, css, scripts))
    _precompress(site)
    files = len(site.written)
    site.put(MARKER, b"written by python -m layers publish; a re-publish replaces this folder\n")
    return SiteReport(root, files, sum(p.stat().st_size for p in site.written), len(catalogue.layers))


def publish_site(out: Path, catalogue: Catalogue | None = None) -> SiteReport:
    """Build beside `out`, then swap it in. An existing `out` is replaced only if an earlier
    publish wrote it (its marker file); any other non-empty folder is left alone."""
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SiteError(f"{out} exists and was not written by `publish`; choose an empty or new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    building.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    try:
        report = build_site(building, catalogue)
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        building.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return SiteReport(out, report.files, report.total_bytes, report.layers)


def site_zip(catalogue: Catalogue | None = None) -> bytes:
    """The site as one zip (the Export page's download), with fixed file times."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        build_site(root, catalogue)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != MARKER):
                info = zipfile.ZipInfo(f"huzhou-map/{path.relative_to(root).as_posix()}", date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        return buffer.getvalue()
