"""Command line for GIS staff and CI: `python -m layers validate|fmt|list`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers import settings
from layers.model.catalogue import LayerSpec, load_catalogue
from layers.i18n import page as page_strings
from layers.model.findings import ERROR, Finding, LayerError
from layers.model.storage import atomic_write_text, dumps_canonical, read_geojson
from layers.io.loader import validate_layer_data


def _specs_for(files: list[str]) -> list[tuple[LayerSpec, Path]]:
    catalogue = load_catalogue()
    if not files:
        return [(spec, spec.path) for spec in catalogue.layers]
    by_file = {spec.file: spec for spec in catalogue.layers}
    chosen = []
    for name in files:
        path = Path(name)
        spec = by_file.get(path.name)
        if spec is None:
            raise SystemExit(f"{name}: no catalogue entry uses a file called {path.name} "
                             f"(known: {', '.join(sorted(by_file))})")
        chosen.append((spec, path))
    return chosen


def _check(spec: LayerSpec, path: Path) -> tuple[list[Finding], dict | None]:
    """Findings for one file, and its data when it is usable for the cross-layer rules."""
    try:
        data = read_geojson(path)
    except LayerError as exc:
        return exc.findings, None
    findings = validate_layer_data(spec, data, path.name)
    return findings, None if any(f.severity == ERROR for f in findings) else data


def _unlocated(data: dict | None) -> int:
    return sum(1 for f in (data or {}).get("features", []) if isinstance(f, dict) and f.get("geometry") is None)


def _collect(files: list[str]) -> tuple[list[Finding], list[Path], dict[str, int]]:
    """Catalogue, each layer, then the rules across layers (derived layers included)."""
    from layers.model.catalogue import catalogue_findings
    from layers.io.loader import load_layer
    from layers.checks.rules import check_rules
    from layers.plans.overlay_build import overlay_findings

    findings = catalogue_findings()
    if any(f.severity == ERROR for f in findings):
        return findings, [settings.CATALOGUE_FILE], {}  # layers cannot be read without a catalogue
    catalogue = load_catalogue()
    checked = _specs_for(files)
    checked_ids = {spec.id for spec, _ in checked}
    datasets: dict[str, dict] = {}
    unlocated: dict[str, int] = {}
    for spec, path in checked:
        layer_findings, data = _check(spec, path)
        findings.extend(layer_findings)
        if data is not None:
            datasets[spec.id] = data
            unlocated[spec.id] = _unlocated(data)
    for spec in catalogue.layers:  # the rules need the other layers too: as they are on disk
        if spec.id not in datasets and spec.id not in checked_ids:
            layer = load_layer(spec)
            if layer.ok:
                datasets[spec.id] = layer.data
    names = {path.name for _, path in checked} | {spec.file for spec, _ in checked}
    rule_findings = check_rules(catalogue, datasets) + overlay_findings(catalogue, datasets)
    findings.extend(f for f in rule_findings if not files or f.file in names)
    return findings, [p for _, p in checked], unlocated


def cmd_validate(args: argparse.Namespace) -> int:
    findings, checked, unlocated = _collect(args.files)
    n_errors = sum(f.severity == ERROR for f in findings)
    if args.format == "json":
        json.dump({"files": [str(p) for p in checked], "errors": n_errors, "unlocated": unlocated,
                   "findings": [f.to_dict() for f in findings]}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for finding in findings:
            print(finding)
        counts = ", ".join(f"{layer} {n}" for layer, n in unlocated.items() if n)
        if counts:
            print(f"unlocated (no position yet): {counts}")
        print(f"{len(checked)} file(s) checked, {n_errors} error(s), {len(findings) - n_errors} warning(s)")
    return 1 if n_errors else 0


def cmd_fmt(args: argparse.Namespace) -> int:
    """Rewrite each readable layer canonically; a file that cannot be read or formatted is
    reported (file and reason) and left exactly as it was."""
    changed = failed = 0
    for spec, path in _specs_for(args.files):
        try:
            data = read_geojson(path)
            text = dumps_canonical(data)
        except LayerError as exc:
            failed += 1
            for finding in exc.findings:
                print(finding, file=sys.stderr)
            continue
        except (KeyError, TypeError, AttributeError, ValueError) as exc:  # not shaped like GeoJSON
            failed += 1
            print(Finding(ERROR, path.name, f"cannot be formatted: {type(exc).__name__}: {str(exc)[:120]}",
                          "run `python -m layers validate` on it for the details"), file=sys.stderr)
            continue
        if path.read_text(encoding="utf-8") != text:
            changed += 1
            if args.check:
                print(f"would reformat {path}")
            else:
                atomic_write_text(path, text)
                print(f"reformatted {path}")
    return 1 if failed or (args.check and changed) else 0


def _layer_ids(args: argparse.Namespace, catalogue) -> list[str]:
    from layers.printing.printmap import ExportError

    if args.plan and args.layers:
        raise ExportError("give either --layers or --plan, not both")
    if args.plan:
        try:
            return catalogue.plan_layers(args.plan)
        except KeyError as exc:
            raise ExportError(str(exc.args[0])) from exc
    return args.layers.split(",") if args.layers else [s.id for s in catalogue.layers if s.visible]


def _export_request(args: argparse.Namespace, layer_ids: list[str], default_paper: str | None = None):
    from layers.printing.printmap import ExportRequest, page_size, parse_bbox

    paper = args.paper or (None if args.size else default_paper)
    title = args.title or page_strings("export", args.lang)["default_title"]
    return ExportRequest(layers=layer_ids, bbox=parse_bbox(args.bbox),
                         size=page_size(args.size, paper, args.dpi, args.orientation),
                         title=title, subtitle=args.subtitle, lang=args.lang,
                         transparent=getattr(args, "transparent", False), basemap=getattr(args, "basemap", None),
                         approval_no=args.approval_no, organisation=args.organisation)


def cmd_export_png(args: argparse.Namespace) -> int:
    from layers.printing.exports import export_png
    from layers.printing.fonts import MissingFontError
    from layers.printing.printmap import ExportError

    catalogue = load_catalogue()
    try:
        request = _export_request(args, _layer_ids(args, catalogue))
        png = export_png(catalogue, request).png
    except (ExportError, MissingFontError) as exc:
        print(f"export-png: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(png)
    print(f"wrote {args.out} ({request.size.width_px}×{request.size.height_px} px, {request.size.dpi} dpi)")
    return 0


def cmd_export_pdf(args: argparse.Namespace) -> int:
    from layers.printing.exports import export_pdf, pdf_pages
    from layers.printing.fonts import MissingFontError
    from layers.printing.printmap import ExportError

    catalogue = load_catalogue()
    try:
        pages = [p.strip() for p in args.pages.split(",") if p.strip()] if args.pages else pdf_pages(catalogue)
        if not pages:
            raise ExportError("--pages is empty; give e.g. 2024,2019,base")
        request = _export_request(args, [], default_paper="A4")
        pdf = export_pdf(catalogue, request, pages)
    except (ExportError, MissingFontError) as exc:
        print(f"export-pdf: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(pdf)
    print(f"wrote {args.out} ({len(pages)} page(s): {', '.join(pages)})")
    return 0


def cmd_import_osm(args: argparse.Namespace) -> int:
    from layers.editing.editing import ConflictError
    from layers.editing.osm_import import import_osm

    extract = Path(args.extract)
    if not extract.exists():
        print(f"import-osm: {extract} not found", file=sys.stderr)
        return 2
    try:
        report = import_osm(extract, load_catalogue(), write=not args.dry_run)
    except LayerError as exc:
        for finding in exc.findings:
            print(f"import-osm: {finding}", file=sys.stderr)
        print("import-osm: nothing was written", file=sys.stderr)
        return 1
    except ConflictError as exc:
        print(f"import-osm: {exc}; nothing was written", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    print(f"{len(report.matched)} feature(s) matched" + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def cmd_build_overlays(args: argparse.Namespace) -> int:
    from layers.plans.overlay_build import stale_overlays
    from layers.model.storage import atomic_write_text

    try:
        stale = stale_overlays(load_catalogue())
    except LayerError as exc:
        for finding in exc.findings:
            print(f"build-overlays: {finding}", file=sys.stderr)
        return 2
    for name, text in stale.items():
        if args.check:
            print(f"stale: {name}")
        else:
            atomic_write_text(settings.GEODATA_DIR / name, text)
            print(f"wrote {name}")
    return 1 if (args.check and stale) else 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from layers.editing.auth import hash_password

    password = getpass.getpass("new editor password: ")
    if password != getpass.getpass("again: "):
        print("hash-password: the two entries differ", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from layers.web.site import SiteError, publish_site

    try:
        report = publish_site(Path(args.out))
    except SiteError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {report.folder}: {report.layers} layers, {report.files} files, {report.total_bytes / 1e6:.1f} MB "
          "(plus .gz/.br copies); serve it as static files, e.g. with deploy/nginx-site.conf")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    for spec in load_catalogue().layers:
        print(f"{spec.id:20} {spec.group:14} {spec.geometry:10} {spec.file}  {spec.title_zh} / {spec.title_en}")
    return 0


def _add_page_options(p: argparse.ArgumentParser, paper_default: str) -> None:
    """Size, language and note options shared by export-png and export-pdf."""
    p.add_argument("--bbox", help="extent lon_min,lat_min,lon_max,lat_max in WGS 84 (default: Huzhou, fitted "
                   "to the map frame)")
    p.add_argument("--size", help="slide size in pixels: 1920x1080 (150 dpi) or 3840x2160 (300 dpi)"
                   f"; default {paper_default}")
    p.add_argument("--paper", help="paper instead of a slide: A4 or A3, at --dpi")
    p.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape",
                   help="landscape (default) or portrait: a portrait page puts legend and inset under the map")
    p.add_argument("--dpi", type=int, default=300, help="dots per inch for --paper (72–600, default 300)")
    p.add_argument("--title", help="title at the top left (default 湖州市, or Huzhou with --lang en)")
    p.add_argument("--subtitle", default="", help="smaller line under the title")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of labels, legend and notes (default zh)")
    p.add_argument("--approval-no", default="", help="map approval number (审图号) to print, e.g. 浙S(2026)001号")
    p.add_argument("--organisation", default="", help="organisation that made the map, printed beside the date")


def _add_export_png(sub) -> None:
    p = sub.add_parser(
        "export-png", help="render a presentation-ready PNG map",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Render a PNG for slides or reports: title, legend, scale bar, north arrow, locator "
                    "inset, sources line, and the honesty marks (示意图 when schematic geometry is drawn, the "
                    "count of plan features without a position, optional 审图号). Every piece gets its own box; "
                    "scale bar and north arrow go to the map corners with the fewest labels.",
        epilog="examples:\n"
               "  python -m layers export-png --out huzhou.png\n"
               "  python -m layers export-png --out plan2024.png --plan 2024 --title 一带三核五区\n"
               "  python -m layers export-png --out a4.png --paper A4 --dpi 300 --lang en --title Huzhou\n"
               "  python -m layers export-png --out a3p.png --paper A3 --orientation portrait --plan 2019\n"
               "  python -m layers export-png --out rail.png --layers districts,rail_lines,rail_stations \\\n"
               "      --approval-no 浙S(2026)001号 --organisation 湖州市规划院\n"
               "layer ids: python -m layers list; a handout PDF: python -m layers export-pdf --help")
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--layers", help="comma-separated layer ids (see `python -m layers list`); "
                   "default: the layers shown when the map opens")
    p.add_argument("--plan", help="a plan framework's preset instead of --layers: base layers plus that "
                   "plan's overlays (e.g. 2024 for 一带三核五区, 2019 for 一核两带三区四向)")
    _add_page_options(p, "1920x1080")
    p.add_argument("--transparent", action="store_true", help="transparent background (for overlaying in slides)")
    p.add_argument("--basemap", choices=("osm", "carto"), help="online tiles under the layers (cached on disk; "
                   "skipped with a note when offline)")
    p.set_defaults(func=cmd_export_png)


def _add_export_pdf(sub) -> None:
    p = sub.add_parser(
        "export-pdf", help="render a multi-page PDF handout, one page per plan framework",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Render a PDF handout: one page per plan framework (2024 一带三核五区, 2019 一核两带三区四向) "
                    "and one of base data, each with the same layout, legend and honesty marks as export-png. "
                    "Fonts (Noto Sans CJK) are embedded, so the file prints the same anywhere.",
        epilog="examples:\n"
               "  python -m layers export-pdf --out handout.pdf\n"
               "  python -m layers export-pdf --out handout-en.pdf --lang en --title Huzhou\n"
               "  python -m layers export-pdf --out a3.pdf --paper A3 --orientation portrait --pages 2024,base\n"
               "  python -m layers export-pdf --out slides.pdf --size 1920x1080 --approval-no 浙S(2026)001号\n"
               "layer ids and groups: python -m layers list")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--pages", help="comma-separated pages in order: plan years and/or 'base' "
                   "(default 2024,2019,base)")
    _add_page_options(p, "A4 paper")
    p.set_defaults(func=cmd_export_pdf)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Huzhou planning map tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check GeoJSON layers against the catalogue (all by default)")
    p.add_argument("files", nargs="*")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("fmt", help="rewrite layers in canonical form (idempotent)")
    p.add_argument("files", nargs="*")
    p.add_argument("--check", action="store_true", help="only report files that would change")
    p.set_defaults(func=cmd_fmt)
    _add_export_png(sub)
    _add_export_pdf(sub)
    p = sub.add_parser("import-osm", help="take rail/waterway alignments from an OSM extract (.osm/.osm.pbf)")
    p.add_argument("extract")
    p.add_argument("--dry-run", action="store_true", help="report matches without writing")
    p.set_defaults(func=cmd_import_osm)
    p = sub.add_parser("build-overlays", help="derive the plan overlay layers from the base layers")
    p.add_argument("--check", action="store_true", help="exit 1 if committed overlays are out of date")
    p.set_defaults(func=cmd_build_overlays)
    p = sub.add_parser("hash-password", help="print a password hash for .streamlit/secrets.toml [editors]")
    p.set_defaults(func=cmd_hash_password)
    p = sub.add_parser("publish", help="write the map as a static web site (no Python at view time)")
    p.add_argument("out", help="folder to write (new, empty, or one an earlier publish wrote)")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("list", help="list catalogue layers")
    p.set_defaults(func=cmd_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LayerError as exc:  # e.g. a broken catalogue: every finding, no traceback
        for finding in exc.findings:
            print(finding, file=sys.stderr)
        return 1
