"""Command line for GIS staff and CI: `python -m layers validate|fmt|list`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .catalogue import LayerSpec, load_catalogue
from .findings import ERROR, Finding, LayerError
from .storage import dumps_canonical, read_geojson, write_geojson
from .loader import validate_layer_data


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


def _check(spec: LayerSpec, path: Path) -> list[Finding]:
    try:
        data = read_geojson(path)
    except LayerError as exc:
        return exc.findings
    return validate_layer_data(spec, data, path.name)


def cmd_validate(args: argparse.Namespace) -> int:
    findings: list[Finding] = []
    checked = _specs_for(args.files)
    for spec, path in checked:
        findings.extend(_check(spec, path))
    n_errors = sum(f.severity == ERROR for f in findings)
    if args.format == "json":
        json.dump({"files": [str(p) for _, p in checked], "errors": n_errors,
                   "findings": [f.to_dict() for f in findings]}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for finding in findings:
            print(finding)
        print(f"{len(checked)} file(s) checked, {n_errors} error(s), {len(findings) - n_errors} warning(s)")
    return 1 if n_errors else 0


def cmd_fmt(args: argparse.Namespace) -> int:
    changed = 0
    for spec, path in _specs_for(args.files):
        try:
            data = read_geojson(path)
        except LayerError as exc:
            print(exc, file=sys.stderr)
            return 1
        text = dumps_canonical(data)
        if path.read_text(encoding="utf-8") != text:
            changed += 1
            if args.check:
                print(f"would reformat {path}")
            else:
                write_geojson(path, data)
                print(f"reformatted {path}")
    return 1 if (args.check and changed) else 0


def cmd_export_png(args: argparse.Namespace) -> int:
    from .exporting import export_png
    from .fonts import MissingFontError
    from .printmap import ExportError, ExportRequest, page_size, parse_bbox

    catalogue = load_catalogue()
    try:
        layer_ids = args.layers.split(",") if args.layers else [s.id for s in catalogue.layers if s.visible]
        request = ExportRequest(layers=layer_ids, bbox=parse_bbox(args.bbox),
                                size=page_size(args.size, args.paper, args.dpi),
                                title=args.title, subtitle=args.subtitle, lang=args.lang,
                                transparent=args.transparent, basemap=args.basemap)
        png = export_png(catalogue, request).png
    except (ExportError, MissingFontError) as exc:
        print(f"export-png: {exc}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(png)
    print(f"wrote {args.out} ({request.size.width_px}×{request.size.height_px} px, {request.size.dpi} dpi)")
    return 0


def cmd_import_osm(args: argparse.Namespace) -> int:
    from .osm_import import import_osm

    extract = Path(args.extract)
    if not extract.exists():
        print(f"import-osm: {extract} not found", file=sys.stderr)
        return 2
    report = import_osm(extract, load_catalogue(), write=not args.dry_run)
    for line in report.lines():
        print(line)
    print(f"{len(report.matched)} feature(s) matched" + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def cmd_build_overlays(args: argparse.Namespace) -> int:
    from .overlay_build import OverlayError, build_overlays
    from .paths import GEODATA_DIR
    from .storage import atomic_write_text

    try:
        built = build_overlays(load_catalogue())
    except OverlayError as exc:
        print(f"build-overlays: {exc}", file=sys.stderr)
        return 2
    stale = [name for name, text in built.items()
             if not (GEODATA_DIR / name).exists() or (GEODATA_DIR / name).read_text(encoding="utf-8") != text]
    for name in stale:
        if args.check:
            print(f"stale: {name}")
        else:
            atomic_write_text(GEODATA_DIR / name, built[name])
            print(f"wrote {name}")
    return 1 if (args.check and stale) else 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from .auth import hash_password

    password = getpass.getpass("new editor password: ")
    if password != getpass.getpass("again: "):
        print("hash-password: the two entries differ", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    for spec in load_catalogue().layers:
        print(f"{spec.id:20} {spec.group:14} {spec.geometry:10} {spec.file}  {spec.title_zh} / {spec.title_en}")
    return 0


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
    p = sub.add_parser("export-png", help="render a presentation-ready PNG map")
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--layers", help="comma-separated layer ids (default: the default-visible layers)")
    p.add_argument("--bbox", help="lon_min,lat_min,lon_max,lat_max (default: Huzhou)")
    p.add_argument("--size", help="1920x1080 (default) or 3840x2160")
    p.add_argument("--paper", help="A4 or A3 landscape (with --dpi)")
    p.add_argument("--dpi", type=int, default=300)
    p.add_argument("--title", default="湖州市")
    p.add_argument("--subtitle", default="")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--transparent", action="store_true", help="transparent background")
    p.add_argument("--basemap", choices=("osm", "carto"), help="online tiles under the layers (cached on disk; "
                   "skipped with a note when offline)")
    p.set_defaults(func=cmd_export_png)
    p = sub.add_parser("import-osm", help="take rail/waterway alignments from an OSM extract (.osm/.osm.pbf)")
    p.add_argument("extract")
    p.add_argument("--dry-run", action="store_true", help="report matches without writing")
    p.set_defaults(func=cmd_import_osm)
    p = sub.add_parser("build-overlays", help="derive the plan overlay layers from the base layers")
    p.add_argument("--check", action="store_true", help="exit 1 if committed overlays are out of date")
    p.set_defaults(func=cmd_build_overlays)
    p = sub.add_parser("hash-password", help="print a password hash for .streamlit/secrets.toml [editors]")
    p.set_defaults(func=cmd_hash_password)
    p = sub.add_parser("list", help="list catalogue layers")
    p.set_defaults(func=cmd_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
